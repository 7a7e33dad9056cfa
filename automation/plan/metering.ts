/**
 * Resources → metered quantities: every planned resource either bills some
 * meters (a quantity each, possibly unpriced with the reason), has no charge
 * of its own (listed as free with why), or has no rule, which is itself an
 * unpriced quantity: nothing a program declares is silently dropped.
 */
import { Draft, MeteredQuantity, MeteringContext, Rule, text, unpriced } from "./metering-base";
import { agentPool, amlCompute, managedCluster, onlineDeployment, sparkPool, virtualMachine } from "./metering-compute";
import {
    appInsights,
    containerRegistry,
    eventHubNamespace,
    freeReason,
    keyVault,
    kubernetesService,
    logAnalytics,
    publicIp,
    storageAccount,
} from "./metering-services";
import { PlannedResource } from "./resources";

export type { HoursRule, MeteredQuantity } from "./metering-base";

/** A resource (or a part of one) with no charge of its own. */
export interface FreeResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly reason: string;
}

/** What a program's resources bill, before prices. */
export interface Metering {
    readonly quantities: readonly MeteredQuantity[];
    readonly free: readonly FreeResource[];
}

/** The rule of each resource type that bills something. */
const RULES: Readonly<Record<string, Rule>> = {
    "azure-native:compute:VirtualMachine": virtualMachine,
    "azure-native:network:PublicIPAddress": publicIp,
    "azure-native:machinelearningservices:Compute": amlCompute,
    "azure-native:machinelearningservices:OnlineDeployment": onlineDeployment,
    "azure-native:containerservice:ManagedCluster": managedCluster,
    "azure-native:containerservice:AgentPool": agentPool,
    "azure-native:containerregistry:Registry": containerRegistry,
    "azure-native:eventhub:Namespace": eventHubNamespace,
    "azure-native:synapse:BigDataPool": sparkPool,
    "azure-native:operationalinsights:Workspace": logAnalytics,
    "azure-native:storage:StorageAccount": storageAccount,
    "azure-native:keyvault:Vault": keyVault,
    "azure-native:applicationinsights:Component": appInsights,
    "kubernetes:core/v1:Service": kubernetesService,
};

/** Region names as ARM spells them (`West Europe` → `westeurope`). */
export function normalizeRegion(location: string): string {
    return location.toLowerCase().replace(/[\s_-]/g, "");
}

/**
 * Where each resource bills: its `location`; for a node pool, its cluster's;
 * else its resource group's (the ResourceGroup in the program whose
 * `resourceGroupName` it names).
 */
export function meteringContext(resources: readonly PlannedResource[]): MeteringContext {
    const groups = new Map<string, PlannedResource>();
    for (const r of resources) {
        const name = text(r.inputs.resourceGroupName);
        if (r.type === "azure-native:resources:ResourceGroup" && name) groups.set(name.toLowerCase(), r);
    }
    const regionOf = (r: PlannedResource): string | undefined => {
        const location = text(r.inputs.location);
        if (location) return normalizeRegion(location);
        const group = text(r.inputs.resourceGroupName)?.toLowerCase();
        if (r.type === "azure-native:containerservice:AgentPool") {
            const cluster = resources.find(
                (c) =>
                    c.type === "azure-native:containerservice:ManagedCluster" &&
                    text(c.inputs.resourceName) === text(r.inputs.resourceName) &&
                    text(c.inputs.resourceGroupName)?.toLowerCase() === group,
            );
            if (cluster) return regionOf(cluster);
        }
        const rg = group && r.type !== "azure-native:resources:ResourceGroup" ? groups.get(group) : undefined;
        const rgLocation = rg && text(rg.inputs.location);
        return rgLocation ? normalizeRegion(rgLocation) : undefined;
    };
    return { resources, regionOf };
}

/** The rule for a resource: its type's, else free with the reason, else unpriced for want of a rule. */
function ruleFor(r: PlannedResource): Rule {
    const rule = RULES[r.type];
    if (rule) return rule;
    const reason = freeReason(r);
    if (reason) return () => ({ free: reason });
    return () => ({ quantities: [unpriced(r.type, `no pricing rule for ${r.type}`, 1)] });
}

/** Every resource's metered quantities and the resources with no charge of their own. */
export function meterResources(resources: readonly PlannedResource[]): Metering {
    const ctx = meteringContext(resources);
    const quantities: MeteredQuantity[] = [];
    const free: FreeResource[] = [];
    for (const r of resources) {
        const outcome = ruleFor(r)(r, ctx);
        const identity = { urn: r.urn, type: r.type, name: r.name };
        const region = ctx.regionOf(r);
        quantities.push(...(outcome.quantities ?? []).map((q: Draft) => ({ ...identity, region, ...q })));
        if (outcome.free) free.push({ ...identity, reason: outcome.free });
    }
    return { quantities, free };
}

/** The meters and regions a metering asks prices for: what `--live-prices` should refresh. */
export function metersToPrice(metering: Metering): { readonly meters: string[]; readonly regions: string[] } {
    const priced = metering.quantities.filter((q) => q.meter !== undefined && q.region !== undefined);
    return {
        meters: [...new Set(priced.map((q) => q.meter!))].sort(),
        regions: [...new Set(priced.map((q) => q.region!))].sort(),
    };
}
