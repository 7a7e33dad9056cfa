/**
 * Resource-creating helpers for the common interface: role assignments and
 * diagnostic settings. Names of the Pulumi resources derive from the owning
 * component's name, and every resource is parented to that component.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import { DiagnosticsSpec, RoleAssignmentSpec } from "./interface";
import { BuiltInRole, roleAssignmentName, roleDefinitionId } from "./roles";

/** A grant: a role for one principal at one scope. */
export interface Grant {
    /** Required. Resource id the role applies to. */
    readonly scope: pulumi.Input<string>;
    /** Required. Object id of the principal. */
    readonly principalId: pulumi.Input<string>;
    /** Required. Built-in role name or role-definition GUID. */
    readonly role: BuiltInRole | string;
    /** Optional. @default "ServicePrincipal" */
    readonly principalType?: "ServicePrincipal" | "User" | "Group";
}

/**
 * Creates a role assignment named deterministically from (scope, principal,
 * role), so a second `up` changes nothing. One stack owns each grant: another
 * stack creating the same one fails (see roles.ts).
 */
export function grantRole(
    name: string,
    grant: Grant,
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
    const resolved = pulumi.all([grant.scope, grant.principalId]);
    return new authorization.RoleAssignment(
        name,
        {
            scope: grant.scope,
            principalId: grant.principalId,
            principalType: grant.principalType ?? "ServicePrincipal",
            roleDefinitionId: pulumi.output(grant.scope).apply((scope) => roleDefinitionId(scope, grant.role)),
            roleAssignmentName: resolved.apply(([scope, principalId]) =>
                roleAssignmentName(scope, principalId, roleDefinitionId(scope, grant.role).split("/").pop()!),
            ),
        },
        opts,
    );
}

/** Creates the role assignments a component's caller asked for, on `scope`. */
export function applyRoleAssignments(
    componentName: string,
    scope: pulumi.Input<string>,
    specs: readonly RoleAssignmentSpec[] | undefined,
    parent: pulumi.Resource,
): authorization.RoleAssignment[] {
    return (specs ?? []).map((spec) =>
        grantRole(
            `${componentName}-ra-${spec.label}`,
            { scope, principalId: spec.principalId, role: spec.role, principalType: spec.principalType },
            { parent },
        ),
    );
}

/**
 * Sends a resource's logs (and metrics) to Log Analytics. Returns undefined,
 * creating nothing, when neither is on (e.g. a storage account, which has
 * metrics only, with `diagnostics.metrics: false`). Azure Monitor accepts a
 * setting without a single enabled category but does not keep it: the next
 * read returns 404, so every refresh would drop it and every deploy would
 * create it again (terraform-provider-azurerm documents the same for its
 * `azurerm_monitor_diagnostic_setting`).
 */
export function diagnosticSetting(
    name: string,
    resourceUri: pulumi.Input<string>,
    spec: DiagnosticsSpec,
    opts: pulumi.CustomResourceOptions,
    kinds: { logs?: boolean; metrics?: boolean } = {},
): monitor.DiagnosticSetting | undefined {
    const withLogs = kinds.logs ?? true;
    const withMetrics = (kinds.metrics ?? true) && (spec.metrics ?? true);
    if (!withLogs && !withMetrics) return undefined;
    return new monitor.DiagnosticSetting(
        name,
        {
            name: "to-log-analytics",
            resourceUri,
            workspaceId: spec.logAnalyticsWorkspaceId,
            logs: withLogs ? [{ categoryGroup: spec.logCategoryGroup ?? "allLogs", enabled: true }] : [],
            metrics: withMetrics ? [{ category: "AllMetrics", enabled: true }] : [],
        },
        opts,
    );
}
