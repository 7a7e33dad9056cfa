/**
 * What every component class shares besides naming (naming.ts): the options
 * that keep existing stacks attached when a component's type token changes.
 */
import * as pulumi from "@pulumi/pulumi";

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
