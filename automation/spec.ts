/**
 * The run spec: what one batch run should score, where, and for how long.
 * `validateRunSpec` checks a spec completely (every problem at once, each
 * naming its field) and `resolveRunSpec` fills the defaults; both run before
 * any stack exists, so a typo never costs a provisioned cluster.
 */
import { vmSizeIssues } from "../components/common/vm-sizes";
import * as fs from "node:fs";
import * as path from "node:path";
import { configChecks } from "../components/common/config";
import { nameIssues } from "../components/common/naming";
import { isIntInRange, ValidationError, ValidationIssue, Validator } from "../components/common/validation";
import { REDACTION } from "./records";

/** Where the job runs. */
export type RunTargetName = "local" | "aml";
/** AmlCompute node priority; `LowPriority` nodes are Spot (evictable, variable price). */
export type AmlPriority = "Dedicated" | "LowPriority";

export const RUN_TARGETS: readonly RunTargetName[] = ["local", "aml"];
export const AML_PRIORITIES: readonly AmlPriority[] = ["Dedicated", "LowPriority"];

/** Series names become part of stack names and file names, hence the narrow alphabet. */
export const SERIES_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const SERIES_MAX_LENGTH = 40;
/** Longest job timeout: a nightly run that needs more than a day is a different design. */
export const MAX_TIMEOUT_MINUTES = 24 * 60;
export const MAX_WAIT_SECONDS = 24 * 60 * 60;
/** Config and secret keys, without a namespace (the driver stores them under the run project). */
export const CONFIG_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const DEFAULT_AML_VM_SIZE = "Standard_D4s_v5";
export const DEFAULT_AML_MAX_NODES = 2;
export const MAX_AML_MAX_NODES = 100;
export const DEFAULT_AML_PRIORITY: AmlPriority = "Dedicated";
/** `organization/project/stack` (Pulumi Cloud) or `project/stack` style references; at least two parts. */
const STACK_REF_PATTERN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){1,2}$/;
/** Remote inputs the `aml` target accepts besides local files. */
const REMOTE_INPUT_PATTERN = /^(azureml|https|abfss|wasbs):\/\/\S+$/;

/** Whether `input` names remote data (`azureml://`, `https://`, ...) rather than a local file. */
export const isRemoteInput = (input: string): boolean => REMOTE_INPUT_PATTERN.test(input);

/** Settings of the `aml` target: the run stack adds a cluster and a job to a workspace of a base stack. */
export interface AmlRunSpec {
    /** Required. Subscription id (GUID) holding the workspace. */
    readonly subscriptionId: string;
    /** Conditional. Resource group of the workspace; required with `workspaceName` (a base stack exports its own). */
    readonly resourceGroup?: string;
    /** Conditional. Workspace name; required unless `baseStack` is given. */
    readonly workspaceName?: string;
    /** Conditional. Base stack (`org/project/stack`) exporting `workspaceName`; required unless `workspaceName`. */
    readonly baseStack?: string;
    /** Optional. VM size of the cluster nodes. @default "Standard_D4s_v5" */
    readonly vmSize?: string;
    /** Optional. Most nodes the cluster scales out to (it always scales in to 0). @default 2 */
    readonly maxNodes?: number;
    /** Optional. Node priority. @default "Dedicated" */
    readonly priority?: AmlPriority;
}

/** One batch run, as a user writes it (JSON file, CLI flags or code). */
export interface RunSpec {
    /** Required. Run series, e.g. `nightly-churn`: 1-40 lowercase letters, digits and '-'; part of stack names. */
    readonly series: string;
    /** Required. Where the job runs. */
    readonly target: RunTargetName;
    /** Required. Input CSV: a local file (both targets) or an `azureml://`/`https://` URI (`aml` only). */
    readonly input: string;
    /** Required. Model JSON file (logistic-regression coefficients, see automation/sample). */
    readonly model: string;
    /** Optional. Where predictions and metrics are written. @default - `<runs dir>/outputs/<run stack name>` */
    readonly outputDir?: string;
    /** Required. Longest the job may run, in minutes (fractions allowed), up to 1440. */
    readonly timeoutMinutes: number;
    /** Optional. Keep the run stack when the run fails (not when aborted), for inspection; the reaper removes it. @default false */
    readonly keepOnFailure?: boolean;
    /** Optional. Plain config for the run stack and the job. @default {} */
    readonly config?: Readonly<Record<string, string>>;
    /** Optional. Secret config: stored encrypted, passed to the job, never recorded. @default {} */
    readonly secrets?: Readonly<Record<string, string>>;
    /** Optional. Scoring script. @default - automation/sample/score.py */
    readonly script?: string;
    /** Optional. Seconds the job sleeps before scoring (benchmarks, tests). @default 0 */
    readonly waitSeconds?: number;
    /** Conditional. Required when `target` is `aml`. */
    readonly aml?: AmlRunSpec;
}

