/**
 * Path 1-2, multi-node training: the 2018 material ran Batch AI clusters
 * (retired 2019). Today: an Azure ML workspace with its storage, Key Vault,
 * monitoring and registry, an AmlCompute cluster that scales from zero, and
 * optionally a distributed PyTorch Command job submitted to it.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigSpec, ValidationError, ValidationIssue, configChecks, readProgramConfig } from "../../components/common";
import { vmSizeIssues } from "../../components/common";
import { baseConfigSpec, createPathBase, createPlatform, platformConfigSpec } from "../shared";
import { JobDataArgs, ComputeCluster, CommandJob, validateCommandJobArgs } from "../../components/aml";

export const DEFAULT_JOB_ENVIRONMENT =
    "azureml://registries/azureml/environments/acpt-pytorch-2.8-cuda12.6/labels/latest";
/** Checks that every process joined the process group, and leaves a marker per rank in the output. */
export const DEFAULT_JOB_COMMAND =
    "python -c \"import torch, torch.distributed as dist; dist.init_process_group('gloo'); t = torch.ones(1); " +
    "dist.all_reduce(t); print(f'rank {dist.get_rank()} of {dist.get_world_size()}: sum {t.item()}')\" " +
    "&& echo ok > ${{outputs.model}}/rank-$RANK.txt";

const dataMap = (value: unknown) =>
    value && typeof value === "object" && !Array.isArray(value)
        ? undefined
        : 'a JSON object of name -> {"path": "..."}';

export const CONFIG_SPEC = {
    ...baseConfigSpec("train"),
    ...platformConfigSpec(),
    vmSize: {
        type: "string",
        default: "Standard_D4s_v5",
        description: "Node size: CPU, or a current GPU size such as Standard_NC4as_T4_v3.",
        check: (size: string) => vmSizeIssues(size, "vmSize")[0]?.rule,
    },
    vmPriority: {
        type: "string",
        default: "Dedicated",
        oneOf: ["Dedicated", "LowPriority"],
        description: "LowPriority runs on Spot capacity: much cheaper, may be preempted.",
    },
    minNodes: {
        type: "integer",
        default: 0,
        description: "Nodes kept when idle (0: no cost between jobs).",
        check: configChecks.intRange(0, 100),
    },
    maxNodes: {
        type: "integer",
        default: 2,
        description: "Upper bound of the autoscaler.",
        check: configChecks.intRange(1, 100),
    },
    idleSecondsBeforeScaleDown: {
        type: "integer",
        default: 120,
        description: "Seconds an idle node waits before release.",
        check: configChecks.intRange(60, 86400),
    },
    submitJob: { type: "boolean", default: false, description: "Submit the distributed training job below." },
    jobCommand: { type: "string", default: DEFAULT_JOB_COMMAND, description: "Command every process runs." },
    jobEnvironmentId: {
        type: "string",
        default: DEFAULT_JOB_ENVIRONMENT,
        description: "Environment asset id of the job.",
    },
    jobInstanceCount: {
        type: "integer",
        default: 2,
        description: "Nodes the job runs on (at most maxNodes).",
        check: configChecks.intRange(1, 100),
    },
    jobProcessCountPerInstance: {
        type: "integer",
        default: 1,
        description: "Processes per node: one per GPU, 1 on CPU nodes.",
        check: configChecks.intRange(1, 128),
    },
    jobInputs: {
        type: "json",
        default: {},
        description: 'Named inputs: {"name": {"path": "data/train"}}.',
        check: dataMap,
    },
    jobOutputs: {
        type: "json",
        default: { model: { path: "models/distributed-check" } },
        description: 'Named outputs: {"name": {"path": "models/run1"}}.',
        check: dataMap,
    },
    jobTimeoutSeconds: {
        type: "integer",
        default: 3600,
        description: "Cancel the job after this long.",
        check: configChecks.intRange(60, 2592000),
    },
} as const satisfies ConfigSpec;

