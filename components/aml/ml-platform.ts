/**
 * MlPlatform: the shared base of the Azure ML paths in one component —
 * monitoring, storage, Key Vault, an optional registry and the ML workspace,
 * wired together, with diagnostics of every piece sent to the same Log
 * Analytics workspace. Paths 1-2, 2-1, 2-2 and 2-6 build on it; the batch
 * driver reads its outputs from the base stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs, DiagnosticsSpec } from "../common/interface";
import { ImageRegistry, RegistrySku } from "../registry/image-registry";
import { Monitoring } from "../monitoring/monitoring";
import { DataStorage } from "../storage/data-storage";
import { SecretVault } from "../keyvault/secret-vault";
import { MlWorkspace } from "./workspace";
import { withFormerTypes } from "../common/component";

export interface MlPlatformArgs extends Omit<CommonArgs, "diagnostics" | "roleAssignments"> {
    /** Optional. Create a container registry for environment images. @default true */
    readonly registry?: boolean;
    /** Optional. Registry SKU (Premium is required with networkIsolation). @default - "Basic", or "Premium" when isolated */
    readonly registrySku?: RegistrySku;
    /** Optional. Days Log Analytics keeps data. @default 30 */
    readonly logRetentionDays?: number;
    /** Optional. Daily Log Analytics ingestion cap in GB. @default - no cap */
    readonly logDailyQuotaGb?: number;
    /** Optional. Key Vault purge protection (see SecretVault). @default true */
    readonly purgeProtection?: boolean;
    /** Optional. Blob containers of the data account. @default ["data", "models", "predictions"] */
    readonly containers?: readonly string[];
    /** Optional. Public IPv4 ranges let through storage and vault firewalls when isolated. @default [] */
    readonly allowedIpRanges?: readonly string[];
    /**
     * Optional. Entra object ids of people who run experiments: each gets
     * AzureML Data Scientist on the workspace and blob read/write on the data
     * account. @default []
     */
    readonly dataScientistPrincipalIds?: readonly string[];
}

export class MlPlatform extends pulumi.ComponentResource {
    readonly monitoring: Monitoring;
    readonly storage: DataStorage;
    readonly vault: SecretVault;
    readonly registry?: ImageRegistry;
    readonly workspace: MlWorkspace;

    constructor(name: string, args: MlPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:MlPlatform", name, {}, withFormerTypes(opts, "customai:platform:MlPlatform"));
        const child = { parent: this };
        const shared = {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            tags: args.tags,
            networkIsolation: args.networkIsolation,
        };

        this.monitoring = new Monitoring(
            `${name}-mon`,
            { ...shared, retentionDays: args.logRetentionDays, dailyQuotaGb: args.logDailyQuotaGb },
            child,
        );
        const diagnostics: DiagnosticsSpec = { logAnalyticsWorkspaceId: this.monitoring.logAnalyticsWorkspaceId };

        this.storage = new DataStorage(
            `${name}-st`,
            { ...shared, diagnostics, containers: args.containers, allowedIpRanges: args.allowedIpRanges },
            child,
        );
        this.vault = new SecretVault(
            `${name}-kv`,
            { ...shared, diagnostics, purgeProtection: args.purgeProtection, allowedIpRanges: args.allowedIpRanges },
            child,
        );
        if (args.registry ?? true) {
            this.registry = new ImageRegistry(
                `${name}-cr`,
                { ...shared, diagnostics, sku: args.registrySku ?? (args.networkIsolation ? "Premium" : "Basic") },
                child,
            );
        }
        this.workspace = new MlWorkspace(
            `${name}-mlw`,
            {
                ...shared,
                diagnostics,
                storageAccountId: this.storage.accountId,
                keyVaultId: this.vault.vaultId,
                applicationInsightsId: this.monitoring.appInsightsId,
                containerRegistryId: this.registry?.registryId,
            },
            child,
        );

        for (const [i, principalId] of (args.dataScientistPrincipalIds ?? []).entries()) {
            this.workspace.grantDataScientist(`person${i}`, principalId, "User");
            this.storage.grantBlobWrite(`person${i}`, principalId, "User");
        }

        this.registerOutputs({
            workspaceName: this.workspace.workspaceName,
            storageAccountName: this.storage.accountName,
        });
    }
}
