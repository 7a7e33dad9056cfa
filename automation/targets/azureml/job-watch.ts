/**
 * Waiting for the run stack's Azure ML job, as the `aml` and `spark` targets
 * both do: through ARM (watchAmlJob), until the run's wait deadline (which
 * all submissions of a run share), reporting each status change once. The
 * result of a job that succeeded is kept for collect.
 *
 * The ARM client and the job monitor load on the first wait: the target
 * registry is read by `customai --help`, which must not pay for them.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";
import type { ArmRequester } from "../../azure/arm";
import type { AmlJobResult } from "../../azure/job-monitor";
import type { JobStatus } from "../../common/events";
import type { TargetContext } from "../types";

/** How a target watches its jobs; options are for tests and non-default environments. */
export interface AzureMlWatchOptions {
    /** Optional. ARM client for watching the job. @default - an ArmClient with DefaultAzureCredential, created on first wait */
    readonly arm?: ArmRequester;
    /** Optional. Poll delays (see watchAmlJob). @default - 2 s rising to 60 s */
    readonly pollSchedule?: (n: number) => number;
    /** Optional. See watchAmlJob. @default 900000 */
    readonly stalledTimeoutMs?: number;
    /** Optional. See watchAmlJob. @default 600000 */
    readonly cancelTimeoutMs?: number;
}

/** A string output of the run stack, or an error naming the missing one. */
export function stringOutput(outputs: OutputMap, key: string): string {
    const value = outputs[key]?.value;
    if (typeof value !== "string" || value.length === 0) throw new Error(`the run stack has no output ${key}`);
    return value;
}

/** The watcher of one target: `wait` for a run's job, `take` the result of its successful job once. */
export function azureMlJobWatch(options: AzureMlWatchOptions) {
    let arm = options.arm;
    const succeeded = new Map<string, AmlJobResult>();
    return {
        async wait(ctx: TargetContext, outputs: OutputMap): Promise<AmlJobResult> {
            const { watchAmlJob } = await import("../../azure/job-monitor");
            arm ??= new (await import("../../azure/arm")).ArmClient();
            let last: JobStatus | undefined;
            const report = (status: JobStatus, detail?: string) => {
                last = status;
                ctx.onStatus(status, detail);
            };
            const result = await watchAmlJob({
                arm,
                jobResourceId: stringOutput(outputs, "jobId"),
                signal: ctx.signal,
                timeoutMs: Math.max(0, ctx.waitDeadline - Date.now()),
                pollSchedule: options.pollSchedule,
                stalledTimeoutMs: options.stalledTimeoutMs,
                cancelTimeoutMs: options.cancelTimeoutMs,
                onStatus: (u) => report(u.status, u.detail),
            });
            // Only a successful job is collected; keeping others would grow a long-lived driver's memory.
            if (result.status === "succeeded") succeeded.set(ctx.runId, result);
            // Timeouts and unconfirmed cancels are not Azure ML statuses, so they were not reported yet.
            if (last !== result.status || result.detail) report(result.status, result.detail);
            return result;
        },
        /** The result of the run's successful job, forgotten once taken. */
        take(runId: string): AmlJobResult | undefined {
            const result = succeeded.get(runId);
            succeeded.delete(runId);
            return result;
        },
    };
}