/** Job config fields → the config keys users set, so errors name their keys. */
const JOB_KEYS: Record<string, string> = {
    command: "jobCommand",
    environmentId: "jobEnvironmentId",
    instanceCount: "jobInstanceCount",
    processCountPerInstance: "jobProcessCountPerInstance",
    inputs: "jobInputs",
    outputs: "jobOutputs",
    timeoutSeconds: "jobTimeoutSeconds",
};

interface CrossKeyConfig {
    minNodes: number;
    maxNodes: number;
    submitJob: boolean;
    jobCommand: string;
    jobEnvironmentId: string;
    jobInstanceCount: number;
    jobProcessCountPerInstance: number;
    jobInputs: unknown;
    jobOutputs: unknown;
    jobTimeoutSeconds: number;
}

/** Rules that span keys, including the whole job spec; checked once every key parsed. */
export function crossKeyIssues(c: CrossKeyConfig): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (c.minNodes > c.maxNodes)
        issues.push({ field: "minNodes", rule: `at most maxNodes (${c.maxNodes})`, value: c.minNodes });
    if (!c.submitJob) return issues;
    try {
        validateCommandJobArgs({
            resourceGroupName: "rg",
            workspaceName: "ws",
            computeId: "cluster",
            clusterMaxNodes: c.maxNodes,
            ...jobSpec(c),
        });
    } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        for (const issue of err.issues) {
            const [head, ...rest] = issue.field.split(".");
            issues.push({ ...issue, field: [JOB_KEYS[head] ?? head, ...rest].join(".") });
        }
    }
    return issues;
}

function jobSpec(c: CrossKeyConfig) {
    return {
        command: c.jobCommand,
        environmentId: c.jobEnvironmentId,
        instanceCount: c.jobInstanceCount,
        processCountPerInstance: c.jobProcessCountPerInstance,
        inputs: c.jobInputs as Record<string, JobDataArgs>,
        outputs: c.jobOutputs as Record<string, JobDataArgs>,
        timeoutSeconds: c.jobTimeoutSeconds,
    };
}

export async function program(): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { crossChecks: crossKeyIssues });
    const base = createPathBase("1-2", config);
    const { tags, resourceGroup: group } = base;
    const name = `${config.workload}-${config.environment}`;
    const platform = createPlatform(name, base, config);

    const cluster = new ComputeCluster(`${name}-cluster`, {
        resourceGroupName: group.name,
        location: group.location,
        tags,
        workspaceName: platform.workspace.workspaceName,
        vmSize: config.vmSize,
        vmPriority: config.vmPriority as "Dedicated" | "LowPriority",
        minNodes: config.minNodes,
        maxNodes: config.maxNodes,
        idleSecondsBeforeScaleDown: config.idleSecondsBeforeScaleDown,
        networkIsolation: config.networkIsolation,
    });
    // The datastores authenticate by identity: the nodes' identity reads inputs and writes outputs,
    // and pulls environment images from the registry.
    const grants = [platform.storage.grantBlobWrite("cluster", cluster.principalId)];
    if (platform.registry) grants.push(platform.registry.grantPull("cluster", cluster.principalId));

    const job = config.submitJob
        ? new CommandJob(
              `${name}-job`,
              {
                  resourceGroupName: group.name,
                  workspaceName: platform.workspace.workspaceName,
                  computeId: cluster.clusterId,
                  clusterMaxNodes: cluster.maxNodes,
                  tags,
                  ...jobSpec(config),
              },
              { dependsOn: grants },
          )
        : undefined;

    return {
        resourceGroupName: group.name,
        workspaceName: platform.workspace.workspaceName,
        workspaceId: platform.workspace.workspaceId,
        studioUrl: platform.workspace.studioUrl,
        clusterName: cluster.clusterName,
        clusterId: cluster.clusterId,
        storageAccountName: platform.storage.accountName,
        jobName: job?.jobName,
        jobStudioUrl: job
            ? pulumi.interpolate`https://ml.azure.com/runs/${job.jobName}?wsid=${platform.workspace.workspaceId}`
            : undefined,
        appInsightsConnectionString: platform.monitoring.appInsightsConnectionString,
    };
}
