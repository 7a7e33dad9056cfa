/**
 * Typed configuration for programs: a declarative spec of keys turns raw
 * config strings into a typed, validated object, reporting every problem at
 * once (key, rule, value; secrets redacted). The reader is pure: it takes a
 * `(key) => string | undefined` function, so tests need no engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { namePartIssues } from "./naming";
import { tagIssues } from "./tags";
import { ValidationError, ValidationIssue, isGuid, isArmResourceId } from "./validation";

type Kind = "string" | "number" | "integer" | "boolean" | "string[]" | "json";

interface FieldBase<K extends Kind, T> {
    /** Value type; lists and `json` are read as JSON (what `pulumi config set --path` stores). */
    readonly type: K;
    /** What the key is for; shown in `--help` output and generated docs. */
    readonly description: string;
    /** Fail when the key is missing. */
    readonly required?: boolean;
    /** Used when the key is missing. */
    readonly default?: T;
    /** Allowed values. */
    readonly oneOf?: readonly T[];
    /** Extra rule: return its description when the value breaks it. */
    readonly check?: (value: T) => string | undefined;
    /** Redact the value in errors, and wrap it as a Pulumi secret in `readProgramConfig`. */
    readonly secret?: boolean;
}

export type FieldSpec =
    | FieldBase<"string", string>
    | FieldBase<"number", number>
    | FieldBase<"integer", number>
    | FieldBase<"boolean", boolean>
    | FieldBase<"string[]", string[]>
    | FieldBase<"json", unknown>;

export type ConfigSpec = Readonly<Record<string, FieldSpec>>;

type ValueOf<F> = F extends FieldBase<Kind, infer T> ? T : never;
type IsSet<F> = F extends { required: true } ? true : F extends { default: unknown } ? true : false;

/** The typed result of reading `S`: required or defaulted keys are never undefined. */
export type ConfigValues<S extends ConfigSpec> = {
    -readonly [K in keyof S]: IsSet<S[K]> extends true ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** Rules that span several keys (e.g. "password required when jupyterHub is on"); issues name the keys. */
export type CrossChecks<S extends ConfigSpec> = (values: ConfigValues<S>) => ValidationIssue[];

/** Raw config lookup: the string stored under `key`, or undefined. */
export type ConfigSource = (key: string) => string | undefined;

const REDACTED = "[secret]";

function parse(field: FieldSpec, raw: string): { value?: unknown; rule?: string } {
    switch (field.type) {
        case "string":
            return { value: raw };
        case "number": {
            const n = Number(raw);
            return raw.trim() !== "" && Number.isFinite(n) ? { value: n } : { rule: "a number" };
        }
        case "integer": {
            const n = Number(raw);
            return /^-?\d+$/.test(raw.trim()) && Number.isSafeInteger(n) ? { value: n } : { rule: "a whole number" };
        }
        case "boolean":
            if (raw === "true" || raw === "false") return { value: raw === "true" };
            return { rule: "true or false" };
        case "string[]": {
            try {
                const v: unknown = JSON.parse(raw);
                if (Array.isArray(v) && v.every((x) => typeof x === "string")) return { value: v };
            } catch {
                /* reported below */
            }
            return { rule: 'a JSON list of strings, e.g. ["a","b"]' };
        }
        case "json":
            try {
                return { value: JSON.parse(raw) };
            } catch {
                return { rule: "valid JSON" };
            }
    }
}

/**
 * Reads every key of `spec` from `source`. Throws one ValidationError listing
 * every missing, malformed or rule-breaking key.
 */
export function readConfig<S extends ConfigSpec>(
    source: ConfigSource,
    spec: S,
    context?: string,
    crossChecks?: CrossChecks<S>,
): ConfigValues<S> {
    const issues: ValidationIssue[] = [];
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(spec)) {
        const raw = source(key);
        const shown = (v: unknown) => (field.secret ? REDACTED : v);
        if (raw === undefined || raw === "") {
            if (field.required && field.default === undefined) {
                issues.push({ field: key, rule: `required: ${field.description}`, value: undefined });
            }
            out[key] = field.default;
            continue;
        }
        const parsed = parse(field, raw);
        if (parsed.rule) {
            issues.push({ field: key, rule: parsed.rule, value: shown(raw) });
            continue;
        }
        const value = parsed.value;
        if (field.oneOf && !(field.oneOf as readonly unknown[]).includes(value)) {
            issues.push({
                field: key,
                rule: `one of ${field.oneOf.map((o) => JSON.stringify(o)).join(", ")}`,
                value: shown(value),
            });
            continue;
        }
        const broken = (field.check as ((v: unknown) => string | undefined) | undefined)?.(value);
        if (broken) {
            issues.push({ field: key, rule: broken, value: shown(value) });
            continue;
        }
        out[key] = value;
    }
    // Rules across keys need every key parsed; they run only when each key is valid on its own.
    if (issues.length === 0 && crossChecks) issues.push(...crossChecks(out as ConfigValues<S>));
    if (issues.length > 0) throw new ValidationError(issues, context ?? "invalid configuration");
    return out as ConfigValues<S>;
}

