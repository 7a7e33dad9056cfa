/**
 * MlPlatform: the shared base of the Azure ML paths in one component —
 * monitoring, storage, Key Vault, an optional registry and the ML workspace,
 * wired together, with diagnostics of every piece sent to the same Log
 * Analytics workspace. The platform base stack (`programs/platform`) and
 * path 1-2 create it; the batch driver's `aml` target reads its outputs from
 * the base stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { DeploymentSalt } from "../common/deployment-salt";
import { CommonArgs, DiagnosticsSpec, Settings } from "../common/interface";
import {
    issuesOf,
    principalIdIssues,
    renameFields,
    ValidationError,
    ValidationIssue,
    Validator,
} from "../common/validation";
import { SecretVault, validateSecretVaultArgs } from "../keyvault/secret-vault";
import { Monitoring, validateMonitoringArgs } from "../monitoring/monitoring";
import { ImageRegistry, RegistrySku, validateImageRegistryArgs } from "../registry/image-registry";
import { DataStorage, validateDataStorageArgs } from "../storage/data-storage";
import { MlWorkspace, validateMlWorkspaceArgs } from "./workspace";
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
     * Optional. Entra object ids of people who run experiments and batches:
     * each gets, as a user, AzureML Data Scientist and AzureML Compute
     * Operator on the workspace (Data Scientist excludes creating and
     * deleting compute, which every aml batch run does), Storage Blob Data
     * Contributor on the account (data, and the uploads of batch runs), and
     * Storage File Data Privileged Contributor on it (studio notebooks on an
     * account without shared keys). @default []
     */
    readonly dataScientistPrincipalIds?: readonly string[];
    /**
     * Optional. Entra object ids of the service principals or managed
     * identities that run the driver's aml batches (a nightly scheduler):
     * each gets AzureML Data Scientist and AzureML Compute Operator on the
     * workspace and Storage Blob Data Contributor on the account. @default []
     */
    readonly runnerPrincipalIds?: readonly string[];
}

/** The registry SKU a platform gets: the one asked for, else Premium with isolation (required there), else Basic. Pure. */
export function platformRegistrySku(args: Pick<MlPlatformArgs, "registrySku" | "networkIsolation">): RegistrySku {
    return args.registrySku ?? (args.networkIsolation ? "Premium" : "Basic");
}

/**
 * Every problem with the platform's settings, under the platform's own
 * argument names: its parts' validators run on what the platform would pass
 * them (their rules are theirs, stated once), and the principals are checked
 * here. Pure.
 */
export function mlPlatformIssues(args: Settings<MlPlatformArgs>): ValidationIssue[] {
    const v = new Validator();
    const shared = { tags: args.tags, networkIsolation: args.networkIsolation };
    const parts = [
        renameFields(
            issuesOf(() =>
                validateMonitoringArgs({
                    ...shared,
                    retentionDays: args.logRetentionDays,
                    dailyQuotaGb: args.logDailyQuotaGb,
                }),
            ),
            { retentionDays: "logRetentionDays", dailyQuotaGb: "logDailyQuotaGb" },
        ),
        issuesOf(() =>
            validateDataStorageArgs({ ...shared, containers: args.containers, allowedIpRanges: args.allowedIpRanges }),
        ),
        issuesOf(() =>
            validateSecretVaultArgs({
                ...shared,
                purgeProtection: args.purgeProtection,
                allowedIpRanges: args.allowedIpRanges,
            }),
        ),
        args.registry === false
            ? []
            : renameFields(
                  issuesOf(() => validateImageRegistryArgs({ ...shared, sku: platformRegistrySku(args) })),
                  {
                      sku: "registrySku",
                  },
              ),
        issuesOf(() => validateMlWorkspaceArgs(shared)),
    ];
    // Parts share the tags and ranges, so one mistake is reported once, not once per part.
    const seen = new Set<string>();
    for (const issue of parts.flat()) {
        const key = `${issue.field}\u0000${issue.rule}`;
        if (!seen.has(key)) v.merge([issue]);
        seen.add(key);
    }
    // One principal, one list: the same grant twice would be two resources with one Azure name.
    const people = (args.dataScientistPrincipalIds ?? []).map((id) => id.toLowerCase());
    for (const key of ["dataScientistPrincipalIds", "runnerPrincipalIds"] as const) {
        const ids = args[key] ?? [];
        v.merge(principalIdIssues(ids, key));
        if (key === "runnerPrincipalIds") {
            ids.forEach((id, i) =>
                v.check(
                    `${key}[${i}]`,
                    !people.includes(id.toLowerCase()),
                    "not also in dataScientistPrincipalIds",
                    id,
                ),
            );
        }
    }
    return [...v.issues];
}

/** Throws one ValidationError naming every problem with the platform's settings. */
export function validateMlPlatformArgs(args: Settings<MlPlatformArgs>): void {
    const issues = mlPlatformIssues(args);
    if (issues.length > 0) throw new ValidationError(issues, "MlPlatform");
}

export class MlPlatform extends pulumi.ComponentResource {
    readonly monitoring: Monitoring;
    readonly storage: DataStorage;
    readonly vault: SecretVault;
    readonly registry?: ImageRegistry;
    readonly workspace: MlWorkspace;
    /** Mixed into the names of the vault and the workspace, which Azure keeps after deletion. */
    readonly salt: DeploymentSalt;

    constructor(name: string, args: MlPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:MlPlatform", name, {}, withFormerTypes(opts, "customai:platform:MlPlatform"));
        validateMlPlatformArgs(args);
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
        // The vault and the workspace keep their names for a while after deletion: a platform destroyed and
        // brought up again gets new ones (see DeploymentSalt).
        this.salt = new DeploymentSalt(`${name}-salt`, child);
        const nameSalt = this.salt.value;
        this.vault = new SecretVault(
            `${name}-kv`,
            {
                ...shared,
                diagnostics,
                purgeProtection: args.purgeProtection,
                allowedIpRanges: args.allowedIpRanges,
                nameSalt,
            },
            child,
        );
        if (args.registry ?? true) {
            this.registry = new ImageRegistry(
                `${name}-cr`,
                { ...shared, diagnostics, sku: platformRegistrySku(args) },
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
                nameSalt,
            },
            child,
        );

        // Named after the principal, not its place in the list, so reordering the list changes nothing.
        for (const principalId of args.dataScientistPrincipalIds ?? []) {
            const label = `person-${principalId.toLowerCase()}`;
            this.workspace.grantDataScientist(label, principalId, "User");
            this.workspace.grantComputeOperator(label, principalId, "User");
            this.storage.grantBlobWrite(label, principalId, "User");
            this.storage.grantFilePrivileged(label, principalId, "User");
        }
        for (const principalId of args.runnerPrincipalIds ?? []) {
            const label = `runner-${principalId.toLowerCase()}`;
            this.workspace.grantDataScientist(label, principalId, "ServicePrincipal");
            this.workspace.grantComputeOperator(label, principalId, "ServicePrincipal");
            this.storage.grantBlobWrite(label, principalId, "ServicePrincipal");
        }

        this.registerOutputs({
            workspaceName: this.workspace.workspaceName,
            storageAccountName: this.storage.accountName,
        });
    }
}