/** The `aml` settings with every default applied. */
export type ResolvedAmlRunSpec = AmlRunSpec & Required<Pick<AmlRunSpec, "vmSize" | "maxNodes" | "priority">>;

/** A spec with every default applied and paths made absolute. */
export type ResolvedRunSpec = Omit<RunSpec, "aml"> &
    Required<Pick<RunSpec, "keepOnFailure" | "config" | "secrets" | "script" | "waitSeconds">> & {
        readonly aml?: ResolvedAmlRunSpec;
    };

/** The sample scoring script shipped with the driver. */
export const DEFAULT_SCRIPT = path.join(__dirname, "sample", "score.py");

/** Answers whether a path is an existing regular file; injected so validation stays testable. */
export type FileProbe = (file: string) => boolean;

export const fileExists: FileProbe = (file) => {
    try {
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === "string" && value.trim().length > 0;

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

interface FileCheck {
    readonly probe: FileProbe;
    /** Base of relative paths: the one `resolveRunSpec` uses, so a file is checked where it will be read. */
    readonly cwd: string;
}

function checkFile(v: Validator, field: string, value: unknown, files: FileCheck, allowRemote: boolean): void {
    if (!v.check(field, isNonEmptyString(value), "a non-empty path", value)) return;
    const file = value as string;
    if (allowRemote && isRemoteInput(file)) return;
    v.check(field, files.probe(path.resolve(files.cwd, file)), "an existing file", file);
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

function checkAml(v: Validator, aml: unknown): void {
    if (!v.check("aml", isRecord(aml), "required when target is 'aml' (subscriptionId, resourceGroup, ...)", aml)) {
        return;
    }
    const a = aml as Record<string, unknown>;
    v.check(
        "aml.subscriptionId",
        typeof a.subscriptionId === "string" && configChecks.guidList([a.subscriptionId]) === undefined,
        "a GUID",
        a.subscriptionId,
    );
    const hasWorkspace = a.workspaceName !== undefined;
    const hasBase = a.baseStack !== undefined;
    if (hasWorkspace || a.resourceGroup !== undefined) {
        const rule = hasWorkspace ? "the workspace's resource group (required with aml.workspaceName)" : "a string";
        if (v.check("aml.resourceGroup", isNonEmptyString(a.resourceGroup), rule, a.resourceGroup)) {
            v.merge(nameIssues("resourceGroup", a.resourceGroup as string, "aml.resourceGroup"));
        }
    }
    v.check("aml.workspaceName", hasWorkspace || hasBase, "set either aml.workspaceName or aml.baseStack", undefined);
    if (hasWorkspace) {
        if (v.check("aml.workspaceName", typeof a.workspaceName === "string", "a string", a.workspaceName)) {
            v.merge(nameIssues("mlWorkspace", a.workspaceName as string, "aml.workspaceName"));
        }
    }
    if (hasBase) {
        v.check(
            "aml.baseStack",
            typeof a.baseStack === "string" && STACK_REF_PATTERN.test(a.baseStack),
            "a stack reference such as 'org/platform/prod'",
            a.baseStack,
        );
    }
    if (a.vmSize !== undefined) {
        // The cluster's own size table: retired GPU families are refused here, before any stack exists.
        if (
            v.check("aml.vmSize", typeof a.vmSize === "string", "an Azure VM size such as 'Standard_D4s_v5'", a.vmSize)
        ) {
            v.merge(vmSizeIssues(a.vmSize as string, "aml.vmSize"));
        }
    }
    if (a.maxNodes !== undefined) {
        v.check(
            "aml.maxNodes",
            isIntInRange(a.maxNodes, 1, MAX_AML_MAX_NODES),
            `an integer from 1 to ${MAX_AML_MAX_NODES}`,
            a.maxNodes,
        );
    }
    if (a.priority !== undefined) {
        v.check(
            "aml.priority",
            AML_PRIORITIES.includes(a.priority as AmlPriority),
            `one of ${AML_PRIORITIES.join(", ")}`,
            a.priority,
        );
    }
}

/**
 * Every problem with a spec, each naming its field. Pure apart from `probe`
 * (which answers "does this file exist"). Relative paths are checked from
 * `cwd`, the base `resolveRunSpec` is given. Secret values never appear in issues.
 */
export function runSpecIssues(
    input: unknown,
    probe: FileProbe = fileExists,
    cwd: string = process.cwd(),
): ValidationIssue[] {
    const files: FileCheck = { probe, cwd };
    const v = new Validator();
    if (!isRecord(input)) {
        v.check("spec", false, "an object with series, target, input, model and timeoutMinutes", input);
        return [...v.issues];
    }
    const s = input;
    checkSeries(v, s.series);
    const targetOk = v.check(
        "target",
        RUN_TARGETS.includes(s.target as RunTargetName),
        `one of ${RUN_TARGETS.join(", ")}`,
        s.target,
    );
    checkFile(v, "input", s.input, files, s.target === "aml");
    checkFile(v, "model", s.model, files, false);
    if (s.outputDir !== undefined) v.check("outputDir", isNonEmptyString(s.outputDir), "a non-empty path", s.outputDir);
    v.check(
        "timeoutMinutes",
        typeof s.timeoutMinutes === "number" && s.timeoutMinutes > 0 && s.timeoutMinutes <= MAX_TIMEOUT_MINUTES,
        `a number of minutes above 0 and at most ${MAX_TIMEOUT_MINUTES}`,
        s.timeoutMinutes,
    );
    if (s.keepOnFailure !== undefined)
        v.check("keepOnFailure", typeof s.keepOnFailure === "boolean", "true or false", s.keepOnFailure);
    const config = checkStringMap(v, "config", s.config, false);
    const secrets = checkStringMap(v, "secrets", s.secrets, true);
    for (const key of Object.keys(secrets)) {
        v.check(`secrets.${key}`, !(key in config), "a key not also used in config", key);
    }
    if (s.script !== undefined) checkFile(v, "script", s.script, files, false);
    if (s.waitSeconds !== undefined) {
        v.check(
            "waitSeconds",
            isIntInRange(s.waitSeconds, 0, MAX_WAIT_SECONDS),
            `an integer from 0 to ${MAX_WAIT_SECONDS}`,
            s.waitSeconds,
        );
    }
    if (targetOk && s.target === "aml") checkAml(v, s.aml);
    else if (s.aml !== undefined) v.check("aml", false, "only allowed when target is 'aml'", s.aml);
    return [...v.issues];
}

/**
 * Throws a ValidationError listing every problem; returns the spec typed when there is none.
 * Pass the same `cwd` as to `resolveRunSpec` (@default - process.cwd()).
 */
export function validateRunSpec(input: unknown, probe: FileProbe = fileExists, cwd: string = process.cwd()): RunSpec {
    const issues = runSpecIssues(input, probe, cwd);
    if (issues.length > 0) throw new ValidationError(issues, "run spec");
    return input as RunSpec;
}

/** Applies the defaults; paths become absolute (relative ones are taken from `cwd`). Pure. */
export function resolveRunSpec(spec: RunSpec, cwd: string = process.cwd()): ResolvedRunSpec {
    const abs = (p: string) => path.resolve(cwd, p);
    const isRemote = isRemoteInput(spec.input);
    const aml = spec.aml
        ? {
              subscriptionId: spec.aml.subscriptionId,
              resourceGroup: spec.aml.resourceGroup,
              workspaceName: spec.aml.workspaceName,
              baseStack: spec.aml.baseStack,
              vmSize: spec.aml.vmSize ?? DEFAULT_AML_VM_SIZE,
              maxNodes: spec.aml.maxNodes ?? DEFAULT_AML_MAX_NODES,
              priority: spec.aml.priority ?? DEFAULT_AML_PRIORITY,
          }
        : undefined;
    return {
        series: spec.series,
        target: spec.target,
        input: isRemote ? spec.input : abs(spec.input),
        model: abs(spec.model),
        outputDir: spec.outputDir === undefined ? undefined : abs(spec.outputDir),
        timeoutMinutes: spec.timeoutMinutes,
        keepOnFailure: spec.keepOnFailure ?? false,
        config: { ...(spec.config ?? {}) },
        secrets: { ...(spec.secrets ?? {}) },
        script: abs(spec.script ?? DEFAULT_SCRIPT),
        waitSeconds: spec.waitSeconds ?? 0,
        aml,
    };
}
