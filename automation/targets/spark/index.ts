/**
 * The `spark` target (learning path 2-4, batch scoring on Spark): the run
 * stack holds one Azure ML Spark job on serverless Spark compute, with its
 * code asset and uploads (program.ts); there is no long-lived cluster, Azure
 * ML provisions Spark for the job. The driver watches the job through ARM
 * like any Azure ML job (watchAmlJob) and cancels it past the spec's
 * timeout: Spark jobs have no time limit of their own. Its section of the
 * run spec is in spec.ts.
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
import type { SparkProgramOptions } from "./program";
import { ResolvedSparkSection, SparkSection, sparkSpec } from "./spec";

export * from "./spec";

export interface SparkTargetOptions extends SparkProgramOptions {
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
 * What collect reports, from the job's outputs (or the planned output
 * folder): the folder, the Spark CSV folder of predictions (part files) and
 * metrics.json, where the sample Spark script writes them. Not whether the
 * job wrote them: reading the datastore back needs data-plane access the
 * driver may not have. Pure.
 */
export function sparkRunOutputs(outputs: Readonly<Record<string, string>>, fallbackFolder?: string): RunOutputs {
    const folder = (outputs.scores ?? fallbackFolder)?.replace(/\/+$/, "");
    if (!folder) throw new Error("the job reported no `scores` output");
    return {
        location: `${folder}/`,
        predictionsPath: `${folder}/predictions/`,
        metricsPath: `${folder}/metrics.json`,
    };
}

function stringOutput(outputs: OutputMap, key: string): string {
    const value = outputs[key]?.value;
    if (typeof value !== "string" || value.length === 0) throw new Error(`the run stack has no output ${key}`);
    return value;
}

/** Builds the target; options are for tests and non-default environments. */
export function createSparkTarget(options: SparkTargetOptions = {}): RunTarget<SparkSection, ResolvedSparkSection> {
    let arm = options.arm;
    const results = new Map<string, AmlJobResult>();
    const client = async () => (arm ??= new (await import("../../azure/arm")).ArmClient());
    return {
        name: "spark",
        description:
            "an Azure ML Spark job on serverless Spark compute (no cluster to keep), in a platform stack's workspace",
        spec: sparkSpec,
        plugins: () => [azureNativePluginRequirement()],
        program: (ctx) => async () => (await import("./program")).sparkProgram(ctx, options)(),
        explainError: azureLimitSummary,

        async wait(ctx, outputs): Promise<JobResult> {
            let last: JobStatus | undefined;
            const { watchAmlJob } = await import("../../azure/job-monitor");
            const result = await watchAmlJob({
                arm: await client(),
                jobResourceId: stringOutput(outputs, "jobId"),
                signal: ctx.signal,
                timeoutMs: ctx.spec.timeoutMinutes * 60_000,
                pollSchedule: options.pollSchedule,
                stalledTimeoutMs: options.stalledTimeoutMs,
                cancelTimeoutMs: options.cancelTimeoutMs,
                onStatus: (u) => {
                    last = u.status;
                    ctx.onStatus(u.status, u.detail);
                },
            });
            results.set(ctx.runId, result);
            // Timeouts and unconfirmed cancels are not Azure ML statuses, so they were not reported yet.
            if (last !== result.status || result.detail) ctx.onStatus(result.status, result.detail);
            return { status: result.status, detail: result.detail };
        },

        async collect(ctx, outputs): Promise<RunOutputs> {
            const result = results.get(ctx.runId);
            results.delete(ctx.runId);
            return sparkRunOutputs(result?.outputs ?? {}, String(outputs.outputUri?.value ?? "") || undefined);
        },
    };
}

export const sparkTarget = createSparkTarget();
