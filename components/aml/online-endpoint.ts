/**
 * OnlineEndpoint: an Azure ML managed online endpoint, the successor of the
 * AML v1 web services of the 2018 material: one HTTPS scoring URI in front
 * of one or more deployments, with the traffic split between them.
 *
 * Clients authenticate with Microsoft Entra tokens by default (`AADToken`:
 * identity-based, short-lived, scoped by RBAC); key auth is a choice, and
 * its keys are Pulumi secrets. The endpoint has a system-assigned identity,
 * which Azure ML grants pull on the workspace registry and read on its
 * default datastore.
 *
 * Traffic is never part of the endpoint itself: Azure ML routes only to
 * deployments of the endpoint, which do not exist when it is created.
 * `route` sets it afterwards (EndpointTraffic), depending on the deployments.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import { applyRoleAssignments, grantRole } from "../common/access";
import { azureName } from "../common/component";
import {
    CommonArgs,
    identityType,
    identityWithList,
    ManagedIdentities,
    publicNetworkAccess,
} from "../common/interface";
import { nameIssues, shortSuffix } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { isIntInRange, isRecord, ValidationIssue, Validator } from "../common/validation";
import { EndpointTraffic } from "./endpoint-traffic";
import type { OnlineDeployment } from "./online-deployment";

/** How clients authenticate: Microsoft Entra tokens, or keys. */
export type EndpointAuthMode = "AADToken" | "Key";
export const ENDPOINT_AUTH_MODES: readonly EndpointAuthMode[] = ["AADToken", "Key"];

/** The resource a data-plane token is for (https://learn.microsoft.com/azure/machine-learning/how-to-authenticate-online-endpoint). */
export const SCORING_TOKEN_RESOURCE = "https://ml.azure.com";

/** Mirrored traffic: at most 50% in all, to one deployment (how-to-safely-rollout-online-endpoints, "Mirroring has the following limitations"). */
export const MAX_MIRROR_PERCENT = 50;

/** The resource log categories of an online endpoint: container console, container events, requests. */
export const ONLINE_ENDPOINT_LOG_CATEGORIES = [
    "AmlOnlineEndpointConsoleLog",
    "AmlOnlineEndpointEventLog",
    "AmlOnlineEndpointTrafficLog",
] as const;

export interface OnlineEndpointArgs extends Omit<CommonArgs, "diagnostics"> {
    /** Required. Name of the Azure ML workspace. */
    readonly workspaceName: pulumi.Input<string>;
    /**
     * Optional. Endpoint name: 3-32 letters, digits and single '-', starting
     * with a letter; unique in the region, since it is the scoring host name.
     * @default - `<component>-<suffix>`
     */
    readonly endpointName?: string;
    /** Optional. `AADToken` (Microsoft Entra tokens) or `Key`. @default "AADToken" */
    readonly authMode?: EndpointAuthMode;
    /** Optional. Description shown in the studio. @default - the component name */
    readonly description?: string;
    /**
     * Optional. Identity of the endpoint. A system-assigned one is granted
     * pull and read on the workspace's registry and datastore by Azure ML; a
     * user-assigned one needs those grants from you. @default { systemAssigned: true }
     */
    readonly managedIdentities?: ManagedIdentities;
    /**
     * Optional. Logs (console, events, traffic) and metrics to Log Analytics;
     * `logCategoryGroup` does not apply: the three categories are named.
     * @default - no diagnostic setting
     */
    readonly diagnostics?: CommonArgs["diagnostics"];
}

export type OnlineEndpointSettings = Omit<OnlineEndpointArgs, "resourceGroupName" | "workspaceName">;

export interface ResolvedOnlineEndpointArgs {
    readonly authMode: EndpointAuthMode;
    readonly publicNetworkAccess: "Enabled" | "Disabled";
}

export function resolveOnlineEndpointArgs(args: OnlineEndpointSettings): ResolvedOnlineEndpointArgs {
    return {
        authMode: args.authMode ?? "AADToken",
        publicNetworkAccess: publicNetworkAccess(args.networkIsolation),
    };
}

