/**
 * BatchEndpoint: an Azure ML batch endpoint with one deployment, the
 * successor of the Batch AI scoring jobs of the 2018 material for scoring
 * on demand: other systems invoke the endpoint with a folder of files, Azure
 * ML splits it into mini-batches and runs the deployment's scoring script
 * (`init()`/`run(mini_batch)`) on a compute cluster, which scales from 0.
 *
 * Batch endpoints take Microsoft Entra tokens only
 * (https://learn.microsoft.com/azure/machine-learning/how-to-authenticate-batch-endpoint).
 * The endpoint's default deployment, the one an invocation runs, is set once
 * the deployment exists, as the Azure ML CLI does with
 * `az ml batch-endpoint update --set defaults.deployment_name=…`
 * (Azure/azureml-examples#4035): EndpointRouting, after the deployment.
 */
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { azureName } from "../common/component";
import { CommonArgs } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { isIntInRange, Validator } from "../common/validation";
import { isoSeconds } from "./compute-cluster";
import { scoringScriptIssues } from "./assets";
import { EndpointRouting } from "./endpoint-traffic";

export const DEFAULT_MINI_BATCH_SIZE = 10;
export const DEFAULT_BATCH_SCORING_SCRIPT = "batch_score.py";
export const DEFAULT_BATCH_OUTPUT_FILE = "predictions.csv";
export const DEFAULT_MINI_BATCH_RETRIES = 3;
export const DEFAULT_MINI_BATCH_TIMEOUT_SECONDS = 300;
export const BATCH_OUTPUT_ACTIONS = ["AppendRow", "SummaryOnly"] as const;
export type BatchOutputAction = (typeof BATCH_OUTPUT_ACTIONS)[number];
export const BATCH_LOGGING_LEVELS = ["Warning", "Info", "Debug"] as const;
export type BatchLoggingLevel = (typeof BATCH_LOGGING_LEVELS)[number];

export interface BatchEndpointArgs extends Omit<CommonArgs, "diagnostics" | "networkIsolation"> {
    /** Required. Name of the Azure ML workspace. */
    readonly workspaceName: pulumi.Input<string>;
    /** Required. ARM id of the cluster the deployment's jobs run on (ComputeCluster.clusterId). */
    readonly computeId: pulumi.Input<string>;
    /** Required. Model asset id (ModelAsset.modelId). */
    readonly modelId: pulumi.Input<string>;
    /** Required. Code asset id holding the scoring script (CodeAsset.codeId). */
    readonly codeId: pulumi.Input<string>;
    /** Required. Environment asset id the scoring script runs in. */
    readonly environmentId: pulumi.Input<string>;
    /**
     * Optional. Endpoint name: 3-32 letters, digits and single '-', starting
     * with a letter, unique in the region. @default - `<component>-<suffix>`
     */
    readonly endpointName?: string;
    /** Optional. Name of the deployment, unique within the endpoint: 3-32 characters as the endpoint's. @default "score" */
    readonly deploymentName?: string;
    /** Optional. Path of the scoring script inside the code asset. @default "batch_score.py" */
    readonly scoringScript?: string;
    /** Optional. Files per mini-batch, 1-10000 (one `run(mini_batch)` call each). @default 10 */
    readonly miniBatchSize?: number;
    /** Optional. Scoring processes per node, 1-64. @default 1 */
    readonly maxConcurrencyPerInstance?: number;
    /** Optional. Nodes a job runs on (at most the cluster's maxNodes). @default 1 */
    readonly instanceCount?: number;
    /** Optional. Cluster's max nodes, to refuse a deployment that could never be scheduled. @default - not checked */
    readonly clusterMaxNodes?: number;
    /** Optional. Tries of a failed mini-batch after the first, 0-10. @default 3 */
    readonly maxRetries?: number;
    /** Optional. Seconds one mini-batch may run, 30-86400. @default 300 */
    readonly miniBatchTimeoutSeconds?: number;
    /**
     * Optional. Failed files tolerated before the job is aborted; -1
     * tolerates any number (Azure ML's own default). 0 fails a nightly batch
     * on its first bad file rather than reporting success with gaps. @default 0
     */
    readonly errorThreshold?: number;
    /** Optional. `AppendRow` gathers `run`'s returned rows into one file; `SummaryOnly` leaves output to the script. @default "AppendRow" */
    readonly outputAction?: BatchOutputAction;
    /** Optional. Name of the AppendRow output file. @default "predictions.csv" */
    readonly outputFileName?: string;
    /** Optional. Log verbosity of the jobs. @default "Info" */
    readonly loggingLevel?: BatchLoggingLevel;
    /** Optional. Environment variables of the scoring processes. @default {} */
    readonly environmentVariables?: Readonly<Record<string, string>>;
}

