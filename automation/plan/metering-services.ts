/**
 * Metering rules for services billed per resource-hour or per day (public IP
 * addresses, container registries, Event Hubs namespaces) and for services
 * billed by use (Log Analytics, blob storage, Key Vault), plus the resource
 * types that have no charge of their own, with why.
 */
import {
    acrMeter,
    BLOB_HOT_LRS,
    eventHubsIngressMeter,
    eventHubsThroughputUnitMeter,
    KEY_VAULT_STANDARD_OPERATIONS,
    LOG_ANALYTICS_INGESTION,
    PUBLIC_IP_STANDARD_STATIC,
} from "./meters";
import { at, count, fixed, perUse, range, Rule, scaled, text, unpriced } from "./metering-base";
import { PlannedResource } from "./resources";

const KUBERNETES_FREE = "a Kubernetes object: runs on the cluster's nodes, which are priced";
const NO_CHARGE = "no charge of its own";

/**
 * A public IP address. Standard addresses are always static and billed per
 * hour; Basic addresses were retired on 30 September 2025
 * (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.PublicIP.MigrateStandard/).
 */
export const publicIp: Rule = (r) => {
    const sku = text(at(r.inputs, "sku.name"));
    const tier = text(at(r.inputs, "sku.tier")) ?? "Regional";
    const version = text(r.inputs.publicIPAddressVersion) ?? "IPv4";
    if (sku === "Standard" && tier === "Regional" && version === "IPv4") {
        return { quantities: [fixed("Standard public IPv4 address, static", PUBLIC_IP_STANDARD_STATIC, 1)] };
    }
    const what = `${sku ?? "(no SKU)"} ${tier} ${version} public IP`;
    return { quantities: [unpriced(what, `no pricing rule for a ${what} address`, 1)] };
};

/**
 * A container registry, per day by SKU, each SKU with some storage included
 * (https://learn.microsoft.com/azure/container-registry/container-registry-skus);
 * storage beyond it is billed on top and not estimated.
 */
export const containerRegistry: Rule = (r) => {
    const sku = text(at(r.inputs, "sku.name"));
    if (sku === "Basic" || sku === "Standard" || sku === "Premium") {
        return { quantities: [fixed(`container registry, ${sku}`, acrMeter(sku), 1)] };
    }
    return { quantities: [unpriced(`container registry, ${sku ?? "(no SKU)"}`, `no pricing rule for SKU ${sku}`, 1)] };
};

/**
 * An Event Hubs namespace: throughput units, prepurchased and billed per hour
 * (https://learn.microsoft.com/azure/event-hubs/event-hubs-scalability), from
 * `sku.capacity` up to `maximumThroughputUnits` under auto-inflate; ingress
 * events per use.
 */
export const eventHubNamespace: Rule = (r) => {
    const sku = text(at(r.inputs, "sku.name"));
    if (sku !== "Basic" && sku !== "Standard") {
        const reason = `no pricing rule for Event Hubs ${sku ?? "(no SKU)"} (processing or capacity units)`;
        return { quantities: [unpriced(`Event Hubs ${sku ?? ""} namespace`, reason, 1)] };
    }
    const tier = sku === "Basic" ? "basic" : "standard";
    // One throughput unit when the SKU gives no capacity.
    const units = count(at(r.inputs, "sku.capacity")) ?? 1;
    const inflate = r.inputs.isAutoInflateEnabled === true ? count(r.inputs.maximumThroughputUnits) : undefined;
    const max = Math.max(units, inflate ?? units);
    const description = `${range(units, max)} ${sku} throughput unit(s)${inflate ? ", auto-inflate" : ""}`;
    return {
        quantities: [
            scaled(description, eventHubsThroughputUnitMeter(tier), units, max),
            perUse("ingress events", eventHubsIngressMeter(tier)),
        ],
    };
};