/** Lists a spec as text: one line per key with type, default and description. */
export function describeConfig(spec: ConfigSpec, namespace?: string): string {
    return Object.entries(spec)
        .map(([key, f]) => {
            const name = namespace ? `${namespace}:${key}` : key;
            const shownDefault = f.secret ? REDACTED : JSON.stringify(f.default);
            const when = f.required ? "required" : `default ${f.default === undefined ? "(none)" : shownDefault}`;
            return `${name} (${f.type}${f.secret ? ", secret" : ""}; ${when}): ${f.description}`;
        })
        .join("\n");
}

/** Secret keys' values as Pulumi secrets; the rest as read. */
export type ProgramConfig<S extends ConfigSpec> = {
    -readonly [K in keyof S]: S[K] extends { secret: true } ? pulumi.Output<ConfigValues<S>[K]> : ConfigValues<S>[K];
};

/**
 * Reads a program's config from the current stack. Secret keys come back as
 * Pulumi secrets so they stay encrypted in state and masked in output.
 */
export function readProgramConfig<S extends ConfigSpec>(
    spec: S,
    options: { namespace?: string; crossChecks?: CrossChecks<S> } = {},
): ProgramConfig<S> {
    const config = new pulumi.Config(options.namespace);
    // Secret keys are read raw: `config.get` would warn that a secret was read
    // as plain text, and the value is re-wrapped as a secret just below.
    const source: ConfigSource = (key) =>
        spec[key]?.secret ? pulumi.runtime.getConfig(`${config.name}:${key}`) : config.get(key);
    const values = readConfig(
        source,
        spec,
        `invalid configuration for stack ${pulumi.getStack()}`,
        options.crossChecks,
    );
    const out: Record<string, unknown> = { ...values };
    for (const [key, field] of Object.entries(spec)) {
        if (field.secret && values[key] !== undefined) out[key] = pulumi.secret(values[key]);
    }
    return out as ProgramConfig<S>;
}

/** Reusable `check` functions for config specs. Each returns the broken rule, or undefined. */
export const configChecks = {
    /** A name part: lowercase letters and digits, words separated by single '-'. */
    namePart: (value: string): string | undefined =>
        namePartIssues({ workload: value }).length > 0
            ? "lowercase letters and digits, words separated by single '-'"
            : undefined,
    /** A JSON object of tags that Azure accepts. */
    tagMap: (value: unknown): string | undefined => {
        if (!value || typeof value !== "object" || Array.isArray(value)) return "a JSON object of string values";
        if (!Object.values(value).every((v) => typeof v === "string")) return "a JSON object of string values";
        return joinRules(tagIssues(value as Record<string, string>));
    },
    /** A whole number within [min, max]. */
    intRange:
        (min: number, max: number) =>
        (value: number): string | undefined =>
            value >= min && value <= max ? undefined : `an integer from ${min} to ${max}`,
    /**
     * An ARM resource id of one type, e.g. `armResourceId("Microsoft.Network", "virtualNetworks", "subnets")`
     * for `/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/v/subnets/s`.
     */
    armResourceId:
        (provider: string, ...types: string[]) =>
        (id: string): string | undefined =>
            isArmResourceId(id, provider, ...types) ? undefined : `a ${provider}/${types.join("/")} resource id`,
    /** A JSON object (any values). */
    object: (value: unknown): string | undefined =>
        value && typeof value === "object" && !Array.isArray(value) ? undefined : "a JSON object",
    /** A list of Entra object ids. */
    guidList: (ids: string[]): string | undefined => (ids.every(isGuid) ? undefined : "a list of object ids (GUIDs)"),
};

/** Joins the rules of issues found by a validator into one `check` result. */
export function joinRules(issues: readonly ValidationIssue[]): string | undefined {
    return issues.length > 0 ? issues.map((i) => `${i.field}: ${i.rule}`).join("; ") : undefined;
}
