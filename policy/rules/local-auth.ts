/**
 * Shared secrets where Entra ID can do the job: admin passwords, static
 * kubeconfigs, SAS keys and endpoint keys. A shared secret names no person,
 * is not revoked when someone leaves, and leaks with a config file.
 *
 * Mandatory where our components never need the secret (registry admin user,
 * Event Hubs SAS, Azure ML compute keys); advisory where a path lets users
 * choose it on purpose: the AKS paths keep local accounts with
 * `aks.localAccounts: true` (programs/shared-aks.ts), and path 2-1 serves with
 * keys with `endpoint.authMode: Key` (programs/2-1/program.ts).
 *
 * Facts: ACR admin account, https://learn.microsoft.com/azure/container-registry/container-registry-authentication#admin-account;
 * AKS local accounts, https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad;
 * Event Hubs SAS and `disableLocalAuth`, https://learn.microsoft.com/azure/event-hubs/authorize-access-event-hubs;
 * Azure ML compute `disableLocalAuth`, https://learn.microsoft.com/azure/templates/microsoft.machinelearningservices/workspaces/computes;
 * online endpoint auth modes (Key, AMLToken, AADToken), https://learn.microsoft.com/azure/machine-learning/concept-endpoints-online-auth.
 *
 * References: Checkov CKV_AZURE_137 (ACRAdminAccountDisabled.py), CKV_AZURE_141
 * (AKSLocalAdminDisabled.py), CKV_AZURE_142 (MLCCLADisabled.py), in
 * https://github.com/bridgecrewio/checkov checkov/{arm,terraform}/checks/resource;
 * PSRule for Azure Azure.ACR.AdminUser, Azure.AKS.LocalAccounts,
 * Azure.EventHub.DisableLocalAuth, Azure.ML.DisableLocalAuth
 * (https://azure.github.io/PSRule.Rules.Azure/en/rules/<name>/). Neither
 * scanner checks an online endpoint's auth mode.
 */
import { PolicyRule, describeResource, validateType, valueAt } from "./rule";

export const acrNoAdminUser: PolicyRule = {
    name: "acr-no-admin-user",
    description: "Container registries must keep the admin user off; pull and push with Entra ID roles.",
    enforcementLevel: "mandatory",
    references: { checkov: ["CKV_AZURE_137"], psrule: ["Azure.ACR.AdminUser"] },
    validateResource: validateType("azure-native:containerregistry:Registry", (props, args, reportViolation) => {
        if (props.adminUserEnabled !== true) return;
        reportViolation(`${describeResource(args)} enables the admin user (adminUserEnabled); grant AcrPull instead.`);
    }),
};

export const aksNoLocalAccounts: PolicyRule = {
    name: "aks-no-local-accounts",
    description: "AKS clusters should disable local accounts, so every access goes through Entra ID.",
    enforcementLevel: "advisory",
    references: { checkov: ["CKV_AZURE_141"], psrule: ["Azure.AKS.LocalAccounts"] },
    validateResource: validateType("azure-native:containerservice:ManagedCluster", (props, args, reportViolation) => {
        if (props.disableLocalAccounts === true) return;
        reportViolation(
            `${describeResource(args)} keeps local accounts (disableLocalAccounts is not true): ` +
                "its static admin kubeconfig bypasses Entra ID and Azure RBAC.",
        );
    }),
};

export const eventHubNoLocalAuth: PolicyRule = {
    name: "eventhub-no-local-auth",
    description: "Event Hubs namespaces must disable SAS keys (disableLocalAuth), so clients use Entra ID.",
    enforcementLevel: "mandatory",
    references: { psrule: ["Azure.EventHub.DisableLocalAuth"] },
    validateResource: validateType("azure-native:eventhub:Namespace", (props, args, reportViolation) => {
        if (props.disableLocalAuth === true) return;
        reportViolation(`${describeResource(args)} accepts SAS keys: set disableLocalAuth to true.`);
    }),
};

export const amlComputeNoLocalAuth: PolicyRule = {
    name: "aml-compute-no-local-auth",
    description: "Azure ML computes must disable local authentication (properties.disableLocalAuth).",
    enforcementLevel: "mandatory",
    references: { checkov: ["CKV_AZURE_142"], psrule: ["Azure.ML.DisableLocalAuth"] },
    validateResource: validateType("azure-native:machinelearningservices:Compute", (props, args, reportViolation) => {
        if (valueAt(props, "properties.disableLocalAuth") === true) return;
        reportViolation(
            `${describeResource(args)} allows local authentication: set properties.disableLocalAuth to true.`,
        );
    }),
};

export const amlEndpointNoKeyAuth: PolicyRule = {
    name: "aml-endpoint-no-key-auth",
    description: "Azure ML online endpoints should authenticate callers with Entra ID tokens, not keys.",
    enforcementLevel: "advisory",
    references: {},
    validateResource: validateType(
        "azure-native:machinelearningservices:OnlineEndpoint",
        (props, args, reportViolation) => {
            const mode = valueAt(props, "properties.authMode");
            if (typeof mode !== "string" || mode.toLowerCase() !== "key") return;
            reportViolation(
                `${describeResource(args)} uses properties.authMode "Key": anyone holding the key can score; ` +
                    'use "AADToken" and grant callers a role.',
            );
        },
    ),
};
