/**
 * The workload of a run: the code that scores, the data it reads, the model
 * it uses. Targets decide where it runs; this module decides what it is, and
 * the contract between the driver and the code:
 *
 *   python <script> [--model <model>] [--<input> <path> ...] --output-dir <dir> [args ...]
 *
 * with the run's config as environment variables `CUSTOMAI_CONFIG_<KEY>`
 * (and, on targets that can keep them secret, secrets as `CUSTOMAI_SECRET_<KEY>`).
 * Whatever the code writes into the output folder is the run's output; a
 * `metrics.json` there is read back as the run's metrics and a
 * `predictions.csv` reported as its predictions.
 */
import * as path from "node:path";
import {
    isNonEmptyString,
    isRecord,
    unknownKeyIssues,
    ValidationIssue,
    Validator,
} from "../../components/common/validation";
import { absolutePath, FileCheck, isUri, PathKind, PathProbe } from "./files";

/** The code of a run, in full. */
export interface CodeSpec {
    /** Required. The Python script to run; with `dir`, a path inside that folder. */
    readonly script: string;
    /** Optional. Folder holding the script and the modules it imports; on Azure ML it is uploaded whole. @default - the script alone */
    readonly dir?: string;
    /** Optional. Arguments appended after the driver's own. @default [] */
    readonly args?: readonly string[];
    /** Optional. A pip requirements file installed for the run before the script starts. @default - none */
    readonly requirements?: string;
}

/** What a run scores with. */
export interface WorkloadSpec {
    /** Required. The script (a path), or the script with its folder, arguments and requirements. */
    readonly code: string | CodeSpec;
    /**
     * Optional. Named inputs, each a local file or folder or a URI (`azureml://`, `https://`, `abfss://`…);
     * which kinds a target reads is its rule. The script gets each as `--<name> <path>`. @default {}
     */
    readonly inputs?: Readonly<Record<string, string>>;
    /**
     * Optional. The model: a local file or folder, a URI, or a registered model (`azureml:<name>:<version>`,
     * Azure ML only). The script gets it as `--model <path>`. @default - none
     */
    readonly model?: string;
}

/** Where a piece of data lives, once resolved. */
export type DataRef =
    /** A file or folder on this machine (absolute path). */
    | { readonly kind: "local"; readonly path: string; readonly folder: boolean }
    /** A URI the target reads itself; a trailing '/' marks a folder. */
    | { readonly kind: "uri"; readonly uri: string; readonly folder: boolean }
    /** A registered Azure ML asset, `azureml:<name>:<version>` or `azureml:<name>@latest`. */
    | { readonly kind: "asset"; readonly ref: string };

export interface ResolvedCode {
    /** Absolute path of the script. */
    readonly script: string;
    /** Absolute folder of the code, when one was given. */
    readonly dir?: string;
    readonly args: readonly string[];
    /** Absolute path of the requirements file, when one was given. */
    readonly requirements?: string;
}

export interface ResolvedWorkload {
    readonly code: ResolvedCode;
    readonly inputs: Readonly<Record<string, DataRef>>;
    readonly model?: DataRef;
}

/**
 * Environment variable holding the job's submission number: 1, then 2 and
 * up when the target resubmitted it (e.g. after Spot nodes were preempted).
 * A script that records its progress in the output folder can resume.
 */
export const ATTEMPT_ENV = "CUSTOMAI_ATTEMPT";

/** Environment variable prefixes through which code receives the run's config and secrets. */
export const CONFIG_ENV_PREFIX = "CUSTOMAI_CONFIG_";
export const SECRET_ENV_PREFIX = "CUSTOMAI_SECRET_";

/** Input names: they become `--<name>` options and Azure ML input names. */
export const INPUT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Input names the contract uses itself: `--model` is the model. A target may reserve more. */
export const RESERVED_INPUT_NAMES: readonly string[] = ["model"];
/** A registered Azure ML asset in short form. */
const ASSET_PATTERN = /^azureml:[A-Za-z0-9][A-Za-z0-9_.-]*(:[A-Za-z0-9_.-]+|@latest)$/;

const CODE_FIELDS = ["script", "dir", "args", "requirements"];
const WORKLOAD_FIELDS = ["code", "inputs", "model"];

/** Whether `value` names a registered Azure ML asset (`azureml:<name>:<version>`). Pure. */
export const isAssetRef = (value: string): boolean => ASSET_PATTERN.test(value);

/** The code in its full form (`code: "score.py"` is short for `code: { script: "score.py" }`). Pure. */
export function codeOf(code: string | CodeSpec): CodeSpec {
    return typeof code === "string" ? { script: code } : code;
}

function checkLocal(v: Validator, field: string, value: string, files: FileCheck, want?: PathKind): void {
    const kind = files.probe(path.resolve(files.cwd, value));
    const rule =
        want === "file" ? "an existing file" : want === "folder" ? "an existing folder" : "an existing file or folder";
    v.check(field, kind !== undefined && (want === undefined || kind === want), rule, value);
}

/** A data reference: a URI (or, for a model, a registered asset) passes as written; a local path must exist. */
function checkData(v: Validator, field: string, value: unknown, files: FileCheck, asset: boolean): void {
    const what = asset ? "a path, a URI or a registered model azureml:<name>:<version>" : "a path or a URI";
    if (!v.check(field, isNonEmptyString(value), what, value)) return;
    const text = value as string;
    if (isUri(text) || (asset && isAssetRef(text))) return;
    checkLocal(v, field, text, files);
}

