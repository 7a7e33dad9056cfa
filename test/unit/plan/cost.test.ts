import * as assert from "node:assert/strict";
import {
    CostEstimate,
    CostLine,
    DEFAULT_USAGE,
    estimateCost,
    hourlyRate,
    usageIssues,
} from "../../../automation/plan/cost";
import {
    aksCluster,
    amlCluster,
    dsvm,
    gpuPool,
    planned,
    PRICE_DATE,
    PRICE_SOURCE,
    priceTable,
    resourceGroup,
    shutdownSchedule,
} from "./cost-builders";

const D4 = 0.192; // vm:Standard_D4s_v5 per hour
const NC4 = 0.526; // vm:Standard_NC4as_T4_v3 per hour
const D4_SPOT = 0.04;

const TABLE = priceTable(
    ["vm:Standard_D4s_v5", D4, "hour"],
    ["vm-spot:Standard_D4s_v5", D4_SPOT, "hour"],
    ["vm:Standard_NC4as_T4_v3", NC4, "hour"],
    ["vm:Standard_DS2_v2", 0.146, "hour"],
    ["disk:StandardSSD_LRS:E10", 7.68, "month"],
    ["disk:Premium_LRS:P15", 38.02, "month"],
    ["public-ip:standard-static", 0.005, "hour"],
    ["acr:Basic", 0.1666, "day"],
    ["log-analytics:ingestion", 2.76, "gb"],
    ["storage:blob-hot-lrs", 0.0196, "gb-month"],
    ["keyvault:standard-operations", 0.03, "10k-operations"],
);

/** The one line whose description contains `text`. */
function line(estimate: CostEstimate, text: string): CostLine {
    const found = estimate.lines.filter((l) => l.description.includes(text));
    assert.equal(
        found.length,
        1,
        `one line with "${text}" among: ${estimate.lines.map((l) => l.description).join(" | ")}`,
    );
    return found[0];
}

