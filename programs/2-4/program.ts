/**
 * Path 2-4, batch scoring on Spark: the 2018 material ran AZTK (Spark on
 * Azure Batch, archived 2021) in job-submission mode. Today a Spark batch
 * needs no cluster of its own: each nightly run is an Azure ML Spark job on
 * serverless Spark compute, submitted by the driver's `spark` target on a
 * run stack that is destroyed after the job. This program deploys what stays
 * between runs: the Azure ML workspace (a platform of its own, or an
 * existing platform base stack through `platformStack`, as path 1-2), the
 * access a Spark job's submitter needs, and, for teams that want a pool of
 * their own, an attached Synapse Spark pool with autoscale and auto-pause.
 *
 * The rules on the pool and the platform are their components'; each key
 * names the argument it becomes, so their checks are reported under the key.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    ConfigChecks,
    ConfigSpec,
    ConfigValues,
    grantRole,
    principalIdIssues,
    issuesOf,
    readProgramConfig,
    Settings,
    ValidationIssue,
    Validator,
} from "../../components/common";
import {
    DEFAULT_AUTO_PAUSE_MINUTES,
    DEFAULT_POOL_MAX_NODES,
    DEFAULT_POOL_MIN_NODES,
    DEFAULT_POOL_NODE_SIZE,
    DEFAULT_SYNAPSE_SPARK_VERSION,
    SynapseNodeSize,
    SynapseSparkPool,
    SynapseSparkPoolArgs,
    validateSynapseSparkPoolArgs,
} from "../../components/synapse";
import {
    baseConfigSpec,
    pathPlatform,
    pathPlatformIssues,
    pathTags,
    platformConfigSpec,
    platformKeyIssues,
    platformStackConfigSpec,
    ProgramOptions,
    unusedKeyIssues,
} from "../shared";

/** The attached pool's name in Azure ML: a `spark` run spec's `spark.compute`. */
export const SPARK_COMPUTE_NAME = "synapse-spark";

export const CONFIG_SPEC = {
    ...baseConfigSpec("spark"),
    ...platformStackConfigSpec(),
    ...platformConfigSpec(),
    sparkRunnerPrincipalIds: {
        type: "string[]",
        default: [] as string[],
        description:
            "Object ids of the service principals that submit the nightly Spark jobs: Contributor on the workspace storage account, which Azure ML asks of a Spark job's submitter.",
        hint: "a service principal's object id: az ad sp show --id <app id> --query id -o tsv",
    },
    synapsePool: {
        type: "boolean",
        default: false,
        description: "Also deploy a Synapse Spark pool (autoscale, auto-pause) attached to the workspace.",
    },
    poolNodeSize: {
        type: "string",
        default: DEFAULT_POOL_NODE_SIZE as string,
        description: "Node size of the pool: Small (4 vCores), Medium, Large, XLarge, XXLarge or XXXLarge.",
        arg: "pool.nodeSize",
    },
    poolMinNodes: {
        type: "integer",
        default: DEFAULT_POOL_MIN_NODES,
        description: "Fewest nodes while the pool runs (3-200; Synapse needs at least 3).",
        arg: "pool.minNodes",
    },
    poolMaxNodes: {
        type: "integer",
        default: DEFAULT_POOL_MAX_NODES,
        description: "Most nodes the pool scales out to (poolMinNodes-200).",
        arg: "pool.maxNodes",
    },
    poolAutoPauseMinutes: {
        type: "integer",
        default: DEFAULT_AUTO_PAUSE_MINUTES,
        description: "Idle minutes before the pool pauses and stops billing nodes (5-10080).",
        arg: "pool.autoPauseMinutes",
    },
    poolSparkVersion: {
        type: "string",
        default: DEFAULT_SYNAPSE_SPARK_VERSION,
        description: "Apache Spark version of the pool.",
        arg: "pool.sparkVersion",
    },
} as const satisfies ConfigSpec;

type Config = ConfigValues<typeof CONFIG_SPEC>;

const POOL_KEYS = Object.keys(CONFIG_SPEC).filter((k) => k.startsWith("pool"));

/** Rules across keys that no component owns: settings of parts this stack does not create. */
export function crossKeyIssues(c: Config): ValidationIssue[] {
    return [
        ...platformKeyIssues(c, CONFIG_SPEC),
        ...principalIdIssues(c.sparkRunnerPrincipalIds, "sparkRunnerPrincipalIds"),
        ...(c.synapsePool ? [] : unusedKeyIssues(c, CONFIG_SPEC, POOL_KEYS, "with synapsePool: true")),
    ];
}

/** The pool's settings from the config (the program adds where it goes and the attach). Pure. */
export function poolSettings(c: Config, tags: Record<string, string>): Settings<SynapseSparkPoolArgs> {
    return {
        tags,
        nodeSize: c.poolNodeSize as SynapseNodeSize,
        minNodes: c.poolMinNodes,
        maxNodes: c.poolMaxNodes,
        autoPauseMinutes: c.poolAutoPauseMinutes,
        sparkVersion: c.poolSparkVersion,
    };
}

/** The checks of every part the config feeds, under `pool.` and the platform's own names. */
function componentIssues(c: Config): ValidationIssue[] {
    const tags = pathTags("2-4", c);
    const v = new Validator();
    if (c.synapsePool) {
        v.merge(
            issuesOf(() => validateSynapseSparkPoolArgs(poolSettings(c, tags))),
            "pool",
        );
    }
    v.merge(pathPlatformIssues(c, tags));
    return [...v.issues];
}

/** Every rule on the config besides each key's type: the program's own, the pool's, the platform's. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    crossChecks: crossKeyIssues,
    components: componentIssues,
};

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const tags = pathTags("2-4", config);
    const name = `${config.workload}-${config.environment}`;
    const { platform } = await pathPlatform("2-4", config, name);

    // Azure ML asks that a Spark job's submitter hold Contributor and Storage Blob Data Contributor on the
    // storage account the job reads and writes
    // (https://learn.microsoft.com/azure/machine-learning/how-to-submit-spark-jobs, note under Prerequisites).
    // The platform grants the blob role to its runnerPrincipalIds; this stack owns the Contributor grants.
    for (const principalId of config.sparkRunnerPrincipalIds) {
        grantRole(
            `${name}-spark-runner-${principalId.toLowerCase()}`,
            { scope: platform.storageAccountId, principalId, role: "Contributor", principalType: "ServicePrincipal" },
            {},
        );
    }

    const pool = config.synapsePool
        ? new SynapseSparkPool(`${name}-synapse`, {
              ...poolSettings(config, tags),
              resourceGroupName: platform.resourceGroupName,
              location: platform.location,
              attach: {
                  resourceGroupName: platform.resourceGroupName,
                  workspaceName: platform.workspaceName,
                  computeName: SPARK_COMPUTE_NAME,
              },
          })
        : undefined;
    // The pool's identity reads and writes the workspace's storage for jobs that run as the pool (a job with a
    // managed identity); the driver's `spark` runs send the submitter's identity instead, which needs its own access.
    pool?.grantBlobWrite("aml-blob", platform.storageAccountId);

    return {
        // The platform contract in full, so a `spark` run spec can name this stack as its `baseStack`.
        ...platform,
        synapseWorkspaceName: pool?.synapseWorkspaceName,
        sparkPoolName: pool?.poolName,
        sparkComputeName: pool ? pulumi.output(SPARK_COMPUTE_NAME) : undefined,
        sparkComputeId: pool?.computeId,
        sparkComputePrincipalId: pool?.computePrincipalId,
    };
}
