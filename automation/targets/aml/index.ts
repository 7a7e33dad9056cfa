/**
 * The `aml` target: the run stack holds an AmlCompute cluster (0 nodes when
 * idle) and one Command job in an Azure ML workspace (program.ts); the
 * driver watches the job through ARM and the stack's destroy removes the
 * cluster. Its section of the run spec is in spec.ts.
 *
 * The program, the ARM client and the job monitor load when a run needs
 * them: the registry is read by `customai --help`, which must not pay for
 * the Azure SDKs.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";
import type { ArmRequester } from "../../azure/arm";
import { azureLimitSummary } from "../../azure/errors";
import type { AmlJobResult } from "../../azure/job-monitor";
import type { JobStatus } from "../../common/events";
import type { RunOutputs } from "../../common/records";
import { azureNativePluginRequirement } from "../azureml/section";
import type { JobResult, RunTarget } from "../types";
import type { AmlProgramOptions } from "./program";
import { AmlSection, amlSpec, ResolvedAmlSection } from "./spec";

export * from "./spec";

export interface AmlTargetOptions extends AmlProgramOptions {
    /** Optional. ARM client for watching the job. @default - an ArmClient with DefaultAzureCredential, created on first wait */
    readonly arm?: ArmRequester;
    /** Optional. Poll delays (see watchAmlJob). @default - 2 s rising to 60 s */
    readonly pollSchedule?: (n: number) => number;
    /** Optional. See watchAmlJob. @default 900000 */
    readonly stalledTimeoutMs?: number;
    /** Optional. See watchAmlJob. @default 600000 */
    readonly cancelTimeoutMs?: number;
}

/**
 * Why the job is worth submitting again, when it is: its nodes were
 * preempted and submission `attempt` leaves room under `maxResubmissions`.
 * Pure.
 */
export function resubmitReason(
    result: Pick<AmlJobResult, "preempted" | "detail">,
    attempt: number,
    maxResubmissions: number,
): string | undefined {
    if (!result.preempted || attempt > maxResubmissions) return undefined;
    return `submission ${attempt} lost its Spot nodes (${result.detail ?? "preempted"}); resubmitted (${attempt} of at most ${maxResubmissions} resubmissions)`;
}

/** `<folder URI>/<name>` without doubled slashes. Pure. */
export function joinUri(folder: string, name: string): string {
    return `${folder.replace(/\/+$/, "")}/${name}`;
}

/**
 * What collect reports, from the job's outputs (or the planned output
 * folder). Where the contract's predictions and metrics would be, not
 * whether the job wrote them: reading the datastore back needs data-plane
 * access the driver may not have. Pure.
 */
export function amlRunOutputs(outputs: Readonly<Record<string, string>>, fallbackFolder?: string): RunOutputs {
    const folder = outputs.scores ?? fallbackFolder;
    if (!folder) throw new Error("the job reported no `scores` output");
    return {
        location: folder,
        predictionsPath: joinUri(folder, "predictions.csv"),
        metricsPath: joinUri(folder, "metrics.json"),
    };
}

function stringOutput(outputs: OutputMap, key: string): string {
    const value = outputs[key]?.value;
    if (typeof value !== "string" || value.length === 0) throw new Error(`the run stack has no output ${key}`);
    return value;
}

/** Builds the target; options are for tests and non-default environments. */
export function createAmlTarget(options: AmlTargetOptions = {}): RunTarget<AmlSection, ResolvedAmlSection> {
    let arm = options.arm;
    const results = new Map<string, AmlJobResult>();
    // When each run's first wait began: the spec's timeout bounds the waits of all its submissions.
    const waitStarted = new Map<string, number>();
    const client = async () => (arm ??= new (await import("../../azure/arm")).ArmClient());
    return {
        name: "aml",
        description: "an Azure ML command job on an AmlCompute cluster from 0 nodes, in a platform stack's workspace",
        spec: amlSpec,
        plugins: () => [azureNativePluginRequirement()],
        program: (ctx) => async () => (await import("./program")).amlProgram(ctx, options)(),
        explainError: azureLimitSummary,

        async wait(ctx, outputs): Promise<JobResult> {
            let last: JobStatus | undefined;
            const report = (status: JobStatus, detail?: string) => {
                last = status;
                ctx.onStatus(status, detail);
            };
            const { watchAmlJob } = await import("../../azure/job-monitor");
            if (!waitStarted.has(ctx.runId)) waitStarted.set(ctx.runId, Date.now());
            const waited = Date.now() - waitStarted.get(ctx.runId)!;
            const result = await watchAmlJob({
                arm: await client(),
                jobResourceId: stringOutput(outputs, "jobId"),
                signal: ctx.signal,
                timeoutMs: Math.max(0, ctx.spec.timeoutMinutes * 60_000 - waited),
                pollSchedule: options.pollSchedule,
                stalledTimeoutMs: options.stalledTimeoutMs,
                cancelTimeoutMs: options.cancelTimeoutMs,
                onStatus: (u) => report(u.status, u.detail),
            });
            results.set(ctx.runId, result);
            // Timeouts and unconfirmed cancels are not Azure ML statuses, so they were not reported yet.
            if (last !== result.status || result.detail) report(result.status, result.detail);
            const resubmit = resubmitReason(result, ctx.attempt, ctx.spec.section.maxResubmissions);
            if (resubmit === undefined) waitStarted.delete(ctx.runId);
            return { status: result.status, detail: result.detail, ...(resubmit === undefined ? {} : { resubmit }) };
        },

        async collect(ctx, outputs): Promise<RunOutputs> {
            const result = results.get(ctx.runId);
            results.delete(ctx.runId);
            return amlRunOutputs(result?.outputs ?? {}, String(outputs.outputUri?.value ?? "") || undefined);
        },
    };
}

export const amlTarget = createAmlTarget();
