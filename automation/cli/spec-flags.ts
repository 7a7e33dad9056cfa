/**
 * The run spec of a command line: read from a spec file (paths relative to
 * the file), overridden field by field by flags, with `--config` pairs and
 * `--secret-env` values (read from the environment, never from argv) merged
 * into the file's maps. Validation is left to `validateRunSpec`.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { summarizeError } from "../run-state";
import { RUN_TARGETS, RunTargetName } from "../spec";
import { SpecInput } from "./command";
import { UsageError } from "./exit-codes";

/** The spec flags of `run` and `schedule`, as commander hands them over. */
export interface SpecFlags {
    readonly series?: string;
    readonly target?: RunTargetName;
    readonly input?: string;
    readonly model?: string;
    readonly outputDir?: string;
    readonly timeoutMinutes?: number;
    readonly keepOnFailure?: boolean;
    readonly config?: readonly (readonly [string, string])[];
    readonly secretEnv?: readonly (readonly [string, string])[];
}

/** A URI rather than a path: left as written when spec file paths are resolved. */
const URI_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Spec fields holding paths, made absolute relative to the spec file. */
const PATH_FIELDS = ["input", "model", "outputDir", "script"];

const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** Commander parser of a number above 0. */
export function positiveNumber(text: string): number {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
        throw new InvalidArgumentError("Expected a number above 0.");
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

/** Reads a spec file; paths in it become absolute, relative to the file's directory. */
export function readSpecFile(file: string): SpecInput {
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
    const dir = path.dirname(path.resolve(file));
    const spec: SpecInput = { ...parsed };
    for (const field of PATH_FIELDS) {
        const value = spec[field];
        if (typeof value === "string" && value !== "" && !URI_PATTERN.test(value))
            spec[field] = path.resolve(dir, value);
    }
    return spec;
}

/**
 * The spec of a command line: the file's fields, each overridden by its flag;
 * `--config` and `--secret-env` add to (and override keys of) the file's maps.
 * Flag paths stay as given (the driver reads them from the working directory). Pure.
 */
export function specFromFlags(file: SpecInput | undefined, flags: SpecFlags): SpecInput {
    const spec: SpecInput = { ...(file ?? {}) };
    const set = (field: string, value: unknown) => {
        if (value !== undefined) spec[field] = value;
    };
    set("series", flags.series);
    set("target", flags.target);
    set("input", flags.input);
    set("model", flags.model);
    set("outputDir", flags.outputDir);
    set("timeoutMinutes", flags.timeoutMinutes);
    set("keepOnFailure", flags.keepOnFailure);
    const merge = (field: string, pairs: SpecFlags["config"]) => {
        if (!pairs || pairs.length === 0) return;
        // A malformed map in the file is left for validation to name, not silently replaced.
        if (spec[field] !== undefined && !isRecord(spec[field])) return;
        spec[field] = { ...((spec[field] as Record<string, unknown>) ?? {}), ...Object.fromEntries(pairs) };
    };
    merge("config", flags.config);
    merge("secrets", flags.secretEnv);
    return spec;
}

/** The spec of `run` and `schedule`: the file named by the argument, if any, under the flags. */
export function specOf(specFile: string | undefined, flags: SpecFlags): SpecInput {
    return specFromFlags(specFile === undefined ? undefined : readSpecFile(specFile), flags);
}

/** Adds the spec flags to `command`; `--secret-env` reads its values from `env`. */
export function addSpecOptions(command: Command, env: NodeJS.ProcessEnv): Command {
    const collect = <T>(parse: (text: string) => T) => {
        return (text: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(text)];
    };
    return command
        .option("--series <name>", "run series: 1-40 lowercase letters, digits and '-' (part of stack names)")
        .addOption(new Option("--target <target>", "where the job runs").choices(RUN_TARGETS))
        .option("--input <path>", "input CSV (aml: also azureml:// or https:// URIs)")
        .option("--model <path>", "model JSON (logistic-regression coefficients)")
        .option("--output-dir <dir>", "where predictions and metrics go (default: <runs dir>/outputs/<stack>)")
        .option(
            "--timeout-minutes <minutes>",
            "longest the job may run, up to 1440 (fractions allowed)",
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
