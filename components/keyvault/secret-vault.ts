/**
 * SecretVault: a Key Vault in RBAC mode with soft delete and purge protection,
 * so secrets are governed by role assignments (audited, scoped) rather than
 * access policies, and cannot be destroyed by mistake.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { applyRoleAssignments, diagnosticSetting, grantRole } from "../common/access";
import { CommonArgs, firewallSettings, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { Validator, firewallRangeIssues, isIntInRange } from "../common/validation";
import { saltedAzureName, withFormerTypes } from "../common/component";
import { SettingsLock } from "../common/settings-lock";

export const DEFAULT_SOFT_DELETE_DAYS = 90;

export interface SecretVaultArgs extends CommonArgs {
    /** Optional. Vault name (3-24, letters/digits/'-', globally unique). @default - `kv-<component>-<suffix>` */
    readonly vaultName?: string;
    /**
     * Optional. Mixed into the generated name (see DeploymentSalt): a deleted vault keeps its name for its
     * soft-delete retention, so a vault re-created after a destroy needs another. @default - none
     */
    readonly nameSalt?: pulumi.Input<string>;
    /** Optional. Entra tenant of the vault. @default - the tenant of the deploying credentials */
    readonly tenantId?: pulumi.Input<string>;
    /** Optional. `standard`, or `premium` for HSM-backed keys. @default "standard" */
    readonly sku?: "standard" | "premium";
    /**
     * Optional. Days a deleted vault or secret stays recoverable (7-90). Fixed
     * when the vault is created: Key Vault refuses a change later. @default 90
     */
    readonly softDeleteRetentionDays?: number;
    /**
     * Optional. Forbid purging deleted secrets until their retention ends. Once
     * on it cannot be turned off, and the vault name stays taken while the vault
     * is soft-deleted: turn it off only for throwaway environments. @default true
     */
    readonly purgeProtection?: boolean;
    /** Optional. Public IPv4 ranges allowed when `networkIsolation` is on. @default [] */
    readonly allowedIpRanges?: readonly string[];
}

export interface ResolvedSecretVaultArgs {
    readonly sku: "standard" | "premium";
    readonly softDeleteRetentionDays: number;
    readonly purgeProtection: boolean;
    readonly allowedIpRanges: readonly string[];
    readonly networkIsolation: boolean;
}

export function resolveSecretVaultArgs(args: Settings<SecretVaultArgs>): ResolvedSecretVaultArgs {
    return {
        sku: args.sku ?? "standard",
        softDeleteRetentionDays: args.softDeleteRetentionDays ?? DEFAULT_SOFT_DELETE_DAYS,
        purgeProtection: args.purgeProtection ?? true,
        allowedIpRanges: args.allowedIpRanges ?? [],
        networkIsolation: args.networkIsolation ?? false,
    };
}

export function validateSecretVaultArgs(args: Settings<SecretVaultArgs>): ResolvedSecretVaultArgs {
    const r = resolveSecretVaultArgs(args);
    const v = new Validator("SecretVault");
    if (args.vaultName !== undefined) v.merge(nameIssues("keyVault", args.vaultName, "vaultName"));
    v.check("sku", r.sku === "standard" || r.sku === "premium", 'one of "standard", "premium"', r.sku);
    v.check(
        "softDeleteRetentionDays",
        isIntInRange(r.softDeleteRetentionDays, 7, 90),
        "an integer from 7 to 90",
        r.softDeleteRetentionDays,
    );
    v.merge(firewallRangeIssues(r.allowedIpRanges, r.networkIsolation, "vault"));
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

export class SecretVault extends pulumi.ComponentResource {
    readonly vault: keyvault.Vault;
    readonly vaultName: pulumi.Output<string>;
    readonly vaultId: pulumi.Output<string>;
    readonly vaultUri: pulumi.Output<string>;
    private readonly componentName: string;

    constructor(name: string, args: SecretVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:keyvault:SecretVault", name, {}, withFormerTypes(opts, "customai:platform:SecretVault"));
        this.componentName = name;
        const r = validateSecretVaultArgs(args);
        const child = { parent: this };
        const firewall = firewallSettings(r.networkIsolation, r.allowedIpRanges);
        const tenantId = args.tenantId ?? authorization.getClientConfigOutput(child).tenantId;
        // Key Vault refuses both changes once the vault exists (soft-delete-overview.md; the typings of
        // enablePurgeProtection: "irreversible").
        const lock = new SettingsLock(
            `${name}-lock`,
            {
                purgeProtection: {
                    value: r.purgeProtection,
                    rule: "staysOn",
                    why: "Key Vault purge protection cannot be turned off once on",
                },
                softDeleteRetentionDays: {
                    value: r.softDeleteRetentionDays,
                    rule: "fixed",
                    why: "a vault's soft-delete retention is fixed when the vault is created",
                },
            },
            child,
        );

        this.vault = new keyvault.Vault(
            `${name}-vault`,
            {
                vaultName: saltedAzureName("keyVault", name, args.vaultName, "vaultName", args.nameSalt),
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                properties: {
                    tenantId,
                    sku: { family: "A", name: r.sku },
                    enableRbacAuthorization: true,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: r.softDeleteRetentionDays,
                    // ARM rejects `false` here; leaving it unset is how "off" is expressed.
                    enablePurgeProtection: r.purgeProtection ? true : undefined,
                    enabledForDeployment: false,
                    enabledForDiskEncryption: false,
                    enabledForTemplateDeployment: false,
                    publicNetworkAccess: firewall.publicNetworkAccess,
                    networkAcls: {
                        defaultAction: firewall.defaultAction,
                        bypass: "AzureServices",
                        // The vault stores a single address as x.x.x.x/32; sending that form avoids a diff.
                        ipRules: r.allowedIpRanges.map((ip) => ({ value: ip.includes("/") ? ip : `${ip}/32` })),
                    },
                },
                tags: withManagedBy(args.tags),
            },
            { parent: this, protect: opts?.protect, dependsOn: [lock] },
        );

        applyRoleAssignments(name, this.vault.id, args.roleAssignments, this);
        if (args.diagnostics) diagnosticSetting(`${name}-diag`, this.vault.id, args.diagnostics, child);

        this.vaultName = this.vault.name;
        this.vaultId = this.vault.id;
        this.vaultUri = this.vault.properties.apply((p) => p.vaultUri ?? "");
        this.registerOutputs({ vaultName: this.vaultName, vaultId: this.vaultId, vaultUri: this.vaultUri });
    }

    /** Read secret values (Key Vault Secrets User) in this vault. */
    grantSecretsRead(label: string, principalId: pulumi.Input<string>) {
        return grantRole(
            `${this.componentName}-secrets-${label}`,
            { scope: this.vault.id, principalId, role: "KeyVaultSecretsUser" },
            { parent: this },
        );
    }
}
