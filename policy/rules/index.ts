/**
 * The project's policy rules, written once: policy/pack.ts serves them to the
 * Pulumi CLI (`--policy-pack`), and `customai plan` evaluates them offline
 * (automation/plan/policy-check.ts). policy/README.md lists them.
 */
import { amlClusterScalesToZero, vmAutoShutdown } from "./cost";
import { keyVaultPurgeProtection, keyVaultRbacAuthorization } from "./keyvault";
import { k8sContainerLimits, k8sNoOpenLoadBalancer, k8sNoPrivilegedContainers } from "./kubernetes";
import {
    acrNoAdminUser,
    aksNoLocalAccounts,
    amlComputeNoLocalAuth,
    amlEndpointNoKeyAuth,
    eventHubNoLocalAuth,
} from "./local-auth";
import { nsgNoAdminPortsFromInternet } from "./network";
import { noRetiredVmSizes } from "./retired-sizes";
import { PolicyRule } from "./rule";
import { storageEncryptedTransport, storageNoAnonymousBlobAccess, storageNoSharedKey } from "./storage";
import { azureStandardTags } from "./tags";
import { vmNoPasswordLogin } from "./vm-login";

export type { PolicyRule, RuleEnforcement, RuleReferences } from "./rule";
export { toSdkPolicy } from "./rule";

export const POLICY_RULES: readonly PolicyRule[] = [
    nsgNoAdminPortsFromInternet,
    vmNoPasswordLogin,
    storageEncryptedTransport,
    storageNoAnonymousBlobAccess,
    storageNoSharedKey,
    keyVaultRbacAuthorization,
    keyVaultPurgeProtection,
    acrNoAdminUser,
    aksNoLocalAccounts,
    eventHubNoLocalAuth,
    amlEndpointNoKeyAuth,
    amlComputeNoLocalAuth,
    noRetiredVmSizes,
    amlClusterScalesToZero,
    vmAutoShutdown,
    azureStandardTags,
    k8sNoOpenLoadBalancer,
    k8sNoPrivilegedContainers,
    k8sContainerLimits,
];
