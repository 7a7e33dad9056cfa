import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MeteredQuantity, meterResources, metersToPrice, normalizeRegion } from "../../../automation/plan/metering";
import { aksTierMeter, diskTier, meterUnit, vmMeter, liveQueryForMeter } from "../../../automation/plan/meters";
import { PlannedResource } from "../../../automation/plan/resources";
import { aksCluster, gpuPool, planned, resourceGroup, STACK_URN } from "./cost-builders";

/** The quantities of one resource. */
function quantitiesOf(...resources: PlannedResource[]): MeteredQuantity[] {
    const name = resources[0].name;
    return meterResources(resources).quantities.filter((q) => q.name === name);
}

describe("meter keys and disk tiers", () => {
    it("spells every meter family once, with its unit", () => {
        assert.equal(vmMeter("Standard_D4s_v5"), "vm:Standard_D4s_v5");
        assert.equal(vmMeter("Standard_D4s_v5", true), "vm-spot:Standard_D4s_v5");
        assert.equal(aksTierMeter("standard"), "aks:standard-tier");
        assert.deepEqual(
            [
                "vm:Standard_D4s_v5",
                "disk:Premium_LRS:P10",
                "acr:Basic",
                "eventhubs:standard-throughput-unit",
                "eventhubs:standard-ingress",
                "log-analytics:ingestion",
                "storage:blob-hot-lrs",
                "keyvault:standard-operations",
                "synapse:spark-vcore",
                "unknown:thing",
            ].map(meterUnit),
            [
                "hour",
                "month",
                "day",
                "hour",
                "million-events",
                "gb",
                "gb-month",
                "10k-operations",
                "vcore-hour",
                undefined,
            ],
        );
    });

    it("bills a disk at the smallest tier its size fits in", () => {
        assert.equal(diskTier("Premium_LRS", 128), "P10");
        assert.equal(diskTier("Premium_LRS", 129), "P15");
        assert.equal(diskTier("StandardSSD_LRS", 30), "E4");
        assert.equal(diskTier("Standard_LRS", 4), "S4", "Standard HDD starts at S4 (32 GiB)");
        assert.equal(diskTier("StandardSSD_ZRS", 1024), "E30");
        assert.equal(diskTier("Premium_LRS", 32768), undefined);
        assert.equal(diskTier("UltraSSD_LRS", 64), undefined);
    });

    it("asks the Retail Prices API for any VM size by its ARM SKU name", () => {
        assert.deepEqual(liveQueryForMeter("vm-spot:Standard_NC4as_T4_v3"), {
            serviceName: "Virtual Machines",
            armSkuName: "Standard_NC4as_T4_v3",
        });
        assert.equal(liveQueryForMeter("acr:Basic"), undefined);
    });
});

