/**
 * The shared base stack: one per environment, long-lived. Path programs and
 * batch runs read its outputs through a StackReference instead of creating
 * their own workspace, storage and registry.
 */
import { ConfigSpec, readProgramConfig } from "../../components/common";
import { baseConfigSpec, createPathBase, createPlatform, platformConfigSpec } from "../shared";

export const CONFIG_SPEC = {
    ...baseConfigSpec("ml"),
    ...platformConfigSpec(),
} as const satisfies ConfigSpec;

export async function program(): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC);
    const base = createPathBase("platform", config);
    const { resourceGroup } = base;
    const platform = createPlatform(`${config.workload}-${config.environment}`, base, config);

    return {
        resourceGroupName: resourceGroup.name,
        location: resourceGroup.location,
        workspaceName: platform.workspace.workspaceName,
        workspaceId: platform.workspace.workspaceId,
        studioUrl: platform.workspace.studioUrl,
        storageAccountName: platform.storage.accountName,
        storageAccountId: platform.storage.accountId,
        blobEndpoint: platform.storage.blobEndpoint,
        keyVaultUri: platform.vault.vaultUri,
        registryLoginServer: platform.registry?.loginServer,
        logAnalyticsWorkspaceId: platform.monitoring.logAnalyticsWorkspaceId,
        appInsightsConnectionString: platform.monitoring.appInsightsConnectionString,
    };
}
