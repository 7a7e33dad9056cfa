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
import { azureLimitSummary } from "../../azure/errors";
import type { AmlJobResult } from "../../azure/job-monitor";
import type { RunOutputs } from "../../common/records";
import { azureMlJobWatch, AzureMlWatchOptions } from "../azureml/job-watch";
import { azureNativePluginRequirement } from "../azureml/section";
import type { JobResult, RunTarget } from "../types";
import type { AmlProgramOptions } from "./program";
import { AmlSection, amlSpec, ResolvedAmlSection } from "./spec";

export * from "./spec";

export interface AmlTargetOptions extends AmlProgramOptions, AzureMlWatchOptions {}

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

/** Builds the target; options are for tests and non-default environments. */
export function createAmlTarget(options: AmlTargetOptions = {}): RunTarget<AmlSection, ResolvedAmlSection> {
    const watch = azureMlJobWatch(options);
    return {
        name: "aml",
        description: "an Azure ML command job on an AmlCompute cluster from 0 nodes, in a platform stack's workspace",
        spec: amlSpec,
        plugins: () => [azureNativePluginRequirement()],
        program: (ctx) => async () => (await import("./program")).amlProgram(ctx, options)(),
        explainError: azureLimitSummary,

        async wait(ctx, outputs): Promise<JobResult> {
            const result = await watch.wait(ctx, outputs);
            const resubmit = resubmitReason(result, ctx.attempt, ctx.spec.section.maxResubmissions);
            return { status: result.status, detail: result.detail, ...(resubmit === undefined ? {} : { resubmit }) };
        },

        async collect(ctx, outputs): Promise<RunOutputs> {
            const result = watch.take(ctx.runId);
            return amlRunOutputs(result?.outputs ?? {}, String(outputs.outputUri?.value ?? "") || undefined);
        },
    };
}

export const amlTarget = createAmlTarget();
