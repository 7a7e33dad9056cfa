/**
 * The `spark` run stack's program: one Azure ML Spark job on serverless
 * Spark compute (or on an attached Synapse Spark pool, `spark.compute`), in the workspace of a base stack (read through the platform
 * contract) or of a workspace named in the spec. There is no cluster to
 * create or destroy: Azure ML provisions the Spark pool for the job and
 * releases it after (https://learn.microsoft.com/azure/machine-learning/apache-spark-azure-ml-concepts).
 *
 * A Spark job needs a code asset (`codeId` is required), so the code is
 * uploaded with the other local parts of the workload into the container of
 * the workspace's default datastore, under `batch-runs/<series>/<stack>/`,
 * and registered as a code version named `customai-<series>` whose version
 * is the run stack's name. Destroying the stack deletes both (Azure ML's
 * REST API has a delete for code versions:
 * https://learn.microsoft.com/rest/api/azureml/code-versions/delete).
 *
 * Spark reads its data itself, in direct mode: the script gets datastore
 * URIs (`azureml://datastores/…`), for uploaded files too, never local paths.
 * Outputs go to a datastore folder that outlives the stack. The job reads
 * and writes as the identity that runs the driver (`UserIdentity`, serverless
 * Spark's default). Secrets of the spec are not passed to the job: anyone
 * who can read an Azure ML job can read its environment variables.
 */
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { datastoreUri, DEFAULT_DATASTORE, SparkDataArgs, SparkJob } from "../../../components/aml";
import { configEnvironment, DataRef, scriptArguments } from "../../spec";
import { LocalUpload, outputUri, runFolder, runStackBase, Workspace } from "../azureml/stack";
import { TargetContext } from "../types";
import { ResolvedSparkSection } from "./spec";

export type SparkContext = TargetContext<ResolvedSparkSection>;

/** Settings of the target that are not part of a run spec (tests, non-default workspaces). */
export interface SparkProgramOptions {
    /** Optional. Blob datastore of the workspace that receives uploads and, when the spec names none, outputs. @default "workspaceblobstore" */
    readonly datastore?: string;
    /** Optional. Identity the job reads and writes data with. @default "UserIdentity" */
    readonly jobIdentity?: "UserIdentity" | "Managed";
}

/** The entry file relative to the uploaded code folder: the script's path under `code.dir`, or its name. Pure. */
export function entryFile(ctx: Pick<SparkContext, "spec">): string {
    const { code } = ctx.spec.workload;
    return code.dir ? path.relative(code.dir, code.script).split(path.sep).join("/") : path.basename(code.script);
}

/**
 * The entry file's arguments under the workload contract, with data as
 * `${{inputs.<name>}}` placeholders that Azure ML replaces by URIs. Pure.
 */
export function sparkArguments(ctx: Pick<SparkContext, "spec">): string[] {
    const { code, inputs, model } = ctx.spec.workload;
    return scriptArguments(code, {
        model: model && "${{inputs.model}}",
        inputs: Object.fromEntries(Object.keys(inputs).map((name) => [name, `\${{inputs.${name}}}`])),
        outputDir: "${{outputs.scores}}",
    });
}

/** The job inputs: URIs as written, uploaded local data as datastore URIs (Spark reads those, not https). Pure. */
export function sparkInputs(
    ctx: Pick<SparkContext, "spec" | "stackName">,
    local: Readonly<Record<string, LocalUpload>>,
    datastore: string = DEFAULT_DATASTORE,
): Record<string, SparkDataArgs> {
    const { inputs, model } = ctx.spec.workload;
    const data = (name: string, ref: DataRef): SparkDataArgs => {
        if (ref.kind === "uri") return { path: ref.uri, type: ref.folder ? "uri_folder" : "uri_file" };
        // The spec validation refuses registered assets on this target, so the rest is local.
        const part = local[name];
        const blob = `${runFolder(ctx)}inputs/${part.blob}${part.folder ? "/" : ""}`;
        return { path: datastoreUri(blob, datastore), type: part.folder ? "uri_folder" : "uri_file" };
    };
    return {
        ...(model ? { model: data("model", model) } : {}),
        ...Object.fromEntries(Object.entries(inputs).map(([name, ref]) => [name, data(name, ref)])),
    };
}

/** ARM id of an Azure ML compute (an attached Synapse Spark pool) of the workspace. */
function computeId(section: ResolvedSparkSection, ws: Workspace, compute: string): pulumi.Output<string> {
    return pulumi.interpolate`/subscriptions/${section.subscriptionId}/resourceGroups/${ws.resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspaceName}/computes/${compute}`;
}

/** The run stack's program; see the module comment. */
export function sparkProgram(ctx: SparkContext, options: SparkProgramOptions = {}): pulumi.automation.PulumiFn {
    const { spec } = ctx;
    const section = spec.section;
    return async () => {
        const { provider, inSubscription, ws, datastore, tags, local, files } = runStackBase(ctx, options.datastore);
        // The code folder, or the folder holding the lone script: the code asset the job runs.
        const code = local.code ?? local.script;
        const codeFolder = code.folder ? code.blob : path.posix.dirname(code.blob);
        const codeVersion = new machinelearningservices.CodeVersion(
            "code",
            {
                resourceGroupName: ws.resourceGroupName,
                workspaceName: ws.workspaceName,
                name: `customai-${spec.series}`,
                version: ctx.stackName,
                properties: {
                    codeUri: files.folderUrl(codeFolder),
                    description: `code of run ${ctx.stackName}`,
                    tags,
                },
            },
            // A version cannot change: a changed folder is a new version (replaced).
            { provider, replaceOnChanges: ["properties"] },
        );
        const scores = outputUri(ctx, datastore);
        const job = new SparkJob(
            "score",
            {
                resourceGroupName: ws.resourceGroupName,
                workspaceName: ws.workspaceName,
                codeId: codeVersion.id,
                entryFile: entryFile(ctx),
                args: sparkArguments(ctx),
                inputs: sparkInputs(ctx, local, datastore),
                outputs: { scores: { path: scores, type: "uri_folder" } },
                ...(section.compute === undefined
                    ? { serverless: { instanceType: section.instanceType, runtimeVersion: section.runtimeVersion } }
                    : { computeId: computeId(section, ws, section.compute) }),
                executors: section.executors,
                maxExecutors: section.maxExecutors,
                executorCores: section.executorCores,
                executorMemory: section.executorMemory,
                driverCores: section.driverCores,
                driverMemory: section.driverMemory,
                environmentId: section.environment,
                environmentVariables: configEnvironment(spec.config),
                experimentName: `customai-${spec.series}`,
                identity: options.jobIdentity ?? "UserIdentity",
                tags,
            },
            // The uploads finish before the job starts reading them.
            { ...inSubscription, dependsOn: [files, codeVersion] },
        );

        return {
            jobName: job.jobName,
            jobId: job.job.id,
            codeId: codeVersion.id,
            workspaceName: ws.workspaceName,
            resourceGroupName: ws.resourceGroupName,
            outputUri: scores,
        };
    };
}
