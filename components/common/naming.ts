/**
 * Azure resource names: the Cloud Adoption Framework abbreviations, each
 * resource type's length/character rules, and a short deterministic suffix for
 * names that must be unique across all of Azure (storage, key vault, registry)
 * or that Azure keeps after deletion (ML workspaces are soft-deleted 14 days).
 *
 * Everything here is pure: the same inputs always give the same name, so a
 * re-deploy never renames (and so never replaces) a resource. This is the
 * one module that builds Azure names; components reach it through
 * `azureName` (component.ts), which adds the current project and stack.
 */
import { createHash } from "node:crypto";
import { ValidationError, ValidationIssue } from "./validation";

/** Where a name must be unique; `global` means across every Azure customer. */
export type UniquenessScope =
    "global" | "subscription" | "region" | "resourceGroup" | "parent" | "cluster" | "workspace" | "none";

export interface NameRule {
    /** CAF abbreviation used as the name's prefix; absent where CAF defines none. */
    readonly abbreviation?: string;
    readonly minLength: number;
    readonly maxLength: number;
    /** The whole-name pattern; length is checked separately so messages stay precise. */
    readonly pattern: RegExp;
    /** The rule in words, used in error messages. */
    readonly description: string;
    readonly uniqueIn: UniquenessScope;
    /** Whether `-` may separate the parts of a generated name. */
    readonly allowsHyphen: boolean;
    /** Extra checks that a regex expresses badly. Return a rule text when broken. */
    readonly extra?: (name: string) => string | undefined;
    /** Whether a generated suffix must hold a letter (its last part must, for the `extra` rule). */
    readonly suffixNeedsLetter?: boolean;
}

const noDoubleHyphen = (name: string) => (name.includes("--") ? "no consecutive hyphens" : undefined);

/** Azure ML computes: every '-' must be followed, somewhere after it, by a letter. */
const letterAfterEachHyphen = (name: string) =>
    name.includes("-") && !/[a-zA-Z]/.test(name.slice(name.lastIndexOf("-") + 1))
        ? "a letter somewhere after each '-'"
        : undefined;

/** Networking resources (NSG, subnet, public IP) share one character rule. */
const NETWORK_NAME = {
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?$/,
    description: "letters, digits, '_', '.' and '-', starting with a letter or digit, ending with one or '_'",
} as const;

