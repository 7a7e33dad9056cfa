/**
 * The `aml` run stack's program: an AmlCompute cluster (0 nodes when idle)
 * and one Command job in the workspace of a base stack (read through the
 * platform contract), or of a workspace named in the spec.
 *
 * Local parts of the workload (the script or code folder, a requirements
 * file, a local model, local inputs) reach the job as blobs uploaded by the
 * run stack (BlobFiles, Entra auth) into the container of the workspace's
 * default datastore, which every workspace has (read from the datastore, not
 * assumed), passed as `uri_file`/`uri_folder` inputs; code goes in as
 * an input rather than a code asset because a code asset needs the same
 * upload plus an immutable, versioned registration that outlives the run.
 * URIs are passed as written, a registered model as a `custom_model` input.
 * Outputs go to a datastore folder, `batch-runs/<series>/<stack>/` of the
 * default datastore unless the spec names one; it outlives the stack.
 *
 * The job accesses data as the submitting identity (`UserIdentity`) by
 * default, so the run stack needs no role assignment of its own: the identity
 * the driver runs as must be able to read and write the storage account.
 * Secrets of the spec are not passed to the job: AML job environment
 * variables are visible to anyone who can read the job.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { CommandJob, ComputeCluster, JobDataArgs } from "../../../components/aml";
import { ATTEMPT_ENV, configEnvironment, DataRef, scriptArguments } from "../../spec";
import { LocalUpload, outputUri, runStackBase } from "../azureml/stack";
import { TargetContext } from "../types";
import { AML_CODE_INPUTS, ResolvedAmlSection } from "./spec";

export type AmlContext = TargetContext<ResolvedAmlSection>;

/** AML refuses job limits under a minute; shorter spec timeouts are enforced by the driver's wait. */
const MIN_JOB_TIMEOUT_SECONDS = 60;

/** Settings of the target that are not part of a run spec (tests, non-default workspaces). */
export interface AmlProgramOptions {
    /** Optional. Blob datastore of the workspace that receives uploads and, when the spec names none, outputs. @default "workspaceblobstore" */
    readonly datastore?: string;
    /** Optional. Identity the job reads and writes data with. @default "UserIdentity" */
    readonly jobIdentity?: "UserIdentity" | "Managed";
}

/** One shell word: left bare when safe, else single-quoted. Pure. */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/**
 * The job's command line: requirements first, then the script under the
 * workload contract, with data as `${{inputs.<name>}}` placeholders. Pure.
 */
export function amlCommand(ctx: Pick<AmlContext, "spec">): string {
    const { code, inputs, model } = ctx.spec.workload;
    const script = code.dir
        ? `\${{inputs.code}}/${path.relative(code.dir, code.script).split(path.sep).join("/")}`
        : "${{inputs.script}}";
    const args = scriptArguments(code, {
        model: model && "${{inputs.model}}",
        inputs: Object.fromEntries(Object.keys(inputs).map((name) => [name, `\${{inputs.${name}}}`])),
        outputDir: "${{outputs.scores}}",
    }).map((a) => (a.startsWith("${{") ? a : shellQuote(a)));
    const steps = [
        ...(code.requirements ? ["pip install -r ${{inputs.requirements}}"] : []),
        // The code folder on the import path, as the local target does.
        ...(code.dir ? ["export PYTHONPATH=${{inputs.code}}:$PYTHONPATH"] : []),
        ["python", script, ...args].join(" "),
    ];
    return steps.join(" && ");
}

/** The run stack's program; see the module comment. */
export function amlProgram(ctx: AmlContext, options: AmlProgramOptions = {}): pulumi.automation.PulumiFn {
    const { spec } = ctx;
    const aml = spec.section;
    return async () => {
        const { inSubscription, ws, datastore, tags, local, files } = runStackBase(ctx, options.datastore);
        const download = (uri: pulumi.Input<string>, folder: boolean): JobDataArgs => ({
            path: uri,
            type: folder ? "uri_folder" : "uri_file",
            mode: "Download",
        });
        const uploaded = (part: LocalUpload) =>
            download(part.folder ? files.folderUrl(part.blob) : files.urls.apply((u) => u[part.blob]), part.folder);
        const data = (name: string, ref: DataRef): JobDataArgs =>
            ref.kind === "asset"
                ? { path: ref.ref, type: "custom_model" }
                : ref.kind === "uri"
                  ? download(ref.uri, ref.folder)
                  : uploaded(local[name]);
        const { inputs, model } = spec.workload;
        const jobInputs: Record<string, JobDataArgs> = {
            ...Object.fromEntries(
                AML_CODE_INPUTS.filter((part) => local[part]).map((part) => [part, uploaded(local[part])]),
            ),
            ...(model ? { model: data("model", model) } : {}),
            ...Object.fromEntries(Object.entries(inputs).map(([name, ref]) => [name, data(name, ref)])),
        };

        const cluster = new ComputeCluster(
            "score",
            {
                resourceGroupName: ws.resourceGroupName,
                workspaceName: ws.workspaceName,
                location: ws.location as pulumi.Output<string> | undefined,
                vmSize: aml.vmSize,
                vmPriority: aml.priority,
                minNodes: 0,
                maxNodes: aml.maxNodes,
                tags,
            },
            inSubscription,
        );
        const scores = outputUri(ctx, datastore);
        const job = new CommandJob(
            "score",
            {
                resourceGroupName: ws.resourceGroupName,
                workspaceName: ws.workspaceName,
                computeId: cluster.clusterId,
                environmentId: aml.environment,
                command: amlCommand(ctx),
                distribution: "None",
                instanceCount: 1,
                clusterMaxNodes: cluster.maxNodes,
                inputs: jobInputs,
                outputs: { scores: { path: scores, type: "uri_folder", mode: "ReadWriteMount" } },
                // The submission's number is a setting of the job, so a resubmission is a new job; the
                // script may read it (a resumed job skips the inputs an earlier one finished).
                environmentVariables: { ...configEnvironment(spec.config), [ATTEMPT_ENV]: String(ctx.attempt) },
                experimentName: `customai-${spec.series}`,
                timeoutSeconds: Math.max(MIN_JOB_TIMEOUT_SECONDS, Math.ceil(spec.timeoutMinutes * 60)),
                identity: options.jobIdentity ?? "UserIdentity",
                tags,
            },
            { ...inSubscription, dependsOn: [files] },
        );

        return {
            jobName: job.jobName,
            jobId: job.job.id,
            clusterName: cluster.clusterName,
            workspaceName: ws.workspaceName,
            resourceGroupName: ws.resourceGroupName,
            outputUri: scores,
        };
    };
}
