import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as assert from "node:assert/strict";
import { PLATFORM_STACK_OUTPUTS, PlatformStack } from "../../../components/aml";
import { readConfig } from "../../../components/common/config";
import { ValidationError } from "../../../components/common/validation";
import {
    AksConfig,
    aksConfigSpec,
    aksIssues,
    aksPool,
    createPathAks,
    imageKeyIssues,
    workloadImage,
} from "../../../programs/shared-aks";
import { PathPlatform } from "../../../programs/shared";
import { MOCK_SUBSCRIPTION, settle, useMocks } from "../../harness/mocks";
import { AKS_EXEC_KUBECONFIG } from "../../harness/aks";

const SPEC = aksConfigSpec({ pool: { name: "gpu", vmSize: "Standard_NC4as_T4_v3", minCount: 0, maxCount: 2 } });
const TAGS = { path: "2-5", environment: "dev", "managed-by": "custom-ai-on-azure" };
const read = (raw: Record<string, string>): AksConfig =>
    readConfig((k) => raw[k], SPEC, { components: (c) => aksIssues(c, TAGS) });

const ALICE = "11111111-2222-3333-4444-555555555555";
const REGISTRY = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-p/providers/Microsoft.ContainerRegistry/registries/crp`;
const WORKSPACE = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-p/providers/Microsoft.OperationalInsights/workspaces/log-p`;