const close = (actual: number | undefined, expected: number) =>
    assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≈ ${expected}`);

describe("estimateCost", () => {
    describe("an AKS cluster: an always-on system pool and a GPU pool that scales from zero", () => {
        // Ephemeral OS disks and egress through the user's own routes: only the nodes bill.
        const estimate = estimateCost(
            [
                resourceGroup(),
                aksCluster({ networkProfile: { outboundType: "userDefinedRouting" } }, { osDiskType: "Ephemeral" }),
                gpuPool({ osDiskType: "Ephemeral" }),
            ],
            TABLE,
        );

        it("prices the system pool always on and the GPU pool for the burst hours only", () => {
            const system = line(estimate, "system pool system");
            assert.equal(
                system.description,
                "system pool system: 2 × Standard_D4s_v5, always on, ephemeral OS disks (in the VM price)",
            );
            assert.equal(system.meter, "vm:Standard_D4s_v5");
            close(system.monthly, 2 * 730 * D4);
            assert.equal(system.idleZero, false);

            const gpu = line(estimate, "user pool gpu");
            assert.equal(gpu.region, "westeurope", "a node pool bills in its cluster's region");
            assert.deepEqual([gpu.minUnits, gpu.maxUnits, gpu.idleZero], [0, 2, true]);
            close(gpu.monthly, 2 * 60 * NC4);
            close(gpu.hourlyAtMax, 2 * NC4);
        });

        it("totals the month as 2 × 730 × D4 + 2 × 60 × NC4 and the hour at max as 2 × D4 + 2 × NC4", () => {
            close(estimate.monthly, 2 * 730 * D4 + 2 * 60 * NC4);
            close(estimate.hourlyAtMax, 2 * D4 + 2 * NC4);
            assert.equal(estimate.unpricedCount, 0);
        });

        it("lists the Free tier's cluster management as free, with why", () => {
            const cluster = estimate.free.find((f) => f.type === "azure-native:containerservice:ManagedCluster");
            assert.match(cluster?.reason ?? "", /Free tier has no charge/);
        });

        it("carries each price's source and date onto its line", () => {
            const gpu = line(estimate, "user pool gpu");
            assert.deepEqual([gpu.unitPrice, gpu.unit, gpu.source, gpu.date], [NC4, "hour", PRICE_SOURCE, PRICE_DATE]);
        });
    });

    it("prices AKS's default egress IP and leaves undeclared node OS disks and the load balancer unpriced, with why", () => {
        const estimate = estimateCost([resourceGroup(), aksCluster()], TABLE);
        const ip = line(estimate, "outbound public IP");
        close(ip.monthly, 730 * 0.005);
        assert.match(line(estimate, "system pool system OS disks").unpriced ?? "", /set osDiskType and osDiskSizeGB/);
        assert.match(
            line(estimate, "Standard Load Balancer").unpriced ?? "",
            /no pricing rule for Azure Load Balancer/,
        );
        assert.equal(estimate.unpricedCount, 2);
        close(estimate.monthly, 2 * 730 * D4 + 730 * 0.005);
    });

    it("shows an Azure ML cluster with no minimum nodes as idle zero, billed for its burst hours at max", () => {
        const estimate = estimateCost([amlCluster()], TABLE);
        const cluster = line(estimate, "compute cluster");
        assert.equal(cluster.description, "compute cluster: 0–2 × Standard_D4s_v5, dedicated");
        assert.equal(cluster.idleZero, true);
        close(cluster.monthly, 2 * 60 * D4);
        close(cluster.hourlyAtMax, 2 * D4);
    });

    it("bills an always-on minimum all month and the nodes above it for the burst hours", () => {
        const estimate = estimateCost([amlCluster({ scaleSettings: { minNodeCount: 1, maxNodeCount: 3 } })], TABLE);
        close(line(estimate, "compute cluster").monthly, 1 * 730 * D4 + 2 * 60 * D4);
    });

    describe("Spot and dedicated meters", () => {
        it("prices low-priority Azure ML nodes at the Spot rate and dedicated ones at pay-as-you-go", () => {
            const low = estimateCost([amlCluster({ vmPriority: "LowPriority" })], TABLE);
            assert.equal(line(low, "compute cluster").meter, "vm-spot:Standard_D4s_v5");
            close(low.hourlyAtMax, 2 * D4_SPOT);
            const dedicated = estimateCost([amlCluster()], TABLE);
            assert.equal(line(dedicated, "compute cluster").meter, "vm:Standard_D4s_v5");
        });

        it("prices a Spot node pool and a Spot VM on the Spot meter", () => {
            const pool = estimateCost(
                [aksCluster(), gpuPool({ vmSize: "Standard_D4s_v5", scaleSetPriority: "Spot" })],
                TABLE,
            );
            assert.equal(line(pool, "user pool gpu:").meter, "vm-spot:Standard_D4s_v5");
            const vm = estimateCost([dsvm({}, { priority: "Spot" })], TABLE);
            assert.equal(line(vm, "VM,").meter, "vm-spot:Standard_D4s_v5");
        });
    });

    describe("a VM", () => {
        it("runs the auto-shutdown hours when a schedule targets it, all month when none does", () => {
            const scheduled = estimateCost([dsvm(), shutdownSchedule()], TABLE);
            const vm = line(scheduled, "VM,");
            assert.equal(vm.description, "Standard_D4s_v5 VM, auto-shutdown daily at 19:00 UTC");
            close(vm.monthly, 176 * D4);
            close(vm.hourlyAtMax, D4);

            const always = estimateCost([dsvm(), shutdownSchedule("another-vm")], TABLE);
            close(line(always, "VM,").monthly, 730 * D4);
        });

        it("leaves an OS disk sized by the image unpriced, and bills sized disks by tier all month", () => {
            const unsized = estimateCost([dsvm()], TABLE);
            assert.equal(line(unsized, "OS disk").unpriced, "size set by the image");

            const sized = estimateCost(
                [
                    dsvm(
                        { diskSizeGB: 128 },
                        {
                            storageProfile: {
                                osDisk: { diskSizeGB: 128, managedDisk: { storageAccountType: "StandardSSD_LRS" } },
                                dataDisks: [
                                    { lun: 0, diskSizeGB: 200, managedDisk: { storageAccountType: "Premium_LRS" } },
                                ],
                            },
                        },
                    ),
                    shutdownSchedule(),
                ],
                TABLE,
            );
            const os = line(sized, "OS disk");
            assert.equal(os.meter, "disk:StandardSSD_LRS:E10");
            close(os.monthly, 7.68); // a month's price, even though the VM stops daily
            assert.equal(line(sized, "data disk 0").meter, "disk:Premium_LRS:P15");
            close(sized.monthly, 176 * D4 + 7.68 + 38.02);
        });
    });

    it("turns a registry's price per day into hours and months (730 h ÷ 24 days a month)", () => {
        const estimate = estimateCost(
            [
                planned("azure-native:containerregistry:Registry", "cr", {
                    location: "westeurope",
                    sku: { name: "Basic" },
                }),
            ],
            TABLE,
        );
        const registry = line(estimate, "container registry");
        close(registry.hourlyAtMax, 0.1666 / 24);
        close(registry.monthly, (0.1666 * 730) / 24);
    });

    it("shows usage-billed lines with their unit price and keeps them out of the totals", () => {
        const estimate = estimateCost(
            [
                resourceGroup(),
                planned("azure-native:operationalinsights:Workspace", "log", {
                    resourceGroupName: "rg-test",
                    sku: { name: "PerGB2018" },
                }),
                planned("azure-native:storage:StorageAccount", "st", {
                    location: "westeurope",
                    kind: "StorageV2",
                    sku: { name: "Standard_LRS" },
                }),
                planned("azure-native:keyvault:Vault", "kv", {
                    location: "westeurope",
                    properties: { sku: { family: "A", name: "standard" } },
                }),
            ],
            TABLE,
        );
        const usage = estimate.lines.filter((l) => l.perUse);
        assert.deepEqual(
            usage.map((l) => [l.meter, l.unitPrice, l.monthly, l.hourlyAtMax]),
            [
                ["log-analytics:ingestion", 2.76, undefined, undefined],
                ["storage:blob-hot-lrs", 0.0196, undefined, undefined],
                ["keyvault:standard-operations", 0.03, undefined, undefined],
            ],
        );
        assert.equal(estimate.monthly, 0);
        assert.equal(estimate.hourlyAtMax, 0);
    });

    it("lists a type with no rule as unpriced, never dropping it", () => {
        const estimate = estimateCost(
            [planned("azure-native:network:PrivateEndpoint", "pe", { location: "westeurope" })],
            TABLE,
        );
        assert.equal(estimate.lines.length, 1);
        assert.equal(estimate.lines[0].unpriced, "no pricing rule for azure-native:network:PrivateEndpoint");
        assert.equal(estimate.unpricedCount, 1);
    });

    it("leaves a meter the table lacks for the line's region unpriced, naming meter and region", () => {
        const estimate = estimateCost(
            [{ ...amlCluster(), inputs: { ...amlCluster().inputs, location: "East US" } }],
            TABLE,
        );
        const cluster = line(estimate, "compute cluster");
        assert.equal(cluster.unpriced, "no price for vm:Standard_D4s_v5 in eastus; --live-prices fetches it");
        assert.equal(cluster.monthly, undefined);
        assert.equal(estimate.monthly, 0);
    });

    it("refuses a table entry in another unit than the meter's", () => {
        const estimate = estimateCost([amlCluster()], priceTable(["vm:Standard_D4s_v5", 140, "month"]));
        assert.match(line(estimate, "compute cluster").unpriced ?? "", /per month, not per hour/);
    });

    it("lists resources with no charge of their own as free, by type, with why", () => {
        const estimate = estimateCost(
            [
                resourceGroup(),
                planned("azure-native:authorization:RoleAssignment", "ra-1"),
                planned("azure-native:authorization:RoleAssignment", "ra-2"),
                planned("customai:aml:MlPlatform", "platform"),
                planned("pulumi-nodejs:dynamic/customai:DeploymentSalt", "salt"),
                planned("kubernetes:apps/v1:Deployment", "scorer"),
                planned("azure-native:monitor:DiagnosticSetting", "diag"),
            ],
            TABLE,
        );
        assert.equal(estimate.lines.length, 0);
        const roles = estimate.free.find((f) => f.type === "azure-native:authorization:RoleAssignment");
        assert.deepEqual(roles?.names, ["ra-1", "ra-2"]);
        assert.match(estimate.free.find((f) => f.type === "customai:aml:MlPlatform")?.reason ?? "", /component/);
        assert.match(
            estimate.free.find((f) => f.type === "azure-native:monitor:DiagnosticSetting")?.reason ?? "",
            /billed by the receiving workspace/,
        );
        assert.equal(estimate.free.length, 6);
    });

    it("takes the region from the resource group when the resource has no location", () => {
        const cluster = amlCluster();
        const inputs = { ...cluster.inputs, location: undefined };
        const estimate = estimateCost([resourceGroup(), { ...cluster, inputs }], TABLE);
        assert.equal(line(estimate, "compute cluster").region, "westeurope");
        const orphan = estimateCost([{ ...cluster, inputs }], TABLE);
        assert.match(line(orphan, "compute cluster").unpriced ?? "", /region unknown/);
    });

    it("rejects impossible usage assumptions, naming each field", () => {
        assert.deepEqual(usageIssues(DEFAULT_USAGE), []);
        const bad = { hoursPerMonth: 0, burstHoursPerMonth: -1, vmHoursWithAutoShutdown: 1000 };
        assert.equal(usageIssues(bad).length, 3);
        assert.throws(
            () => estimateCost([], TABLE, bad),
            /hoursPerMonth: more than 0.*burstHoursPerMonth.*vmHoursWithAutoShutdown/,
        );
    });

    it("uses other usage assumptions when given", () => {
        const usage = { hoursPerMonth: 720, burstHoursPerMonth: 10, vmHoursWithAutoShutdown: 100 };
        const estimate = estimateCost(
            [amlCluster({ scaleSettings: { minNodeCount: 1, maxNodeCount: 2 } })],
            TABLE,
            usage,
        );
        close(estimate.monthly, 720 * D4 + 10 * D4);
        assert.equal(estimate.usage, usage);
    });

    it("turns every unit into a price per hour, or none for usage units", () => {
        close(hourlyRate(2.4, "day", DEFAULT_USAGE), 0.1);
        close(hourlyRate(73, "month", DEFAULT_USAGE), 0.1);
        assert.equal(hourlyRate(0.1, "vcore-hour", DEFAULT_USAGE), 0.1);
        assert.equal(hourlyRate(2.76, "gb", DEFAULT_USAGE), undefined);
    });
});
