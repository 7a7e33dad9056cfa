/**
 * Key Vault: Azure RBAC for the data plane is mandatory; purge protection is
 * advised.
 *
 * - `properties.enableRbacAuthorization` must be true: with access policies,
 *   anyone who can write the vault's settings can grant themselves its secrets,
 *   and grants are not Azure role assignments that reviews and PIM see
 *   ("Provide access to Key Vault keys, certificates, and secrets with Azure
 *   role-based access control", https://learn.microsoft.com/azure/key-vault/general/rbac-guide).
 * - `properties.enablePurgeProtection`: without it a deleted vault can be
 *   purged before its retention ends ("Azure Key Vault soft-delete overview",
 *   https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview).
 *   Advisory: once on it cannot be turned off and holds the vault's name for
 *   the retention period, so the path programs let users turn it off for
 *   short-lived dev stacks (the `purgeProtection` config key, programs/shared.ts).
 *
 * References: PSRule for Azure Azure.KeyVault.RBAC and Azure.KeyVault.PurgeProtect
 * (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.KeyVault.RBAC/,
 * src/PSRule.Rules.Azure/rules/Azure.KeyVault.Rule.yaml); Checkov CKV_AZURE_110
 * (checkov/arm/checks/resource/KeyVaultEnablesPurgeProtection.py,
 * https://github.com/bridgecrewio/checkov). Checkov has no RBAC check.
 */
import { PolicyRule, describeResource, validateType, valueAt } from "./rule";

const VAULT = "azure-native:keyvault:Vault";

export const keyVaultRbacAuthorization: PolicyRule = {
    name: "keyvault-rbac-authorization",
    description: "Key vaults must use Azure RBAC, not access policies, for their keys, secrets and certificates.",
    enforcementLevel: "mandatory",
    references: { psrule: ["Azure.KeyVault.RBAC"] },
    validateResource: validateType(VAULT, (props, args, reportViolation) => {
        if (valueAt(props, "properties.enableRbacAuthorization") === true) return;
        reportViolation(
            `${describeResource(args)} does not set properties.enableRbacAuthorization to true; ` +
                "grant data access with Key Vault role assignments instead of access policies.",
        );
    }),
};

export const keyVaultPurgeProtection: PolicyRule = {
    name: "keyvault-purge-protection",
    description: "Key vaults should enable purge protection, so deleted secrets survive their retention period.",
    enforcementLevel: "advisory",
    references: { checkov: ["CKV_AZURE_110"], psrule: ["Azure.KeyVault.PurgeProtect"] },
    validateResource: validateType(VAULT, (props, args, reportViolation) => {
        if (valueAt(props, "properties.enablePurgeProtection") === true) return;
        reportViolation(
            `${describeResource(args)} does not enable purge protection (properties.enablePurgeProtection); ` +
                "fine for a short-lived dev stack, not for one that keeps secrets you need.",
        );
    }),
};