function checkCode(v: Validator, code: unknown, files: FileCheck): void {
    if (typeof code === "string") {
        if (v.check("workload.code", code.trim() !== "", "a script path", code)) {
            checkLocal(v, "workload.code", code, files, "file");
        }
        return;
    }
    if (
        !v.check(
            "workload.code",
            isRecord(code),
            "a script path, or an object with script (dir, args, requirements)",
            code,
        )
    ) {
        return;
    }
    const c = code as Record<string, unknown>;
    v.merge(unknownKeyIssues(c, CODE_FIELDS, "workload.code."));
    let base = files.cwd;
    if (c.dir !== undefined && v.check("workload.code.dir", isNonEmptyString(c.dir), "a folder path", c.dir)) {
        checkLocal(v, "workload.code.dir", c.dir as string, files, "folder");
        base = path.resolve(files.cwd, c.dir as string);
    }
    if (v.check("workload.code.script", isNonEmptyString(c.script), "a script path (required)", c.script)) {
        const script = c.script as string;
        checkLocal(v, "workload.code.script", script, { ...files, cwd: base }, "file");
        if (c.dir !== undefined) {
            const inside = path.relative(base, path.resolve(base, script));
            v.check(
                "workload.code.script",
                !inside.startsWith("..") && !path.isAbsolute(inside),
                "a path inside workload.code.dir",
                script,
            );
        }
    }
    if (c.args !== undefined) {
        v.check(
            "workload.code.args",
            Array.isArray(c.args) && c.args.every((a) => typeof a === "string"),
            "a list of strings",
            c.args,
        );
    }
    if (c.requirements !== undefined) {
        if (
            v.check(
                "workload.code.requirements",
                isNonEmptyString(c.requirements),
                "a requirements file path",
                c.requirements,
            )
        ) {
            checkLocal(v, "workload.code.requirements", c.requirements as string, files, "file");
        }
    }
}

/**
 * Every problem with a workload, each naming its field under `workload.`.
 * Which kinds of data a target can read is checked by the target.
 */
export function workloadIssues(workload: unknown, files: FileCheck): ValidationIssue[] {
    const v = new Validator();
    if (!v.check("workload", isRecord(workload), "an object with code (inputs, model)", workload)) return [...v.issues];
    const w = workload as Record<string, unknown>;
    v.merge(unknownKeyIssues(w, WORKLOAD_FIELDS, "workload."));
    checkCode(v, w.code, files);
    if (
        w.inputs !== undefined &&
        v.check("workload.inputs", isRecord(w.inputs), "an object of name -> path or URI", w.inputs)
    ) {
        for (const [name, value] of Object.entries(w.inputs as Record<string, unknown>)) {
            const field = `workload.inputs.${name}`;
            v.check(
                field,
                INPUT_NAME_PATTERN.test(name),
                "a name of letters, digits and '_', starting with a letter",
                name,
            );
            v.check(
                field,
                !RESERVED_INPUT_NAMES.includes(name),
                `a name other than ${RESERVED_INPUT_NAMES.join(", ")}`,
                name,
            );
            checkData(v, field, value, files, false);
        }
    }
    if (w.model !== undefined) checkData(v, "workload.model", w.model, files, true);
    return [...v.issues];
}

/** Where `value` lives: URIs and assets as written, local paths absolute (from `cwd`) with their kind. */
export function resolveData(value: string, cwd: string, probe: PathProbe): DataRef {
    if (isAssetRef(value)) return { kind: "asset", ref: value };
    if (isUri(value)) return { kind: "uri", uri: value, folder: value.endsWith("/") };
    const absolute = absolutePath(value, cwd);
    return { kind: "local", path: absolute, folder: probe(absolute) === "folder" };
}

/** The workload with paths absolute and data classified; only for a valid workload. */
export function resolveWorkload(workload: WorkloadSpec, cwd: string, probe: PathProbe): ResolvedWorkload {
    const code = codeOf(workload.code);
    const dir = code.dir === undefined ? undefined : path.resolve(cwd, code.dir);
    return {
        code: {
            script: path.resolve(dir ?? cwd, code.script),
            dir,
            args: [...(code.args ?? [])],
            requirements: code.requirements === undefined ? undefined : path.resolve(cwd, code.requirements),
        },
        inputs: Object.fromEntries(
            Object.entries(workload.inputs ?? {}).map(([name, value]) => [name, resolveData(value, cwd, probe)]),
        ),
        model: workload.model === undefined ? undefined : resolveData(workload.model, cwd, probe),
    };
}

/** What the script's arguments point at, as the target sees them (local paths, or Azure ML placeholders). */
export interface ScriptLocations {
    readonly model?: string;
    readonly inputs: Readonly<Record<string, string>>;
    readonly outputDir: string;
}

/** The script's arguments under the contract in the module comment. Pure. */
export function scriptArguments(code: ResolvedCode, at: ScriptLocations): string[] {
    return [
        ...(at.model === undefined ? [] : ["--model", at.model]),
        ...Object.entries(at.inputs).flatMap(([name, location]) => [`--${name}`, location]),
        "--output-dir",
        at.outputDir,
        ...code.args,
    ];
}

/** The run's config as environment variables (`CUSTOMAI_CONFIG_<KEY>`). Pure. */
export function configEnvironment(config: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [`${CONFIG_ENV_PREFIX}${k.toUpperCase()}`, v]));
}

/** The run's secrets as environment variables (`CUSTOMAI_SECRET_<KEY>`). Pure. */
export function secretEnvironment(secrets: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`${SECRET_ENV_PREFIX}${k.toUpperCase()}`, v]));
}
