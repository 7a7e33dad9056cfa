/**
 * The `aml` target: the run stack holds an AmlCompute cluster (0 nodes when
 * idle) and one Command job in the workspace of a base stack; the driver
 * watches the job through ARM and the stack's destroy removes the cluster.
 *
 * The job runs the same scoring script as the `local` target. The script,
 * the model and a local input CSV reach the job as blobs uploaded by the run
 * stack (BlobFiles, Entra auth) into a container of the workspace's storage
 * account, passed as `uri_file` inputs; the script is an input rather than a
 * code asset because a code asset needs the same upload plus an immutable,
 * versioned registration that outlives the run. Predictions and metrics go to
 * the workspace's default datastore, under `batch-runs/<series>/<stack>/`,
 * which outlives the stack.
 *
 * The job accesses data as the submitting identity (`UserIdentity`) by
 * default, so the run stack needs no role assignment of its own: the identity
 * the driver runs as must be able to read and write the storage account.
 * Secrets of the spec are not passed to the job: AML job environment
 * variables are visible to anyone who can read the job.
 */
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { OutputMap } from "@pulumi/pulumi/automation";
import * as path from "node:path";
import { DEFAULT_DATASTORE, ComputeCluster, CommandJob, JobDataArgs } from "../../components/aml";
import { ArmClient, ArmRequester } from "../azure/arm";
import { BlobFiles } from "../azure/blob-files";
import { AmlJobResult, watchAmlJob } from "../azure/job-monitor";
import { JobStatus } from "../events";
import { RunOutputs } from "../records";
import { isRemoteInput, ResolvedAmlRunSpec } from "../spec";
import { CONFIG_ENV_PREFIX } from "./local";
import { JobResult, RunTarget, TargetContext } from "./types";

/** A curated environment with Python 3; the sample script needs nothing beyond the standard library. */
export const DEFAULT_AML_ENVIRONMENT = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest";
export const DEFAULT_UPLOAD_CONTAINER = "data";
export const RUN_FOLDER = "batch-runs";
/** AML refuses job limits under a minute; shorter spec timeouts are enforced by the driver's wait. */
const MIN_JOB_TIMEOUT_SECONDS = 60;

export interface AmlTargetOptions {
    /** Optional. Environment of the job. @default "azureml://registries/azureml/environments/sklearn-1.5/labels/latest" */
    readonly environmentId?: string;
    /** Optional. Container of the workspace's storage account for the uploaded script, model and input. @default "data" */
    readonly uploadContainer?: string;
    /** Optional. Datastore for predictions and metrics. @default "workspaceblobstore" */
    readonly outputDatastore?: string;
    /** Optional. Identity the job reads and writes data with. @default "UserIdentity" */
    readonly jobIdentity?: "UserIdentity" | "Managed";
    /** Optional. ARM client for watching the job. @default - an ArmClient with DefaultAzureCredential, created on first wait */
    readonly arm?: ArmRequester;
    /** Optional. Poll delays (see watchAmlJob). @default - 2 s rising to 60 s */
    readonly pollSchedule?: (n: number) => number;
    /** Optional. See watchAmlJob. @default 900000 */
    readonly stalledTimeoutMs?: number;
    /** Optional. See watchAmlJob. @default 600000 */
    readonly cancelTimeoutMs?: number;
}

/** Where the run's outputs go inside the datastore. Pure. */
export function runOutputPath(ctx: Pick<TargetContext, "stackName" | "spec">): string {
    return `${RUN_FOLDER}/${ctx.spec.series}/${ctx.stackName}/`;
}

/**
 * The job's command line: the local target's, minus the driver-watching
 * switch (the driver is not on the node). Downloaded `uri_file` inputs are
 * local paths, so the script runs as it does on a laptop. Pure.
 */
export function amlCommand(waitSeconds: number): string {
    const wait = waitSeconds > 0 ? ` --wait-seconds ${waitSeconds}` : "";
    return (
        "python ${{inputs.script}} --model ${{inputs.model}} --input ${{inputs.data}} --output-dir ${{outputs.scores}}" +
        wait
    );
}

/** The base stack or workspace the run stack builds on. */
interface Workspace {
    readonly resourceGroupName: pulumi.Output<string>;
    readonly workspaceName: pulumi.Output<string>;
    readonly location?: pulumi.Output<string | undefined>;
    readonly blobEndpoint: pulumi.Output<string>;
}

/** Reads the workspace from the base stack, or from ARM when the spec names the workspace directly. */
function readWorkspace(aml: ResolvedAmlRunSpec): Workspace {
    if (aml.baseStack) {
        const base = new pulumi.StackReference(aml.baseStack);
        return {
            resourceGroupName: base.requireOutput("resourceGroupName") as pulumi.Output<string>,
            workspaceName: base.requireOutput("workspaceName") as pulumi.Output<string>,
            location: base.getOutput("location") as pulumi.Output<string | undefined>,
            blobEndpoint: base.requireOutput("blobEndpoint") as pulumi.Output<string>,
        };
    }
    // validateRunSpec requires both when there is no base stack.
    const workspaceName = aml.workspaceName!;
    const resourceGroupName = aml.resourceGroup!;
    const ws = machinelearningservices.getWorkspaceOutput({ resourceGroupName, workspaceName });
    return {
        resourceGroupName: pulumi.output(resourceGroupName),
        workspaceName: pulumi.output(workspaceName),
        location: ws.apply((w) => w.location),
        // The workspace names its storage account by ARM id; the account name is its last segment.
        blobEndpoint: ws
            .apply((w) => w.storageAccount)
            .apply((id) => {
                if (!id) throw new Error(`workspace ${workspaceName} reports no storage account`);
                return `https://${id.split("/").pop()}.blob.core.windows.net/`;
            }),
    };
}

