/**
 * Built-in Azure roles and deterministic role-assignment names.
 *
 * A role assignment's name is a GUID that must be unique per scope. Deriving it
 * from (scope, principal, role) makes re-deploys idempotent. It does not let
 * two stacks share a grant: azure-native refuses to create a role assignment
 * that already exists ("cannot create already existing resource"; ARM itself
 * answers RoleAssignmentExists for the same grant under another name), and
 * destroying one stack would remove a grant the other relies on. So exactly
 * one stack owns each grant.
 */
import { createHash } from "node:crypto";
import { ValidationError, isGuid } from "./validation";

/** Role definition GUIDs of the built-in roles this package grants. */
export const BUILT_IN_ROLES = {
    Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    StorageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    StorageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    KeyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
    EventHubsDataReceiver: "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
    EventHubsDataSender: "2b629674-e913-4c01-ae53-ef4638d8f975",
    AzureMLDataScientist: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    AzureMLComputeOperator: "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
    StorageFileDataPrivilegedContributor: "69566ab7-960f-475b-8e7c-b3118f30c6bd",
    // AKS ("Azure built-in roles for Containers",
    // https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers).
    /** Azure Kubernetes Service RBAC Cluster Admin: every Kubernetes action in a cluster with Azure RBAC. */
    AksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    /** Azure Kubernetes Service Cluster User Role: download the (Entra) user kubeconfig. */
    AksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
} as const;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

/** Namespace of our name-based UUIDs (a fixed random v4 UUID). */
const ROLE_ASSIGNMENT_NAMESPACE = "5b0c6a1e-3f0e-4d5e-9c8a-6a2f1f4c9d21";

/** RFC 4122 version-5 (SHA-1, name-based) UUID. */
export function uuidV5(name: string, namespace: string = ROLE_ASSIGNMENT_NAMESPACE): string {
    // Buffer.from(…, "hex") silently drops a stray trailing digit, so check the shape first.
    if (!/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(namespace)) {
        throw new Error(`uuidV5: namespace must be a UUID, got ${namespace}`);
    }
    const ns = Buffer.from(namespace.replace(/-/g, ""), "hex");
    const bytes = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The role-assignment name for this (scope, principal, role); case-insensitive in the ids as ARM is. */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
    return uuidV5(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid.toLowerCase()}`);
}

/** The subscription id in an ARM resource id. */
export function subscriptionOf(resourceId: string): string {
    const match = /^\/subscriptions\/([^/]+)/i.exec(resourceId);
    if (!match) {
        throw new ValidationError([
            { field: "scope", rule: "an ARM resource id starting with /subscriptions/<id>", value: resourceId },
        ]);
    }
    return match[1];
}

/** Full role-definition id for a role at a scope in the same subscription. */
export function roleDefinitionId(scope: string, role: BuiltInRole | string): string {
    const guid = role in BUILT_IN_ROLES ? BUILT_IN_ROLES[role as BuiltInRole] : role;
    if (!isGuid(guid)) {
        throw new ValidationError([
            { field: "role", rule: "a built-in role name or a role-definition GUID", value: role },
        ]);
    }
    return `/subscriptions/${subscriptionOf(scope)}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}
