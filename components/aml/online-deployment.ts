/**
 * OnlineDeployment: one deployment of a managed online endpoint: a model, an
 * environment and a scoring script (`init()` / `run(raw_data)`, the contract
 * of the Azure ML inference server) on `instanceCount` VMs of
 * `instanceType`, with request limits, liveness and readiness probes, and
 * Application Insights on. Optionally an Azure Monitor autoscale setting
 * scales it between bounds on CPU or request latency.
 *
 * A change Azure ML refuses in place becomes a new deployment: Azure ML does
 * not change the instance type of a deployment
 * (https://github.com/Azure/AML-Kubernetes/issues/247: "today deployment
 * update can't change instance type … deploy a new deployment, move traffic
 * there, and delete the old one"). The deployment's Azure name is the name
 * given plus a short hash of those settings (`blue-k3x9qa`), so a new
 * instance type is a new name: Pulumi creates the new deployment first, the
 * endpoint's traffic (which depends on it) moves to it, and the old one is
 * deleted last. Every other setting changes in place (Azure ML rolls the
 * instances).
 */
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import { shortSuffix } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { isIntInRange, ValidationIssue, Validator } from "../common/validation";
import { scoringScriptIssues } from "./assets";
import { vmSizeIssues } from "../common/vm-sizes";

/** A small CPU size on the managed online SKU list, above the sizes Microsoft calls too small. */
export const DEFAULT_INSTANCE_TYPE = "Standard_DS2_v2";
export const DEFAULT_SCORING_SCRIPT = "score.py";
/** Instances per deployment, the default limit for managed online endpoints (how-to-manage-quotas). */
export const MAX_INSTANCES = 50;
/** The longest request timeout of a managed online endpoint, 180 s (how-to-manage-quotas). */
export const MAX_REQUEST_TIMEOUT_MS = 180_000;

/**
 * Settings a deployment cannot change in place, whose change makes a new
 * deployment (its Azure name carries their hash).
 */
export const DEPLOYMENT_NEW_ON_CHANGE = ["instanceType"] as const;

/**
 * The VM sizes managed online endpoints run on, CPU and GPU
 * (https://learn.microsoft.com/azure/machine-learning/reference-managed-online-endpoints-vm-sku-list).
 * Sizes of retired families on that list are refused by `vmSizeIssues`.
 */
export const MANAGED_ONLINE_SKUS: readonly string[] = [
    ...["D2as_v4", "D4as_v4", "D8as_v4", "D16as_v4", "D32as_v4", "D48as_v4", "D64as_v4", "D96as_v4"],
    ...["D2a_v4", "D4a_v4", "D8a_v4", "D16a_v4", "D32a_v4", "D48a_v4", "D64a_v4", "D96a_v4"],
    ...["DS1_v2", "DS2_v2", "DS3_v2", "DS4_v2", "DS5_v2"],
    ...["E2s_v3", "E4s_v3", "E8s_v3", "E16s_v3", "E32s_v3", "E48s_v3", "E64s_v3"],
    ...["F2s_v2", "F4s_v2", "F8s_v2", "F16s_v2", "F32s_v2", "F48s_v2", "F64s_v2", "F72s_v2"],
    ...["FX4mds", "FX12mds", "FX24mds", "FX36mds", "FX48mds"],
    ...["L8as_v3", "L16as_v3", "L32as_v3", "L48as_v3", "L64as_v3", "L80as_v3"],
    ...["L8s_v2", "L16s_v2", "L32s_v2", "L48s_v2", "L64s_v2", "L80s_v2"],
    ...["L8s_v3", "L16s_v3", "L32s_v3", "L48s_v3", "L64s_v3", "L80s_v3"],
    ...["NC24ads_A100_v4", "NC48ads_A100_v4", "NC96ads_A100_v4"],
    ...["NC4as_T4_v3", "NC8as_T4_v3", "NC16as_T4_v3", "NC64as_T4_v3"],
    ...["NC6s_v2", "NC12s_v2", "NC24s_v2", "NC6s_v3", "NC12s_v3", "NC24s_v3"],
    ...["NC40ads_H100_v5", "NC80adis_H100_v5", "ND96amsr_A100_v4", "ND96asr_v4", "ND40rs_v2"],
    ...["ND96is_H100_v5", "ND96isr_H100_v5"],
    ...["NV6ads_A10_v5", "NV12ads_A10_v5", "NV18ads_A10_v5", "NV36ads_A10_v5", "NV36adms_A10_v5", "NV72ads_A10_v5"],
].map((s) => `Standard_${s}`);