/** The run stack's program; see the module comment. */
export function amlProgram(ctx: TargetContext, options: AmlTargetOptions = {}): pulumi.automation.PulumiFn {
    const { spec } = ctx;
    const aml = spec.aml;
    if (!aml) throw new Error("the aml target needs spec.aml (validateRunSpec checks this)");
    return async () => {
        const ws = readWorkspace(aml);
        const tags = { "customai-series": spec.series, "customai-run": ctx.runId };
        const scriptName = path.basename(spec.script);
        const localInput = !isRemoteInput(spec.input);
        const files = new BlobFiles("inputs", {
            blobEndpoint: ws.blobEndpoint,
            container: options.uploadContainer ?? DEFAULT_UPLOAD_CONTAINER,
            prefix: `${RUN_FOLDER}/${spec.series}/${ctx.stackName}/inputs`,
            files: {
                [scriptName]: spec.script,
                "model.json": spec.model,
                ...(localInput ? { "input.csv": spec.input } : {}),
            },
        });
        const url = (name: string) => files.urls.apply((u) => u[name]);

        const cluster = new ComputeCluster("score", {
            resourceGroupName: ws.resourceGroupName,
            workspaceName: ws.workspaceName,
            location: ws.location as pulumi.Output<string> | undefined,
            vmSize: aml.vmSize,
            vmPriority: aml.priority,
            minNodes: 0,
            maxNodes: aml.maxNodes,
            tags,
        });

        const file = (p: pulumi.Input<string>): JobDataArgs => ({ path: p, type: "uri_file", mode: "Download" });
        const outputUri = `azureml://datastores/${options.outputDatastore ?? DEFAULT_DATASTORE}/paths/${runOutputPath(ctx)}`;
        const job = new CommandJob(
            "score",
            {
                resourceGroupName: ws.resourceGroupName,
                workspaceName: ws.workspaceName,
                computeId: cluster.clusterId,
                environmentId: options.environmentId ?? DEFAULT_AML_ENVIRONMENT,
                command: amlCommand(spec.waitSeconds),
                distribution: "None",
                instanceCount: 1,
                clusterMaxNodes: cluster.maxNodes,
                inputs: {
                    script: file(url(scriptName)),
                    model: file(url("model.json")),
                    data: file(localInput ? url("input.csv") : spec.input),
                },
                outputs: { scores: { path: outputUri, type: "uri_folder", mode: "ReadWriteMount" } },
                environmentVariables: Object.fromEntries(
                    Object.entries(spec.config).map(([k, v]) => [`${CONFIG_ENV_PREFIX}${k.toUpperCase()}`, v]),
                ),
                experimentName: `customai-${spec.series}`,
                timeoutSeconds: Math.max(MIN_JOB_TIMEOUT_SECONDS, Math.ceil(spec.timeoutMinutes * 60)),
                identity: options.jobIdentity ?? "UserIdentity",
                tags,
            },
            { dependsOn: [files] },
        );

        return {
            jobName: job.jobName,
            jobId: job.job.id,
            clusterName: cluster.clusterName,
            workspaceName: ws.workspaceName,
            resourceGroupName: ws.resourceGroupName,
            outputUri,
        };
    };
}

/** `<folder URI>/<name>` without doubled slashes. Pure. */
export function joinUri(folder: string, name: string): string {
    return `${folder.replace(/\/+$/, "")}/${name}`;
}

/** What collect reports, from the job's outputs (or the planned output folder). Pure. */
export function amlRunOutputs(outputs: Readonly<Record<string, string>>, fallbackFolder?: string): RunOutputs {
    const folder = outputs.scores ?? fallbackFolder;
    if (!folder) throw new Error("the job reported no `scores` output");
    // The metrics stay in the datastore: reading them back needs data-plane access the driver may not have.
    return { predictionsPath: joinUri(folder, "predictions.csv"), metricsPath: joinUri(folder, "metrics.json") };
}

function stringOutput(outputs: OutputMap, key: string): string {
    const value = outputs[key]?.value;
    if (typeof value !== "string" || value.length === 0) throw new Error(`the run stack has no output ${key}`);
    return value;
}

/** Builds the target; options are for tests and non-default environments. */
export function createAmlTarget(options: AmlTargetOptions = {}): RunTarget {
    let arm = options.arm;
    const results = new Map<string, AmlJobResult>();
    const client = () => (arm ??= new ArmClient());
    return {
        program: (ctx) => amlProgram(ctx, options),

        async wait(ctx, outputs): Promise<JobResult> {
            let last: JobStatus | undefined;
            const report = (status: JobStatus, detail?: string) => {
                last = status;
                ctx.onStatus(status, detail);
            };
            const result = await watchAmlJob({
                arm: client(),
                jobResourceId: stringOutput(outputs, "jobId"),
                signal: ctx.signal,
                timeoutMs: ctx.spec.timeoutMinutes * 60_000,
                pollSchedule: options.pollSchedule,
                stalledTimeoutMs: options.stalledTimeoutMs,
                cancelTimeoutMs: options.cancelTimeoutMs,
                onStatus: (u) => report(u.status, u.detail),
            });
            results.set(ctx.runId, result);
            // Timeouts and unconfirmed cancels are not Azure ML statuses, so they were not reported yet.
            if (last !== result.status || result.detail) report(result.status, result.detail);
            return { status: result.status, detail: result.detail };
        },

        async collect(ctx, outputs): Promise<RunOutputs> {
            const result = results.get(ctx.runId);
            results.delete(ctx.runId);
            return amlRunOutputs(result?.outputs ?? {}, String(outputs.outputUri?.value ?? "") || undefined);
        },
    };
}

export const amlTarget: RunTarget = createAmlTarget();
