/**
 * Evaluates the policy rules on a plan's resources offline, as the Pulumi CLI
 * would with `--policy-pack policy/`: the same rule objects, called with the
 * arguments @pulumi/policy's server builds (its server.js, v1.21.0).
 *
 * What the engine sends, mirrored here (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go at 1b5949891b3c: `continueStepsFromImport`
 * calls `analyzeAll` for every registration, custom or not, and
 * `AnalyzeResources` hands the stack check every resource of the deployment):
 * resource rules see components too (with the inputs they registered, `{}`
 * for ours) and the root `pulumi:pulumi:Stack` resource, which this function
 * adds when given the stack. Our rules match type tokens, so components
 * never trip them. One difference: the CLI's stack check reads outputs after
 * the update; a plan has inputs only, as in a preview.
 *
 * Only types are imported from @pulumi/policy: its runtime starts a gRPC
 * server and loads the Pulumi SDK, which the offline plan does not need.
 */
import type {
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    StackValidation,
    StackValidationArgs,
} from "@pulumi/policy";
import { POLICY_RULES, PolicyRule } from "../../policy/rules";
import { PlannedResource } from "./resources";

/** One finding: what is wrong, and on which resource (absent when a stack rule blames the stack as a whole). */
export interface PolicyViolation {
    readonly urn?: string;
    readonly message: string;
}

/** One rule's outcome on the plan. */
export interface PolicyResult {
    readonly name: string;
    readonly description: string;
    /**
     * The rule's level. A rule that threw is reported as mandatory whatever
     * its level: the CLI stops the update when a policy fails, and an
     * unchecked plan must not pass as a clean one.
     */
    readonly enforcement: "mandatory" | "advisory";
    readonly references: { readonly checkov?: readonly string[]; readonly psrule?: readonly string[] };
    /** Its findings; a failure of the rule itself is one of them, saying so. */
    readonly violations: readonly PolicyViolation[];
    /** Set when the rule threw: the first error's message. Its checks are then incomplete. */
    readonly error?: string;
}

export interface PolicyReport {
    /** One result per rule evaluated, in the rules' order; disabled rules are left out. */
    readonly results: readonly PolicyResult[];
    readonly mandatoryViolations: number;
    readonly advisoryViolations: number;
}

/** The project and stack a plan was recorded for. */
export interface PlanStack {
    readonly project: string;
    readonly stack: string;
}

/** Thrown by `notApplicable`, as the SDK's server does, to skip a rule for one resource. */
class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason ?? "Policy does not apply");
};

const NO_TAGS: ReadonlyMap<string, string> = new Map();

type Typed = { readonly __pulumiType?: unknown };
type ResourceClass = Typed & { readonly isInstance?: (object: unknown) => boolean };

/** The type token a validation is bound to, if any (set by `validateType` and the SDK's typed helpers). */
function boundType(validation: unknown): string | undefined {
    const token = (validation as Typed | undefined)?.__pulumiType;
    return typeof token === "string" && token.length > 0 ? token : undefined;
}

/** `isType` as the SDK defines it: the class's `__pulumiType` token, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const token = boundType(resourceClass);
    if (token !== undefined) return type === token;
    const isInstance = (resourceClass as ResourceClass | undefined)?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function optionsOf(resource: PlannedResource): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(resource.parent ? { parent: resource.parent } : {}),
    };
}

/** The rule's arguments for one resource; props are a copy, so a rule cannot change the plan. */
function resourceArgs(resource: PlannedResource): ResourceValidationArgs {
    const props = structuredClone(resource.inputs) as Record<string, unknown>;
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: optionsOf(resource),
        stackTags: NO_TAGS,
        isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
        asType: ((resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? props : undefined)) as never,
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
    };
}

function stackArgs(resources: readonly PlannedResource[]): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    const policyResources = resources.map((resource) => {
        const props = structuredClone(resource.inputs) as Record<string, unknown>;
        const policyResource: PolicyResource = {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: optionsOf(resource),
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
            asType: ((resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? props : undefined)) as never,
        };
        byUrn.set(resource.urn, policyResource);
        return policyResource;
    });
    resources.forEach((resource, i) => {
        const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
        if (parent) policyResources[i].parent = parent;
    });
    return {
        resources: policyResources,
        stackTags: NO_TAGS,
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
    };
}

