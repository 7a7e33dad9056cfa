/**
 * `customai`: the command line over the driver, the scheduler and the reaper.
 * A thin shell: parsing turns argv into a `CliCommand` (pure apart from
 * reading the spec file and the `--secret-env` variables), execution calls
 * the library and maps the outcome to an exit code. It sets
 * process.exitCode and never calls process.exit, so a run interrupted by a
 * signal still destroys its stack before the process ends.
 *
 * Installed as the `customai` bin (bin/customai.js); `npm run cli -- …` too.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ValidationError } from "../components/common/validation";
import { Driver } from "./driver";
import { EngineSettings, PROJECT_ROOT, PulumiCliMissingError, pulumiCommand } from "./engine";
import { RunEvent } from "./events";
import { readRecords, RunRecord, RunStatus } from "./records";
import { DEFAULT_REAP_AGE_MINUTES, reap } from "./reaper";
import { runPaths } from "./runner";
import { summarizeError } from "./run-state";
import { ScheduleEvent, scheduleRuns, validateSchedule } from "./scheduler";
import { RUN_TARGETS, RunTargetName, validateRunSpec } from "./spec";
import { TargetUnavailableError } from "./targets";

// ---------------------------------------------------------------- exit codes

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_ENVIRONMENT = 3;
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

/** The `--help` epilog; `exitCodeFor` is its executable form. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    a run failed or was aborted (schedule: any run or tick did); reap left stacks behind
  2    usage error, invalid run spec or invalid schedule (the message names the flag or field)
  3    environment error: Pulumi CLI missing (npm run setup:pulumi), target not available in this build
  130  interrupted by SIGINT (Ctrl-C), after the run in progress tore its stack down
  143  stopped by SIGTERM, after the run in progress tore its stack down`;

const HELP_EPILOG = `${EXIT_CODES_HELP}

Environment: PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) for the secrets provider,
default: a passphrase kept in <project>/.pulumi/passphrase.`;

/** How a command ended, before it becomes an exit code. */
export type Outcome =
    | { readonly kind: "succeeded" }
    /** A run failed or was aborted, a tick was rejected, or reap could not remove a stack. */
    | { readonly kind: "failed" }
    | { readonly kind: "interrupted"; readonly signal: NodeJS.Signals }
    | { readonly kind: "error"; readonly error: unknown };

/** Thrown for a command line that cannot be run. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** The exit code of an outcome (table in EXIT_CODES_HELP). Pure. */
export function exitCodeFor(outcome: Outcome): number {
    switch (outcome.kind) {
        case "succeeded":
            return EXIT_OK;
        case "failed":
            return EXIT_RUN_FAILED;
        case "interrupted":
            // The shell convention, 128 + signal number, so supervisors can tell the two apart.
            if (outcome.signal === "SIGINT") return EXIT_SIGINT;
            if (outcome.signal === "SIGTERM") return EXIT_SIGTERM;
            return 128 + (os.constants.signals[outcome.signal] ?? 0);
        case "error": {
            const { error } = outcome;
            if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
            if (error instanceof UsageError || error instanceof ValidationError) return EXIT_USAGE;
            if (error instanceof PulumiCliMissingError || error instanceof TargetUnavailableError) {
                return EXIT_ENVIRONMENT;
            }
            return EXIT_RUN_FAILED;
        }
    }
}

// ---------------------------------------------------------------- parsing

/** Options of every command. */
export interface GlobalOptions {
    readonly json: boolean;
    /** @default - `CUSTOMAI_RUNS_DIR`, else `<project>/.runs` */
    readonly runsDir?: string;
    /** @default - `PULUMI_BACKEND_URL`, else the project's file backend */
    readonly backendUrl?: string;
}

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

/** A run spec as assembled from a file and flags; validateRunSpec decides whether it is one. */
export type SpecInput = Record<string, unknown>;

export type CliCommand =
    /** `--help` or `--version`: print `text`, exit 0. */
    | { readonly command: "info"; readonly text: string }
    | { readonly command: "run"; readonly global: GlobalOptions; readonly spec: SpecInput }
    | {
          readonly command: "schedule";
          readonly global: GlobalOptions;
          readonly cron: string;
          readonly timezone?: string;
          readonly maxRuns?: number;
          readonly spec: SpecInput;
      }
    | {
          readonly command: "runs";
          readonly global: GlobalOptions;
          readonly series?: string;
          readonly status?: RunStatus;
          readonly tail: number;
      }
    | {
          readonly command: "reap";
          readonly global: GlobalOptions;
          readonly olderThanMinutes: number;
          readonly dryRun: boolean;
      };

