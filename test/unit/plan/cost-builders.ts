/**
 * Builders for cost tests: planned resources shaped like the path programs'
 * (inputs copied from what they register with their example config) and
 * small price tables.
 */
import { PriceEntry, PriceTable, PriceUnit } from "../../../automation/plan/price-table";
import { PlannedResource } from "../../../automation/plan/resources";

export const STACK_URN = "urn:pulumi:plan::test::pulumi:pulumi:Stack::test-plan";
export const PRICE_SOURCE = "https://azure.microsoft.com/pricing/test-fixture";
export const PRICE_DATE = "2026-11-20";

/** A planned resource; components (`customai:` types) are not custom. */
export function planned(
    type: string,
    name: string,
    inputs: Record<string, unknown> = {},
    parent: string = STACK_URN,
): PlannedResource {
    return {
        urn: `urn:pulumi:plan::test::${type}::${name}`,
        type,
        name,
        parent,
        custom: !type.startsWith("customai:") && type !== "pulumi:pulumi:Stack",
        inputs,
        secretPaths: [],
    };
}

/** A price table: `[meter, price, unit]` in westeurope unless a region is given. */
export function priceTable(...rows: [meter: string, price: number, unit: PriceUnit, region?: string][]): PriceTable {
    const entries: PriceEntry[] = rows.map(([meter, price, unit, region]) => ({
        meter,
        region: region ?? "westeurope",
        unit,
        price,
        source: PRICE_SOURCE,
        date: PRICE_DATE,
    }));
    return { currency: "USD", entries };
}

/** The resource group of path programs, in westeurope. */
export const resourceGroup = (name = "rg-test") =>
    planned("azure-native:resources:ResourceGroup", "rg", { location: "westeurope", resourceGroupName: name });

/** An AKS cluster as the AksCluster component declares it (path 2-3/2-5): Free tier, 2 × D4s_v5 system pool. */
export function aksCluster(
    extra: Record<string, unknown> = {},
    systemPool: Record<string, unknown> = {},
): PlannedResource {
    return planned("azure-native:containerservice:ManagedCluster", "score-aks", {
        agentPoolProfiles: [
            {
                count: 2,
                enableAutoScaling: false,
                mode: "System",
                name: "system",
                osType: "Linux",
                type: "VirtualMachineScaleSets",
                vmSize: "Standard_D4s_v5",
                ...systemPool,
            },
        ],
        location: "westeurope",
        networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "loadBalancer" },
        resourceGroupName: "rg-test",
        resourceName: "aks-score-dev",
        ...extra,
    });
}

/** A GPU user pool scaling 0–2 (path 2-5). */
export function gpuPool(extra: Record<string, unknown> = {}): PlannedResource {
    return planned("azure-native:containerservice:AgentPool", "score-aks-pool-gpu", {
        agentPoolName: "gpu",
        count: 0,
        enableAutoScaling: true,
        maxCount: 2,
        minCount: 0,
        mode: "User",
        osType: "Linux",
        resourceGroupName: "rg-test",
        resourceName: "aks-score-dev",
        scaleSetPriority: "Regular",
        type: "VirtualMachineScaleSets",
        vmSize: "Standard_NC4as_T4_v3",
        ...extra,
    });
}

/** An Azure ML compute cluster (path 1-2: 0–2 × D4s_v5, dedicated). */
export function amlCluster(properties: Record<string, unknown> = {}): PlannedResource {
    return planned("azure-native:machinelearningservices:Compute", "train-cluster-compute", {
        computeName: "train-dev-cluster",
        location: "westeurope",
        properties: {
            computeType: "AmlCompute",
            properties: {
                osType: "Linux",
                scaleSettings: { maxNodeCount: 2, minNodeCount: 0, nodeIdleTimeBeforeScaleDown: "PT120S" },
                vmPriority: "Dedicated",
                vmSize: "Standard_D4s_v5",
                ...properties,
            },
        },
        resourceGroupName: "rg-test",
        workspaceName: "mlw-train-dev",
    });
}

/** The data-science VM of path 1-1, with its OS disk as the path declares it (no size: the image's). */
export function dsvm(osDisk: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): PlannedResource {
    return planned("azure-native:compute:VirtualMachine", "dsvm-dev-vm", {
        hardwareProfile: { vmSize: "Standard_D4s_v5" },
        location: "westeurope",
        resourceGroupName: "rg-test",
        storageProfile: {
            dataDisks: [],
            osDisk: { createOption: "FromImage", managedDisk: { storageAccountType: "StandardSSD_LRS" }, ...osDisk },
        },
        vmName: "vm-dsvm-dev",
        ...extra,
    });
}

/** The auto-shutdown schedule of path 1-1 for `vm-dsvm-dev`, 19:00 UTC. */
export function shutdownSchedule(vmName = "vm-dsvm-dev"): PlannedResource {
    return planned("azure-native:devtestlab:GlobalSchedule", "dsvm-dev-shutdown", {
        dailyRecurrence: { time: "1900" },
        location: "westeurope",
        name: `shutdown-computevm-${vmName}`,
        resourceGroupName: "rg-test",
        status: "Enabled",
        targetResourceId: `/subscriptions/0000/resourceGroups/rg-test/providers/Mock.compute/VirtualMachine/${vmName}`,
        taskType: "ComputeVmShutdownTask",
        timeZoneId: "UTC",
    });
}
