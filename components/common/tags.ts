/**
 * Tags every resource carries. Cost reports and clean-up scripts group by
 * `path` and `environment`; `managed-by` tells people not to edit by hand.
 */
import { ValidationIssue } from "./validation";

/** Value of the `managed-by` tag on every resource this package creates. */
export const MANAGED_BY = "custom-ai-on-azure";

/** Azure's limits: 50 tags a resource, names ≤ 512 (storage: 128), values ≤ 256. */
export const MAX_TAGS = 50;
export const MAX_TAG_NAME_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
const FORBIDDEN_TAG_NAME_CHARS = /[<>%&\\?/]/;

export interface StandardTagInputs {
    /** Required. Learning-path id, e.g. `2-2`, or `platform` for shared resources. */
    readonly path: string;
    /** Required. Environment name, e.g. `dev`. */
    readonly environment: string;
    /** Optional. The user's own tags; they cannot override the standard keys. @default {} */
    readonly extra?: Readonly<Record<string, string>>;
}

/** The standard tags plus the user's. Standard keys win, so reports stay reliable. */
export function standardTags(inputs: StandardTagInputs): Record<string, string> {
    return {
        ...(inputs.extra ?? {}),
        path: inputs.path,
        environment: inputs.environment,
        "managed-by": MANAGED_BY,
    };
}

/** Adds `managed-by` to tags a caller passed directly to a component. */
export function withManagedBy(tags: Readonly<Record<string, string>> | undefined): Record<string, string> {
    return { ...(tags ?? {}), "managed-by": MANAGED_BY };
}

/**
 * Checks tag count, name and value rules (the storage limits, the strictest,
 * apply everywhere). Check the tags as they will be sent, e.g.
 * `tagIssues(withManagedBy(args.tags))`: the tags this package adds count
 * towards Azure's limit of 50.
 */
export function tagIssues(tags: Readonly<Record<string, string>>, field: string = "tags"): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const entries = Object.entries(tags);
    if (entries.length > MAX_TAGS) {
        issues.push({
            field,
            rule: `at most ${MAX_TAGS} tags per resource, including the tags this package adds`,
            value: entries.length,
        });
    }
    for (const [name, value] of entries) {
        if (name.length === 0 || name.length > MAX_TAG_NAME_LENGTH || FORBIDDEN_TAG_NAME_CHARS.test(name)) {
            issues.push({
                field: `${field}.${name}`,
                rule: `tag names are 1-${MAX_TAG_NAME_LENGTH} characters without < > % & \\ ? /`,
                value: name,
            });
        }
        if (typeof value !== "string" || value.length > MAX_TAG_VALUE_LENGTH) {
            issues.push({
                field: `${field}.${name}`,
                rule: `tag values are strings of at most ${MAX_TAG_VALUE_LENGTH} characters`,
                value,
            });
        }
    }
    return issues;
}

/**
 * Checks a component's `tags` argument as it will be sent, with `managed-by`
 * added, so the tag this package adds counts towards Azure's limit.
 */
export function componentTagIssues(tags: Readonly<Record<string, string>> | undefined): ValidationIssue[] {
    return tagIssues(withManagedBy(tags));
}
