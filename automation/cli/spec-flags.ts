/**
 * The run spec of a command line: read from a spec file, overridden field by
 * field by flags, with `--config` pairs, `--secret-env` values (read from the
 * environment, never from argv), `--input`s and `--arg`s merged into the
 * file's. Relative paths in the file are read from the file's folder (the
 * driver's base); paths given as flags are made absolute from the working
 * directory here. Validation is left to the driver.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { summarizeError } from "../common/errors";
import { MAX_TIMEOUT_MINUTES } from "../common/limits";
import { INPUT_NAME_PATTERN, isAssetRef, isUri, SERIES_MAX_LENGTH } from "../spec";
import { SpecInput } from "./command";
import { UsageError } from "./exit-codes";
import { isRecord } from "../../components/common/validation";

/** The spec flags of `run` and `schedule`, as commander hands them over. */
export interface SpecFlags {
    readonly series?: string;
    readonly target?: string;
    readonly script?: string;
    readonly codeDir?: string;
    readonly requirements?: string;
    readonly arg?: readonly string[];
    readonly input?: readonly (readonly [string, string])[];
    readonly model?: string;
    readonly outputs?: string;
    readonly timeoutMinutes?: number;
    readonly keepOnFailure?: boolean;
    readonly config?: readonly (readonly [string, string])[];
    readonly secretEnv?: readonly (readonly [string, string])[];
}

/** Name of an `--input` given without `name=`. */
export const DEFAULT_INPUT_NAME = "input";

/** Commander parser of a number above 0. */
export function positiveNumber(text: string): number {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
        throw new InvalidArgumentError("Expected a number above 0.");
    }
    return value;
}

/** Commander parser of a number, 0 or more (hours of a month…). */
export function nonNegativeNumber(text: string): number {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value < 0) {
        throw new InvalidArgumentError("Expected a number, 0 or more.");
    }
    return value;
}

/** Commander parser of a whole number, at least 1. */
export function positiveInteger(text: string): number {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < 1) throw new InvalidArgumentError("Expected a whole number, at least 1.");
    return value;
}

/** `key=value` (the value may contain '=' and may be empty). */
function keyValue(text: string): [string, string] {
    const at = text.indexOf("=");
    if (at <= 0) throw new InvalidArgumentError("Expected key=value.");
    return [text.slice(0, at), text.slice(at + 1)];
}

/** `[name=]location`: a leading word and '=' name the input; otherwise it is the default input. */
function namedInput(text: string): [string, string] {
    const at = text.indexOf("=");
    const name = text.slice(0, Math.max(at, 0));
    return at > 0 && !isUri(text) && INPUT_NAME_PATTERN.test(name)
        ? [name, text.slice(at + 1)]
        : [DEFAULT_INPUT_NAME, text];
}

/** Reads one `--secret-env key=ENV_VAR` from `env`; the value never appears on the command line. */
function secretFromEnv(text: string, env: NodeJS.ProcessEnv): [string, string] {
    const [key, variable] = keyValue(text);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        throw new InvalidArgumentError(`Expected key=ENV_VAR, where ENV_VAR names an environment variable.`);
    }
    const value = env[variable];
    if (value === undefined) throw new InvalidArgumentError(`Environment variable ${variable} is not set.`);
    if (value === "") throw new InvalidArgumentError(`Environment variable ${variable} is empty.`);
    return [key, value];
}

/** A spec file, parsed; relative paths in it stay relative to `dir`, the base the driver is given. */
export interface SpecFile {
    readonly spec: SpecInput;
    /** Absolute folder of the file. */
    readonly dir: string;
}

/** Reads a spec file (JSON). */
export function readSpecFile(file: string): SpecFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UsageError(`spec file ${file}: ${code === "ENOENT" ? "no such file" : summarizeError(err)}`);
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new UsageError(`spec file ${file}: not valid JSON (${(err as Error).message})`);
    }
    if (!isRecord(parsed)) throw new UsageError(`spec file ${file}: expected a JSON object (a run spec)`);
    return { spec: parsed, dir: path.dirname(path.resolve(file)) };
}

/**
 * The spec of a command line: the file's fields, each overridden by its
 * flag; `--config`, `--secret-env`, `--input` and `--arg` add to the file's.
 * Local paths of flags become absolute from `cwd`; URIs and assets stay as
 * written. A malformed part of the file is left for validation to name, not
 * replaced. Pure.
 */
