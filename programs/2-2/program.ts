/**
 * Path 2-2, batch ML scoring: the 2018 material scored on Batch AI (retired
 * 2019). Today: an Azure ML batch endpoint whose deployment runs the
 * scoring script on a CPU cluster that scales from 0, for scoring on demand
 * by other systems; the stack also exports the platform contract, so the
 * nightly runs of the driver's `aml` target (`nightly.run.json`) name it as
 * their base stack. The README says why nightly runs do not invoke the
 * endpoint.
 *
 * The rules on the cluster, the endpoint, the assets and the platform are
 * their components'; each key names the argument it becomes, so their
 * checks are reported under the key.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    BatchEndpoint,
    BatchEndpointSettings,
    BatchLoggingLevel,
    BatchOutputAction,
    DEFAULT_BATCH_OUTPUT_FILE,
    DEFAULT_BATCH_SCORING_SCRIPT,
    DEFAULT_MINI_BATCH_RETRIES,
    DEFAULT_MINI_BATCH_SIZE,
    DEFAULT_MINI_BATCH_TIMEOUT_SECONDS,
    DEFAULT_SCORING_ENVIRONMENT,
    validateBatchEndpointArgs,
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
    assetConfigSpec,
    assetIssues,
    baseConfigSpec,
    clusterConfigSpec,
    clusterIssues,
    createPathCluster,
    createAssets,
    pathPlatform,
    pathPlatformIssues,
    pathTags,
    platformConfigSpec,
    platformKeyIssues,
    platformStackConfigSpec,
    ProgramOptions,
} from "../shared";

export const CONFIG_SPEC = {
    ...baseConfigSpec("batch"),
    ...platformStackConfigSpec(),
    ...platformConfigSpec(),
    ...clusterConfigSpec({ vmSize: DEFAULT_CPU_VM_SIZE, vmPriority: "Dedicated" }),
    ...assetConfigSpec({
        scoringScript: DEFAULT_BATCH_SCORING_SCRIPT,
        scriptContract: "init() and run(mini_batch) returning one line per row",
        scoringScriptArg: "endpoint.scoringScript",
        environmentId: DEFAULT_SCORING_ENVIRONMENT,
        environmentHint:
            "Environment asset of the scoring script; it needs azureml-core (the curated sklearn one has it).",
    }),
    endpointName: {
        type: "string",
        description: "Batch endpoint name, unique in the region (unset: derived from workload and environment).",
        arg: "endpoint.endpointName",
    },
    miniBatchSize: {
        type: "integer",
        default: DEFAULT_MINI_BATCH_SIZE,
        description: "Input files per mini-batch (one run(mini_batch) call).",
        arg: "endpoint.miniBatchSize",
    },
    maxConcurrencyPerInstance: {
        type: "integer",
        default: 1,
        description: "Scoring processes per node.",
        arg: "endpoint.maxConcurrencyPerInstance",
    },
    instanceCount: {
        type: "integer",
        default: 1,
        description: "Nodes a batch job runs on (at most maxNodes).",
        arg: "endpoint.instanceCount",
    },
    maxRetries: {
        type: "integer",
        default: DEFAULT_MINI_BATCH_RETRIES,
        description: "Tries of a failed mini-batch after the first.",
        arg: "endpoint.maxRetries",
    },
    miniBatchTimeoutSeconds: {
        type: "integer",
        default: DEFAULT_MINI_BATCH_TIMEOUT_SECONDS,
        description: "Seconds one mini-batch may run.",
        arg: "endpoint.miniBatchTimeoutSeconds",
    },
    errorThreshold: {
        type: "integer",
        default: 0,
        description: "Failed files tolerated before a job is aborted (-1: any number).",
        arg: "endpoint.errorThreshold",
    },
    outputAction: {
        type: "string",
        default: "AppendRow",
        description: "AppendRow (run's returned rows into one file) or SummaryOnly (the script writes its output).",
        arg: "endpoint.outputAction",
    },
    outputFileName: {
        type: "string",
        default: DEFAULT_BATCH_OUTPUT_FILE,
        description: "Name of the AppendRow output file.",
        arg: "endpoint.outputFileName",
    },
    loggingLevel: {
        type: "string",
        default: "Info",
        description: "Log verbosity of batch jobs: Warning, Info or Debug.",
        arg: "endpoint.loggingLevel",
    },
} as const satisfies ConfigSpec;

type Config = ConfigValues<typeof CONFIG_SPEC>;

/** The endpoint's settings from the config (the program adds the workspace, compute and assets). Pure. */
export function endpointSettings(c: Config, tags: Record<string, string>): BatchEndpointSettings {
    return {
        tags,
        endpointName: c.endpointName,
        scoringScript: c.scoringScript,
        miniBatchSize: c.miniBatchSize,
        maxConcurrencyPerInstance: c.maxConcurrencyPerInstance,
        instanceCount: c.instanceCount,
        clusterMaxNodes: c.maxNodes,
        maxRetries: c.maxRetries,
        miniBatchTimeoutSeconds: c.miniBatchTimeoutSeconds,
        errorThreshold: c.errorThreshold,
        outputAction: c.outputAction as BatchOutputAction,
        outputFileName: c.outputFileName,
        loggingLevel: c.loggingLevel as BatchLoggingLevel,
    };
}

