/**
 * The run spec: what one batch run scores, where, and for how long. The
 * generic part lives here (series, target, timeout, keepOnFailure, config,
 * secrets, the workload and where outputs go); each target owns a section of
 * its own under its name (`aml: {...}`), checked and resolved by the target
 * (targets/<name>/spec.ts). `runSpecIssues` reports every problem at once,
 * each naming its field, and a field nobody knows is one of them: a typo
 * never turns into a setting silently ignored.
 *
 * Both run before any stack exists, so a typo never costs a provisioned cluster.
 */
import {
    isNonEmptyString,
    isRecord,
    unknownKeyIssues,
    ValidationError,
    ValidationIssue,
    Validator,
} from "../../components/common/validation";
import { MAX_TIMEOUT_MINUTES } from "../common/limits";
import { REDACTION } from "../common/records";

export { MAX_TIMEOUT_MINUTES };
import { absolutePath, FileCheck, fileCheck } from "./files";
import { ResolvedWorkload, resolveWorkload, WorkloadSpec, workloadIssues } from "./workload";

/** Series names become part of stack names and file names, hence the narrow alphabet. */
export const SERIES_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const SERIES_MAX_LENGTH = 40;
/** Config and secret keys, without a namespace (the driver stores them under the run project). */
export const CONFIG_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** The fields of every run spec; a target's section sits beside them under the target's name. */
export interface GenericRunSpec {
    /** Required. Run series, e.g. `nightly-churn`: 1-40 lowercase letters, digits and '-'; part of stack names. */
    readonly series: string;
    /** Required. Where the job runs: the name of a registered target (`local`, `aml`). */
    readonly target: string;
    /** Required. Longest the job may run, in minutes (fractions allowed), up to 1440. */
    readonly timeoutMinutes: number;
    /** Required. The code, inputs and model of the run. */
    readonly workload: WorkloadSpec;
    /**
     * Optional. Where the job writes its outputs: a folder (local) or a datastore URI (Azure ML).
     * @default - the target's: `<runs dir>/outputs/<run stack>` locally, `batch-runs/<series>/<run stack>/` on Azure ML
     */
    readonly outputs?: string;
    /** Optional. Keep the run stack when the run fails (not when aborted), for inspection; the reaper removes it. @default false */
    readonly keepOnFailure?: boolean;
    /** Optional. Plain config for the run stack and the job. @default {} */
    readonly config?: Readonly<Record<string, string>>;
    /** Optional. Secret config: stored encrypted, passed only to targets that keep it secret, never recorded. @default {} */
    readonly secrets?: Readonly<Record<string, string>>;
}

/** Field names of the generic spec. */
export const GENERIC_FIELDS: readonly (keyof GenericRunSpec)[] = [
    "series",
    "target",
    "timeoutMinutes",
    "workload",
    "outputs",
    "keepOnFailure",
    "config",
    "secrets",
];

/** What a target's section handler sees of a spec being validated or resolved. */
export interface SectionInput<Section = unknown> {
    /** The target's name, which is also the key of its section. */
    readonly name: string;
    /** The section as written (undefined when absent); typed once the spec is valid. */
    readonly section: Section | undefined;
    /** The whole spec as written, for rules on generic fields this target restricts. */
    readonly spec: Readonly<Record<string, unknown>>;
    readonly files: FileCheck;
}

/** How a target checks and resolves its section of the spec (and the generic fields it restricts). */
export interface SpecSection<Section, Resolved> {
    /** Whether a spec for this target must have the section; otherwise it may be left out. */
    readonly required: boolean;
    /** Every problem with the section, and with generic fields this target cannot serve; full field paths. */
    issues(input: SectionInput): ValidationIssue[];
    /** The section with its defaults applied; only called for a valid spec. */
    resolve(input: SectionInput<Section>): Resolved;
}

/** The section handlers by target name: the registry of targets, seen from the spec. */
export type SpecSections = Readonly<Record<string, SpecSection<unknown, unknown>>>;

/** A spec with every default applied and paths made absolute; `section` is the target's, resolved. */
export interface ResolvedRunSpec<Section = unknown> {
    readonly series: string;
    readonly target: string;
    readonly timeoutMinutes: number;
    readonly keepOnFailure: boolean;
    readonly config: Readonly<Record<string, string>>;
    readonly secrets: Readonly<Record<string, string>>;
    readonly workload: ResolvedWorkload;
    /** Absolute folder or URI, as given; undefined means the target's default. */
    readonly outputs?: string;
    readonly section: Section;
}

