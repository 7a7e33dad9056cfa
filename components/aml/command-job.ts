/**
 * CommandJob: submits a distributed PyTorch Command job to a cluster. AML
 * starts `processCountPerInstance` processes on each of `instanceCount` nodes
 * and sets the torch.distributed variables (MASTER_ADDR, RANK, WORLD_SIZE…),
 * so a script written for `torchrun` runs unchanged. With `distribution:
 * "None"` it is a plain Command job (the batch driver's scoring job).
 *
 * Jobs are immutable in Azure ML (the service refuses a change of their
 * settings), and the service fills in and normalises their properties, so
 * what `pulumi refresh` brings back differs from what was sent. The job
 * therefore ignores every difference of its properties, and its Pulumi name
 * carries a hash of the settings the user gave (`jobSettingsHash`): a
 * changed setting is a new job, submitted; a refresh changes nothing.
 *
 * The job name: the Job resource takes it as an input called `id`, which the
 * Node.js SDK reserves for resource ids and never sends to the provider. So
 * azure-native names the job itself (from the Pulumi name plus a random
 * suffix), once, and the name is kept in state; read it from `jobName`.
 */
import type * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { componentTagIssues } from "../common/tags";
import { Validator, ValidationIssue, isIntInRange } from "../common/validation";
import { withFormerTypes } from "../common/component";
import { isoSeconds } from "./compute-cluster";
import { checkDataName, checkDataReferences, checkExperimentName } from "./job-args";
import { commonJobProperties, jobData, settingsHash, submitJob } from "./job-resource";

// Shared with SparkJob and kept free of the Pulumi SDK in job-args.ts; exported here, where callers find them.
export { DEFAULT_DATASTORE, datastoreUri } from "./job-args";

export const DEFAULT_INSTANCE_COUNT = 2;
export const DEFAULT_TIMEOUT_SECONDS = 4 * 3600;
export const DEFAULT_EXPERIMENT_NAME = "distributed-training";

export interface JobDataArgs {
    /**
     * Required. A path inside the workspace's default datastore (e.g.
     * `data/train`), a full `azureml://`, `https://`, `abfss://` or `wasbs://`
     * URI, or a registered asset `azureml:<name>:<version>`, passed as written
     * (see `datastoreUri`). An Output (a URI read from another stack) is passed
     * through unchecked.
     */
    readonly path: pulumi.Input<string>;
    /** Optional. `custom_model` (inputs only) takes a registered model, `azureml:<name>:<version>`. @default "uri_folder" */
    readonly type?: "uri_folder" | "uri_file" | "custom_model";
    /** Optional. Inputs: ReadOnlyMount or Download; outputs: ReadWriteMount or Upload. @default - mount */
    readonly mode?: "ReadOnlyMount" | "Download" | "ReadWriteMount" | "Upload";
}

