/**
 * What a rule of the pack is, and the few helpers every rule file uses.
 *
 * A rule is a plain `@pulumi/policy` policy plus where the same check lives
 * in other scanners. Rules match resources by type token (a string such as
 * `azure-native:storage:StorageAccount`), never by importing a provider's
 * classes: loading `@pulumi/azure-native` takes seconds, and the offline plan
 * evaluates these rules without the CLI. Only types are imported from
 * `@pulumi/policy`, for the same reason.
 */
import type {
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";

/** The same check in other scanners, under their own ids, so a finding can be looked up in either. */
export interface RuleReferences {
    /** Checkov check ids, e.g. `CKV_AZURE_10`, `CKV_K8S_16`. */
    readonly checkov?: readonly string[];
    /** PSRule for Azure rule names, e.g. `Azure.Storage.SecureTransfer`. */
    readonly psrule?: readonly string[];
}

/** The two levels our rules use. Each rule states its level; none relies on the pack's default. */
export type RuleEnforcement = "mandatory" | "advisory";

/** A rule: a `@pulumi/policy` resource or stack policy, with an explicit level and its references. */
export type PolicyRule = (ResourceValidationPolicy | StackValidationPolicy) & {
    readonly enforcementLevel: RuleEnforcement;
    readonly references: RuleReferences;
};

/** A rule as `PolicyPack` takes it: our metadata removed. */
export function toSdkPolicy(rule: PolicyRule): ResourceValidationPolicy | StackValidationPolicy {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out on purpose: PolicyPack gets the policy only
    const { references, ...policy } = rule;
    return policy as ResourceValidationPolicy | StackValidationPolicy;
}

/** Resource inputs as a rule reads them (`args.props`). */
export type Props = Readonly<Record<string, unknown>>;

/** The check a rule runs on one resource it applies to. */
export type PropsValidation = (
    props: Props,
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
) => void | Promise<void>;

/** A validation function carrying the type token it applies to, as the SDK's `validateResourceOfType` does. */
type TypedValidation = ResourceValidation & { __pulumiType?: string };

/**
 * Runs `validate` on resources of type `token` only. The token is attached
 * to the function the way `@pulumi/policy` attaches it, so the policy server
 * (and our offline evaluator) skips other types without calling it.
 */
export function validateType(token: string, validate: PropsValidation): ResourceValidation {
    const validation: TypedValidation = (args, reportViolation) => {
        if (args.type !== token) return args.notApplicable(`Policy only applies to resources of type '${token}'`);
        return validate(args.props, args, reportViolation);
    };
    validation.__pulumiType = token;
    return validation;
}

/** Runs `validate` on the resources `applies` accepts; `scope` says which, for the not-applicable reason. */
export function validateWhere(
    applies: (type: string, props: Props) => boolean,
    scope: string,
    validate: PropsValidation,
): ResourceValidation {
    return (args, reportViolation) => {
        if (!applies(args.type, args.props)) return args.notApplicable(`Policy only applies to ${scope}`);
        return validate(args.props, args, reportViolation);
    };
}

/** How a message names a resource: its kind (last part of the token) and logical name. */
export function describeResource(args: { readonly type: string; readonly name: string }): string {
    const kind = args.type.split(":").pop() ?? args.type;
    return `${kind} "${args.name}"`;
}

/** The value at a dotted path of plain objects, or undefined where the path stops. */
export function valueAt(value: unknown, path: string): unknown {
    let current = value;
    for (const key of path.split(".")) {
        if (!isObject(current)) return undefined;
        current = current[key];
    }
    return current;
}

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value as an array: itself if it is one, otherwise empty (absent or malformed inputs). */
export function arrayOf(value: unknown): readonly unknown[] {
    return Array.isArray(value) ? value : [];
}

/** Case-insensitive string equality, for Azure's enum values (`Inbound`, `inbound`). */
export function sameText(value: unknown, expected: string): boolean {
    return typeof value === "string" && value.toLowerCase() === expected.toLowerCase();
}