describe("meterResources", () => {
    it("scales an online deployment between the bounds of the autoscale setting declared beside it", () => {
        const component = "urn:pulumi:plan::test::customai:aml:OnlineDeployment::score-blue";
        const deployment = planned(
            "azure-native:machinelearningservices:OnlineDeployment",
            "score-blue-deployment",
            {
                deploymentName: "blue-qp5dmv",
                endpointName: "score-dev-endpoint-81acgu",
                location: "westeurope",
                properties: { endpointComputeType: "Managed", instanceType: "Standard_DS2_v2" },
                sku: { capacity: 2, name: "Default" },
            },
            component,
        );
        const setting = planned(
            "azure-native:monitor:AutoscaleSetting",
            "score-blue-autoscale",
            {
                autoscaleSettingName: "autoscale-score-dev-endpoint-81acgu-blue-qp5dmv",
                enabled: true,
                profiles: [{ name: "default", capacity: { minimum: "1", maximum: "5", default: "2" } }],
                targetResourceUri:
                    "/subscriptions/0/resourceGroups/rg/providers/Mock.machinelearningservices/OnlineDeployment/mlw",
            },
            component,
        );
        const [scaledUp] = quantitiesOf(deployment, setting);
        assert.deepEqual([scaledUp.meter, scaledUp.minUnits, scaledUp.maxUnits], ["vm:Standard_DS2_v2", 1, 5]);
        assert.equal(scaledUp.description, "online deployment: 1–5 × Standard_DS2_v2, Azure Monitor autoscale");

        const [fixedCount] = quantitiesOf(deployment);
        assert.deepEqual([fixedCount.minUnits, fixedCount.maxUnits], [2, 2]);

        // A setting in another component, named for another deployment, scales something else.
        const elsewhere = {
            ...setting,
            parent: STACK_URN,
            inputs: { ...setting.inputs, autoscaleSettingName: "autoscale-x-y" },
        };
        assert.deepEqual(quantitiesOf(deployment, elsewhere)[0].maxUnits, 2);
    });

    it("meters an Event Hubs namespace's throughput units up to its auto-inflate maximum, and ingress per use", () => {
        const namespace = planned("azure-native:eventhub:Namespace", "evhns", {
            isAutoInflateEnabled: true,
            location: "westeurope",
            maximumThroughputUnits: 4,
            sku: { capacity: 1, name: "Standard", tier: "Standard" },
        });
        const [units, ingress] = quantitiesOf(namespace);
        assert.deepEqual([units.meter, units.minUnits, units.maxUnits], ["eventhubs:standard-throughput-unit", 1, 4]);
        assert.deepEqual([ingress.meter, ingress.perUse], ["eventhubs:standard-ingress", true]);
    });

    it("meters a Synapse Spark pool in vCores, from zero when it auto-pauses", () => {
        const pool = planned("azure-native:synapse:BigDataPool", "spark-pool", {
            autoPause: { delayInMinutes: 15, enabled: true },
            autoScale: { enabled: true, maxNodeCount: 10, minNodeCount: 3 },
            location: "westeurope",
            nodeSize: "Small",
            nodeSizeFamily: "MemoryOptimized",
        });
        const [vcores] = quantitiesOf(pool);
        assert.deepEqual([vcores.meter, vcores.minUnits, vcores.maxUnits], ["synapse:spark-vcore", 0, 40]);
        const always = { ...pool, inputs: { ...pool.inputs, autoPause: { enabled: false } } };
        assert.equal(quantitiesOf(always)[0].minUnits, 12);
    });

    it("prices AKS cluster management only on the paid tiers", () => {
        const standard = quantitiesOf(aksCluster({ sku: { name: "Base", tier: "Standard" } }));
        assert.equal(standard[0].meter, "aks:standard-tier");
        const free = meterResources([aksCluster()]);
        assert.ok(!free.quantities.some((q) => q.meter?.startsWith("aks:")));
        assert.equal(free.free.length, 1);
    });

    it("prices managed node OS disks as Premium SSD by size, and adds no line for ephemeral ones", () => {
        const managed = quantitiesOf(gpuPool({ osDiskType: "Managed", osDiskSizeGB: 128 }));
        assert.deepEqual([managed[1].meter, managed[1].minUnits, managed[1].maxUnits], ["disk:Premium_LRS:P10", 0, 2]);
        assert.equal(quantitiesOf(gpuPool({ osDiskType: "Ephemeral" })).length, 1);
    });

    it("prices a Standard public IP per hour and a LoadBalancer Service's IP in its cluster's region", () => {
        const ip = planned("azure-native:network:PublicIPAddress", "pip", {
            location: "westeurope",
            publicIPAllocationMethod: "Static",
            sku: { name: "Standard", tier: "Regional" },
        });
        assert.equal(quantitiesOf(ip)[0].meter, "public-ip:standard-static");
        const basic = { ...ip, inputs: { ...ip.inputs, sku: { name: "Basic" } } };
        assert.match(quantitiesOf(basic)[0].unpriced ?? "", /no pricing rule/);

        const service = planned("kubernetes:core/v1:Service", "svc", { spec: { type: "LoadBalancer" } });
        const [serviceIp] = quantitiesOf(service, aksCluster());
        assert.deepEqual([serviceIp.meter, serviceIp.region], ["public-ip:standard-static", "westeurope"]);
        const clusterIp = planned("kubernetes:core/v1:Service", "svc", { spec: { type: "ClusterIP" } });
        assert.equal(quantitiesOf(clusterIp).length, 0);
    });

    it("names the meters and regions a plan needs prices for", () => {
        const metering = meterResources([resourceGroup(), aksCluster(), gpuPool()]);
        assert.deepEqual(metersToPrice(metering), {
            meters: ["public-ip:standard-static", "vm:Standard_D4s_v5", "vm:Standard_NC4as_T4_v3"],
            regions: ["westeurope"],
        });
    });

    it("spells regions as ARM does", () => {
        assert.equal(normalizeRegion("West Europe"), "westeurope");
        assert.equal(normalizeRegion("eastus2"), "eastus2");
    });

    // The resources each path program registers with its example config, when they have been recorded here.
    const FIXTURES = "/tmp/plan-fixtures";
    it("covers every resource of every recorded path program with a line or a free entry", function () {
        if (!existsSync(FIXTURES)) this.skip();
        for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) {
            const recorded = JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as {
                type: string;
                name: string;
                inputs: Record<string, unknown>;
            }[];
            const resources = recorded.map((r) => planned(r.type, r.name, r.inputs));
            const metering = meterResources(resources);
            const covered = new Set([...metering.quantities, ...metering.free].map((q) => q.urn));
            assert.deepEqual(
                resources.filter((r) => !covered.has(r.urn)).map((r) => r.type),
                [],
                file,
            );
        }
    });
});