describe("programs/shared-aks", () => {
    it("reads a GPU pool from the path's defaults, every key documented", () => {
        const c = read({});
        assert.deepEqual(aksPool(c), {
            name: "gpu",
            vmSize: "Standard_NC4as_T4_v3",
            minCount: 0,
            maxCount: 2,
            spot: false,
            gpuDriver: undefined,
        });
        assert.equal(c.systemVmSize, "Standard_D4s_v5");
        assert.equal(c.systemNodeCount, 2);
        assert.equal(c.networkPlugin, "azure");
        assert.equal(c.kubeconfigLogin, "azurecli");
        assert.equal(c.localAccounts, false);
        for (const [key, field] of Object.entries(SPEC)) {
            assert.ok(field.description.length > 10, `${key} is described`);
            assert.match(field.arg ?? "", /^aks\./, `${key} names the argument it becomes`);
        }
    });

    it("reports the cluster's rules under the keys that feed them", () => {
        assert.throws(
            () =>
                read({
                    poolVmSize: "Standard_D4s_v5",
                    gpuDriver: "None",
                    poolMaxCount: "0",
                    systemVmSize: "Standard_B2s",
                    networkPlugin: "cilium",
                    kubeconfigLogin: "browser",
                    clusterAdminPrincipalIds: '["alice"]',
                    poolName: "GPU_pool",
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual([...new Set(err.fields)].sort(), [
                    "clusterAdminPrincipalIds[0]",
                    "gpuDriver",
                    "kubeconfigLogin",
                    "networkPlugin",
                    "poolMaxCount",
                    "poolName",
                    "systemVmSize",
                ]);
                const gpuDriver = err.issues.find((i) => i.field === "gpuDriver")!;
                assert.match(gpuDriver.rule, /only for GPU sizes/);
                assert.equal(gpuDriver.value, "None");
                return true;
            },
        );
    });

    it("accepts Spot and the GPU Operator's driver choice on a GPU pool", () => {
        const c = read({ poolSpot: "true", gpuDriver: "None", poolMaxCount: "4", clusterAdminPrincipalIds: ALICE });
        assert.deepEqual(aksPool(c), {
            name: "gpu",
            vmSize: "Standard_NC4as_T4_v3",
            minCount: 0,
            maxCount: 4,
            spot: true,
            gpuDriver: "None",
        });
        assert.deepEqual(c.clusterAdminPrincipalIds, [ALICE]);
    });

    it("creates the path's cluster in its group, pulling from the platform registry, logging to its workspace", async () => {
        const recorder = await useMocks();
        recorder.onCall("azure-native:containerservice:listManagedClusterUserCredentials", () => ({
            kubeconfigs: [{ name: "u", value: Buffer.from(AKS_EXEC_KUBECONFIG).toString("base64") }],
        }));
        recorder.outputsFor("azure-native:containerservice:ManagedCluster", () => ({
            identityProfile: { kubeletidentity: { objectId: "kubelet" } },
        }));
        const resourceGroup = new resources.ResourceGroup("rg", {
            resourceGroupName: "rg-score-dev",
            location: "westeurope",
        });
        const values: Record<string, string> = {
            registryId: REGISTRY,
            logAnalyticsWorkspaceId: WORKSPACE,
            location: "northeurope",
        };
        const platform = Object.fromEntries(
            PLATFORM_STACK_OUTPUTS.map((k) => [k, pulumi.output(values[k] ?? `${k}-value`)]),
        ) as unknown as PlatformStack;
        const aks = createPathAks(
            "score",
            { parts: { workload: "score", environment: "dev" }, tags: TAGS, resourceGroup },
            { platform, hasRegistry: true, ready: [] },
            read({ poolSpot: "true" }),
            { keda: true },
        );
        await settle(recorder);
        const cluster = recorder.one("azure-native:containerservice:ManagedCluster").inputs;
        assert.equal(cluster.resourceGroupName, "rg-score-dev");
        assert.equal(cluster.location, "westeurope");
        assert.deepEqual(cluster.tags, TAGS);
        assert.deepEqual(cluster.workloadAutoScalerProfile, { keda: { enabled: true } });
        assert.equal(cluster.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID, WORKSPACE);
        assert.equal(recorder.one("azure-native:monitor:DataCollectionRule").inputs.location, "northeurope");
        const pull = recorder.named("score-acrpull").inputs;
        assert.equal(pull.scope, REGISTRY);
        assert.equal(pull.principalId, "kubelet");
        assert.equal(recorder.named("score-pool-gpu").inputs.scaleSetPriority, "Spot");
        assert.ok(aks.provider);
    });

    it("grants no AcrPull when the platform has no registry", async () => {
        const recorder = await useMocks();
        recorder.onCall("azure-native:containerservice:listManagedClusterUserCredentials", () => ({
            kubeconfigs: [{ name: "u", value: Buffer.from(AKS_EXEC_KUBECONFIG).toString("base64") }],
        }));
        const resourceGroup = new resources.ResourceGroup("rg", { resourceGroupName: "rg-x", location: "westeurope" });
        const platform = Object.fromEntries(
            PLATFORM_STACK_OUTPUTS.map((k) => [k, pulumi.output(`${k}-value`)]),
        ) as unknown as PlatformStack;
        createPathAks(
            "score",
            { parts: { workload: "score" }, tags: TAGS, resourceGroup },
            { platform, hasRegistry: false, ready: [] },
            read({}),
        );
        await settle(recorder);
        // Only the deployer's grant (the `deployerAccess` key defaults to User): no AcrPull.
        const grants = recorder.ofType("azure-native:authorization:RoleAssignment");
        assert.deepEqual(
            grants.map((g) => [g.name, g.inputs.principalId, g.inputs.principalType]),
            [["score-deployer-admin", "mock-object", "User"]],
        );
        assert.deepEqual(
            recorder.one("azure-native:containerservice:ManagedCluster").inputs.workloadAutoScalerProfile,
            {
                keda: { enabled: false },
            },
        );
    });

    describe("the workload image", () => {
        const platform = (hasRegistry: boolean): PathPlatform => ({
            platform: { registryLoginServer: pulumi.output("crp.azurecr.io") } as unknown as PlatformStack,
            hasRegistry,
            ready: [],
        });
        const inRegistry = (server: string) => `${server}/scorer:1`;

        it("is required when the stack's own platform gets no registry, and only then", () => {
            assert.deepEqual(imageKeyIssues({ registry: false }), [
                {
                    field: "image",
                    rule: "required with registry: false (the sample image goes to the platform's registry)",
                    value: undefined,
                },
            ]);
            assert.deepEqual(imageKeyIssues({ registry: false, image: "ghcr.io/me/scorer:2" }), []);
            assert.deepEqual(imageKeyIssues({ registry: true }), []);
            assert.deepEqual(imageKeyIssues({ registry: false, platformStack: "org/p/dev" }), [], "known only at run");
        });

        it("is the one named, or the sample's in the platform's registry", async () => {
            assert.equal(
                workloadImage({ registry: true, image: "ghcr.io/me/scorer:2" }, platform(true), inRegistry),
                "ghcr.io/me/scorer:2",
            );
            const image = workloadImage({ registry: true }, platform(true), inRegistry) as pulumi.Output<string>;
            assert.equal(await new Promise((resolve) => image.apply(resolve)), "crp.azurecr.io/scorer:1");
        });

        it("refuses a base stack without a registry, naming image", () => {
            assert.throws(
                () => workloadImage({ registry: true, platformStack: "org/p/dev" }, platform(false), inRegistry),
                (err: unknown) =>
                    err instanceof ValidationError &&
                    err.issues[0].field === "image" &&
                    /platform stack org\/p\/dev has no container registry/.test(err.message),
            );
        });
    });
});
