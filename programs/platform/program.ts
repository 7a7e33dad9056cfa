/**
 * The shared base stack: one per environment, long-lived. Path programs and
 * batch runs read its outputs through a StackReference instead of creating
 * their own workspace, storage and registry.
 */
import { ConfigSpec, configChecks, readProgramConfig } from "../../components/common";
import { MlPlatform } from "../../components/platform";
import { baseConfigSpec, createPathBase } from "../shared";

export const CONFIG_SPEC = {
    ...baseConfigSpec("ml"),
    networkIsolation: {
        type: "boolean",
        default: false,
        description: "Close public endpoints (storage, vault, registry, workspace); needs private access to use.",
    },
    registry: { type: "boolean", default: true, description: "Create a container registry for environment images." },
    logRetentionDays: {
        type: "integer",
        default: 30,
        description: "Days Log Analytics keeps data (30-730).",
        check: configChecks.intRange(30, 730),
    },
    logDailyQuotaGb: {
        type: "number",
        description: "Daily Log Analytics ingestion cap in GB (unset: no cap).",
        check: (v: number) => (v > 0 ? undefined : "a positive number"),
    },
    purgeProtection: {
        type: "boolean",
        default: true,
        description: "Key Vault purge protection; cannot be turned off once on.",
    },
    dataScientistPrincipalIds: {
        type: "string[]",
        default: [],
        description: "Entra object ids of users given AzureML Data Scientist and blob read/write.",
        check: configChecks.guidList,
    },
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