/** A health probe of the deployment's container; Azure ML's defaults in parentheses (reference-yaml-deployment-managed-online). */
export interface ProbeSettings {
    /** Optional. Seconds after the container starts before the first probe (at least 1). @default 10 */
    readonly initialDelaySeconds?: number;
    /** Optional. Seconds between probes (at least 1). @default 10 */
    readonly periodSeconds?: number;
    /** Optional. Seconds after which a probe times out (at least 1). @default 2 */
    readonly timeoutSeconds?: number;
    /** Optional. Failures in a row before the container is restarted (liveness) or marked unready (readiness). @default 30 */
    readonly failureThreshold?: number;
    /** Optional. Successes in a row after a failure to count as healthy; fixed at 1 for liveness. @default 1 */
    readonly successThreshold?: number;
}

/** Autoscale of a deployment by Azure Monitor. */
export interface AutoscaleSettings {
    /** Required. Fewest instances (1-50). */
    readonly minInstances: number;
    /** Required. Most instances (at least minInstances, at most 50). */
    readonly maxInstances: number;
    /**
     * Optional. What the rules watch: `cpu`, the deployment's
     * `CpuUtilizationPercentage` (percent); `latency`, the endpoint's
     * `RequestLatency` (milliseconds), which covers every deployment of the
     * endpoint (how-to-autoscale-endpoints). @default "cpu"
     */
    readonly metric?: "cpu" | "latency";
    /** Optional. Add an instance when the 5-minute average is above this. @default 70 (cpu), 1000 (latency) */
    readonly scaleOutAbove?: number;
    /** Optional. Remove an instance when the 5-minute average is below this. @default 30 (cpu), 200 (latency) */
    readonly scaleInBelow?: number;
}

