/** A deployed platform base stack as tests see it: the outputs of the platform contract, mocked. */
import { MockRecorder } from "./mocks";

export const STACK_REF = "pulumi:pulumi:StackReference";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/rg-ml-prod/providers";

/** What a deployed programs/platform stack exports (the platform contract). */
export const BASE_OUTPUTS = {
    resourceGroupName: "rg-ml-prod",
    location: "northeurope",
    workspaceName: "mlw-ml-prod-abc123",
    workspaceId: `${SUB}/Microsoft.MachineLearningServices/workspaces/mlw-ml-prod-abc123`,
    studioUrl: "https://ml.azure.com/?wsid=x",
    storageAccountName: "stmlprodabc123",
    storageAccountId: `${SUB}/Microsoft.Storage/storageAccounts/stmlprodabc123`,
    blobEndpoint: "https://stmlprodabc123.blob.core.windows.net/",
    keyVaultId: `${SUB}/Microsoft.KeyVault/vaults/kv-ml-prod-abc123`,
    keyVaultUri: "https://kv-ml-prod-abc123.vault.azure.net/",
    registryId: `${SUB}/Microsoft.ContainerRegistry/registries/crmlprodabc123`,
    registryLoginServer: "crmlprodabc123.azurecr.io",
    logAnalyticsWorkspaceId: `${SUB}/Microsoft.OperationalInsights/workspaces/log-ml-prod`,
    appInsightsConnectionString: "InstrumentationKey=base",
};

/** Mocks every StackReference as a platform stack with `outputs`; the connection string is its secret. */
export const withBaseStack =
    (outputs: Record<string, unknown> = BASE_OUTPUTS) =>
    (recorder: MockRecorder) =>
        recorder.outputsFor(STACK_REF, () => ({ outputs, secretOutputNames: ["appInsightsConnectionString"] }));
