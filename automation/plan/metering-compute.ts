/**
 * Metering rules for compute: virtual machines and their disks, Azure ML
 * compute clusters and online deployments, AKS clusters and node pools, and
 * Synapse Spark pools. Each rule reads the inputs a program gives Azure and
 * says which meters run, how many units, and for how long.
 *
 * Azure ML adds no charge of its own over the VMs its compute runs on: a
 * compute cluster, compute instance or managed online deployment is billed at
 * the VM rates of its size (https://github.com/infracost/infracost/pull/2902,
 * "These resources use the same pricing as Azure VMs";
 * https://learn.microsoft.com/azure/machine-learning/how-to-manage-optimize-cost).
 */
import {
    aksTierMeter,
    diskFamily,
    diskMeter,
    diskTier,
    PUBLIC_IP_STANDARD_STATIC,
    SYNAPSE_SPARK_VCORE,
    vmMeter,
} from "./meters";
import {
    at,
    count,
    Draft,
    fixed,
    HoursRule,
    MeteringContext,
    range,
    Rule,
    scaled,
    text,
    unpriced,
} from "./metering-base";
import { PlannedResource } from "./resources";

type Inputs = Readonly<Record<string, unknown>>;

const GLOBAL_SCHEDULE = "azure-native:devtestlab:GlobalSchedule";
const AUTOSCALE_SETTING = "azure-native:monitor:AutoscaleSetting";
const ONLINE_DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment";

/** The last segment of an ARM id (a resource's name), lower-cased. */
function lastSegment(id: string): string {
    return id.split("/").filter(Boolean).pop()?.toLowerCase() ?? "";
}

/**
 * The daily auto-shutdown schedule of a VM, as `19:00 UTC`, if an enabled one
 * targets it: a `ComputeVmShutdownTask` schedule whose `targetResourceId` is
 * the VM (https://learn.microsoft.com/azure/templates/Microsoft.DevTestLab/schedules)
 * and whose name Azure requires to be `shutdown-computevm-<vm>`
 * (https://github.com/hashicorp/terraform-provider-azurerm/pull/5536).
 */
export function autoShutdownOf(vmName: string, ctx: MeteringContext): string | undefined {
    const schedule = ctx.resources.find((s) => {
        if (s.type !== GLOBAL_SCHEDULE || s.inputs.status === "Disabled") return false;
        const target = text(s.inputs.targetResourceId);
        return (
            (target !== undefined && lastSegment(target) === vmName.toLowerCase()) ||
            text(s.inputs.name)?.toLowerCase() === `shutdown-computevm-${vmName.toLowerCase()}`
        );
    });
    if (!schedule) return undefined;
    const time = text(at(schedule.inputs, "dailyRecurrence.time")) ?? "";
    const clock = /^\d{4}$/.test(time) ? `${time.slice(0, 2)}:${time.slice(2)}` : time || "a set time";
    return `${clock} ${text(schedule.inputs.timeZoneId) ?? "UTC"}`;
}

/**
 * One managed disk, billed every hour of the month whether its VM runs or not:
 * deallocating a VM ends only its compute charge
 * (https://learn.microsoft.com/dotnet/api/azure.resourcemanager.compute.virtualmachineresource.deallocate),
 * and a disk is charged while it exists, attached or not
 * (https://hub.steampipe.io/mods/turbot/azure_thrifty/controls/control.compute_disk_unattached).
 */
export function managedDisk(label: string, storageType: string | undefined, sizeGiB: number | undefined): Draft {
    if (!storageType) return unpriced(label, "storage type not set: Azure picks it", 1);
    if (sizeGiB === undefined) return unpriced(`${label}: ${storageType}`, "size set by the image", 1);
    if (!diskFamily(storageType)) {
        return unpriced(`${label}: ${storageType}`, `no pricing rule for ${storageType} disks`, 1);
    }
    const tier = diskTier(storageType, sizeGiB);
    if (!tier) return unpriced(`${label}: ${storageType}`, `${sizeGiB} GiB is past the largest tier`, 1);
    return fixed(`${label}: ${storageType} ${tier} (${sizeGiB} GiB)`, diskMeter(storageType, tier), 1);
}

/** The OS disk and data disks of a VM; an ephemeral OS disk lives on the VM's own storage and adds nothing. */
function vmDisks(inputs: Inputs): Draft[] {
    const os = at(inputs, "storageProfile.osDisk");
    const disks: Draft[] = [];
    if (os && at(os, "diffDiskSettings.option") !== "Local") {
        disks.push(managedDisk("OS disk", text(at(os, "managedDisk.storageAccountType")), count(at(os, "diskSizeGB"))));
    }
    const data = at(inputs, "storageProfile.dataDisks");
    for (const [i, disk] of (Array.isArray(data) ? data : []).entries()) {
        const label = `data disk ${count(at(disk, "lun")) ?? i}`;
        if (at(disk, "createOption") === "Attach") {
            disks.push(unpriced(label, "an existing disk: its size is not in the program", 1));
            continue;
        }
        disks.push(managedDisk(label, text(at(disk, "managedDisk.storageAccountType")), count(at(disk, "diskSizeGB"))));
    }
    return disks;
}

