/**
 * What every component class shares: the Azure names of its resources (from
 * naming.ts, seeded by the current project and stack) and the options that
 * keep existing stacks attached when its type token changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { componentResourceName, ResourceKind } from "./naming";

/**
 * The Azure name of a component's resource in the current project and stack
 * (see `componentResourceName`): `explicit` when given, else derived from the
 * component's name.
 */
export function azureName(
    kind: ResourceKind,
    componentName: string,
    explicit: string | undefined,
    field: string,
): string {
    return componentResourceName(
        kind,
        { componentName, project: pulumi.getProject(), stack: pulumi.getStack() },
        explicit,
        field,
    );
}

/**
 * `azureName` with a salt mixed into a generated name (see DeploymentSalt),
 * for resources whose names Azure keeps after deletion. An explicit name is
 * used as given; without a salt the name is `azureName`'s.
 */
export function saltedAzureName(
    kind: ResourceKind,
    componentName: string,
    explicit: string | undefined,
    field: string,
    salt: pulumi.Input<string> | undefined,
): pulumi.Input<string> {
    if (explicit !== undefined || salt === undefined) return azureName(kind, componentName, explicit, field);
    const naming = { componentName, project: pulumi.getProject(), stack: pulumi.getStack() };
    return pulumi.output(salt).apply((s) => componentResourceName(kind, { ...naming, salt: s }, undefined, field));
}

/**
 * `opts` plus aliases for the type tokens a component had before, so a stack
 * created with the former token adopts the component (and everything under
 * it) instead of deleting and re-creating it. Type tokens are never renamed
 * without one.
 */
export function withFormerTypes(
    opts: pulumi.ComponentResourceOptions | undefined,
    ...formerTypes: string[]
): pulumi.ComponentResourceOptions {
    return { ...opts, aliases: [...(opts?.aliases ?? []), ...formerTypes.map((type) => ({ type }))] };
}
