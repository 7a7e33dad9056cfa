/**
 * Typed configuration for programs: a declarative spec of keys (type,
 * default, description) turns raw config strings into a typed, validated
 * object, reporting every problem at once (key, rule, value; secrets
 * redacted). Rules belong to the components a key feeds: a key names the
 * component argument it becomes (`arg`), and the component's own validation
 * is reported under the key. A key nobody declared is an error with a
 * did-you-mean, so a typo never turns into a default silently kept.
 *
 * The reader is pure: it takes a `(key) => string | undefined` function and
 * the keys present, so tests need no engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { namePartIssues } from "./naming";
import { tagIssues } from "./tags";
import { isRecord, ValidationError, ValidationIssue, renameFields, unknownKeyIssues } from "./validation";

type Kind = "string" | "number" | "integer" | "boolean" | "string[]" | "json";

interface FieldBase<K extends Kind, T> {
    /**
     * Value type; lists and `json` are read as JSON (what `pulumi config set --path` stores), and a list also
     * as one bare value (`pulumi config set allowedSshCidrs 203.0.113.7`).
     */
    readonly type: K;
    /** What the key is for; shown in `pulumi config`, the program's README and errors. */
    readonly description: string;
    /** Fail when the key is missing. */
    readonly required?: boolean;
    /** Used when the key is missing. */
    readonly default?: T;
    /** Allowed values, for keys that choose between the program's own options. */
    readonly oneOf?: readonly T[];
    /**
     * A rule of the program's own (one no component owns): return its description when the value breaks it.
     * Rules of a component are the component's: name the argument in `arg` instead.
     */
    readonly check?: (value: T) => string | undefined;
    /**
     * The component argument this key becomes (a dotted path such as `osDisk.sizeGb`): issues the program's
     * component checks report on it are reported under this key.
     */
    readonly arg?: string;
    /** How a user finds the value (for keys only the user can know); shown when the key is missing. */
    readonly hint?: string;
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

/** The value type of each kind. */
interface KindValues {
    string: string;
    number: number;
    integer: number;
    boolean: boolean;
    "string[]": string[];
    json: unknown;
}
type ValueOf<F> = F extends { readonly type: infer K extends Kind } ? KindValues[K] : never;
type IsSet<F> = F extends { required: true } ? true : F extends { default: unknown } ? true : false;