/** The root resource the engine registers for every stack, which the plan's recorder leaves out. */
function rootStackResource({ project, stack }: PlanStack): PlannedResource {
    const name = `${project}-${stack}`;
    return {
        urn: `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${name}`,
        type: "pulumi:pulumi:Stack",
        name,
        custom: false,
        inputs: {},
        secretPaths: [],
    };
}

/** The level the server applies: the rule's own, the pack's default (advisory) when unset; remediate counts as mandatory. */
function levelOf(rule: PolicyRule): "mandatory" | "advisory" | "disabled" {
    const level = (rule.enforcementLevel as string | undefined) ?? "advisory";
    if (level === "remediate") return "mandatory";
    return level === "mandatory" || level === "disabled" ? level : "advisory";
}

function describeError(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/** Runs one rule; returns its findings and the messages of the errors it threw. */
async function runRule(
    rule: PolicyRule,
    resources: readonly PlannedResource[],
): Promise<{ violations: PolicyViolation[]; errors: string[] }> {
    const violations: PolicyViolation[] = [];
    const errors: string[] = [];
    const fail = (error: unknown, where: string, urn?: string) => {
        errors.push(describeError(error));
        violations.push({ urn, message: `The rule failed ${where}: ${describeError(error)}` });
    };
    if ("validateResource" in rule && rule.validateResource !== undefined) {
        const single = !Array.isArray(rule.validateResource);
        const validations: ResourceValidation[] = single
            ? [rule.validateResource as ResourceValidation]
            : (rule.validateResource as ResourceValidation[]);
        for (const resource of resources) {
            // As the server: a lone validation bound to a type is not called for other types.
            if (single && boundType(validations[0]) !== undefined && boundType(validations[0]) !== resource.type)
                continue;
            // The server ignores the urn argument of resource validations: findings are the resource's.
            const report: ReportViolation = (message) => violations.push({ urn: resource.urn, message });
            for (const validation of validations) {
                try {
                    await validation(resourceArgs(resource), report);
                } catch (error) {
                    if (!(error instanceof NotApplicable)) fail(error, `on ${resource.urn}`, resource.urn);
                }
            }
        }
    } else if ("validateStack" in rule && typeof rule.validateStack === "function") {
        const validateStack: StackValidation = rule.validateStack;
        const token = boundType(validateStack);
        if (token === undefined || resources.some((r) => r.type === token)) {
            const report: ReportViolation = (message, urn) => violations.push({ urn, message });
            try {
                await validateStack(stackArgs(resources), report);
            } catch (error) {
                if (!(error instanceof NotApplicable)) fail(error, "on the stack");
            }
        }
    }
    return { violations, errors };
}

/**
 * Evaluates `rules` on a plan's resources and counts the findings by level.
 * Every rule runs on every resource even when one throws, so a plan reports
 * all its problems at once. `stack` adds the root stack resource the engine
 * would send.
 */
export async function checkPolicies(
    resources: readonly PlannedResource[],
    rules: readonly PolicyRule[] = POLICY_RULES,
    stack?: PlanStack,
): Promise<PolicyReport> {
    const all =
        stack && !resources.some((r) => r.type === "pulumi:pulumi:Stack")
            ? [rootStackResource(stack), ...resources]
            : resources;
    const results: PolicyResult[] = [];
    for (const rule of rules) {
        const level = levelOf(rule);
        if (level === "disabled") continue;
        const { violations, errors } = await runRule(rule, all);
        results.push({
            name: rule.name,
            description: rule.description,
            enforcement: errors.length > 0 ? "mandatory" : level,
            references: rule.references,
            violations,
            ...(errors.length > 0 ? { error: errors[0] } : {}),
        });
    }
    const count = (level: string) =>
        results.filter((r) => r.enforcement === level).reduce((sum, r) => sum + r.violations.length, 0);
    return { results, mandatoryViolations: count("mandatory"), advisoryViolations: count("advisory") };
}
