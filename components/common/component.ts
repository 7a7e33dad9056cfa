/**
 * Small helpers every component uses when it creates its children.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceKind, nameIssues, resourceName } from "./naming";
import { ValidationError } from "./validation";

/**
 * The Azure name of a component's resource: the caller's explicit name
 * (validated), or a CAF-style name built from the component name with a
 * suffix seeded by project, stack and component — stable across deploys,
 * different between stacks.
 */
export function azureName(
    kind: ResourceKind,
    componentName: string,
    explicit: string | undefined,
    field: string,
): string {
    if (explicit !== undefined) {
        const issues = nameIssues(kind, explicit, field);
        if (issues.length > 0) throw new ValidationError(issues, componentName);
        return explicit;
    }
    const workload =
        componentName
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-+|-+$/g, "") || "ai";
    return resourceName(kind, {
        workload,
        suffixSeed: `${pulumi.getProject()}/${pulumi.getStack()}/${componentName}`,
    });
}