function checkSeries(v: Validator, series: unknown): void {
    if (!v.check("series", isNonEmptyString(series), "a non-empty string", series)) return;
    const name = series as string;
    v.check(
        "series",
        name.length <= SERIES_MAX_LENGTH,
        `at most ${SERIES_MAX_LENGTH} characters (it is part of run stack names)`,
        name,
    );
    v.check(
        "series",
        SERIES_PATTERN.test(name),
        "lowercase letters, digits and '-', starting and ending with a letter or digit",
        name,
    );
}

function checkStringMap(v: Validator, field: string, value: unknown, secret: boolean): Record<string, unknown> {
    if (value === undefined) return {};
    if (!v.check(field, isRecord(value), "an object of string values", secret ? REDACTION : value)) return {};
    const map = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(map)) {
        v.check(`${field}.${key}`, CONFIG_KEY_PATTERN.test(key), "a key of letters, digits, '_' and '-' (1-64)", key);
        v.check(`${field}.${key}`, typeof item === "string", "a string value", secret ? REDACTION : item);
        if (secret) v.check(`${field}.${key}`, item !== "", "a non-empty secret", REDACTION);
    }
    return map;
}

/**
 * Every problem with a spec, each naming its field, for the targets in
 * `sections`. Pure apart from `files.probe`. Secret values never appear in issues.
 */
export function runSpecIssues(
    input: unknown,
    sections: SpecSections,
    files: FileCheck = fileCheck(),
): ValidationIssue[] {
    const v = new Validator();
    const names = Object.keys(sections);
    if (!isRecord(input)) {
        v.check("spec", false, "an object with series, target, timeoutMinutes and workload", input);
        return [...v.issues];
    }
    const s = input;
    v.merge(unknownKeyIssues(s, [...GENERIC_FIELDS, ...names], "", "run spec field"));
    checkSeries(v, s.series);
    const targetOk = v.check("target", names.includes(s.target as string), `one of ${names.join(", ")}`, s.target);
    v.check(
        "timeoutMinutes",
        typeof s.timeoutMinutes === "number" && s.timeoutMinutes > 0 && s.timeoutMinutes <= MAX_TIMEOUT_MINUTES,
        `a number of minutes above 0 and at most ${MAX_TIMEOUT_MINUTES}`,
        s.timeoutMinutes,
    );
    v.merge(workloadIssues(s.workload, files));
    if (s.outputs !== undefined) v.check("outputs", isNonEmptyString(s.outputs), "a folder or URI", s.outputs);
    if (s.keepOnFailure !== undefined) {
        v.check("keepOnFailure", typeof s.keepOnFailure === "boolean", "true or false", s.keepOnFailure);
    }
    const config = checkStringMap(v, "config", s.config, false);
    const secrets = checkStringMap(v, "secrets", s.secrets, true);
    for (const key of Object.keys(secrets)) {
        v.check(`secrets.${key}`, !(key in config), "a key not also used in config", key);
    }
    for (const name of names) {
        if (name !== s.target && s[name] !== undefined) {
            v.check(name, false, `only allowed when target is '${name}'`, s[name]);
        }
    }
    if (targetOk) {
        const name = s.target as string;
        const section = sections[name];
        if (s[name] === undefined && section.required) {
            v.check(name, false, `required when target is '${name}' (see the ${name} target's settings)`, undefined);
        } else {
            v.merge(section.issues({ name, section: s[name], spec: s, files }));
        }
    }
    return [...v.issues];
}

/** Throws a ValidationError listing every problem; returns the spec typed when there is none. */
export function validateRunSpec<S extends GenericRunSpec = GenericRunSpec>(
    input: unknown,
    sections: SpecSections,
    files: FileCheck = fileCheck(),
): S {
    const issues = runSpecIssues(input, sections, files);
    if (issues.length > 0) throw new ValidationError(issues, "run spec");
    return input as S;
}

/** Applies the defaults of the generic fields and of the target's section; paths become absolute from `files.cwd`. */
export function resolveRunSpec(
    spec: GenericRunSpec,
    sections: SpecSections,
    files: FileCheck = fileCheck(),
): ResolvedRunSpec {
    const raw = spec as unknown as Readonly<Record<string, unknown>>;
    const name = spec.target;
    return {
        series: spec.series,
        target: name,
        timeoutMinutes: spec.timeoutMinutes,
        keepOnFailure: spec.keepOnFailure ?? false,
        config: { ...(spec.config ?? {}) },
        secrets: { ...(spec.secrets ?? {}) },
        workload: resolveWorkload(spec.workload, files.cwd, files.probe),
        outputs: spec.outputs === undefined ? undefined : absolutePath(spec.outputs, files.cwd),
        section: sections[name].resolve({ name, section: raw[name], spec: raw, files }),
    };
}