/** The typed result of reading `S`: required or defaulted keys are never undefined. */
export type ConfigValues<S extends ConfigSpec> = {
    -readonly [K in keyof S]: IsSet<S[K]> extends true ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** Rules that span several keys and no component owns (e.g. "password required when jupyterHub is on"). */
export type CrossChecks<S extends ConfigSpec> = (values: ConfigValues<S>) => ValidationIssue[];

/**
 * The checks of the components the config feeds, run on the values read
 * (e.g. `(c) => issuesOf(() => validateDataScienceVmArgs(vmSettings(c)))`);
 * their fields are argument names, reported under the keys whose `arg` they name.
 */
export type ComponentChecks<S extends ConfigSpec> = (values: ConfigValues<S>) => readonly ValidationIssue[];

/** Raw config lookup: the string stored under `key`, or undefined. */
export type ConfigSource = (key: string) => string | undefined;

/** The rules on a program's config besides each key's type: what a program exports beside its CONFIG_SPEC. */
export interface ConfigChecks<S extends ConfigSpec> {
    /** Optional. The program's own rules across keys. @default - none */
    readonly crossChecks?: CrossChecks<S>;
    /** Optional. The checks of the components the keys feed. @default - none */
    readonly components?: ComponentChecks<S>;
}

export interface ReadConfigOptions<S extends ConfigSpec> extends ConfigChecks<S> {
    /** Optional. Heads the error message. @default "invalid configuration" */
    readonly context?: string;
    /** Optional. Every key set in the namespace: those the spec does not declare are errors. @default - not checked */
    readonly present?: readonly string[];
    /** Optional. Keys of the namespace that are someone else's (the root program's `path`). @default [] */
    readonly otherKeys?: readonly string[];
}

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
            // One bare value is a list of one: what `pulumi config set key value` stores.
            if (!raw.trim().startsWith("[")) return { value: [raw] };
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

/** `required` in words: the hint when there is one (how to get the value), else the description. */
function requiredRule(field: FieldSpec): string {
    return field.hint ? `required — ${field.hint}` : `required: ${field.description}`;
}

/**
 * The issues of the components, under the keys that feed them: fields become
 * keys through each key's `arg`, values of secret keys are redacted, and a
 * key that is missing gets its hint. Pure.
 */
export function componentIssuesByKey(
    spec: ConfigSpec,
    issues: readonly ValidationIssue[],
    values: Readonly<Record<string, unknown>>,
): ValidationIssue[] {
    const keyOfArg = Object.fromEntries(
        Object.entries(spec).flatMap(([key, f]) => (f.arg === undefined ? [] : [[f.arg, key]])),
    );
    return renameFields(issues, keyOfArg).map((issue) => {
        const key = issue.field.split(/[.[]/)[0];
        const field = spec[key];
        if (!field) return issue;
        const missing = values[key] === undefined && field.hint !== undefined;
        return {
            ...issue,
            rule: missing ? `${issue.rule} — ${field.hint}` : issue.rule,
            value: field.secret && issue.value !== undefined ? REDACTED : issue.value,
        };
    });
}

/**
 * Reads every key of `spec` from `source`. Throws one ValidationError listing
 * every missing, malformed, unknown or rule-breaking key.
 */
export function readConfig<S extends ConfigSpec>(
    source: ConfigSource,
    spec: S,
    options: ReadConfigOptions<S> = {},
): ConfigValues<S> {
    /** Each key's own problems, in spec order. */
    const keyIssues: ValidationIssue[] = [];
    /** Required keys that are missing: components may still check the rest, but not a key that does not parse. */
    const missing = new Set<string>();
    const unknown = options.present
        ? unknownKeyIssues(
              Object.fromEntries(options.present.map((k) => [k, undefined])),
              [...Object.keys(spec), ...(options.otherKeys ?? [])],
              "",
              "key",
          )
        : [];
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(spec)) {
        const raw = source(key);
        const shown = (v: unknown) => (field.secret ? REDACTED : v);
        if (raw === undefined || raw === "") {
            if (field.required && field.default === undefined) {
                missing.add(key);
                keyIssues.push({ field: key, rule: requiredRule(field), value: undefined });
            }
            out[key] = field.default;
            continue;
        }
        const parsed = parse(field, raw);
        if (parsed.rule) {
            keyIssues.push({ field: key, rule: parsed.rule, value: shown(raw) });
            continue;
        }
        const value = parsed.value;
        if (field.oneOf && !(field.oneOf as readonly unknown[]).includes(value)) {
            keyIssues.push({
                field: key,
                rule: `one of ${field.oneOf.map((o) => JSON.stringify(o)).join(", ")}`,
                value: shown(value),
            });
            continue;
        }
        const broken = (field.check as ((v: unknown) => string | undefined) | undefined)?.(value);
        if (broken) {
            keyIssues.push({ field: key, rule: broken, value: shown(value) });
            continue;
        }
        out[key] = value;
    }
    const issues = [...unknown, ...keyIssues];
    const values = out as ConfigValues<S>;
    // Components check every key that is valid alone (a key with problems of its own stands at its default
    // for them, and what they say about it is not said twice), so every problem is reported at once. The
    // program's own rules read keys as typed, so they need every key valid.
    const reported = new Set(keyIssues.map((i) => i.field));
    const standIns = Object.fromEntries([...reported].filter((k) => !missing.has(k)).map((k) => [k, spec[k].default]));
    const checked = { ...out, ...standIns } as ConfigValues<S>;
    const fromComponents = componentIssuesByKey(spec, options.components?.(checked) ?? [], checked);
    issues.push(...fromComponents.filter((i) => !reported.has(i.field.split(/[.[]/)[0])));
    if (keyIssues.length === 0) {
        // The program's own rules name keys; a secret key's value never reaches the message.
        for (const issue of options.crossChecks?.(values) ?? []) {
            const secret = spec[issue.field.split(/[.[]/)[0]]?.secret && issue.value !== undefined;
            issues.push(secret ? { ...issue, value: REDACTED } : issue);
        }
    }
    if (issues.length > 0) throw new ValidationError(issues, options.context ?? "invalid configuration");
    return out as ConfigValues<S>;
}

/** Secret keys' values as Pulumi secrets; the rest as read. */
export type ProgramConfig<S extends ConfigSpec> = {
    -readonly [K in keyof S]: S[K] extends { secret: true } ? pulumi.Output<ConfigValues<S>[K]> : ConfigValues<S>[K];
};

/** Options of `readProgramConfig`. */
export interface ProgramConfigOptions<S extends ConfigSpec> extends ConfigChecks<S> {
    /** Optional. Config namespace. @default - the current project */
    readonly namespace?: string;
    /** Optional. Keys of the namespace that are someone else's. @default [] */
    readonly otherKeys?: readonly string[];
}

/**
 * Reads a program's config from the current stack: every key of the
 * namespace must be declared, every value valid for the program and the
 * components it feeds. Secret keys come back as Pulumi secrets so they stay
 * encrypted in state and masked in output.
 */
export function readProgramConfig<S extends ConfigSpec>(
    spec: S,
    options: ProgramConfigOptions<S> = {},
): ProgramConfig<S> {
    const config = new pulumi.Config(options.namespace);
    // Secret keys are read raw: `config.get` would warn that a secret was read
    // as plain text, and the value is re-wrapped as a secret just below.
    const source: ConfigSource = (key) =>
        spec[key]?.secret ? pulumi.runtime.getConfig(`${config.name}:${key}`) : config.get(key);
    const prefix = `${config.name}:`;
    const present = Object.keys(pulumi.runtime.allConfig())
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length));
    const values = readConfig(source, spec, {
        context: `invalid configuration for stack ${pulumi.getStack()}`,
        crossChecks: options.crossChecks,
        components: options.components,
        present,
        otherKeys: options.otherKeys,
    });
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
        if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) {
            return "a JSON object of string values";
        }
        return joinRules(tagIssues(value as Record<string, string>));
    },
};

/** Joins the rules of issues found by a validator into one `check` result. */
export function joinRules(issues: readonly ValidationIssue[]): string | undefined {
    return issues.length > 0 ? issues.map((i) => `${i.field}: ${i.rule}`).join("; ") : undefined;
}