export function validateOnlineEndpointArgs(args: OnlineEndpointSettings): ResolvedOnlineEndpointArgs {
    const r = resolveOnlineEndpointArgs(args);
    const v = new Validator("OnlineEndpoint");
    if (args.endpointName !== undefined) v.merge(nameIssues("mlEndpoint", args.endpointName, "endpointName"));
    v.check("authMode", ENDPOINT_AUTH_MODES.includes(r.authMode), 'one of "AADToken", "Key"', r.authMode);
    v.check(
        "managedIdentities",
        identityType(args.managedIdentities, true) !== "None",
        "at least one identity: the deployments pull images and read models with it",
        args.managedIdentities,
    );
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

/** How an endpoint routes requests among its deployments, by the deployments' names in the program. */
export interface TrafficSpec {
    /** Required. Deployment → percent of live traffic; whole numbers summing to 100. */
    readonly traffic: Readonly<Record<string, number>>;
    /**
     * Optional. Deployment → percent of live traffic copied to it (responses
     * discarded); one deployment, with no live traffic, at most 50. @default {}
     */
    readonly mirrorTraffic?: Readonly<Record<string, number>>;
}

/**
 * Problems of a traffic split over `deployments` (their names in the
 * program). Azure ML's rules: live traffic sums to 100; mirrored traffic goes
 * to one deployment, at most 50%, and a deployment takes live or mirrored
 * traffic, not both
 * (https://learn.microsoft.com/azure/machine-learning/how-to-safely-rollout-online-endpoints). Pure.
 */
export function trafficIssues(spec: TrafficSpec, deployments: readonly string[]): ValidationIssue[] {
    const v = new Validator();
    const known = `one of the deployments (${deployments.join(", ")})`;
    const percents = (field: "traffic" | "mirrorTraffic", map: unknown, max: number): Record<string, number> => {
        if (!v.check(field, isRecord(map), `a map of deployment name to percent`, map)) return {};
        const ok: Record<string, number> = {};
        for (const [name, pct] of Object.entries(map as Record<string, unknown>)) {
            const a = v.check(`${field}.${name}`, deployments.includes(name), known, name);
            const b = v.check(`${field}.${name}`, isIntInRange(pct, 0, max), `a whole percent from 0 to ${max}`, pct);
            if (a && b) ok[name] = pct as number;
        }
        return ok;
    };
    const live = percents("traffic", spec.traffic, 100);
    const mirror = percents("mirrorTraffic", spec.mirrorTraffic ?? {}, MAX_MIRROR_PERCENT);
    const liveSum = Object.values(live).reduce((a, b) => a + b, 0);
    if (isRecord(spec.traffic) && Object.keys(live).length === Object.keys(spec.traffic).length) {
        v.check("traffic", liveSum === 100, "percents summing to 100", spec.traffic);
    }
    const mirrored = Object.entries(mirror).filter(([, pct]) => pct > 0);
    v.check("mirrorTraffic", mirrored.length <= 1, "at most one deployment with mirrored traffic", spec.mirrorTraffic);
    v.check(
        "mirrorTraffic",
        mirrored.reduce((a, [, pct]) => a + pct, 0) <= MAX_MIRROR_PERCENT,
        `at most ${MAX_MIRROR_PERCENT} percent in all`,
        spec.mirrorTraffic,
    );
    for (const [name] of mirrored) {
        v.check(
            `mirrorTraffic.${name}`,
            (live[name] ?? 0) === 0,
            "a deployment without live traffic (a deployment takes live or mirrored traffic, not both)",
            name,
        );
    }
    return [...v.issues];
}

export class OnlineEndpoint extends pulumi.ComponentResource {
    readonly endpoint: machinelearningservices.OnlineEndpoint;
    readonly endpointName: pulumi.Output<string>;
    /** ARM id of the endpoint. */
    readonly endpointId: pulumi.Output<string>;
    readonly authMode: EndpointAuthMode;
    /** `https://<endpoint>.<region>.inference.ml.azure.com/score` */
    readonly scoringUri: pulumi.Output<string>;
    /** The OpenAPI document of the endpoint. */
    readonly swaggerUri: pulumi.Output<string>;
    /** Object id of the system-assigned identity ("" when there is none). */
    readonly principalId: pulumi.Output<string>;
    /**
     * A stamp of the settings sent with the endpoint: the traffic is written
     * again whenever it changes (see EndpointTrafficState.revision).
     */
    readonly revision: string;
    private readonly componentName: string;
    private readonly args: OnlineEndpointArgs;

    constructor(name: string, args: OnlineEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:OnlineEndpoint", name, {}, opts);
        this.componentName = name;
        this.args = args;
        const r = validateOnlineEndpointArgs(args);
        this.authMode = r.authMode;
        const endpointName = azureName("mlEndpoint", name, args.endpointName, "endpointName");
        const tags = withManagedBy(args.tags);
        const description = args.description ?? `Online endpoint ${name}`;
        this.revision = shortSuffix(
            JSON.stringify({
                authMode: r.authMode,
                publicNetworkAccess: r.publicNetworkAccess,
                description,
                tags,
                identity: identityType(args.managedIdentities, true),
            }),
        );

        this.endpoint = new machinelearningservices.OnlineEndpoint(
            `${name}-endpoint`,
            {
                resourceGroupName: args.resourceGroupName,
                workspaceName: args.workspaceName,
                endpointName,
                location: args.location,
                identity: identityWithList(args.managedIdentities, true),
                properties: {
                    authMode: r.authMode,
                    description,
                    publicNetworkAccess: r.publicNetworkAccess,
                    // No traffic here: the deployments do not exist yet. `route` sets it.
                },
                tags,
            },
            // EndpointTraffic owns these two; a refresh or an update must not undo them.
            { parent: this, ignoreChanges: ["properties.traffic", "properties.mirrorTraffic"] },
        );

        if (args.diagnostics) {
            // The endpoint's log categories by name, as Azure Monitor lists them for online endpoints
            // (https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-machinelearningservices-workspaces-onlineendpoints-logs).
            new monitor.DiagnosticSetting(
                `${name}-diagnostics`,
                {
                    name: "to-log-analytics",
                    resourceUri: this.endpoint.id,
                    workspaceId: args.diagnostics.logAnalyticsWorkspaceId,
                    logs: ONLINE_ENDPOINT_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
                    metrics: (args.diagnostics.metrics ?? true) ? [{ category: "AllMetrics", enabled: true }] : [],
                },
                { parent: this },
            );
        }
        applyRoleAssignments(name, this.endpoint.id, args.roleAssignments, this);

        // The name sent; read through the id so that users of it wait for the endpoint.
        this.endpointName = this.endpoint.id.apply(() => endpointName);
        this.endpointId = this.endpoint.id;
        this.scoringUri = this.endpoint.properties.apply((p) => p.scoringUri);
        this.swaggerUri = this.endpoint.properties.apply((p) => p.swaggerUri);
        this.principalId = this.endpoint.identity.apply((i) => i?.principalId ?? "");
        this.registerOutputs({
            endpointName: this.endpointName,
            endpointId: this.endpointId,
            scoringUri: this.scoringUri,
            swaggerUri: this.swaggerUri,
        });
    }

    /**
     * Sets the traffic once `deployments` exist: an EndpointTraffic that
     * depends on them. `spec` names deployments as the program does (the keys
     * of `deployments`); they become the names Azure has. A deployment whose
     * Azure name changes (a setting Azure does not change in place) is
     * created first, the traffic moves to it, and only then is the old one
     * deleted. Validates the split before creating anything.
     */
    route(deployments: Readonly<Record<string, OnlineDeployment>>, spec: TrafficSpec): EndpointTraffic {
        const v = new Validator(`${this.componentName} traffic`);
        v.merge(trafficIssues(spec, Object.keys(deployments)));
        v.throwIfAny();
        const byAzureName = (map: Readonly<Record<string, number>> | undefined) =>
            Object.fromEntries(Object.entries(map ?? {}).map(([name, pct]) => [deployments[name].azureName, pct]));
        return new EndpointTraffic(
            `${this.componentName}-traffic`,
            {
                endpointId: this.endpointId,
                traffic: byAzureName(spec.traffic),
                mirrorTraffic: byAzureName(spec.mirrorTraffic),
                revision: this.revision,
            },
            {
                parent: this,
                // The traffic may only name deployments that exist: wait for every one of them.
                dependsOn: Object.values(deployments).map((d) => d.deployment),
            },
        );
    }

    /**
     * The endpoint's keys, as Pulumi secrets; only with key auth. Read after
     * the endpoint exists (ARM `listKeys`).
     */
    keys(): { primaryKey: pulumi.Output<string>; secondaryKey: pulumi.Output<string> } {
        if (this.authMode !== "Key") throw new Error(`${this.componentName}: keys exist only with authMode "Key"`);
        // Read once the endpoint exists (its id is unknown in the preview of a new endpoint).
        const listed = pulumi
            .all([this.endpointId, this.args.resourceGroupName, this.args.workspaceName, this.endpointName])
            .apply(([, resourceGroupName, workspaceName, endpointName]) =>
                machinelearningservices.listOnlineEndpointKeys(
                    { resourceGroupName, workspaceName, endpointName },
                    { parent: this },
                ),
            );
        return {
            primaryKey: pulumi.secret(listed.apply((k) => k.primaryKey ?? "")),
            secondaryKey: pulumi.secret(listed.apply((k) => k.secondaryKey ?? "")),
        };
    }

    /**
     * Lets `principalId` call the endpoint with an Entra token: AzureML Data
     * Scientist on this endpoint only, the narrowest built-in role with the
     * `onlineEndpoints/score/action` permission
     * (https://learn.microsoft.com/azure/machine-learning/how-to-authenticate-online-endpoint).
     */
    grantScoring(label: string, principalId: pulumi.Input<string>): authorization.RoleAssignment {
        return grantRole(
            `${this.componentName}-score-${label}`,
            { scope: this.endpointId, principalId, role: "AzureMLDataScientist" },
            { parent: this },
        );
    }
}