/** A VM: its size at the pay-as-you-go or Spot rate, all month or the auto-shutdown hours, and its disks. */
export const virtualMachine: Rule = (r, ctx) => {
    const size = text(at(r.inputs, "hardwareProfile.vmSize"));
    // "Low" is the older name of Spot for VMs.
    const spot = r.inputs.priority === "Spot" || r.inputs.priority === "Low";
    const shutdown = autoShutdownOf(text(r.inputs.vmName) ?? r.name, ctx);
    const hours: HoursRule = shutdown ? "auto-shutdown" : "always-on";
    const vm = size
        ? fixed(
              `${size}${spot ? " Spot" : ""} VM, ${shutdown ? `auto-shutdown daily at ${shutdown}` : "always on"}`,
              vmMeter(size, spot),
              1,
              hours,
          )
        : unpriced("VM", "hardwareProfile.vmSize not set", 1);
    return { quantities: [vm, ...vmDisks(r.inputs)] };
};

/** Azure ML compute types that attach a resource billed on its own (Synapse pool, AKS, a VM…). */
const ATTACHED_COMPUTE = new Set([
    "Kubernetes",
    "AKS",
    "VirtualMachine",
    "HDInsight",
    "DataFactory",
    "Databricks",
    "DataLakeAnalytics",
    "SynapseSpark",
]);

/**
 * Azure ML compute. A cluster bills its minimum nodes always and scales to its
 * maximum for the burst hours. Low-priority nodes: Azure ML retired low
 * priority on 31 March 2026 and allocates such clusters' nodes as Spot VMs,
 * charged at the Spot rate
 * (https://learn.microsoft.com/azure/machine-learning/how-to-manage-optimize-cost,
 * as changed by https://github.com/MicrosoftDocs/azure-ai-docs/pull/806), so
 * they use the Spot meter.
 */
export const amlCompute: Rule = (r) => {
    const type = text(at(r.inputs, "properties.computeType"));
    const p = at(r.inputs, "properties.properties");
    const size = text(at(p, "vmSize"));
    if (type && ATTACHED_COMPUTE.has(type)) return { free: `attached ${type} compute: the attached resource bills` };
    if (type === "ComputeInstance") {
        if (!size) return { quantities: [unpriced("compute instance", "vmSize not set", 1)] };
        return { quantities: [fixed(`compute instance: ${size}, runs until stopped`, vmMeter(size), 1)] };
    }
    if (type !== "AmlCompute") {
        return {
            quantities: [unpriced(`${type ?? "unknown"} compute`, `no pricing rule for compute type ${type}`, 1)],
        };
    }
    const min = count(at(p, "scaleSettings.minNodeCount")) ?? 0;
    const max = count(at(p, "scaleSettings.maxNodeCount"));
    if (!size || max === undefined) {
        return { quantities: [unpriced("compute cluster", "vmSize or scaleSettings.maxNodeCount not set", min)] };
    }
    const low = at(p, "vmPriority") === "LowPriority";
    const priority = low ? "low priority, billed at the Spot rate" : "dedicated";
    return {
        quantities: [
            scaled(`compute cluster: ${range(min, max)} × ${size}, ${priority}`, vmMeter(size, low), min, max),
        ],
    };
};

/** True when a URN's parent is a component rather than the stack itself. */
function isComponentParent(parent: string | undefined): parent is string {
    return parent !== undefined && !parent.includes("::pulumi:pulumi:Stack::");
}

/**
 * The Azure Monitor autoscale setting that scales an online deployment:
 * targeting the deployment's ARM id, named as our OnlineDeployment component
 * names it (`autoscale-<endpoint>-<deployment>`), or declared beside it as the
 * only deployment in the same component.
 */
export function autoscaleOf(deployment: PlannedResource, ctx: MeteringContext): PlannedResource | undefined {
    const name = (text(deployment.inputs.deploymentName) ?? deployment.name).toLowerCase();
    const endpoint = text(deployment.inputs.endpointName)?.toLowerCase();
    const siblings = ctx.resources.filter((d) => d.type === ONLINE_DEPLOYMENT && d.parent === deployment.parent);
    return ctx.resources.find((s) => {
        if (s.type !== AUTOSCALE_SETTING || s.inputs.enabled === false) return false;
        const target = /\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)$/i.exec(
            text(s.inputs.targetResourceUri) ?? "",
        );
        if (target) return target[1].toLowerCase() === endpoint && target[2].toLowerCase() === name;
        if (text(s.inputs.autoscaleSettingName)?.toLowerCase() === `autoscale-${endpoint}-${name}`) return true;
        return isComponentParent(s.parent) && s.parent === deployment.parent && siblings.length === 1;
    });
}

