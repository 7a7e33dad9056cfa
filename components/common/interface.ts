/**
 * The interface every component accepts, named as Azure Verified Modules name
 * it: tags, managed identities, role assignments, diagnostics, and a network
 * isolation switch. Implemented once here; components call these helpers.
 */
import * as pulumi from "@pulumi/pulumi";
import { BuiltInRole } from "./roles";

/** Identities attached to a resource. */
export interface ManagedIdentities {
    /** Optional. Give the resource a system-assigned identity. @default true where the service supports it */
    readonly systemAssigned?: boolean;
    /** Optional. Resource ids of user-assigned identities to attach. @default [] */
    readonly userAssignedResourceIds?: pulumi.Input<string>[];
}

/** A role on this component's main resource for some principal. */
export interface RoleAssignmentSpec {
    /** Required. Object id of the user, group or service principal. */
    readonly principalId: pulumi.Input<string>;
    /** Required. Built-in role name (see BUILT_IN_ROLES) or a role-definition GUID. */
    readonly role: BuiltInRole | string;
    /**
     * Optional. Kind of principal. Setting it avoids a failure when a new
     * identity has not replicated yet. @default "ServicePrincipal"
     */
    readonly principalType?: "ServicePrincipal" | "User" | "Group";
    /** Required. Short label used in the Pulumi resource name, unique within the component, e.g. `scoring-app`. */
    readonly label: string;
}

/** Where diagnostic logs and metrics go. */
export interface DiagnosticsSpec {
    /** Required. Resource id of the Log Analytics workspace. */
    readonly logAnalyticsWorkspaceId: pulumi.Input<string>;
    /** Optional. Send platform metrics too. @default true */
    readonly metrics?: boolean;
    /** Optional. Log category group: every log, or the audit logs only. @default "allLogs" */
    readonly logCategoryGroup?: "allLogs" | "audit";
}

/** The shared interface. Components extend it with their own Args. */
export interface CommonArgs {
    /** Required. Resource group the resources go in. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Optional. Azure region. @default - the resource group's region (ARM's default) */
    readonly location?: pulumi.Input<string>;
    /** Optional. Tags for every resource; `managed-by` is always added. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
    /** Optional. Role assignments on the component's main resource. @default [] */
    readonly roleAssignments?: readonly RoleAssignmentSpec[];
    /** Optional. Send logs and metrics to Log Analytics. @default - no diagnostic setting */
    readonly diagnostics?: DiagnosticsSpec;
    /**
     * Optional. Close the public endpoint: public network access off, network
     * rules deny by default, trusted Azure services allowed. Reach the resource
     * through private endpoints or allowed networks. @default false
     */
    readonly networkIsolation?: boolean;
}

/**
 * A component's arguments without the resource group they go in: what its
 * `validate…Args` checks, so a program can validate the settings it read
 * from config before it creates the resource group (or anything else).
 */
export type Settings<Args extends CommonArgs> = Omit<Args, "resourceGroupName">;

/** The ARM identity type string for a set of identities, e.g. `SystemAssigned,UserAssigned`. */
export function identityType(spec: ManagedIdentities | undefined, systemByDefault: boolean = true): string {
    const system = spec?.systemAssigned ?? systemByDefault;
    const user = (spec?.userAssignedResourceIds?.length ?? 0) > 0;
    if (system && user) return "SystemAssigned,UserAssigned";
    if (system) return "SystemAssigned";
    if (user) return "UserAssigned";
    return "None";
}

/** Identity block for resources that take user identities as a list (storage, ML, most v3 modules). */
export function identityWithList(
    spec: ManagedIdentities | undefined,
    systemByDefault: boolean = true,
): { type: string; userAssignedIdentities?: pulumi.Input<string>[] } {
    const type = identityType(spec, systemByDefault);
    const ids = spec?.userAssignedResourceIds ?? [];
    return ids.length > 0 ? { type, userAssignedIdentities: [...ids] } : { type };
}

/** Identity block for resources that take user identities as a map of id → {} (container registry). */
export function identityWithMap(
    spec: ManagedIdentities | undefined,
    systemByDefault: boolean = true,
): pulumi.Output<{ type: string; userAssignedIdentities?: Record<string, object> }> {
    const type = identityType(spec, systemByDefault);
    return pulumi
        .output(spec?.userAssignedResourceIds ?? [])
        .apply((ids) =>
            ids.length > 0 ? { type, userAssignedIdentities: Object.fromEntries(ids.map((id) => [id, {}])) } : { type },
        );
}

/** `Enabled`/`Disabled` for a publicNetworkAccess property. */
export function publicNetworkAccess(networkIsolation: boolean | undefined): "Enabled" | "Disabled" {
    return networkIsolation ? "Disabled" : "Enabled";
}

/** The public endpoint of a service with an IP firewall (storage, Key Vault). */
export interface FirewallSettings {
    readonly publicNetworkAccess: "Enabled" | "Disabled";
    readonly defaultAction: "Allow" | "Deny";
}

/**
 * The public endpoint of a service with an IP firewall: open without
 * isolation; closed with isolation and no allowed ranges; with isolation and
 * ranges, enabled but denying every source except the ranges, because a
 * disabled public endpoint overrides the IP rules (Microsoft documents this
 * for Key Vault and storage), so the ranges would do nothing. Pure.
 */
export function firewallSettings(networkIsolation: boolean, allowedIpRanges: readonly string[]): FirewallSettings {
    if (!networkIsolation) return { publicNetworkAccess: "Enabled", defaultAction: "Allow" };
    return allowedIpRanges.length > 0
        ? { publicNetworkAccess: "Enabled", defaultAction: "Deny" }
        : { publicNetworkAccess: "Disabled", defaultAction: "Deny" };
}