export function specFromFlags(file: SpecInput | undefined, flags: SpecFlags, cwd: string = process.cwd()): SpecInput {
    const spec: SpecInput = { ...(file ?? {}) };
    const local = (value: string | undefined) =>
        value === undefined || isUri(value) || isAssetRef(value) ? value : path.resolve(cwd, value);
    const set = (target: Record<string, unknown>, field: string, value: unknown) => {
        if (value !== undefined) target[field] = value;
    };
    const merge = (target: Record<string, unknown>, field: string, pairs: readonly (readonly [string, string])[]) => {
        if (pairs.length === 0 || (target[field] !== undefined && !isRecord(target[field]))) return;
        target[field] = { ...((target[field] as Record<string, unknown>) ?? {}), ...Object.fromEntries(pairs) };
    };
    set(spec, "series", flags.series);
    set(spec, "target", flags.target);
    set(spec, "outputs", local(flags.outputs));
    set(spec, "timeoutMinutes", flags.timeoutMinutes);
    set(spec, "keepOnFailure", flags.keepOnFailure);
    merge(spec, "config", flags.config ?? []);
    merge(spec, "secrets", flags.secretEnv ?? []);

    const workloadFlags = [flags.script, flags.codeDir, flags.requirements, flags.model, flags.input, flags.arg];
    if (workloadFlags.every((f) => f === undefined) || (spec.workload !== undefined && !isRecord(spec.workload))) {
        return spec;
    }
    const workload: Record<string, unknown> = { ...((spec.workload as Record<string, unknown>) ?? {}) };
    spec.workload = workload;
    set(workload, "model", local(flags.model));
    merge(
        workload,
        "inputs",
        (flags.input ?? []).map(([name, value]) => [name, local(value)!] as const),
    );
    const codeFlags = [flags.script, flags.codeDir, flags.requirements, flags.arg];
    if (codeFlags.every((f) => f === undefined)) return spec;
    if (workload.code !== undefined && typeof workload.code !== "string" && !isRecord(workload.code)) return spec;
    const code: Record<string, unknown> =
        typeof workload.code === "string" ? { script: workload.code } : { ...((workload.code as object) ?? {}) };
    workload.code = code;
    set(code, "script", local(flags.script));
    set(code, "dir", local(flags.codeDir));
    set(code, "requirements", local(flags.requirements));
    if (flags.arg && flags.arg.length > 0) {
        if (code.args !== undefined && !Array.isArray(code.args)) return spec;
        code.args = [...((code.args as unknown[]) ?? []), ...flags.arg];
    }
    return spec;
}

/** The spec of `run` and `schedule` (the file named by the argument, if any, under the flags) and its base folder. */
export function specOf(specFile: string | undefined, flags: SpecFlags): { spec: SpecInput; specDir?: string } {
    const file = specFile === undefined ? undefined : readSpecFile(specFile);
    return { spec: specFromFlags(file?.spec, flags), specDir: file?.dir };
}

/** Adds the spec flags to `command`; `--target` offers `targets`, `--secret-env` reads its values from `env`. */
export function addSpecOptions(command: Command, targets: readonly string[], env: NodeJS.ProcessEnv): Command {
    const collect = <T>(parse: (text: string) => T) => {
        return (text: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(text)];
    };
    return command
        .option(
            "--series <name>",
            `run series: 1-${SERIES_MAX_LENGTH} lowercase letters, digits and '-' (part of stack names)`,
        )
        .addOption(new Option("--target <target>", "where the job runs").choices(targets))
        .option("--script <file>", "Python script of the workload (with --code-dir: a path inside that folder)")
        .option("--code-dir <dir>", "folder holding the script and its modules")
        .option("--requirements <file>", "pip requirements installed before the script runs")
        .option("--arg <value>", "argument appended to the script's command line; repeatable", collect(String))
        .option(
            "--input <[name=]path>",
            `named input (file, folder or URI), given to the script as --<name>; without a name: '${DEFAULT_INPUT_NAME}'; repeatable`,
            collect(namedInput),
        )
        .option("--model <path>", "model file or folder, a URI, or azureml:<name>:<version> (aml)")
        .option("--outputs <dir>", "where the job writes: a folder (local) or a datastore URI (aml)")
        .option(
            "--timeout-minutes <minutes>",
            `longest the job may run, up to ${MAX_TIMEOUT_MINUTES} (fractions allowed)`,
            positiveNumber,
        )
        .option("--keep-on-failure", "keep the stack of a failed run for inspection (the reaper removes it later)")
        .option("--no-keep-on-failure", "destroy the stack of a failed run too, whatever the spec file says")
        .option("--config <key=value>", "plain config for the stack and the job; repeatable", collect(keyValue))
        .option(
            "--secret-env <key=ENV_VAR>",
            "secret config read from environment variable ENV_VAR, so the value stays out of argv and " +
                "shell history; repeatable",
            collect((text) => secretFromEnv(text, env)),
        );
}