/** The checks of every part the config feeds, under `cluster.`, `endpoint.`, the assets' and the platform's names. */
function componentIssues(c: Config): ValidationIssue[] {
    const tags = pathTags("2-2", c);
    const v = new Validator();
    v.merge(clusterIssues(c, tags));
    v.merge(
        issuesOf(() => validateBatchEndpointArgs(endpointSettings(c, tags))),
        "endpoint",
    );
    v.merge(assetIssues(c, tags));
    v.merge(pathPlatformIssues(c, tags));
    return [...v.issues];
}

/** Every rule on the config besides each key's type. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    crossChecks: (c) => platformKeyIssues(c, CONFIG_SPEC),
    components: componentIssues,
};

/** How to score a folder with the endpoint. Pure. */
export function invokeCommand(endpointName: string, resourceGroup: string, workspace: string): string {
    return (
        `az ml batch-endpoint invoke --name ${endpointName} -g ${resourceGroup} -w ${workspace} ` +
        "--input azureml://datastores/workspaceblobstore/paths/scoring/incoming/ --input-type uri_folder"
    );
}

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const tags = pathTags("2-2", config);
    const name = `${config.workload}-${config.environment}`;
    const where = await pathPlatform("2-2", config, name);
    const { platform } = where;
    const ws = { resourceGroupName: platform.resourceGroupName, workspaceName: platform.workspaceName };

    // Batch jobs read their inputs and write predictions as the nodes' identity.
    const { cluster, grants } = createPathCluster(`${name}-cluster`, where, config, tags);

    const assets = createAssets(name, where, config, tags);
    const endpoint = new BatchEndpoint(
        `${name}-batch`,
        {
            ...ws,
            location: platform.location,
            computeId: cluster.clusterId,
            modelId: assets.model.modelId,
            codeId: assets.code.codeId,
            environmentId: assets.environment.environmentId,
            ...endpointSettings(config, tags),
        },
        { dependsOn: [...where.ready, ...grants] },
    );

    return {
        // The platform contract: the driver's aml run spec names this stack as its baseStack.
        ...platform,
        clusterName: cluster.clusterName,
        clusterId: cluster.clusterId,
        endpointName: endpoint.endpointName,
        deploymentName: endpoint.deploymentName,
        scoringUri: endpoint.scoringUri,
        invokeCommand: pulumi
            .all([endpoint.endpointName, platform.resourceGroupName, platform.workspaceName])
            .apply(([e, g, w]) => invokeCommand(e, g, w)),
    };
}
