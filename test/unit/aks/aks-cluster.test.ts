import * as assert from "node:assert/strict";
import { AksCluster, AksClusterArgs, KEDA_OPERATOR_SERVICE_ACCOUNT } from "../../../components/aks";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import {
    MOCK_RESOURCE_GROUP,
    MOCK_SUBSCRIPTION,
    MockRecorder,
    isSecret,
    settle,
    unwrapSecrets,
    useMocks,
    valueOf,
} from "../../harness/mocks";
import { AKS_EXEC_KUBECONFIG } from "../../harness/aks";

const CLUSTER = "azure-native:containerservice:ManagedCluster";
const POOL = "azure-native:containerservice:AgentPool";
const ROLE = "azure-native:authorization:RoleAssignment";
const RULE = "azure-native:monitor:DataCollectionRule";
const ASSOCIATION = "azure-native:monitor:DataCollectionRuleAssociation";
const CREDENTIAL = "azure-native:managedidentity:FederatedIdentityCredential";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
const LIST_CREDENTIALS = "azure-native:containerservice:listManagedClusterUserCredentials";

const ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant/issuer/";
const KUBELET = "kubelet-object-id";
const ALICE = "11111111-2222-3333-4444-555555555555";
const REGISTRY = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.ContainerRegistry/registries/crplatform`;
const WORKSPACE = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-platform/providers/Microsoft.OperationalInsights/workspaces/log-platform`;
const IDENTITY = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-consumer`;

/** Mocks answering what AKS computes (issuer, kubelet identity, node group) and the credentials invoke. */
async function aksMocks(): Promise<MockRecorder> {
    const recorder = await useMocks();
    recorder.outputsFor(CLUSTER, () => ({
        oidcIssuerProfile: { issuerURL: ISSUER },
        identityProfile: { kubeletidentity: { objectId: KUBELET, clientId: "kubelet-client" } },
        nodeResourceGroup: "MC_rg-test_aks_westeurope",
    }));
    recorder.onCall(LIST_CREDENTIALS, () => ({
        kubeconfigs: [{ name: "clusterUser", value: Buffer.from(AKS_EXEC_KUBECONFIG).toString("base64") }],
    }));
    return recorder;
}

const BASE: AksClusterArgs = { resourceGroupName: MOCK_RESOURCE_GROUP, location: "westeurope", tags: { team: "ai" } };

describe("AksCluster under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await aksMocks();
    });

    it("secures the cluster by default: Entra ID with Azure RBAC, no local accounts, OIDC and workload identity", async () => {
        const aks = new AksCluster("score", BASE);
        await settle(recorder);
        const cluster = recorder.one(CLUSTER);
        const inputs = cluster.inputs;
        assert.equal(cluster.name, "score-aks");
        assert.match(inputs.resourceName, /^aks-score-[a-z0-9]{6}$/);
        assert.equal(inputs.dnsPrefix, inputs.resourceName);
        assert.equal(inputs.location, "westeurope");
        assert.deepEqual(inputs.identity, { type: "SystemAssigned" });
        assert.deepEqual(inputs.aadProfile, { managed: true, enableAzureRBAC: true });
        assert.equal(inputs.disableLocalAccounts, true);
        assert.equal(inputs.enableRBAC, true);
        assert.deepEqual(inputs.oidcIssuerProfile, { enabled: true });
        assert.deepEqual(inputs.securityProfile, { workloadIdentity: { enabled: true } });
        // The SDK fills in AKS's address defaults (pod range 10.244.0.0/16, services 10.0.0.0/16) around these.
        assert.equal(inputs.networkProfile.networkPlugin, "azure");
        assert.equal(inputs.networkProfile.networkPluginMode, "overlay");
        assert.deepEqual(inputs.workloadAutoScalerProfile, { keda: { enabled: false } });
        assert.equal(inputs.addonProfiles, undefined, "no Container Insights without a workspace");
        assert.equal(inputs.kubernetesVersion, undefined, "AKS's default version");
        assert.deepEqual(inputs.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });

        assert.equal(await valueOf(aks.clusterId), cluster.id);
        assert.equal(await valueOf(aks.clusterName), inputs.resourceName);
        assert.equal(await valueOf(aks.oidcIssuerUrl), ISSUER);
        assert.equal(await valueOf(aks.kubeletPrincipalId), KUBELET);
        assert.equal(await valueOf(aks.nodeResourceGroup), "MC_rg-test_aks_westeurope");
        assert.equal(recorder.count(POOL), 0);
        assert.equal(recorder.count(ROLE), 0, "no grants nobody asked for");
    });

    it("defines only the system pool inline, every other pool as an autoscaled AgentPool", async () => {
        const aks = new AksCluster("score", {
            ...BASE,
            systemPool: { vmSize: "Standard_D8s_v5", count: 3 },
            userPools: [
                { name: "gpu", vmSize: "Standard_NC4as_T4_v3", maxCount: 2, labels: { team: "ml" } },
                { name: "cpu", vmSize: "Standard_D4s_v5", minCount: 1, maxCount: 5, taints: ["dedicated:NoExecute"] },
            ],
        });
        await settle(recorder);
        const cluster = recorder.one(CLUSTER);
        assert.deepEqual(cluster.inputs.agentPoolProfiles, [
            {
                name: "system",
                mode: "System",
                osType: "Linux",
                type: "VirtualMachineScaleSets",
                vmSize: "Standard_D8s_v5",
                count: 3,
                enableAutoScaling: false,
            },
        ]);
        assert.deepEqual(Object.keys(aks.pools).sort(), ["cpu", "gpu"]);

        const gpu = recorder.named("score-pool-gpu");
        assert.equal(gpu.type, POOL);
        assert.equal(gpu.inputs.resourceName, cluster.inputs.resourceName);
        assert.equal(gpu.inputs.resourceGroupName, MOCK_RESOURCE_GROUP);
        assert.equal(gpu.inputs.agentPoolName, "gpu");
        assert.equal(gpu.inputs.mode, "User");
        assert.equal(gpu.inputs.vmSize, "Standard_NC4as_T4_v3");
        assert.equal(gpu.inputs.enableAutoScaling, true);
        assert.deepEqual([gpu.inputs.count, gpu.inputs.minCount, gpu.inputs.maxCount], [0, 0, 2]);
        assert.deepEqual(gpu.inputs.nodeTaints, ["sku=gpu:NoSchedule"]);
        assert.deepEqual(gpu.inputs.nodeLabels, { accelerator: "nvidia", team: "ml" });
        assert.deepEqual(gpu.inputs.gpuProfile, { driver: "Install" });
        assert.equal(gpu.inputs.scaleSetPriority, "Regular");
        assert.equal(gpu.inputs.scaleSetEvictionPolicy, undefined);

        const cpu = recorder.named("score-pool-cpu");
        assert.deepEqual([cpu.inputs.count, cpu.inputs.minCount, cpu.inputs.maxCount], [1, 1, 5]);
        assert.deepEqual(cpu.inputs.nodeTaints, ["dedicated:NoExecute"]);
        assert.deepEqual(cpu.inputs.nodeLabels, {});
        assert.equal(cpu.inputs.gpuProfile, undefined, "no GPU settings on a CPU pool");

        // The autoscaler owns the count; the settings AKS fixes at creation replace the pool, deleting it first.
        assert.deepEqual(gpu.options.ignoreChanges, ["count"]);
        assert.deepEqual([...gpu.options.replaceOnChanges].sort(), [
            "gpuProfile",
            "scaleSetEvictionPolicy",
            "scaleSetPriority",
            "spotMaxPrice",
            "vmSize",
        ]);
        assert.equal(gpu.options.deleteBeforeReplace, true);
        assert.ok(
            gpu.options.dependencies.includes((await urnOf(aks.cluster)) as string),
            "pools wait for the cluster",
        );
    });

    it("runs Spot pools with eviction Delete and the price cap, and leaves the Spot taint to AKS", async () => {
        new AksCluster("batch", {
            ...BASE,
            userPools: [
                { name: "spot", vmSize: "Standard_NC4as_T4_v3", maxCount: 4, spot: true, gpuDriver: "None" },
                { name: "capped", vmSize: "Standard_D4s_v5", maxCount: 2, spot: true, spotMaxPrice: 0.05 },
            ],
        });
        await settle(recorder);
        const spot = recorder.named("batch-pool-spot").inputs;
        assert.equal(spot.scaleSetPriority, "Spot");
        assert.equal(spot.scaleSetEvictionPolicy, "Delete");
        assert.equal(spot.spotMaxPrice, -1);
        assert.deepEqual(spot.nodeTaints, ["sku=gpu:NoSchedule"]);
        assert.deepEqual(spot.gpuProfile, { driver: "None" });
        assert.equal(recorder.named("batch-pool-capped").inputs.spotMaxPrice, 0.05);
    });

    it("grants AcrPull on the registry to the kubelet identity, and cluster admin to the listed principals", async () => {
        new AksCluster("score", {
            ...BASE,
            registryId: REGISTRY,
            clusterAdminPrincipalIds: [ALICE],
        });
        await settle(recorder);
        const cluster = recorder.one(CLUSTER);
        const pull = recorder.named("score-acrpull").inputs;
        assert.equal(pull.scope, REGISTRY);
        assert.equal(pull.principalId, KUBELET);
        assert.equal(pull.principalType, "ServicePrincipal");
        assert.match(pull.roleDefinitionId, new RegExp(`/roleDefinitions/${BUILT_IN_ROLES.AcrPull}$`));

        const admin = recorder.named(`score-admin-${ALICE}`).inputs;
        assert.equal(admin.scope, cluster.id);
        assert.equal(admin.principalId, ALICE);
        assert.equal(admin.principalType, "User");
        assert.match(admin.roleDefinitionId, /\/roleDefinitions\/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b$/);
        const user = recorder.named(`score-user-${ALICE}`).inputs;
        assert.equal(user.scope, cluster.id);
        assert.match(user.roleDefinitionId, /\/roleDefinitions\/4abbcc35-e782-43d8-92c5-2d3f1bd2253f$/);
        assert.equal(recorder.count(ROLE), 3);
    });

    it("grants the identity running Pulumi cluster admin when asked, and its provider waits for the grant", async () => {
        new AksCluster("score", { ...BASE, deployerAccess: "ServicePrincipal" });
        await settle(recorder);
        const grant = recorder.named("score-deployer-admin");
        assert.equal(grant.inputs.scope, recorder.one(CLUSTER).id);
        assert.equal(grant.inputs.principalId, "mock-object", "the client config's object id");
        assert.equal(grant.inputs.principalType, "ServicePrincipal");
        assert.match(grant.inputs.roleDefinitionId, /\/roleDefinitions\/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b$/);
        const provider = recorder.one(K8S_PROVIDER);
        assert.ok(
            provider.options.dependencies.some((d) => d.endsWith("::score-deployer-admin")),
            "Kubernetes objects wait for the grant",
        );
    });

    it("sets up Container Insights with managed identity: the add-on, a data collection rule and its association", async () => {
        new AksCluster("score", {
            ...BASE,
            logAnalyticsWorkspaceId: WORKSPACE,
            logAnalyticsWorkspaceLocation: "northeurope",
        });
        await settle(recorder);
        const cluster = recorder.one(CLUSTER);
        assert.deepEqual(cluster.inputs.addonProfiles, {
            omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: WORKSPACE, useAADAuth: "true" } },
        });
        const rule = recorder.one(RULE);
        assert.equal(rule.inputs.location, "northeurope", "the rule goes where the workspace is");
        assert.equal(rule.inputs.dataCollectionRuleName, `MSCI-${cluster.inputs.resourceName}`);
        assert.equal(rule.inputs.kind, "Linux");
        const [extension] = rule.inputs.dataSources.extensions;
        assert.equal(extension.extensionName, "ContainerInsights");
        assert.deepEqual(extension.streams, ["Microsoft-ContainerInsights-Group-Default"]);
        assert.deepEqual(extension.extensionSettings, { dataCollectionSettings: { enableContainerLogV2: true } });
        const [destination] = rule.inputs.destinations.logAnalytics;
        assert.equal(destination.workspaceResourceId, WORKSPACE);
        assert.deepEqual(rule.inputs.dataFlows, [
            { streams: ["Microsoft-ContainerInsights-Group-Default"], destinations: [destination.name] },
        ]);
        const association = recorder.one(ASSOCIATION).inputs;
        assert.equal(association.associationName, "ContainerInsightsExtension");
        assert.equal(association.resourceUri, cluster.id);
        assert.equal(association.dataCollectionRuleId, rule.id);
        assert.equal(recorder.count(ROLE), 0, "managed identity authentication needs no metrics publisher grant");
    });

    it("turns on the KEDA add-on, kubenet, a pinned version and local accounts when asked", async () => {
        new AksCluster("events", {
            ...BASE,
            keda: true,
            networkPlugin: "kubenet",
            kubernetesVersion: "1.33",
            localAccounts: true,
        });
        await settle(recorder);
        const inputs = recorder.one(CLUSTER).inputs;
        assert.deepEqual(inputs.workloadAutoScalerProfile, { keda: { enabled: true } });
        assert.equal(inputs.networkProfile.networkPlugin, "kubenet");
        assert.equal(inputs.networkProfile.networkPluginMode, undefined, "overlay is Azure CNI's mode only");
        assert.equal(inputs.kubernetesVersion, "1.33");
        assert.equal(inputs.disableLocalAccounts, false);
        assert.deepEqual(inputs.aadProfile, { managed: true, enableAzureRBAC: true }, "Entra ID stays on");
    });

    it("exports the kubeconfig as a secret, rewritten for the chosen login, and builds its provider from it", async () => {
        const aks = new AksCluster("score", { ...BASE, kubeconfigLogin: "workloadidentity" });
        await settle(recorder);
        const cluster = recorder.one(CLUSTER);
        const call = recorder.calls.find((c) => c.token === LIST_CREDENTIALS)!;
        assert.deepEqual(call.inputs, {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            resourceName: cluster.inputs.resourceName,
            format: "exec",
        });

        assert.equal(await isSecret(aks.kubeconfig), true);
        const kubeconfig = await valueOf(aks.kubeconfig);
        assert.match(kubeconfig, /- "--login"\n\s+- "workloadidentity"/);
        assert.ok(!kubeconfig.includes("devicecode"));

        const provider = recorder.one(K8S_PROVIDER);
        assert.equal(provider.name, "score-k8s");
        assert.equal(unwrapSecrets(provider.inputs.kubeconfig), kubeconfig);
        assert.equal(provider.inputs.clusterIdentifier, cluster.id);
        assert.equal(String(provider.inputs.enableServerSideApply), "true");
        assert.equal(String(provider.inputs.deleteUnreachable), "false");
    });

    it("creates federated credentials for service accounts, one after another on the same identity", async () => {
        const aks = new AksCluster("events", { ...BASE, keda: true });
        const consumer = aks.federatedCredential("consumer", {
            identityId: IDENTITY,
            namespace: "scoring",
            serviceAccount: "consumer",
        });
        aks.federatedCredential("keda", { identityId: IDENTITY, ...KEDA_OPERATOR_SERVICE_ACCOUNT });
        await settle(recorder);
        const [first, second] = recorder.ofType(CREDENTIAL);
        assert.equal(first.name, "events-fic-consumer");
        assert.equal(first.inputs.resourceGroupName, "rg-ids");
        assert.equal(first.inputs.resourceName, "id-consumer");
        assert.equal(first.inputs.federatedIdentityCredentialResourceName, "events-consumer");
        assert.equal(first.inputs.issuer, ISSUER);
        assert.equal(first.inputs.subject, "system:serviceaccount:scoring:consumer");
        assert.deepEqual(first.inputs.audiences, ["api://AzureADTokenExchange"]);
        assert.equal(second.inputs.subject, "system:serviceaccount:kube-system:keda-operator");
        assert.ok(
            second.options.dependencies.includes((await urnOf(consumer)) as string),
            "Entra refuses concurrent credential writes under one identity",
        );
        assert.ok(!first.options.dependencies.some((d) => d.includes("FederatedIdentityCredential")));
    });

    it("refuses bad arguments before creating anything", () => {
        assert.throws(
            () =>
                new AksCluster("bad", {
                    ...BASE,
                    userPools: [{ name: "GPU", vmSize: "Standard_NC6", maxCount: 0 }],
                }),
            (err: unknown) =>
                err instanceof ValidationError &&
                err.fields.join() === "userPools[0].name,userPools[0].vmSize,userPools[0].maxCount",
        );
        assert.equal(recorder.resources.length, 0);
    });
});

/** The URN of a resource, for dependency assertions. */
function urnOf(resource: { urn: import("@pulumi/pulumi").Output<string> }): Promise<string> {
    return valueOf(resource.urn);
}
