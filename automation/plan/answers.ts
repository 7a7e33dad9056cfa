/**
 * What an offline plan answers where a program asks Azure or another stack
 * for something only a deployment knows: the invokes our programs make, the
 * outputs components read back from AKS and Azure ML, and the outputs of a
 * base stack. Placeholders all: the plan says so when it used them.
 */
import { PLATFORM_STACK_OUTPUTS } from "../../components/aml/platform-stack";
import { MOCK_SUBSCRIPTION, MOCK_TENANT } from "./mock-azure";

type Values = Record<string, unknown>;

/** The type token of a stack reference. */
export const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** A kubeconfig of the shape AKS returns for a user (exec, kubelogin); its server is a placeholder. */
function placeholderKubeconfig(clusterName: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: ${clusterName}`,
        "  cluster:",
        "    server: https://cluster.invalid:443",
        "contexts:",
        `- name: ${clusterName}`,
        "  context:",
        `    cluster: ${clusterName}`,
        "    user: clusterUser",
        `current-context: ${clusterName}`,
        "users:",
        "- name: clusterUser",
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1beta1",
        "      command: kubelogin",
        "      args:",
        "      - get-token",
        "      - --login",
        "      - devicecode",
        "      - --server-id",
        // The AKS Entra server application kubelogin asks tokens for (the same in every tenant).
        "      - 6dae42f8-4368-4678-94ff-3960e28e3630",
        "",
    ].join("\n");
}

/** Answers of the invokes an offline plan can give, by token. Any other invoke stops the plan, naming it. */
export const PLAN_INVOKES: Readonly<Record<string, (inputs: Values) => Values>> = {
    "azure-native:authorization:getClientConfig": () => ({
        clientId: "00000000-0000-0000-0000-00000000c11e",
        objectId: "00000000-0000-0000-0000-0000000000b1",
        subscriptionId: MOCK_SUBSCRIPTION,
        tenantId: MOCK_TENANT,
    }),
    "azure-native:machinelearningservices:getDatastore": (inputs) => ({
        name: inputs.name,
        properties: {
            datastoreType: "AzureBlob",
            accountName: "storageaccount",
            containerName: "azureml-blobstore-00000000-0000-0000-0000-000000000000",
            endpoint: "core.windows.net",
            protocol: "https",
        },
    }),
    "azure-native:machinelearningservices:listOnlineEndpointKeys": () => ({
        primaryKey: "placeholder-key",
        secondaryKey: "placeholder-key",
    }),
    "azure-native:containerservice:listManagedClusterUserCredentials": (inputs) => ({
        kubeconfigs: [
            {
                name: "clusterUser",
                value: Buffer.from(placeholderKubeconfig(String(inputs.resourceName ?? "aks"))).toString("base64"),
            },
        ],
    }),
};

/** Outputs Azure computes that components read back, by type; merged under the inputs. */
export const PLAN_COMPUTED: Readonly<Record<string, (inputs: Values) => Values>> = {
    "azure-native:containerservice:ManagedCluster": () => ({
        oidcIssuerProfile: { issuerURL: `https://westeurope.oic.prod-aks.azure.com/${MOCK_TENANT}/issuer/` },
        identityProfile: { kubeletidentity: { objectId: "kubelet-object-id", clientId: "kubelet-client-id" } },
        nodeResourceGroup: "MC_node_resource_group",
    }),
    "azure-native:machinelearningservices:OnlineEndpoint": (inputs) => ({
        properties: {
            scoringUri: `https://${String(inputs.endpointName)}.inference.ml.azure.com/score`,
            swaggerUri: `https://${String(inputs.endpointName)}.inference.ml.azure.com/swagger.json`,
        },
    }),
    "pulumi-nodejs:dynamic/customai-azure:BlobFiles": (inputs) => {
        const files = (inputs.files ?? {}) as Values;
        const base = `${String(inputs.blobEndpoint)}${String(inputs.container)}/${String(inputs.prefix)}`;
        return { urls: Object.fromEntries(Object.keys(files).map((n) => [n, `${base}/${n}`])) };
    },
    // Any stack the program reads is taken to be a platform base stack: its outputs follow the platform contract.
    [STACK_REFERENCE]: (inputs) => ({
        outputs: placeholderPlatformOutputs(String(inputs.name)),
        secretOutputNames: ["appInsightsConnectionString"],
    }),
};

/** The platform contract's outputs, as placeholders of the right shape; the location is unknown offline. */
export function placeholderPlatformOutputs(stackName: string): Values {
    const group = "rg-base-platform";
    const where = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${group}/providers`;
    const values: Values = {
        resourceGroupName: group,
        location: BASE_STACK_LOCATION,
        workspaceName: "mlw-base-platform",
        workspaceId: `${where}/Microsoft.MachineLearningServices/workspaces/mlw-base-platform`,
        studioUrl: `https://ml.azure.com/?stack=${encodeURIComponent(stackName)}`,
        storageAccountName: "stbaseplatform",
        storageAccountId: `${where}/Microsoft.Storage/storageAccounts/stbaseplatform`,
        blobEndpoint: "https://stbaseplatform.blob.core.windows.net/",
        keyVaultId: `${where}/Microsoft.KeyVault/vaults/kv-base-platform`,
        keyVaultUri: "https://kv-base-platform.vault.azure.net/",
        registryId: `${where}/Microsoft.ContainerRegistry/registries/crbaseplatform`,
        registryLoginServer: "crbaseplatform.azurecr.io",
        logAnalyticsWorkspaceId: `${where}/Microsoft.OperationalInsights/workspaces/log-base-platform`,
        appInsightsConnectionString: "InstrumentationKey=placeholder",
    };
    // The compiler checks the contract's names; this checks the list is whole, should the contract grow.
    for (const key of PLATFORM_STACK_OUTPUTS) if (!(key in values)) throw new Error(`no placeholder for ${key}`);
    return values;
}

/**
 * The location a base stack's outputs give offline. A plan cannot read the
 * stack, so resources placed by it have no known region and their prices
 * show as unpriced, with this name as the region.
 */
export const BASE_STACK_LOCATION = "base-stack-location";
