import * as assert from "node:assert/strict";
import { ComputeCluster, isoSeconds, validateComputeClusterArgs } from "../../../components/aml/compute-cluster";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const COMPUTE = "azure-native:machinelearningservices:Compute";
const SUBNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aml";

describe("ComputeCluster under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("defaults to a CPU cluster from 0 to 2 dedicated nodes, idle scale-down after 120 s, no SSH", async () => {
        const cluster = new ComputeCluster("train", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            workspaceName: "mlw-x",
            tags: { team: "ai" },
        });
        await settle(recorder);
        const compute = recorder.one(COMPUTE);
        const inputs = compute.inputs;
        assert.equal(compute.name, "train-compute");
        assert.equal(inputs.workspaceName, "mlw-x");
        assert.match(inputs.computeName, /^train-[a-z0-9]{6}$/);
        assert.deepEqual(inputs.identity, { type: "SystemAssigned" });
        assert.equal(inputs.properties.computeType, "AmlCompute");
        assert.equal(inputs.properties.disableLocalAuth, true);
        assert.deepEqual(inputs.properties.properties, {
            vmSize: "Standard_D4s_v5",
            vmPriority: "Dedicated",
            osType: "Linux",
            scaleSettings: { minNodeCount: 0, maxNodeCount: 2, nodeIdleTimeBeforeScaleDown: "PT120S" },
            remoteLoginPortPublicAccess: "Disabled",
            enableNodePublicIp: true,
        });
        assert.deepEqual(inputs.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });
        assert.equal(await valueOf(cluster.clusterId), compute.id);
        assert.equal(await valueOf(cluster.principalId), `principal-${inputs.computeName}`);
        assert.equal(cluster.maxNodes, 2);
    });

    it("replaces the cluster, deleting it first, on the settings AML accepts but does not apply in place", async () => {
        new ComputeCluster("train", { resourceGroupName: MOCK_RESOURCE_GROUP, workspaceName: "mlw-x" });
        await settle(recorder);
        const { options, inputs } = recorder.one(COMPUTE);
        assert.deepEqual([...options.replaceOnChanges].sort(), [
            "properties.properties.enableNodePublicIp",
            "properties.properties.remoteLoginPortPublicAccess",
            "properties.properties.subnet",
            "properties.properties.vmPriority",
            "properties.properties.vmSize",
        ]);
        assert.equal(options.deleteBeforeReplace, true, "the name stays the same, so the old cluster goes first");
        // Every path names an input the cluster sets (subnet only when given), so none is a typo.
        for (const p of options.replaceOnChanges.filter((p) => !p.endsWith(".subnet"))) {
            const value = p.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], inputs);
            assert.notEqual(value, undefined, p);
        }
        // Scale settings change in place: no replacement for them.
        assert.ok(!options.replaceOnChanges.some((p) => p.includes("scaleSettings")));
    });

    it("runs GPU Spot nodes in a subnet without public IPs under isolation", async () => {
        new ComputeCluster("gpu", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            workspaceName: "mlw-x",
            vmSize: "Standard_NC24ads_A100_v4",
            vmPriority: "LowPriority",
            minNodes: 1,
            maxNodes: 8,
            idleSecondsBeforeScaleDown: 600,
            subnetId: SUBNET,
            networkIsolation: true,
            managedIdentities: { systemAssigned: true, userAssignedResourceIds: ["/uai"] },
            roleAssignments: [{ label: "ops", principalId: "p-ops", role: "AzureMLComputeOperator" }],
        });
        await settle(recorder);
        const inputs = recorder.one(COMPUTE).inputs;
        const props = inputs.properties.properties;
        assert.equal(props.vmSize, "Standard_NC24ads_A100_v4");
        assert.equal(props.vmPriority, "LowPriority");
        assert.deepEqual(props.scaleSettings, {
            minNodeCount: 1,
            maxNodeCount: 8,
            nodeIdleTimeBeforeScaleDown: "PT600S",
        });
        assert.deepEqual(props.subnet, { id: SUBNET });
        assert.equal(props.enableNodePublicIp, false);
        assert.deepEqual(inputs.identity, { type: "SystemAssigned,UserAssigned", userAssignedIdentities: ["/uai"] });
        const grant = recorder.one("azure-native:authorization:RoleAssignment").inputs;
        assert.equal(grant.scope, recorder.one(COMPUTE).id);
        assert.equal(grant.principalId, "p-ops");
    });

    it("rejects retired sizes and bad bounds before creating anything", () => {
        assert.throws(
            () =>
                new ComputeCluster("bad", {
                    resourceGroupName: "rg",
                    workspaceName: "ws",
                    clusterName: "9starts-with-digit",
                    vmSize: "Standard_NC6",
                    vmPriority: "Spot" as "LowPriority",
                    minNodes: 3,
                    maxNodes: 2,
                    idleSecondsBeforeScaleDown: 10,
                    enableNodePublicIp: true,
                    networkIsolation: true,
                    managedIdentities: { systemAssigned: false },
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, [
                    "clusterName",
                    "vmSize",
                    "vmPriority",
                    "minNodes",
                    "idleSecondsBeforeScaleDown",
                    "enableNodePublicIp",
                    "managedIdentities",
                ]);
                assert.match(err.message, /NC \(K80\) family was retired on 2023-09-06; use Standard_NC4as_T4_v3/);
                return true;
            },
        );
        assert.equal(recorder.count(COMPUTE), 0);
    });

    it("bounds maxNodes to AML's 1-100", () => {
        for (const maxNodes of [0, 101, 2.5]) {
            assert.throws(() => validateComputeClusterArgs({ maxNodes }), /maxNodes: an integer from 1 to 100/);
        }
        for (const maxNodes of [1, 100]) {
            assert.equal(validateComputeClusterArgs({ maxNodes }).maxNodes, maxNodes);
        }
        assert.equal(isoSeconds(120), "PT120S");
    });
});