/** The instance bounds of an autoscale setting over all its profiles. */
function autoscaleBounds(setting: PlannedResource): { min: number; max: number } | undefined {
    const profiles = at(setting.inputs, "profiles");
    const capacities = (Array.isArray(profiles) ? profiles : []).map((p) => ({
        min: count(at(p, "capacity.minimum")),
        max: count(at(p, "capacity.maximum")),
    }));
    const mins = capacities.map((c) => c.min).filter((n): n is number => n !== undefined);
    const maxs = capacities.map((c) => c.max).filter((n): n is number => n !== undefined);
    return mins.length && maxs.length ? { min: Math.min(...mins), max: Math.max(...maxs) } : undefined;
}

/** A managed online deployment: its instances (autoscale bounds when a setting scales it). */
export const onlineDeployment: Rule = (r, ctx) => {
    const p = at(r.inputs, "properties");
    if (at(p, "endpointComputeType") === "Kubernetes")
        return { free: "runs on the attached Kubernetes cluster's nodes" };
    const size = text(at(p, "instanceType"));
    // One instance assumed when the SKU gives no count.
    const instances = count(at(r.inputs, "sku.capacity")) ?? 1;
    const setting = autoscaleOf(r, ctx);
    const bounds = setting && autoscaleBounds(setting);
    const min = bounds?.min ?? instances;
    const max = bounds?.max ?? instances;
    if (!size) return { quantities: [unpriced("online deployment", "instanceType not set", min, max)] };
    const how = bounds ? "Azure Monitor autoscale" : "always on";
    return { quantities: [scaled(`online deployment: ${range(min, max)} × ${size}, ${how}`, vmMeter(size), min, max)] };
};

/**
 * The OS disks of a node pool. Unless a pool asks, AKS gives nodes an
 * ephemeral OS disk (on the VM's own storage, in the VM price) when the size
 * has room for it, else a managed Premium SSD sized by vCPU count (P10 for 1–7
 * vCPUs…): https://learn.microsoft.com/azure/aks/concepts-storage ("Default OS
 * disk sizing"). Which one a size gets is not known here, so an unset pool is
 * unpriced rather than guessed.
 */
function nodeOsDisks(label: string, pool: unknown, min: number, max: number): Draft[] {
    const type = text(at(pool, "osDiskType"));
    const size = count(at(pool, "osDiskSizeGB"));
    if (type === "Ephemeral") return [];
    const tier = type === "Managed" && size !== undefined ? diskTier("Premium_LRS", size) : undefined;
    if (tier) {
        const description = `${label} OS disks: Premium_LRS ${tier} (${size} GiB) per node`;
        return [scaled(description, diskMeter("Premium_LRS", tier), min, max)];
    }
    const reason =
        "AKS picks an ephemeral OS disk (in the VM price) when the VM size has room, else a managed Premium SSD " +
        "sized by vCPU count; set osDiskType and osDiskSizeGB to price it";
    return [unpriced(`${label} OS disks`, reason, min, max)];
}

/** A node pool (inline in a cluster or its own AgentPool): nodes at the VM or Spot rate, and their OS disks. */
export function nodePool(pool: unknown, poolName: string): Draft[] {
    const label = `${at(pool, "mode") === "System" ? "system" : "user"} pool ${poolName}`;
    const size = text(at(pool, "vmSize"));
    const autoscale = at(pool, "enableAutoScaling") === true;
    const min = count(at(pool, autoscale ? "minCount" : "count"));
    const max = count(at(pool, autoscale ? "maxCount" : "count"));
    if (!size) return [unpriced(label, "vmSize not set", min ?? 0, max ?? min ?? 0)];
    if (min === undefined || max === undefined) {
        return [unpriced(`${label}: ${size}`, autoscale ? "minCount or maxCount not set" : "count not set")];
    }
    const spot = at(pool, "scaleSetPriority") === "Spot";
    const ephemeral = at(pool, "osDiskType") === "Ephemeral" ? ", ephemeral OS disks (in the VM price)" : "";
    const description = `${label}: ${range(min, max)} × ${size}${spot ? " Spot" : ""}, ${autoscale ? "autoscale" : "always on"}${ephemeral}`;
    return [scaled(description, vmMeter(size, spot), min, max), ...nodeOsDisks(label, pool, min, max)];
}

