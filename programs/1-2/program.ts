/**
 * Path 1-2, multi-node training: the 2018 material ran Batch AI clusters
 * (retired 2019). Today: an AmlCompute cluster that scales from zero in an
 * Azure ML workspace, and optionally a distributed PyTorch Command job
 * submitted to it. The workspace comes from an existing platform base stack
 * (`platformStack`), or the stack creates its own platform.
 *
 * The rules on the cluster, the job and the platform are their components';
 * each key names the argument it becomes, so their checks are reported under
 * the key.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    CommandJob,
    CommandJobSettings,
    DEFAULT_INSTANCE_COUNT,
    JobDataArgs,
    validateCommandJobArgs,
} from "../../components/aml";
import {
    ConfigChecks,
    ConfigSpec,
    ConfigValues,
    DEFAULT_CPU_VM_SIZE,
    issuesOf,
    readProgramConfig,
    ValidationIssue,
    Validator,
} from "../../components/common";
import {
    baseConfigSpec,
    clusterConfigSpec,
    clusterIssues,
    createPathCluster,
    pathPlatform,
    pathPlatformIssues,
    pathTags,
    platformConfigSpec,
    platformKeyIssues,
    platformStackConfigSpec,
    ProgramOptions,
    unusedKeyIssues,
} from "../shared";

export const DEFAULT_JOB_ENVIRONMENT =
    "azureml://registries/azureml/environments/acpt-pytorch-2.8-cuda12.6/labels/latest";
/** Checks that every process joined the process group, and leaves a marker per rank in the output. */
export const DEFAULT_JOB_COMMAND =
    "python -c \"import torch, torch.distributed as dist; dist.init_process_group('gloo'); t = torch.ones(1); " +
    "dist.all_reduce(t); print(f'rank {dist.get_rank()} of {dist.get_world_size()}: sum {t.item()}')\" " +
    "&& echo ok > ${{outputs.model}}/rank-$RANK.txt";

export const CONFIG_SPEC = {
    ...baseConfigSpec("train"),
    ...platformStackConfigSpec(),
    ...platformConfigSpec(),
    ...clusterConfigSpec({ vmSize: DEFAULT_CPU_VM_SIZE, vmPriority: "Dedicated" }),
    submitJob: { type: "boolean", default: false, description: "Submit the distributed training job below." },
    jobCommand: {
        type: "string",
        default: DEFAULT_JOB_COMMAND,
        description: "Command every process runs.",
        arg: "job.command",
    },
    jobEnvironmentId: {
        type: "string",
        default: DEFAULT_JOB_ENVIRONMENT,
        description: "Environment asset id of the job.",
        arg: "job.environmentId",
    },
    jobInstanceCount: {
        type: "integer",
        default: DEFAULT_INSTANCE_COUNT,
        description: "Nodes the job runs on (at most maxNodes).",
        arg: "job.instanceCount",
    },
    jobProcessCountPerInstance: {
        type: "integer",
        default: 1,
        description: "Processes per node: one per GPU, 1 on CPU nodes.",
        arg: "job.processCountPerInstance",
    },
    jobInputs: {
        type: "json",
        default: {},
        description: 'Named inputs: {"name": {"path": "data/train"}}.',
        arg: "job.inputs",
    },
    jobOutputs: {
        type: "json",
        default: { model: { path: "models/distributed-check" } },
        description: 'Named outputs: {"name": {"path": "models/run1"}}.',
        arg: "job.outputs",
    },
    jobTimeoutSeconds: {
        type: "integer",
        default: 3600,
        description: "Cancel the job after this long.",
        arg: "job.timeoutSeconds",
    },
} as const satisfies ConfigSpec;

type Config = ConfigValues<typeof CONFIG_SPEC>;

const JOB_KEYS = Object.keys(CONFIG_SPEC).filter((k) => k.startsWith("job"));

/** Rules across keys that no component owns: settings of parts this stack does not create. */
export function crossKeyIssues(c: Config): ValidationIssue[] {
    return [
        ...platformKeyIssues(c, CONFIG_SPEC),
        ...(c.submitJob ? [] : unusedKeyIssues(c, CONFIG_SPEC, JOB_KEYS, "with submitJob: true")),
    ];
}

/** The job's settings from the config (the program adds workspace and cluster). Pure. */
export function jobSettings(c: Config, tags: Record<string, string>): CommandJobSettings {
    return {
        tags,
        command: c.jobCommand,
        environmentId: c.jobEnvironmentId,
        instanceCount: c.jobInstanceCount,
        processCountPerInstance: c.jobProcessCountPerInstance,
        clusterMaxNodes: c.maxNodes,
        inputs: c.jobInputs as Record<string, JobDataArgs>,
        outputs: c.jobOutputs as Record<string, JobDataArgs>,
        timeoutSeconds: c.jobTimeoutSeconds,
    };
}

/** The checks of every part the config feeds, under `cluster.`, `job.` and the platform's own names. */
function componentIssues(c: Config): ValidationIssue[] {
    const tags = pathTags("1-2", c);
    const v = new Validator();
    v.merge(clusterIssues(c, tags));
    if (c.submitJob)
        v.merge(
            issuesOf(() => validateCommandJobArgs(jobSettings(c, tags))),
            "job",
        );
    v.merge(pathPlatformIssues(c, tags));
    return [...v.issues];
}

/** Every rule on the config besides each key's type: the program's own, the cluster's, the job's, the platform's. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    crossChecks: crossKeyIssues,
    components: componentIssues,
};

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const tags = pathTags("1-2", config);
    const name = `${config.workload}-${config.environment}`;
    const where = await pathPlatform("1-2", config, name);
    const { platform } = where;
    const wiring = { resourceGroupName: platform.resourceGroupName, workspaceName: platform.workspaceName };

    const { cluster, grants } = createPathCluster(`${name}-cluster`, where, config, tags);

    const job = config.submitJob
        ? new CommandJob(
              `${name}-job`,
              { ...wiring, computeId: cluster.clusterId, ...jobSettings(config, tags) },
              { dependsOn: grants },
          )
        : undefined;

    return {
        resourceGroupName: platform.resourceGroupName,
        workspaceName: platform.workspaceName,
        workspaceId: platform.workspaceId,
        studioUrl: platform.studioUrl,
        clusterName: cluster.clusterName,
        clusterId: cluster.clusterId,
        storageAccountName: platform.storageAccountName,
        jobName: job?.jobName,
        jobStudioUrl: job
            ? pulumi.interpolate`https://ml.azure.com/runs/${job.jobName}?wsid=${platform.workspaceId}`
            : undefined,
        appInsightsConnectionString: platform.appInsightsConnectionString,
    };
}