/** The settings `validateBatchEndpointArgs` checks: everything but where it goes and the assets it runs. */
export type BatchEndpointSettings = Omit<
    BatchEndpointArgs,
    "resourceGroupName" | "workspaceName" | "computeId" | "modelId" | "codeId" | "environmentId"
>;

export interface ResolvedBatchEndpointArgs {
    readonly deploymentName: string;
    readonly scoringScript: string;
    readonly miniBatchSize: number;
    readonly maxConcurrencyPerInstance: number;
    readonly instanceCount: number;
    readonly maxRetries: number;
    readonly miniBatchTimeoutSeconds: number;
    readonly errorThreshold: number;
    readonly outputAction: BatchOutputAction;
    readonly outputFileName: string;
    readonly loggingLevel: BatchLoggingLevel;
}

export function resolveBatchEndpointArgs(args: BatchEndpointSettings): ResolvedBatchEndpointArgs {
    return {
        deploymentName: args.deploymentName ?? "score",
        scoringScript: args.scoringScript ?? DEFAULT_BATCH_SCORING_SCRIPT,
        miniBatchSize: args.miniBatchSize ?? DEFAULT_MINI_BATCH_SIZE,
        maxConcurrencyPerInstance: args.maxConcurrencyPerInstance ?? 1,
        instanceCount: args.instanceCount ?? 1,
        maxRetries: args.maxRetries ?? DEFAULT_MINI_BATCH_RETRIES,
        miniBatchTimeoutSeconds: args.miniBatchTimeoutSeconds ?? DEFAULT_MINI_BATCH_TIMEOUT_SECONDS,
        errorThreshold: args.errorThreshold ?? 0,
        outputAction: args.outputAction ?? "AppendRow",
        outputFileName: args.outputFileName ?? DEFAULT_BATCH_OUTPUT_FILE,
        loggingLevel: args.loggingLevel ?? "Info",
    };
}