/** Default of `runs --tail`. */
export const DEFAULT_TAIL = 20;
const RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "aborted"];
/** A URI rather than a path: left as written when spec file paths are resolved. */
const URI_PATTERN = /^[a-z][a-z0-9+.-]*:\/\//i;

const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

function positiveNumber(text: string): number {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
        throw new InvalidArgumentError("Expected a number above 0.");
    }
    return value;
}

function positiveInteger(text: string): number {
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
    for (const field of ["input", "model", "outputDir", "script"]) {
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

function addSpecOptions(command: Command, env: NodeJS.ProcessEnv): Command {
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

function specOf(specFile: string | undefined, flags: SpecFlags): SpecInput {
    return specFromFlags(specFile === undefined ? undefined : readSpecFile(specFile), flags);
}

/** Global options; `env` fills what the command line leaves out (read here rather than by commander, so it can be injected). */
function globalsOf(command: Command, env: NodeJS.ProcessEnv): GlobalOptions {
    const all = command.optsWithGlobals<{ json?: boolean; runsDir?: string; backendUrl?: string }>();
    return {
        json: all.json === true,
        runsDir: all.runsDir ?? (env.CUSTOMAI_RUNS_DIR || undefined),
        backendUrl: all.backendUrl ?? (env.PULUMI_BACKEND_URL || undefined),
    };
}

function version(): string {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
    return pkg.version;
}

const SPEC_ARGUMENT = "run spec JSON file; relative paths in it are read from its directory (flags override it)";

/** The commander program; `found` receives the parsed command. A fresh one per parse: commander keeps state. */
function buildProgram(env: NodeJS.ProcessEnv, found: (command: CliCommand) => void, output: string[]): Command {
    const program = new Command("customai")
        .description(
            "Batch scoring runs on ephemeral Pulumi stacks: run once, on a schedule, list runs, reap leftovers.",
        )
        .version(version(), "-V, --version", "print the version")
        .option("--json", "machine-readable output: one JSON document (run, runs, reap), JSON lines (schedule)")
        .addOption(
            new Option(
                "--runs-dir <dir>",
                "records, outputs, locks and work directories (default: $CUSTOMAI_RUNS_DIR, else <project>/.runs)",
            ),
        )
        .addOption(
            new Option(
                "--backend-url <url>",
                "Pulumi state backend: file://<dir>, azblob://<container> or https://api.pulumi.com " +
                    "(default: $PULUMI_BACKEND_URL, else file://<project>/.pulumi/state)",
            ),
        )
        .exitOverride()
        .configureOutput({
            writeOut: (text) => output.push(text),
            // Errors travel in the thrown CommanderError; main prints them once.
            writeErr: () => undefined,
            outputError: () => undefined,
        })
        .configureHelp({ showGlobalOptions: true })
        .showSuggestionAfterError(true)
        .addHelpText("afterAll", HELP_EPILOG);

    addSpecOptions(
        program
            .command("run")
            .summary("run one batch on an ephemeral run stack")
            .description(
                "Run one batch on a fresh run stack: validate, create, up, wait for the job, collect, destroy. " +
                    "Progress per phase on stderr, the run record on stdout.",
            )
            .argument("[spec]", SPEC_ARGUMENT),
        env,
    )
        .addHelpText(
            "after",
            `
Examples:
  customai run nightly.json
  customai run --series churn --target local --input data.csv --model model.json --timeout-minutes 30 \\
      --config region=westeurope --secret-env apiToken=CHURN_API_TOKEN --json`,
        )
        .action((specFile: string | undefined, flags: SpecFlags, command: Command) => {
            found({ command: "run", global: globalsOf(command, env), spec: specOf(specFile, flags) });
        });

    addSpecOptions(
        program
            .command("schedule")
            .summary("start runs on a cron schedule, skipping ticks while a run is going")
            .description(
                "Start a run at every tick of a cron expression until --max-runs runs started or SIGINT/SIGTERM. " +
                    "A tick that comes while the previous run is still going is skipped, never queued. " +
                    "On SIGINT/SIGTERM the run in progress is aborted and its stack destroyed before the process ends.",
            )
            .argument("<cron>", "cron expression, quoted: 5 fields, or 6 with leading seconds ('*/30 * * * * *')")
            .argument("[spec]", SPEC_ARGUMENT)
            .option("--timezone <zone>", "IANA time zone the expression is read in (default: the host's)")
            .option("--max-runs <n>", "stop after starting N runs (default: run until stopped)", positiveInteger),
        env,
    )
        .addHelpText(
            "after",
            `
Examples:
  customai schedule "0 2 * * *" nightly.json --timezone Europe/Paris
  customai schedule "*/10 * * * * *" nightly.json --max-runs 3 --json`,
        )
        .action((cron: string, specFile: string | undefined, flags: SpecFlags & ScheduleFlags, command: Command) => {
            validateSchedule({ cron, timezone: flags.timezone, maxRuns: flags.maxRuns });
            found({
                command: "schedule",
                global: globalsOf(command, env),
                cron,
                timezone: flags.timezone,
                maxRuns: flags.maxRuns,
                spec: specOf(specFile, flags),
            });
        });

    program
        .command("runs")
        .alias("records")
        .summary("list recorded runs")
        .description("Run history from the records file, oldest first.")
        .option("--series <name>", "only runs of this series")
        .addOption(new Option("--status <status>", "only runs that ended so").choices(RUN_STATUSES))
        .option("--tail <n>", "the last N matching runs", positiveInteger, DEFAULT_TAIL)
        .action((flags: { series?: string; status?: RunStatus; tail: number }, command: Command) => {
            found({ command: "runs", global: globalsOf(command, env), ...flags });
        });

    program
        .command("reap")
        .summary("destroy run stacks past their deadline")
        .description(
            "Destroy run stacks that started before a deadline: stacks kept by keepOnFailure and leftovers of " +
                "crashed runs. Takes each series' lock first, so a live run is never touched.",
        )
        .option(
            "--older-than-minutes <n>",
            "reap stacks started more than N minutes ago",
            positiveNumber,
            DEFAULT_REAP_AGE_MINUTES,
        )
        .option("--dry-run", "list what would be reaped, destroy nothing")
        .action((flags: { olderThanMinutes: number; dryRun?: boolean }, command: Command) => {
            const { olderThanMinutes, dryRun } = flags;
            found({ command: "reap", global: globalsOf(command, env), olderThanMinutes, dryRun: dryRun === true });
        });

    return program;
}

interface ScheduleFlags {
    readonly timezone?: string;
    readonly maxRuns?: number;
}

/**
 * Parses a command line (without node and the script). Throws a
 * CommanderError or UsageError for a bad command line, a ValidationError for
 * an invalid schedule; the spec itself is validated when the command runs.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
    let command: CliCommand | undefined;
    const output: string[] = [];
    const program = buildProgram(env, (c) => (command = c), output);
    try {
        program.parse([...argv], { from: "user" });
    } catch (err) {
        if (!(err instanceof CommanderError)) throw err;
        if (err.exitCode === 0) return { command: "info", text: output.join("") };
        // Commander shows the help for a missing command; a one-line reason is clearer.
        if (err.code === "commander.help") throw new UsageError("missing command: one of run, schedule, runs, reap");
        throw err;
    }
    if (!command) throw new UsageError("missing command: one of run, schedule, runs, reap");
    return command;
}

// ---------------------------------------------------------------- execution

/** Where a command writes; text is written as is (callers add newlines). */
export interface CliIo {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

export const processIo: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function engineOf(global: GlobalOptions): EngineSettings {
    return { backendUrl: global.backendUrl };
}

/** Environment checks that would otherwise surface as a failed run record. */
async function preflight(engine: EngineSettings): Promise<void> {
    await pulumiCommand(engine);
}

/** One line per phase, job status change and retry, for stderr. Pure. */
export function progressLine(event: RunEvent): string | undefined {
    switch (event.type) {
        case "phase-finished":
            return `[${event.series}] ${event.phase.padEnd(9)} ${event.ok ? "done  " : "failed"} ${seconds(event.durationMs)}`;
        case "job-status":
            return `[${event.series}] job ${event.status}${event.detail ? `: ${event.detail}` : ""}`;
        case "retry":
            return `[${event.series}] retrying ${event.phase} (attempt ${event.attempt + 1} in ${event.delayMs} ms): ${event.error}`;
        default:
            return undefined;
    }
}

function printProgress(io: CliIo): (event: RunEvent) => void {
    return (event) => {
        const line = progressLine(event);
        if (line !== undefined) io.err(`${line}\n`);
    };
}

function describeRecord(record: RunRecord): string {
    const lines = [
        `run ${record.status} in ${seconds(record.durationMs)} (series ${record.series}, stack ${record.stackName})`,
    ];
    if (record.outputs?.predictionsPath) {
        lines.push(`  predictions: ${record.outputs.predictionsPath} (${record.outputs.rowCount ?? "?"} rows)`);
    }
    if (record.outputs?.metrics) lines.push(`  metrics:     ${JSON.stringify(record.outputs.metrics)}`);
    if (record.error) lines.push(`  error: ${record.error}`);
    if (record.keptStack) lines.push(`  stack kept: ${record.keptReason}`);
    return `${lines.join("\n")}\n`;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function runCommand(cmd: Extract<CliCommand, { command: "run" }>, io: CliIo, signal?: AbortSignal) {
    const spec = validateRunSpec(cmd.spec);
    const engine = engineOf(cmd.global);
    await preflight(engine);
    const driver = new Driver({ runsDir: cmd.global.runsDir, engine });
    const record = await driver.run(spec, { signal, onEvent: printProgress(io) });
    io.out(cmd.global.json ? json(record) : describeRecord(record));
    return record.status === "succeeded";
}

/** One line of human schedule output, or undefined for events shown elsewhere. Pure. */
export function tickLine(event: ScheduleEvent): string | undefined {
    switch (event.type) {
        case "tick-scheduled":
            return `tick ${event.tick} scheduled for ${event.scheduledFor}`;
        case "tick-started":
            return `tick ${event.tick} started`;
        case "tick-skipped":
            return `tick ${event.tick} skipped: ${event.reason}`;
        case "tick-finished":
            return `tick ${event.tick} ${event.status} in ${seconds(event.record.durationMs)} (stack ${event.record.stackName})${event.record.error ? `: ${event.record.error}` : ""}`;
        case "tick-failed":
            return `tick ${event.tick} rejected: ${event.error}`;
        case "schedule-stopped":
            return `schedule stopped (${event.reason}): ${event.runs} run(s), ${event.skipped} tick(s) skipped`;
        default:
            return undefined;
    }
}

async function scheduleCommand(cmd: Extract<CliCommand, { command: "schedule" }>, io: CliIo, signal?: AbortSignal) {
    const spec = validateRunSpec(cmd.spec);
    const engine = engineOf(cmd.global);
    await preflight(engine);
    const progress = printProgress(io);
    const onEvent = (event: ScheduleEvent) => {
        if (cmd.global.json) {
            // Engine and job output lines are for eyes, not for the event stream.
            if (event.type !== "engine-output" && event.type !== "job-output") io.out(`${JSON.stringify(event)}\n`);
            return;
        }
        const line = tickLine(event);
        if (line !== undefined) io.out(`${line}\n`);
        else progress(event as RunEvent);
    };
    const result = await scheduleRuns({
        cron: cmd.cron,
        timezone: cmd.timezone,
        maxRuns: cmd.maxRuns,
        spec,
        driver: new Driver({ runsDir: cmd.global.runsDir, engine }),
        signal,
        onEvent,
    });
    return result.failed === 0 && result.records.every((r) => r.status === "succeeded");
}

function runsCommand(cmd: Extract<CliCommand, { command: "runs" }>, io: CliIo): boolean {
    const file = runPaths({ runsDir: cmd.global.runsDir }).recordsFile;
    const records = readRecords(file)
        .filter((r) => cmd.series === undefined || r.series === cmd.series)
        .filter((r) => cmd.status === undefined || r.status === cmd.status)
        .slice(-cmd.tail);
    if (cmd.global.json) {
        io.out(json(records));
        return true;
    }
    if (records.length === 0) io.out(`no matching runs in ${file}\n`);
    for (const r of records) {
        const columns = [r.startedAt, r.series.padEnd(16), r.status.padEnd(9), seconds(r.durationMs).padStart(8)];
        io.out(`${[...columns, r.stackName, r.error ?? ""].join("  ").trimEnd()}\n`);
    }
    return true;
}

async function reapCommand(cmd: Extract<CliCommand, { command: "reap" }>, io: CliIo) {
    const olderThan = new Date(Date.now() - cmd.olderThanMinutes * 60_000);
    const result = await reap({
        olderThan,
        dryRun: cmd.dryRun,
        runsDir: cmd.global.runsDir,
        engine: engineOf(cmd.global),
    });
    if (cmd.global.json) {
        io.out(json({ olderThan: olderThan.toISOString(), dryRun: cmd.dryRun, ...result }));
    } else {
        if (result.reaped.length + result.skipped.length === 0) {
            io.out(`no run stack started before ${olderThan.toISOString()}\n`);
        }
        for (const name of result.reaped) io.out(`${cmd.dryRun ? "would reap" : "reaped"} ${name}\n`);
        for (const s of result.skipped) io.out(`skipped ${s.stackName}: ${s.reason}\n`);
    }
    return result.skipped.length === 0;
}

/** Runs a parsed command; resolves with its outcome, rejects with what went wrong before any run. */
export async function execute(cmd: CliCommand, io: CliIo = processIo, signal?: AbortSignal): Promise<Outcome> {
    let ok: boolean;
    switch (cmd.command) {
        case "info":
            io.out(cmd.text);
            return { kind: "succeeded" };
        case "run":
            ok = await runCommand(cmd, io, signal);
            break;
        case "schedule":
            ok = await scheduleCommand(cmd, io, signal);
            break;
        case "runs":
            ok = runsCommand(cmd, io);
            break;
        case "reap":
            ok = await reapCommand(cmd, io);
            break;
    }
    return { kind: ok ? "succeeded" : "failed" };
}

const COMMANDS = ["run", "schedule", "runs", "records", "reap"];

/**
 * Prints an error (stderr; with --json also a JSON document on stdout) and
 * returns its exit code. `argv` picks the help to point at.
 */
export function reportError(error: unknown, io: CliIo, argv: readonly string[] = []): number {
    const code = exitCodeFor({ kind: "error", error });
    const message = error instanceof Error ? error.message : String(error);
    io.err(`${/^error: /.test(message) ? message : `error: ${message}`}\n`);
    if (code === EXIT_USAGE && !(error instanceof ValidationError)) {
        const command = argv.find((arg) => COMMANDS.includes(arg));
        io.err(`(see customai ${command ? `${command} ` : ""}--help)\n`);
    }
    const asJson = argv.includes("--json");
    if (asJson) {
        const fields = error instanceof ValidationError ? { fields: error.fields } : {};
        // One line: a JSON document for run/runs/reap and a JSON line in schedule's event stream alike.
        io.out(
            `${JSON.stringify({ error: { message: message.replace(/^error: /, ""), exitCode: code, ...fields } })}\n`,
        );
    }
    return code;
}

export interface MainOptions {
    /** Optional. @default processIo */
    readonly io?: CliIo;
    /** Optional. Where `--secret-env` reads from. @default process.env */
    readonly env?: NodeJS.ProcessEnv;
    /** Optional. Interrupts `run` and `schedule` (their stacks are still destroyed). @default - none */
    readonly signal?: AbortSignal;
}

/** Runs a parsed command; resolves with the exit code, never rejects. */
async function executeToCode(
    cmd: CliCommand,
    io: CliIo,
    argv: readonly string[],
    signal?: AbortSignal,
): Promise<number> {
    try {
        return exitCodeFor(await execute(cmd, io, signal));
    } catch (err) {
        return reportError(err, io, argv);
    }
}

/** Parses and runs a command line; resolves with the exit code, never rejects. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
    const io = options.io ?? processIo;
    let cmd: CliCommand;
    try {
        cmd = parseCommandLine(argv, options.env);
    } catch (err) {
        return reportError(err, io, argv);
    }
    return executeToCode(cmd, io, argv, options.signal);
}

/**
 * The process entry point. For `run` and `schedule`, SIGINT and SIGTERM abort
 * the run in progress (a second signal only says that teardown is under way)
 * and the exit code is 130/143 once its stack is destroyed; the handlers are
 * removed at the end so nothing keeps the event loop alive. The other
 * commands keep Node's default: a signal ends them at once.
 */
export async function runProcess(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
    const io = processIo;
    let cmd: CliCommand;
    try {
        cmd = parseCommandLine(argv);
    } catch (err) {
        process.exitCode = reportError(err, io, argv);
        return;
    }
    if (cmd.command !== "run" && cmd.command !== "schedule") {
        process.exitCode = await executeToCode(cmd, io, argv);
        return;
    }
    const abort = new AbortController();
    let received: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
        if (received) {
            io.err(`${signal}: still tearing down the run stack; the process ends when it is destroyed\n`);
            return;
        }
        received = signal;
        io.err(`${signal}: stopping; the run in progress is aborted and its stack destroyed\n`);
        abort.abort();
    };
    // `on`, not `once`: with no listener left, a second signal would kill the process mid-destroy.
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
        const code = await executeToCode(cmd, io, argv, abort.signal);
        process.exitCode = received ? exitCodeFor({ kind: "interrupted", signal: received }) : code;
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    }
}

if (require.main === module) void runProcess();