/**
 * What a cluster's default egress adds: with outbound type `loadBalancer` (the
 * default) AKS creates a Standard Load Balancer and, unless the cluster brings
 * its own, one Standard public IP (https://learn.microsoft.com/azure/aks/egress).
 */
function clusterEgress(inputs: Inputs): Draft[] {
    const outbound = text(at(inputs, "networkProfile.outboundType")) ?? "loadBalancer";
    if (outbound === "managedNATGateway") {
        return [unpriced("NAT gateway AKS creates for egress", "no pricing rule for NAT Gateway", 1)];
    }
    if (outbound !== "loadBalancer") return [];
    const lb = at(inputs, "networkProfile.loadBalancerProfile");
    const own = at(lb, "outboundIPs.publicIPs") ?? at(lb, "outboundIPPrefixes.publicIPPrefixes");
    const ips = count(at(lb, "managedOutboundIPs.count")) ?? 1;
    return [
        ...(own ? [] : [fixed(`${ips} outbound public IP(s) AKS creates for egress`, PUBLIC_IP_STANDARD_STATIC, ips)]),
        unpriced("Standard Load Balancer AKS creates", "no pricing rule for Azure Load Balancer", 1),
    ];
}

/**
 * An AKS cluster: cluster management by tier (none on Free, the default:
 * https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers), its
 * inline node pools and its default egress.
 */
export const managedCluster: Rule = (r) => {
    const tier = text(at(r.inputs, "sku.tier")) ?? "Free";
    const management =
        tier === "Standard" || tier === "Premium"
            ? [fixed(`cluster management: ${tier} tier`, aksTierMeter(tier === "Standard" ? "standard" : "premium"), 1)]
            : tier === "Free"
              ? []
              : [unpriced(`cluster management: ${tier} tier`, `no pricing rule for AKS tier ${tier}`, 1)];
    const profiles = at(r.inputs, "agentPoolProfiles");
    const pools = (Array.isArray(profiles) ? profiles : []).flatMap((p, i) =>
        nodePool(p, text(at(p, "name")) ?? `#${i}`),
    );
    return {
        quantities: [...management, ...pools, ...clusterEgress(r.inputs)],
        free: tier === "Free" ? "cluster management on the Free tier has no charge (its nodes are priced)" : undefined,
    };
};

/** A node pool declared as its own resource. */
export const agentPool: Rule = (r) => ({ quantities: nodePool(r.inputs, text(r.inputs.agentPoolName) ?? r.name) });

/**
 * vCores per node of a Synapse Spark pool by node size
 * (https://learn.microsoft.com/azure/synapse-analytics/spark/apache-spark-pool-configurations, "Node sizes").
 */
export const SPARK_NODE_VCORES: Readonly<Record<string, number>> = {
    Small: 4,
    Medium: 8,
    Large: 16,
    XLarge: 32,
    XXLarge: 64,
};

/**
 * A Synapse Spark pool, per vCore-hour. The pool itself costs nothing; nodes
 * bill while a Spark instance runs on it (same page, first section), and
 * auto-pause ends an idle instance, so a pool that auto-pauses is 0 when idle.
 * Without auto-pause an instance may keep its nodes, so its minimum counts as
 * always on.
 */
export const sparkPool: Rule = (r) => {
    const size = text(r.inputs.nodeSize);
    const vcores = size ? SPARK_NODE_VCORES[size] : undefined;
    const family = text(r.inputs.nodeSizeFamily) ?? "MemoryOptimized";
    if (!vcores || family !== "MemoryOptimized") {
        const reason = `no pricing rule for ${family} nodes of size ${size ?? "(not set)"}`;
        return { quantities: [unpriced("Spark pool", reason)] };
    }
    const autoscale = at(r.inputs, "autoScale.enabled") === true;
    const minNodes = count(at(r.inputs, autoscale ? "autoScale.minNodeCount" : "nodeCount"));
    const maxNodes = count(at(r.inputs, autoscale ? "autoScale.maxNodeCount" : "nodeCount"));
    if (minNodes === undefined || maxNodes === undefined) {
        return { quantities: [unpriced(`Spark pool: ${size} nodes`, "node counts not set")] };
    }
    const pause = at(r.inputs, "autoPause.enabled") === true;
    const delay = count(at(r.inputs, "autoPause.delayInMinutes"));
    const when = pause ? `auto-pause after ${delay ?? "?"} min idle` : "no auto-pause: counted as always on";
    const description = `Spark pool: ${range(minNodes, maxNodes)} × ${size} nodes (${vcores} vCores each), ${when}`;
    return { quantities: [scaled(description, SYNAPSE_SPARK_VCORE, pause ? 0 : minNodes * vcores, maxNodes * vcores)] };
};