export interface OnlineDeploymentArgs {
    /** Required. Resource group of the workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. Azure ML workspace name. */
    readonly workspaceName: pulumi.Input<string>;
    /** Required. Name of the endpoint (OnlineEndpoint.endpointName). */
    readonly endpointName: pulumi.Input<string>;
    /** Conditional. ARM id of the endpoint; required with `autoscale.metric: "latency"`. */
    readonly endpointId?: pulumi.Input<string>;
    /** Optional. Azure region. @default - the resource group's region */
    readonly location?: pulumi.Input<string>;
    /**
     * Required. Name of the deployment, e.g. `blue`: 3-25 letters, digits and
     * single '-', starting with a letter. Azure's name adds `-<hash>`.
     */
    readonly name: string;
    /** Required. Model asset id (ModelAsset.modelId). */
    readonly modelId: pulumi.Input<string>;
    /** Required. Environment asset id with the Azure ML inference server (EnvironmentAsset.environmentId). */
    readonly environmentId: pulumi.Input<string>;
    /** Required. Code asset id holding the scoring script (CodeAsset.codeId). */
    readonly codeId: pulumi.Input<string>;
    /** Optional. Scoring script, relative to the code folder. @default "score.py" */
    readonly scoringScript?: string;
    /** Optional. VM size, from the managed online SKU list; a change makes a new deployment. @default "Standard_DS2_v2" */
    readonly instanceType?: string;
    /** Optional. Instances (1-50); Azure ML reserves 20% more quota for upgrades; 3 or more for production. @default 1 */
    readonly instanceCount?: number;
    /** Optional. Requests one instance serves at once; Azure ML advises keeping 1. @default 1 */
    readonly maxConcurrentRequestsPerInstance?: number;
    /** Optional. Scoring timeout in milliseconds (1-180000). @default 5000 */
    readonly requestTimeoutMs?: number;
    /** Optional. Liveness probe. @default - Azure ML's defaults (see ProbeSettings) */
    readonly livenessProbe?: ProbeSettings;
    /** Optional. Readiness probe. @default - Azure ML's defaults (see ProbeSettings) */
    readonly readinessProbe?: ProbeSettings;
    /** Optional. Send request logs and traces to the workspace's Application Insights. @default true */
    readonly appInsightsEnabled?: boolean;
    /** Optional. Environment variables of the scoring container. @default {} */
    readonly environmentVariables?: Readonly<Record<string, string>>;
    /** Optional. No outbound public access from the container (needs the workspace's managed network). @default false */
    readonly networkIsolation?: boolean;
    /** Optional. Scale between bounds with Azure Monitor autoscale. @default - a fixed instanceCount */
    readonly autoscale?: AutoscaleSettings;
    /** Optional. Tags of the deployment and its autoscale setting. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

export type OnlineDeploymentSettings = Omit<
    OnlineDeploymentArgs,
    "resourceGroupName" | "workspaceName" | "endpointName" | "endpointId" | "modelId" | "environmentId" | "codeId"
>;

export interface ResolvedProbe {
    readonly initialDelaySeconds: number;
    readonly periodSeconds: number;
    readonly timeoutSeconds: number;
    readonly failureThreshold: number;
    readonly successThreshold: number;
}

export interface ResolvedAutoscale {
    readonly minInstances: number;
    readonly maxInstances: number;
    readonly metric: "cpu" | "latency";
    readonly scaleOutAbove: number;
    readonly scaleInBelow: number;
}

export interface ResolvedOnlineDeploymentArgs {
    readonly scoringScript: string;
    readonly instanceType: string;
    readonly instanceCount: number;
    readonly maxConcurrentRequestsPerInstance: number;
    readonly requestTimeoutMs: number;
    readonly livenessProbe: ResolvedProbe;
    readonly readinessProbe: ResolvedProbe;
    readonly appInsightsEnabled: boolean;
    readonly egressPublicNetworkAccess: "Enabled" | "Disabled";
    readonly autoscale?: ResolvedAutoscale;
}

function resolveProbe(p: ProbeSettings | undefined): ResolvedProbe {
    return {
        initialDelaySeconds: p?.initialDelaySeconds ?? 10,
        periodSeconds: p?.periodSeconds ?? 10,
        timeoutSeconds: p?.timeoutSeconds ?? 2,
        failureThreshold: p?.failureThreshold ?? 30,
        successThreshold: p?.successThreshold ?? 1,
    };
}

export function resolveOnlineDeploymentArgs(args: OnlineDeploymentSettings): ResolvedOnlineDeploymentArgs {
    const a = args.autoscale;
    const metric = a?.metric ?? "cpu";
    return {
        scoringScript: args.scoringScript ?? DEFAULT_SCORING_SCRIPT,
        instanceType: args.instanceType ?? DEFAULT_INSTANCE_TYPE,
        instanceCount: args.instanceCount ?? 1,
        maxConcurrentRequestsPerInstance: args.maxConcurrentRequestsPerInstance ?? 1,
        requestTimeoutMs: args.requestTimeoutMs ?? 5000,
        livenessProbe: resolveProbe(args.livenessProbe),
        readinessProbe: resolveProbe(args.readinessProbe),
        appInsightsEnabled: args.appInsightsEnabled ?? true,
        egressPublicNetworkAccess: args.networkIsolation ? "Disabled" : "Enabled",
        autoscale: a && {
            minInstances: a.minInstances,
            maxInstances: a.maxInstances,
            metric,
            scaleOutAbove: a.scaleOutAbove ?? (metric === "cpu" ? 70 : 1000),
            scaleInBelow: a.scaleInBelow ?? (metric === "cpu" ? 30 : 200),
        },
    };
}

/** Problems of a probe; `liveness` fixes successThreshold at 1. Pure. */
function probeIssues(field: string, p: ResolvedProbe, liveness: boolean): ValidationIssue[] {
    const v = new Validator();
    for (const key of ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold"] as const) {
        v.check(`${field}.${key}`, isIntInRange(p[key], 1, 3600), "a whole number from 1 to 3600", p[key]);
    }
    if (liveness) {
        v.check(
            `${field}.successThreshold`,
            p.successThreshold === 1,
            "1 (Azure ML fixes it for liveness)",
            p.successThreshold,
        );
    } else {
        v.check(
            `${field}.successThreshold`,
            isIntInRange(p.successThreshold, 1, 100),
            "a whole number from 1 to 100",
            p.successThreshold,
        );
    }
    return [...v.issues];
}

/** Problems of an instance type: on the managed online list, not retired. Pure. */
export function instanceTypeIssues(size: string, field: string = "instanceType"): ValidationIssue[] {
    const retired = vmSizeIssues(size, field);
    if (retired.length > 0) return retired;
    const listed = MANAGED_ONLINE_SKUS.some((s) => s.toLowerCase() === String(size).toLowerCase());
    return listed
        ? []
        : [
              {
                  field,
                  rule: "a size on the managed online endpoints SKU list, e.g. Standard_DS2_v2 or Standard_F4s_v2",
                  value: size,
              },
          ];
}

export function validateOnlineDeploymentArgs(
    args: OnlineDeploymentSettings & { readonly endpointId?: unknown },
): ResolvedOnlineDeploymentArgs {
    const r = resolveOnlineDeploymentArgs(args);
    const v = new Validator("OnlineDeployment");
    v.check(
        "name",
        typeof args.name === "string" &&
            /^[a-zA-Z](-?[a-zA-Z0-9])*$/.test(args.name) &&
            args.name.length >= 3 &&
            args.name.length <= 25,
        "3-25 letters, digits and single '-', starting with a letter (Azure's name adds a 7-character hash)",
        args.name,
    );
    v.merge(scoringScriptIssues(r.scoringScript));
    v.merge(instanceTypeIssues(r.instanceType));
    v.check(
        "instanceCount",
        isIntInRange(r.instanceCount, 1, MAX_INSTANCES),
        `a whole number from 1 to ${MAX_INSTANCES}`,
        r.instanceCount,
    );
    v.check(
        "maxConcurrentRequestsPerInstance",
        isIntInRange(r.maxConcurrentRequestsPerInstance, 1, 1000),
        "a whole number from 1 to 1000",
        r.maxConcurrentRequestsPerInstance,
    );
    v.check(
        "requestTimeoutMs",
        isIntInRange(r.requestTimeoutMs, 1, MAX_REQUEST_TIMEOUT_MS),
        `a whole number of milliseconds from 1 to ${MAX_REQUEST_TIMEOUT_MS}`,
        r.requestTimeoutMs,
    );
    v.merge(probeIssues("livenessProbe", r.livenessProbe, true));
    v.merge(probeIssues("readinessProbe", r.readinessProbe, false));
    const a = r.autoscale;
    if (a) {
        const minOk = v.check(
            "autoscale.minInstances",
            isIntInRange(a.minInstances, 1, MAX_INSTANCES),
            `a whole number from 1 to ${MAX_INSTANCES}`,
            a.minInstances,
        );
        const maxOk = v.check(
            "autoscale.maxInstances",
            isIntInRange(a.maxInstances, 1, MAX_INSTANCES),
            `a whole number from 1 to ${MAX_INSTANCES}`,
            a.maxInstances,
        );
        if (minOk && maxOk) {
            v.check(
                "autoscale.maxInstances",
                a.maxInstances >= a.minInstances,
                `at least minInstances (${a.minInstances})`,
                a.maxInstances,
            );
            v.check(
                "instanceCount",
                r.instanceCount >= a.minInstances && r.instanceCount <= a.maxInstances,
                `within the autoscale bounds (${a.minInstances}-${a.maxInstances}): the count to start from`,
                r.instanceCount,
            );
        }
        if (
            v.check(
                "autoscale.metric",
                a.metric === "cpu" || a.metric === "latency",
                'one of "cpu", "latency"',
                a.metric,
            )
        ) {
            const [low, high, unit] =
                a.metric === "cpu" ? [1, 100, "percent"] : [1, MAX_REQUEST_TIMEOUT_MS, "milliseconds"];
            const outOk = v.check(
                "autoscale.scaleOutAbove",
                isIntInRange(a.scaleOutAbove, low, high),
                `whole ${unit} from ${low} to ${high}`,
                a.scaleOutAbove,
            );
            const inOk = v.check(
                "autoscale.scaleInBelow",
                isIntInRange(a.scaleInBelow, low, high),
                `whole ${unit} from ${low} to ${high}`,
                a.scaleInBelow,
            );
            if (outOk && inOk) {
                v.check(
                    "autoscale.scaleInBelow",
                    a.scaleInBelow < a.scaleOutAbove,
                    `below scaleOutAbove (${a.scaleOutAbove}), or the rules fight`,
                    a.scaleInBelow,
                );
            }
            if (a.metric === "latency") {
                v.check(
                    "endpointId",
                    args.endpointId !== undefined,
                    'required with autoscale.metric "latency" (the metric is the endpoint\'s)',
                    args.endpointId,
                );
            }
        }
    }
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

/**
 * The deployment's Azure name: the name given and a hash of the settings it
 * cannot change in place, so changing one names a new deployment. Pure.
 */
export function deploymentAzureName(name: string, r: Pick<ResolvedOnlineDeploymentArgs, "instanceType">): string {
    const fixed = Object.fromEntries(DEPLOYMENT_NEW_ON_CHANGE.map((k) => [k, r[k].toLowerCase()]));
    return `${name}-${shortSuffix(`OnlineDeployment:${JSON.stringify(fixed)}`)}`;
}

/** A duration in milliseconds as ISO 8601 (`PT5S`, `PT0.5S`). Pure. */
export function isoMillis(ms: number): string {
    return `PT${ms / 1000}S`;
}

function probe(p: ResolvedProbe) {
    return {
        initialDelay: `PT${p.initialDelaySeconds}S`,
        period: `PT${p.periodSeconds}S`,
        timeout: `PT${p.timeoutSeconds}S`,
        failureThreshold: p.failureThreshold,
        successThreshold: p.successThreshold,
    };
}

/**
 * The autoscale metrics: names from the Azure Monitor metric tables of online
 * deployments (`CpuUtilizationPercentage`) and endpoints (`RequestLatency`),
 * used this way in how-to-autoscale-endpoints
 * (https://learn.microsoft.com/azure/machine-learning/how-to-autoscale-endpoints).
 */
export const AUTOSCALE_METRICS = { cpu: "CpuUtilizationPercentage", latency: "RequestLatency" } as const;

export class OnlineDeployment extends pulumi.ComponentResource {
    readonly deployment: machinelearningservices.OnlineDeployment;
    readonly autoscaleSetting?: monitor.AutoscaleSetting;
    /** The deployment's name as Azure has it (`<name>-<hash>`), known before deploying. */
    readonly azureName: string;
    /** The name given (`blue`). */
    readonly name: string;
    readonly deploymentId: pulumi.Output<string>;
    readonly resolved: ResolvedOnlineDeploymentArgs;

    constructor(name: string, args: OnlineDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:OnlineDeployment", name, {}, opts);
        const r = validateOnlineDeploymentArgs(args);
        this.resolved = r;
        this.name = args.name;
        this.azureName = deploymentAzureName(args.name, r);
        const tags = withManagedBy(args.tags);

        this.deployment = new machinelearningservices.OnlineDeployment(
            `${name}-deployment`,
            {
                resourceGroupName: args.resourceGroupName,
                workspaceName: args.workspaceName,
                endpointName: args.endpointName,
                deploymentName: this.azureName,
                location: args.location,
                // The instance count travels as the SKU's capacity, as the Azure ML SDK sends it.
                sku: { name: "Default", capacity: r.instanceCount },
                properties: {
                    endpointComputeType: "Managed",
                    description: `Deployment ${args.name} of ${name}`,
                    model: args.modelId,
                    environmentId: args.environmentId,
                    codeConfiguration: { codeId: args.codeId, scoringScript: r.scoringScript },
                    instanceType: r.instanceType,
                    appInsightsEnabled: r.appInsightsEnabled,
                    egressPublicNetworkAccess: r.egressPublicNetworkAccess,
                    environmentVariables: { ...(args.environmentVariables ?? {}) },
                    requestSettings: {
                        maxConcurrentRequestsPerInstance: r.maxConcurrentRequestsPerInstance,
                        requestTimeout: isoMillis(r.requestTimeoutMs),
                    },
                    livenessProbe: probe(r.livenessProbe),
                    readinessProbe: probe(r.readinessProbe),
                    scaleSettings: { scaleType: "Default" },
                },
                tags,
            },
            {
                parent: this,
                // Under autoscale, Azure Monitor owns the instance count; a deploy must not reset it.
                ignoreChanges: r.autoscale ? ["sku.capacity"] : [],
            },
        );
        this.deploymentId = this.deployment.id;

        const a = r.autoscale;
        if (a) {
            const watched = a.metric === "cpu" ? this.deployment.id : args.endpointId!;
            const rule = (direction: "Increase" | "Decrease", threshold: number) => ({
                metricTrigger: {
                    metricName: AUTOSCALE_METRICS[a.metric],
                    metricResourceUri: watched,
                    operator: direction === "Increase" ? ("GreaterThan" as const) : ("LessThan" as const),
                    statistic: "Average" as const,
                    timeAggregation: "Average" as const,
                    timeGrain: "PT1M",
                    timeWindow: "PT5M",
                    threshold,
                },
                scaleAction: { direction, type: "ChangeCount" as const, value: "1", cooldown: "PT5M" },
            });
            this.autoscaleSetting = new monitor.AutoscaleSetting(
                `${name}-autoscale`,
                {
                    resourceGroupName: args.resourceGroupName,
                    autoscaleSettingName: pulumi.interpolate`autoscale-${args.endpointName}-${this.azureName}`,
                    location: this.deployment.location,
                    targetResourceUri: this.deployment.id,
                    enabled: true,
                    profiles: [
                        {
                            name: "default",
                            capacity: {
                                minimum: String(a.minInstances),
                                maximum: String(a.maxInstances),
                                default: String(r.instanceCount),
                            },
                            rules: [rule("Increase", a.scaleOutAbove), rule("Decrease", a.scaleInBelow)],
                        },
                    ],
                    tags,
                },
                { parent: this },
            );
        }
        this.registerOutputs({ deploymentId: this.deploymentId, azureName: this.azureName });
    }
}