/**
 * A Log Analytics workspace, pay-as-you-go: billed by the data ingested and
 * retained (https://learn.microsoft.com/azure/azure-monitor/logs/cost-logs).
 * Ingestion is the unit price shown; retention past the included period is
 * not estimated.
 */
export const logAnalytics: Rule = (r) => {
    const sku = text(at(r.inputs, "sku.name")) ?? "PerGB2018";
    if (sku !== "PerGB2018") {
        return { quantities: [unpriced(`Log Analytics ${sku}`, `no pricing rule for pricing tier ${sku}`)] };
    }
    const days = count(r.inputs.retentionInDays);
    return { quantities: [perUse(`log data ingested${days ? `, kept ${days} days` : ""}`, LOG_ANALYTICS_INGESTION)] };
};

/** A storage account: blob data stored per GB-month, priced for hot LRS general-purpose v2 or blob accounts only. */
export const storageAccount: Rule = (r) => {
    const sku = text(at(r.inputs, "sku.name")) ?? "(no SKU)";
    const kind = text(r.inputs.kind) ?? "StorageV2";
    // Hot is the access tier an account gets when none is set.
    const tier = text(r.inputs.accessTier) ?? "Hot";
    const hns = r.inputs.isHnsEnabled === true;
    if (sku === "Standard_LRS" && (kind === "StorageV2" || kind === "BlobStorage") && tier === "Hot" && !hns) {
        return { quantities: [perUse("blob data stored, hot, locally redundant", BLOB_HOT_LRS)] };
    }
    const what = `${kind} ${sku} ${tier}${hns ? " with hierarchical namespace" : ""}`;
    return { quantities: [unpriced(`storage account: ${what}`, `no pricing rule for ${what} storage`)] };
};

/** A Key Vault: operations per 10,000, standard tier only. */
export const keyVault: Rule = (r) => {
    const sku = text(at(r.inputs, "properties.sku.name"));
    if (sku === "standard") return { quantities: [perUse("vault operations", KEY_VAULT_STANDARD_OPERATIONS)] };
    return { quantities: [unpriced(`Key Vault ${sku ?? "(no SKU)"}`, `no pricing rule for the ${sku} tier`)] };
};

/**
 * Application Insights: a workspace-based resource's data is ingested and
 * billed through its Log Analytics workspace
 * (https://learn.microsoft.com/azure/azure-monitor/app/create-workspace-resource).
 */
export const appInsights: Rule = (r) => {
    if (text(r.inputs.workspaceResourceId) || r.inputs.ingestionMode === "LogAnalytics") {
        return { free: "workspace-based: its data is billed by the Log Analytics workspace it sends to" };
    }
    return {
        quantities: [unpriced("classic Application Insights", "no pricing rule for classic Application Insights")],
    };
};

/**
 * A Kubernetes Service of type LoadBalancer on AKS gets a public IP on the
 * cluster's load balancer (https://learn.microsoft.com/azure/aks/egress);
 * internal ones do not. Other Services run on the nodes.
 */
export const kubernetesService: Rule = (r, ctx) => {
    // Annotation keys hold dots, so they are read by key, not by path.
    const annotations = (at(r.inputs, "metadata.annotations") ?? {}) as Record<string, unknown>;
    const internal = annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] === "true";
    if (at(r.inputs, "spec.type") !== "LoadBalancer" || internal) return { free: KUBERNETES_FREE };
    const clusters = ctx.resources.filter((c) => c.type === "azure-native:containerservice:ManagedCluster");
    // The cluster a Service runs on is its provider's; with one cluster in the program, that one.
    const region = clusters.length === 1 ? ctx.regionOf(clusters[0]) : undefined;
    return { quantities: [{ ...fixed("public IP of a LoadBalancer Service", PUBLIC_IP_STANDARD_STATIC, 1), region }] };
};