export interface CommandJobArgs {
    /** Required. Resource group of the workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. Azure ML workspace name. */
    readonly workspaceName: pulumi.Input<string>;
    /** Required. ARM id of the cluster (ComputeCluster.clusterId). */
    readonly computeId: pulumi.Input<string>;
    /** Required. Environment asset id, e.g. `azureml://registries/azureml/environments/<name>/labels/latest`. */
    readonly environmentId: pulumi.Input<string>;
    /** Required. Command run by every process; refer to data as `${{inputs.<name>}}` / `${{outputs.<name>}}`. */
    readonly command: string;
    /** Optional. Code asset id (an uploaded folder the command runs in). @default - no code, the command runs as is */
    readonly codeId?: pulumi.Input<string>;
    /**
     * Optional. How AML launches the command: `PyTorch` starts
     * `processCountPerInstance` processes per node with the torch.distributed
     * variables set; `None` runs the command once per node, as a plain
     * (e.g. batch scoring) job. @default "PyTorch"
     */
    readonly distribution?: "PyTorch" | "None";
    /** Optional. Nodes the job runs on. @default 2 */
    readonly instanceCount?: number;
    /** Optional. Processes per node: one per GPU, or 1 on CPU nodes. @default 1 */
    readonly processCountPerInstance?: number;
    /** Optional. Max nodes of the cluster, to refuse a job that could never be scheduled. @default - not checked */
    readonly clusterMaxNodes?: number;
    /** Optional. Named inputs. @default {} */
    readonly inputs?: Readonly<Record<string, JobDataArgs>>;
    /** Optional. Named outputs. @default {} */
    readonly outputs?: Readonly<Record<string, JobDataArgs>>;
    /** Optional. Environment variables of every process. @default {} */
    readonly environmentVariables?: Readonly<Record<string, string>>;
    /** Optional. Experiment the job is filed under in the studio. @default "distributed-training" */
    readonly experimentName?: string;
    /** Optional. Job runs longer than this are cancelled (60 s to 30 days). @default 14400 (4 h) */
    readonly timeoutSeconds?: number;
    /**
     * Optional. Identity the job uses for data: `Managed` is the cluster's
     * identity (grant it blob access), `UserIdentity` the submitter's. @default "Managed"
     */
    readonly identity?: "Managed" | "UserIdentity";
    /** Optional. Tags of the job. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The job's settings, without the workspace and compute it runs in: what `validateCommandJobArgs` checks. */
export type CommandJobSettings = Omit<CommandJobArgs, "resourceGroupName" | "workspaceName" | "computeId">;

type DataKind = "inputs" | "outputs";

/** Delivery modes Azure ML accepts for each kind of data; the first is the default. */
const DATA_MODES: Readonly<Record<DataKind, readonly string[]>> = {
    inputs: ["ReadOnlyMount", "Download"],
    outputs: ["ReadWriteMount", "Upload"],
};
/** Data types each kind takes; a registered model is an input only. */
const DATA_TYPES: Readonly<Record<DataKind, readonly string[]>> = {
    inputs: ["uri_folder", "uri_file", "custom_model"],
    outputs: ["uri_folder", "uri_file"],
};

function dataIssues(kind: DataKind, data: Readonly<Record<string, JobDataArgs>>): ValidationIssue[] {
    const v = new Validator();
    const modes = DATA_MODES[kind];
    for (const [name, d] of Object.entries(data)) {
        const at = `${kind}.${name}`;
        checkDataName(v, at, name);
        const path = d?.path;
        // Only known values can be checked; an Output resolves after validation.
        const pending = pulumi.Output.isInstance(path) || path instanceof Promise;
        const ok = pending || (typeof path === "string" && path.length > 0 && !path.split("/").includes(".."));
        v.check(`${at}.path`, ok, "a datastore path such as data/train (no '..') or an azureml:// URI", path);
        if (d?.type !== undefined) {
            const types = DATA_TYPES[kind];
            v.check(`${at}.type`, types.includes(d.type), `one of ${types.join(", ")}`, d.type);
        }
        if (d?.mode !== undefined) v.check(`${at}.mode`, modes.includes(d.mode), `one of ${modes.join(", ")}`, d.mode);
    }
    return [...v.issues];
}

/** The arguments with their defaults applied. */
export interface ResolvedCommandJobArgs {
    readonly distribution: "PyTorch" | "None";
    readonly instanceCount: number;
    readonly processCountPerInstance: number;
    readonly experimentName: string;
    readonly timeoutSeconds: number;
    readonly identity: "Managed" | "UserIdentity";
}

export function resolveCommandJobArgs(args: CommandJobSettings): ResolvedCommandJobArgs {
    return {
        distribution: args.distribution ?? "PyTorch",
        instanceCount: args.instanceCount ?? DEFAULT_INSTANCE_COUNT,
        processCountPerInstance: args.processCountPerInstance ?? 1,
        experimentName: args.experimentName ?? DEFAULT_EXPERIMENT_NAME,
        timeoutSeconds: args.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
        identity: args.identity ?? "Managed",
    };
}

export function validateCommandJobArgs(args: CommandJobSettings): ResolvedCommandJobArgs {
    const r = resolveCommandJobArgs(args);
    const v = new Validator("CommandJob");
    const instances = r.instanceCount;
    const perNode = r.processCountPerInstance;
    v.check(
        "command",
        typeof args.command === "string" && args.command.trim().length > 0,
        "a non-empty command",
        args.command,
    );
    if (v.check("instanceCount", isIntInRange(instances, 1, 100), "an integer from 1 to 100", instances)) {
        if (args.clusterMaxNodes !== undefined) {
            v.check(
                "instanceCount",
                instances <= args.clusterMaxNodes,
                `at most the cluster's maxNodes (${args.clusterMaxNodes})`,
                instances,
            );
        }
    }
    v.check(
        "processCountPerInstance",
        isIntInRange(perNode, 1, 128),
        "an integer from 1 to 128 (one per GPU on GPU nodes)",
        perNode,
    );
    const distribution = r.distribution;
    if (v.check("distribution", ["PyTorch", "None"].includes(distribution), 'one of "PyTorch", "None"', distribution)) {
        v.check(
            "processCountPerInstance",
            distribution === "PyTorch" || perNode === 1,
            'unset or 1 when distribution is "None" (AML starts the command once per node)',
            perNode,
        );
    }
    if (typeof args.environmentId === "string") {
        v.check(
            "environmentId",
            /^(azureml:|\/subscriptions\/)/.test(args.environmentId),
            "an environment asset id (azureml://registries/…/environments/… or an ARM id)",
            args.environmentId,
        );
    }
    const inputs = args.inputs ?? {};
    const outputs = args.outputs ?? {};
    v.merge(dataIssues("inputs", inputs));
    v.merge(dataIssues("outputs", outputs));
    if (typeof args.command === "string") checkDataReferences(v, "command", args.command, { inputs, outputs });
    const timeout = r.timeoutSeconds;
    v.check("timeoutSeconds", isIntInRange(timeout, 60, 30 * 86400), "an integer from 60 to 2592000 seconds", timeout);
    checkExperimentName(v, args.experimentName);
    const identity = r.identity;
    v.check(
        "identity",
        identity === "Managed" || identity === "UserIdentity",
        'one of "Managed", "UserIdentity"',
        identity,
    );
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

/**
 * A short hash of the job's settings as the program knows them: every
 * setting the user gives (command, environment, counts, data, variables,
 * timeout, identity, experiment); a value another resource provides (the
 * cluster's id, an uploaded file's URL) counts as a stand-in, so a replaced
 * cluster does not resubmit a job that already ran. Tags are left out: they
 * describe the job, they do not change it. Pure.
 */
export function jobSettingsHash(args: CommandJobSettings & Pick<CommandJobArgs, "computeId">): string {
    const settings: Record<string, unknown> = { ...args, ...resolveCommandJobArgs(args) };
    // Neither is sent as a setting of the job: tags only describe it, the cluster's size only checks it.
    delete settings.tags;
    delete settings.clusterMaxNodes;
    return settingsHash("CommandJob", settings);
}

export class CommandJob extends pulumi.ComponentResource {
    readonly job: machinelearningservices.Job;
    readonly jobName: pulumi.Output<string>;
    /** Status when the job was submitted or last refreshed (`pulumi refresh`). */
    readonly status: pulumi.Output<string>;

    constructor(name: string, args: CommandJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:CommandJob", name, {}, withFormerTypes(opts, "customai:training:TrainingJob"));
        const r = validateCommandJobArgs(args);

        // The service's own fill-ins never become a diff; a changed setting is a new name (see above).
        ({
            job: this.job,
            jobName: this.jobName,
            status: this.status,
        } = submitJob(this, name, jobSettingsHash(args), args, {
            jobType: "Command",
            ...commonJobProperties(name, r, args),
            command: args.command,
            codeId: args.codeId,
            computeId: args.computeId,
            distribution:
                r.distribution === "PyTorch"
                    ? {
                          distributionType: "PyTorch",
                          processCountPerInstance: r.processCountPerInstance,
                      }
                    : undefined,
            resources: { instanceCount: r.instanceCount },
            inputs: jobData("inputs", args.inputs, (d) => d.mode ?? DATA_MODES.inputs[0]),
            outputs: jobData("outputs", args.outputs, (d) => d.mode ?? DATA_MODES.outputs[0]),
            limits: {
                jobLimitsType: "Command",
                timeout: isoSeconds(r.timeoutSeconds),
            },
        }));
        this.registerOutputs({ jobName: this.jobName, status: this.status });
    }
}