/** Every rule on the settings, with defaults applied; throws a ValidationError naming each field. Pure. */
export function validateBatchEndpointArgs(args: BatchEndpointSettings): ResolvedBatchEndpointArgs {
    const r = resolveBatchEndpointArgs(args);
    const v = new Validator("BatchEndpoint");
    if (args.endpointName !== undefined) v.merge(nameIssues("mlEndpoint", args.endpointName, "endpointName"));
    v.merge(nameIssues("mlDeployment", r.deploymentName, "deploymentName"));
    v.merge(scoringScriptIssues(r.scoringScript));
    v.check("miniBatchSize", isIntInRange(r.miniBatchSize, 1, 10000), "an integer from 1 to 10000", r.miniBatchSize);
    v.check(
        "maxConcurrencyPerInstance",
        isIntInRange(r.maxConcurrencyPerInstance, 1, 64),
        "an integer from 1 to 64",
        r.maxConcurrencyPerInstance,
    );
    if (v.check("instanceCount", isIntInRange(r.instanceCount, 1, 100), "an integer from 1 to 100", r.instanceCount)) {
        if (args.clusterMaxNodes !== undefined) {
            v.check(
                "instanceCount",
                r.instanceCount <= args.clusterMaxNodes,
                `at most the cluster's maxNodes (${args.clusterMaxNodes})`,
                r.instanceCount,
            );
        }
    }
    v.check("maxRetries", isIntInRange(r.maxRetries, 0, 10), "an integer from 0 to 10", r.maxRetries);
    v.check(
        "miniBatchTimeoutSeconds",
        isIntInRange(r.miniBatchTimeoutSeconds, 30, 86400),
        "an integer from 30 to 86400 seconds",
        r.miniBatchTimeoutSeconds,
    );
    v.check(
        "errorThreshold",
        isIntInRange(r.errorThreshold, -1, 2 ** 31 - 1),
        "-1 (tolerate every failure) or a count of failed files from 0",
        r.errorThreshold,
    );
    v.check(
        "outputAction",
        BATCH_OUTPUT_ACTIONS.includes(r.outputAction),
        `one of ${BATCH_OUTPUT_ACTIONS.join(", ")}`,
        r.outputAction,
    );
    v.check(
        "outputFileName",
        /^[A-Za-z0-9_.-]{1,255}$/.test(r.outputFileName) && !/^\.+$/.test(r.outputFileName),
        "a file name (letters, digits, '_', '.', '-'), no folder",
        r.outputFileName,
    );
    v.check(
        "loggingLevel",
        BATCH_LOGGING_LEVELS.includes(r.loggingLevel),
        `one of ${BATCH_LOGGING_LEVELS.join(", ")}`,
        r.loggingLevel,
    );
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

export class BatchEndpoint extends pulumi.ComponentResource {
    readonly endpoint: machinelearningservices.BatchEndpoint;
    readonly deployment: machinelearningservices.BatchDeployment;
    readonly endpointName: pulumi.Output<string>;
    readonly deploymentName: pulumi.Output<string>;
    /** The URI jobs are invoked at (`az ml batch-endpoint invoke` calls it for you). */
    readonly scoringUri: pulumi.Output<string>;
    readonly endpointId: pulumi.Output<string>;

    constructor(name: string, args: BatchEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:BatchEndpoint", name, {}, opts);
        const r = validateBatchEndpointArgs(args);
        const tags = withManagedBy(args.tags);
        const where = { resourceGroupName: args.resourceGroupName, workspaceName: args.workspaceName };

        const endpointName = azureName("mlEndpoint", name, args.endpointName, "endpointName");
        this.endpoint = new machinelearningservices.BatchEndpoint(
            `${name}-endpoint`,
            {
                ...where,
                endpointName,
                location: args.location,
                properties: {
                    authMode: "AADToken",
                    description: `Batch scoring ${name}`,
                },
                tags,
            },
            // The default deployment is EndpointRouting's to set, after the deployment exists.
            { parent: this, ignoreChanges: ["properties.defaults"] },
        );
        this.deployment = new machinelearningservices.BatchDeployment(
            `${name}-deployment`,
            {
                ...where,
                endpointName,
                deploymentName: r.deploymentName,
                location: args.location,
                properties: {
                    compute: args.computeId,
                    model: { referenceType: "Id", assetId: args.modelId },
                    codeConfiguration: { codeId: args.codeId, scoringScript: r.scoringScript },
                    environmentId: args.environmentId,
                    environmentVariables: args.environmentVariables ? { ...args.environmentVariables } : undefined,
                    miniBatchSize: r.miniBatchSize,
                    maxConcurrencyPerInstance: r.maxConcurrencyPerInstance,
                    resources: { instanceCount: r.instanceCount },
                    retrySettings: { maxRetries: r.maxRetries, timeout: isoSeconds(r.miniBatchTimeoutSeconds) },
                    errorThreshold: r.errorThreshold,
                    outputAction: r.outputAction,
                    outputFileName: r.outputAction === "AppendRow" ? r.outputFileName : undefined,
                    loggingLevel: r.loggingLevel,
                },
                tags,
            },
            { parent: this, dependsOn: [this.endpoint] },
        );
        new EndpointRouting(
            `${name}-default`,
            {
                endpointId: this.endpoint.id,
                routing: { defaults: { deploymentName: r.deploymentName } },
                revision: this.endpoint.tags.apply((t) => JSON.stringify(t ?? {})),
            },
            { parent: this, dependsOn: [this.deployment] },
        );

        this.endpointName = this.endpoint.name.apply(() => endpointName);
        this.deploymentName = this.deployment.name.apply(() => r.deploymentName);
        this.endpointId = this.endpoint.id;
        this.scoringUri = this.endpoint.properties.apply((p) => p.scoringUri ?? "");
        this.registerOutputs({
            endpointName: this.endpointName,
            deploymentName: this.deploymentName,
            scoringUri: this.scoringUri,
        });
    }
}