/** Resource types with no charge of their own, and why. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
    "azure-native:resources:ResourceGroup": "a container for resources: no charge",
    "azure-native:authorization:RoleAssignment": `access control: ${NO_CHARGE}`,
    "azure-native:authorization:RoleDefinition": `access control: ${NO_CHARGE}`,
    "azure-native:managedidentity:UserAssignedIdentity": `an identity: ${NO_CHARGE}`,
    "azure-native:managedidentity:FederatedIdentityCredential": `an identity's trust: ${NO_CHARGE}`,
    "azure-native:network:VirtualNetwork": `address space: ${NO_CHARGE}`,
    "azure-native:network:Subnet": `address space: ${NO_CHARGE}`,
    "azure-native:network:NetworkInterface": `attaches a VM to its subnet: ${NO_CHARGE}`,
    "azure-native:network:NetworkSecurityGroup": `traffic rules: ${NO_CHARGE}`,
    "azure-native:storage:BlobContainer": "its data is billed on the storage account's line",
    "azure-native:storage:BlobServiceProperties": `settings of the storage account: ${NO_CHARGE}`,
    "azure-native:keyvault:Secret": "operations on it are billed on the vault's line",
    "azure-native:monitor:DiagnosticSetting": "the data it sends is billed by the receiving workspace",
    "azure-native:monitor:DataCollectionRule": "the data it sends is billed by the receiving workspace",
    "azure-native:monitor:DataCollectionRuleAssociation": "the data it sends is billed by the receiving workspace",
    "azure-native:monitor:AutoscaleSetting": "the instances it adds are priced on the line of what it scales",
    "azure-native:devtestlab:GlobalSchedule": "a VM's auto-shutdown: shortens the VM's hours, no charge of its own",
    "azure-native:eventhub:EventHub": "runs on its namespace's throughput units",
    "azure-native:eventhub:ConsumerGroup": "runs on its namespace's throughput units",
    "azure-native:machinelearningservices:Workspace":
        "the compute, storage, registry, vault and logs it uses are priced on their own lines",
    "azure-native:machinelearningservices:CodeVersion": "files kept in the workspace's storage account",
    "azure-native:machinelearningservices:CodeContainer": "files kept in the workspace's storage account",
    "azure-native:machinelearningservices:ModelVersion": "files kept in the workspace's storage account",
    "azure-native:machinelearningservices:ModelContainer": "files kept in the workspace's storage account",
    "azure-native:machinelearningservices:EnvironmentVersion": "images kept in the workspace's registry",
    "azure-native:machinelearningservices:EnvironmentContainer": "images kept in the workspace's registry",
    "azure-native:machinelearningservices:DataVersion": "data kept in the workspace's storage account",
    "azure-native:machinelearningservices:DataContainer": "data kept in the workspace's storage account",
    "azure-native:machinelearningservices:Datastore": `a connection to storage: ${NO_CHARGE}`,
    "azure-native:machinelearningservices:BatchEndpoint": "its jobs run on a compute cluster, priced on its line",
    "azure-native:machinelearningservices:BatchDeployment": "its jobs run on a compute cluster, priced on its line",
    "azure-native:machinelearningservices:OnlineEndpoint": "billed through its deployments' instances",
    "azure-native:synapse:IpFirewallRule": `a firewall rule: ${NO_CHARGE}`,
};

/** Why a resource outside the rules has no charge, if it has none: components, providers, dynamic and Kubernetes resources. */
export function freeReason(r: PlannedResource): string | undefined {
    if (FREE_TYPES[r.type]) return FREE_TYPES[r.type];
    if (!r.custom) return "a component: groups resources, has no Azure resource of its own";
    if (r.type.startsWith("pulumi:providers:")) return "provider configuration: no Azure resource";
    if (r.type.startsWith("pulumi-nodejs:dynamic/"))
        return "no Azure resource: runs in the Pulumi program when it deploys";
    if (r.type.startsWith("kubernetes:")) return KUBERNETES_FREE;
    return undefined;
}
