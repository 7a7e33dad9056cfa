/**
 * The shared base stack: one per environment, long-lived. Path programs and
 * batch runs read its outputs through a StackReference instead of creating
 * their own workspace, storage and registry.
 */
import * as resources from "@pulumi/azure-native/resources";
import {
    ConfigSpec,
    namePartIssues,
    readProgramConfig,
    resourceName,
    standardTags,
    tagIssues,
} from "../../components/common";
import { MlPlatform } from "../../components/platform";

const namePart = (value: string) =>
    namePartIssues({ workload: value }).length > 0
        ? "lowercase letters and digits, words separated by single '-'"
        : undefined;

const stringMap = (value: unknown) => {
    if (!value || typeof value !== "object" || Array.isArray(value)) return "a JSON object of string values";
    if (!Object.values(value).every((v) => typeof v === "string")) return "a JSON object of string values";
    const issues = tagIssues(value as Record<string, string>);
    return issues.length > 0 ? issues.map((i) => `${i.field}: ${i.rule}`).join("; ") : undefined;
};

export const CONFIG_SPEC = {
    environment: {
        type: "string",
        default: "dev",
        description: "Environment name used in names and tags.",
        check: namePart,
    },
    workload: {
        type: "string",
        default: "ml",
        description: "Short workload name used in resource names.",
        check: namePart,
    },
    location: {
        type: "string",
        default: "westeurope",
        description: "Azure region of the resource group and resources.",
    },
    tags: { type: "json", default: {}, description: "Extra tags for every resource (JSON object).", check: stringMap },
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
        check: (v: number) => (v >= 30 && v <= 730 ? undefined : "an integer from 30 to 730"),
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
        check: (ids: string[]) =>
            ids.every((id) => /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(id))
                ? undefined
                : "a list of object ids (GUIDs)",
    },
} as const satisfies ConfigSpec;

export async function program(): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC);
    const parts = { workload: config.workload, environment: config.environment };
    const tags = standardTags({
        path: "platform",
        environment: config.environment,
        extra: config.tags as Record<string, string>,
    });

    const group = new resources.ResourceGroup("rg", {
        resourceGroupName: resourceName("resourceGroup", parts),
        location: config.location,
        tags,
    });

    const platform = new MlPlatform(`${config.workload}-${config.environment}`, {
        resourceGroupName: group.name,
        location: group.location,
        tags,
        networkIsolation: config.networkIsolation,
        registry: config.registry,
        logRetentionDays: config.logRetentionDays,
        logDailyQuotaGb: config.logDailyQuotaGb,
        purgeProtection: config.purgeProtection,
        dataScientistPrincipalIds: config.dataScientistPrincipalIds,
    });

    return {
        resourceGroupName: group.name,
        location: group.location,
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
