/**
 * The shared base stack: one per environment, long-lived. Path programs and
 * batch runs read its outputs through a StackReference instead of creating
 * their own workspace, storage and registry.
 */
import { ConfigSpec, readProgramConfig } from "../../components/common";
import { MlPlatform } from "../../components/platform";
import { baseConfigSpec, createPathBase, platformConfigSpec } from "../shared";

export const CONFIG_SPEC = {
    ...baseConfigSpec("ml"),
    ...platformConfigSpec(),
} as const satisfies ConfigSpec;

export async function program(): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC);
    const { tags, resourceGroup } = createPathBase("platform", config);

    const platform = new MlPlatform(`${config.workload}-${config.environment}`, {
        resourceGroupName: resourceGroup.name,
        location: resourceGroup.location,
        tags,
        networkIsolation: config.networkIsolation,
        registry: config.registry,
        logRetentionDays: config.logRetentionDays,
        logDailyQuotaGb: config.logDailyQuotaGb,
        purgeProtection: config.purgeProtection,
        dataScientistPrincipalIds: config.dataScientistPrincipalIds,
    });

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
