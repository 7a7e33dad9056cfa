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
import { azureLimitSummary } from "../../azure/errors";
import type { RunOutputs } from "../../common/records";
import { azureMlJobWatch, AzureMlWatchOptions } from "../azureml/job-watch";
import { azureNativePluginRequirement } from "../azureml/section";
import type { JobResult, RunTarget } from "../types";
import type { SparkProgramOptions } from "./program";
import { ResolvedSparkSection, SparkSection, sparkSpec } from "./spec";

export * from "./spec";

export interface SparkTargetOptions extends SparkProgramOptions, AzureMlWatchOptions {}

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

/** Builds the target; options are for tests and non-default environments. */
export function createSparkTarget(options: SparkTargetOptions = {}): RunTarget<SparkSection, ResolvedSparkSection> {
    const watch = azureMlJobWatch(options);
    return {
        name: "spark",
        description:
            "an Azure ML Spark job on serverless Spark compute (no cluster to keep), in a platform stack's workspace",
        spec: sparkSpec,
        plugins: () => [azureNativePluginRequirement()],
        program: (ctx) => async () => (await import("./program")).sparkProgram(ctx, options)(),
        explainError: azureLimitSummary,

        async wait(ctx, outputs): Promise<JobResult> {
            const result = await watch.wait(ctx, outputs);
            return { status: result.status, detail: result.detail };
        },

        async collect(ctx, outputs): Promise<RunOutputs> {
            const result = watch.take(ctx.runId);
            return sparkRunOutputs(result?.outputs ?? {}, String(outputs.outputUri?.value ?? "") || undefined);
        },
    };
}

export const sparkTarget = createSparkTarget();