/** The rules by resource kind (see docs: "Naming rules and restrictions for Azure resources"). */
export const NAME_RULES = {
    resourceGroup: {
        abbreviation: "rg",
        minLength: 1,
        maxLength: 90,
        pattern: /^[-\w.()]*[-\w()]$/,
        description: "letters, digits, '_', '-', '.', '(' and ')', not ending in '.'",
        uniqueIn: "subscription",
        allowsHyphen: true,
    },
    storageAccount: {
        abbreviation: "st",
        minLength: 3,
        maxLength: 24,
        pattern: /^[a-z0-9]+$/,
        description: "lowercase letters and digits only",
        uniqueIn: "global",
        allowsHyphen: false,
    },
    blobContainer: {
        minLength: 3,
        maxLength: 63,
        pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/,
        description: "lowercase letters, digits and '-', starting and ending with a letter or digit",
        uniqueIn: "parent",
        allowsHyphen: true,
        extra: noDoubleHyphen,
    },
    keyVault: {
        abbreviation: "kv",
        minLength: 3,
        maxLength: 24,
        pattern: /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        description: "letters, digits and '-', starting with a letter and ending with a letter or digit",
        uniqueIn: "global",
        allowsHyphen: true,
        extra: noDoubleHyphen,
    },
    containerRegistry: {
        abbreviation: "cr",
        minLength: 5,
        maxLength: 50,
        pattern: /^[a-zA-Z0-9]+$/,
        description: "letters and digits only",
        uniqueIn: "global",
        allowsHyphen: false,
    },
    mlWorkspace: {
        abbreviation: "mlw",
        minLength: 3,
        maxLength: 33,
        pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
        description: "letters, digits, '_' and '-', starting with a letter or digit",
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    // Microsoft's sources disagree on compute names (2-16 in the ARM naming rules, 3-24 in the Azure ML
    // docs on clusters and instances, 3-32 in errors the portal returns): 24 is the Azure ML docs' limit, and
    // the opt-in Azure test deploys a 24-character name.
    amlCompute: {
        minLength: 3,
        maxLength: 24,
        pattern: /^[a-zA-Z][a-zA-Z0-9-]*$/,
        description: "letters, digits and '-', starting with a letter",
        uniqueIn: "region",
        allowsHyphen: true,
        extra: letterAfterEachHyphen,
        suffixNeedsLetter: true,
    },
    amlComputeInstance: {
        minLength: 3,
        maxLength: 24,
        pattern: /^[a-zA-Z][a-zA-Z0-9-]*$/,
        description: "letters, digits and '-', starting with a letter",
        uniqueIn: "region",
        allowsHyphen: true,
        extra: letterAfterEachHyphen,
        suffixNeedsLetter: true,
    },
    // Online and batch endpoints and their deployments: 3-32 characters, starting with a letter, letters, digits
    // and single '-'. An endpoint name is unique within a region (it is the scoring host name); a deployment's
    // within its endpoint (https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas, endpoint
    // limits; how-to-safely-rollout-online-endpoints).
    mlEndpoint: {
        minLength: 3,
        maxLength: 32,
        pattern: /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        description: "letters, digits and single '-', starting with a letter and ending with a letter or digit",
        uniqueIn: "region",
        allowsHyphen: true,
        extra: noDoubleHyphen,
    },
    mlDeployment: {
        minLength: 3,
        maxLength: 32,
        pattern: /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        description: "letters, digits and single '-', starting with a letter and ending with a letter or digit",
        uniqueIn: "parent",
        allowsHyphen: true,
        extra: noDoubleHyphen,
    },
    aksCluster: {
        abbreviation: "aks",
        minLength: 1,
        maxLength: 63,
        pattern: /^[a-zA-Z0-9]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/,
        description: "letters, digits, '_' and '-', starting and ending with a letter or digit",
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    aksNodePool: {
        abbreviation: "np",
        minLength: 1,
        maxLength: 12,
        pattern: /^[a-z][a-z0-9]*$/,
        description: "lowercase letters and digits, starting with a letter (Linux pools)",
        uniqueIn: "cluster",
        allowsHyphen: false,
    },
    aksDnsPrefix: {
        minLength: 1,
        maxLength: 54,
        pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
        description: "letters, digits and '-', starting and ending with a letter or digit",
        uniqueIn: "none",
        allowsHyphen: true,
    },
    virtualMachine: {
        abbreviation: "vm",
        minLength: 1,
        maxLength: 64,
        // Also the Linux host name, so the stricter host-name rule applies.
        pattern: /^[^\s~!@#$%^&*()=+_[\]{}\\|;:.'",<>/?]*[^\s~!@#$%^&*()=+_[\]{}\\|;:.'",<>/?-]$/,
        description: "no spaces or special characters (~!@#$%^&*()=+_[]{}\\|;:.'\",<>/?), not ending in '-'",
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    networkSecurityGroup: {
        abbreviation: "nsg",
        minLength: 1,
        maxLength: 80,
        ...NETWORK_NAME,
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    virtualNetwork: {
        abbreviation: "vnet",
        minLength: 2,
        maxLength: 64,
        pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9_]$/,
        description: "letters, digits, '_', '.' and '-', starting with a letter or digit, ending with one or '_'",
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    subnet: {
        abbreviation: "snet",
        minLength: 1,
        maxLength: 80,
        ...NETWORK_NAME,
        uniqueIn: "parent",
        allowsHyphen: true,
    },
    publicIp: {
        abbreviation: "pip",
        minLength: 1,
        maxLength: 80,
        ...NETWORK_NAME,
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    eventHubsNamespace: {
        abbreviation: "evhns",
        minLength: 6,
        maxLength: 50,
        pattern: /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        description: "letters, digits and '-', starting with a letter and ending with a letter or digit",
        uniqueIn: "global",
        allowsHyphen: true,
    },
    eventHub: {
        abbreviation: "evh",
        minLength: 1,
        maxLength: 256,
        pattern: /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/,
        description: "letters, digits, '.', '_' and '-', starting and ending with a letter or digit",
        uniqueIn: "parent",
        allowsHyphen: true,
    },
    logAnalytics: {
        abbreviation: "log",
        minLength: 4,
        maxLength: 63,
        pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
        description: "letters, digits and '-', starting and ending with a letter or digit",
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    applicationInsights: {
        abbreviation: "appi",
        minLength: 1,
        maxLength: 255,
        pattern: /^[^%&\\?/]*[^%&\\?/. ]$/,
        description: "no '%', '&', '\\', '?' or '/', not ending in '.' or a space",
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    managedIdentity: {
        abbreviation: "id",
        minLength: 3,
        maxLength: 128,
        pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
        description: "letters, digits, '_' and '-', starting with a letter or digit",
        uniqueIn: "resourceGroup",
        allowsHyphen: true,
    },
    synapseWorkspace: {
        abbreviation: "synw",
        minLength: 1,
        maxLength: 50,
        pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
        description: "lowercase letters, digits and '-', starting and ending with a letter or digit",
        uniqueIn: "global",
        allowsHyphen: true,
        extra: (name: string) => (name.includes("-ondemand") ? "must not contain '-ondemand'" : undefined),
    },
    sparkPool: {
        abbreviation: "synsp",
        minLength: 1,
        maxLength: 15,
        pattern: /^[a-zA-Z][a-zA-Z0-9]*$/,
        description: "letters and digits, starting with a letter",
        uniqueIn: "workspace",
        allowsHyphen: false,
    },
    batchAccount: {
        abbreviation: "ba",
        minLength: 3,
        maxLength: 24,
        pattern: /^[a-z0-9]+$/,
        description: "lowercase letters and digits only",
        uniqueIn: "region",
        allowsHyphen: false,
    },
    batchPool: {
        minLength: 1,
        maxLength: 64,
        pattern: /^[a-zA-Z0-9_-]+$/,
        description: "letters, digits, '_' and '-'",
        uniqueIn: "parent",
        allowsHyphen: true,
    },
} as const satisfies Record<string, NameRule>;

export type ResourceKind = keyof typeof NAME_RULES;

/** Length of the deterministic suffix added to globally unique names. */
export const DEFAULT_SUFFIX_LENGTH = 6;

/**
 * A short, deterministic, lowercase base-36 string derived from `seed`.
 * Same seed, same suffix; 6 characters give 36^6 ≈ 2.2e9 values.
 */
export function shortSuffix(seed: string, length: number = DEFAULT_SUFFIX_LENGTH): string {
    if (!Number.isInteger(length) || length < 1 || length > 24) {
        throw new ValidationError([{ field: "length", rule: "an integer from 1 to 24", value: length }]);
    }
    const digest = createHash("sha256").update(seed).digest();
    return BigInt(`0x${digest.toString("hex")}`)
        .toString(36)
        .padStart(length, "0")
        .slice(-length);
}

/** Checks `name` against the rules for `kind`; returns the issues found (empty when valid). */
export function nameIssues(kind: ResourceKind, name: string, field: string = "name"): ValidationIssue[] {
    const rule: NameRule = NAME_RULES[kind];
    const issues: ValidationIssue[] = [];
    if (typeof name !== "string") return [{ field, rule: `a ${kind} name (string)`, value: name }];
    if (name.length < rule.minLength || name.length > rule.maxLength) {
        issues.push({ field, rule: `${kind} names are ${rule.minLength}-${rule.maxLength} characters`, value: name });
    }
    if (name.length > 0 && !rule.pattern.test(name)) {
        issues.push({ field, rule: `${kind} names use ${rule.description}`, value: name });
    }
    const extra = name.length > 0 ? rule.extra?.(name) : undefined;
    if (extra) issues.push({ field, rule: `${kind} names: ${extra}`, value: name });
    return issues;
}

/** Throws a ValidationError naming `field` when `name` breaks the rules for `kind`. */
export function validateName(kind: ResourceKind, name: string, field: string = "name"): string {
    const issues = nameIssues(kind, name, field);
    if (issues.length > 0) throw new ValidationError(issues);
    return name;
}

/** Parts of a generated name. Only `workload` is required. */
export interface NameParts {
    /** Required. What the resources are for, e.g. `scoring`. Letters and digits, '-' between words. */
    readonly workload: string;
    /** Optional. Environment, e.g. `dev`, `prod`. @default - omitted */
    readonly environment?: string;
    /** Optional. Distinguishes several resources of a kind, e.g. `gpu`, `01`. @default - omitted */
    readonly instance?: string;
    /**
     * Optional. Seed of the deterministic suffix. Globally unique kinds always get a
     * suffix; other kinds get one only when a seed is given.
     * @default - the other parts joined (so a suffix is stable for the same parts)
     */
    readonly suffixSeed?: string;
}

const PART_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Checks the parts before they are combined, so errors name the user's input, not ours. */
export function namePartIssues(parts: NameParts, fieldPrefix: string = ""): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const check = (key: keyof NameParts, required: boolean) => {
        const value = parts[key];
        if (value === undefined && !required) return;
        if (typeof value !== "string" || !PART_PATTERN.test(value)) {
            issues.push({
                field: `${fieldPrefix}${key}`,
                rule: "lowercase letters and digits, words separated by single '-'",
                value,
            });
        }
    };
    check("workload", true);
    check("environment", false);
    check("instance", false);
    return issues;
}

/**
 * Builds a CAF-style name such as `kv-scoring-dev-k3x9qa` or `stscoringdevk3x9qa`,
 * fitted to the kind's rules: hyphens dropped where not allowed, lowercase, the
 * workload shortened when too long (the suffix is never cut, since it carries
 * the uniqueness). Throws a ValidationError when the parts cannot form a valid name.
 */
export function resourceName(kind: ResourceKind, parts: NameParts): string {
    const partIssues = namePartIssues(parts);
    if (partIssues.length > 0) throw new ValidationError(partIssues, `${kind} name`);
    const rule: NameRule = NAME_RULES[kind];
    const separator = rule.allowsHyphen ? "-" : "";
    const clean = (part: string) => (rule.allowsHyphen ? part.toLowerCase() : part.toLowerCase().replace(/-/g, ""));

    const fixedParts = [parts.environment, parts.instance].filter((p): p is string => !!p).map(clean);
    const seed =
        parts.suffixSeed ??
        [parts.workload, parts.environment, parts.instance].filter((p) => p !== undefined).join("/");
    const wantsSuffix = rule.uniqueIn === "global" || parts.suffixSeed !== undefined;
    const digits = wantsSuffix ? shortSuffix(`${kind}:${seed}`) : undefined;
    // A suffix of digits only (about 1 in 2,000) gets a letter where the kind needs one: its first digit d
    // becomes the d-th letter, which keeps the name deterministic.
    const suffix =
        digits !== undefined && rule.suffixNeedsLetter && !/[a-z]/.test(digits)
            ? "abcdefghij"[Number(digits[0])] + digits.slice(1)
            : digits;

    const tail = [...fixedParts, ...(suffix ? [suffix] : [])];
    const head = rule.abbreviation ? [rule.abbreviation] : [];
    // Everything but the workload, plus one separator per other part.
    const fixedLength = [...head, ...tail].reduce((sum, p) => sum + p.length + separator.length, 0);
    const room = rule.maxLength - fixedLength;
    let workload = clean(parts.workload);
    if (workload.length > room) workload = workload.slice(0, Math.max(room, 1)).replace(/-+$/, "");

    const name = [...head, workload, ...tail].join(separator);
    return validateName(kind, name, `${kind} name`);
}

/** Every CAF abbreviation of NAME_RULES (`kv`, `st`, `mlw`...). */
const ABBREVIATIONS: ReadonlySet<string> = new Set(
    Object.values(NAME_RULES as Record<string, NameRule>).flatMap((r) => (r.abbreviation ? [r.abbreviation] : [])),
);

/**
 * The workload part of the names a component derives from its own name:
 * lowercase words joined by '-', without a trailing CAF abbreviation.
 * Compositions name their parts `<base>-<abbreviation>` (MlPlatform's vault
 * is the component `ml-dev-kv`) to keep Pulumi names unique; the Azure name
 * already starts with the abbreviation, so keeping it would give
 * `kv-ml-dev-kv-…`. The suffix still comes from the full component name, so
 * two parts of one base never collide. Pure.
 */
export function componentWorkload(componentName: string): string {
    const words = componentName
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 0);
    if (words.length > 1 && ABBREVIATIONS.has(words[words.length - 1])) words.pop();
    return words.join("-") || "ai";
}

/** Where a component's generated names come from. */
export interface ComponentNaming {
    /** Required. Pulumi name of the component. */
    readonly componentName: string;
    /** Required. Pulumi project; part of the suffix seed, so two projects never collide. */
    readonly project: string;
    /** Required. Pulumi stack; part of the suffix seed, so two stacks never collide. */
    readonly stack: string;
    /**
     * Optional. Part of the suffix seed too, for names Azure keeps after deletion: a new salt after a destroy
     * gives the re-created resource a new name (see DeploymentSalt). @default - none: the name is fixed by
     * project, stack and component
     */
    readonly salt?: string;
}

/**
 * The Azure name of a component's resource: `explicit` when given (checked,
 * `field` names it in the error), else a CAF-style name built from the
 * component's name with a suffix seeded by project, stack and component:
 * stable across deploys, different between stacks. Pure.
 */
export function componentResourceName(
    kind: ResourceKind,
    naming: ComponentNaming,
    explicit: string | undefined,
    field: string,
): string {
    if (explicit !== undefined) {
        const issues = nameIssues(kind, explicit, field);
        if (issues.length > 0) throw new ValidationError(issues, naming.componentName);
        return explicit;
    }
    const seed = `${naming.project}/${naming.stack}/${naming.componentName}`;
    return resourceName(kind, {
        workload: componentWorkload(naming.componentName),
        suffixSeed: naming.salt ? `${seed}/${naming.salt}` : seed,
    });
}
