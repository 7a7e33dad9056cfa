/**
 * The commander program: argv → `CliCommand`. Pure apart from reading the
 * spec file and the `--secret-env` variables; nothing here runs a command.
 * It loads only light modules (no engine, no Azure SDK), so `--help` and
 * usage errors answer at once.
 */
import { Command, CommanderError, Option } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_REAP_AGE_MINUTES } from "../common/limits";
import { PROJECT_ROOT } from "../common/paths";
import type { RunStatus } from "../common/records";
import { validateSchedule } from "../schedule/schedule-args";
import { BUILT_IN_TARGETS } from "../targets";
import { CliCommand, COMMAND_NAMES, DEFAULT_SAMPLE_SERIES, DEFAULT_TAIL, GlobalOptions } from "./command";
import { DEFAULT_SAMPLE_ROWS } from "../sample/sample";
import { EXIT_CODES_HELP, UsageError } from "./exit-codes";
import { addSpecOptions, nonNegativeNumber, positiveInteger, positiveNumber, SpecFlags, specOf } from "./spec-flags";

const HELP_EPILOG = `${EXIT_CODES_HELP}

Environment: PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) for the secrets provider,
default: a passphrase kept in <home>/.pulumi/passphrase.
<home> is this checkout, or the working directory when the package is installed as a dependency.`;

const RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "aborted"];

/** Global options; `env` fills what the command line leaves out (read here rather than by commander, so it can be injected). */
function globalsOf(command: Command, env: NodeJS.ProcessEnv): GlobalOptions {
    const all = command.optsWithGlobals<{
        json?: boolean;
        runsDir?: string;
        backendUrl?: string;
        secretsProvider?: string;
    }>();
    return {
        json: all.json === true,
        runsDir: all.runsDir ?? (env.CUSTOMAI_RUNS_DIR || undefined),
        backendUrl: all.backendUrl ?? (env.PULUMI_BACKEND_URL || undefined),
        secretsProvider: all.secretsProvider ?? (env.PULUMI_SECRETS_PROVIDER || undefined),
    };
}

function version(): string {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };
    return pkg.version;
}

const SPEC_ARGUMENT = "run spec JSON file; relative paths in it are read from its directory (flags override it)";

const TARGET_NAMES = Object.keys(BUILT_IN_TARGETS);
const TARGETS_HELP = `
Targets:
${Object.values(BUILT_IN_TARGETS)
    .map((t) => `  ${t.name.padEnd(6)} ${t.description}`)
    .join("\n")}`;

/** The flags `schedule` has besides the spec flags. */
interface ScheduleFlags {
    readonly timezone?: string;
    readonly maxRuns?: number;
}

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
                "records, outputs, locks and work directories (default: $CUSTOMAI_RUNS_DIR, else <home>/.runs)",
            ),
        )
        .addOption(
            new Option(
                "--backend-url <url>",
                "Pulumi state backend: file://<dir>, azblob://<container> or https://api.pulumi.com " +
                    "(default: $PULUMI_BACKEND_URL, else file://<home>/.pulumi/state)",
            ),
        )
        .addOption(
            new Option(
                "--secrets-provider <url>",
                "secrets provider of run stacks, e.g. azurekeyvault://<vault>.vault.azure.net/keys/<key> " +
                    "(default: $PULUMI_SECRETS_PROVIDER, else a passphrase: $PULUMI_CONFIG_PASSPHRASE or .pulumi/passphrase)",
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
        TARGET_NAMES,
        env,
    )
        .addHelpText(
            "after",
            `
Examples:
  customai run nightly.json
  customai run --series churn --target local --script score.py --input data.csv --model model.json \\
      --timeout-minutes 30 --config region=westeurope --secret-env apiToken=CHURN_API_TOKEN --json
${TARGETS_HELP}`,
        )
        .action((specFile: string | undefined, flags: SpecFlags, command: Command) => {
            found({ command: "run", global: globalsOf(command, env), ...specOf(specFile, flags) });
        });

    program
        .command("sample")
        .summary("generate the sample workload and run it on the local target (what `npm start` does)")
        .description(
            "Generate a small logistic-regression model and a seeded CSV (no download), then run them as " +
                "`customai run` would on the local target: validate, create, up, score, collect, destroy.",
        )
        .option("--series <name>", "run series (default: $CUSTOMAI_SERIES, else nightly-sample)")
        .option("--rows <n>", "rows of sample data", positiveInteger, DEFAULT_SAMPLE_ROWS)
        .action((flags: { series?: string; rows: number }, command: Command) => {
            const series = flags.series ?? (env.CUSTOMAI_SERIES || DEFAULT_SAMPLE_SERIES);
            found({ command: "sample", global: globalsOf(command, env), series, rows: flags.rows });
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
        TARGET_NAMES,
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
                ...specOf(specFile, flags),
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

    program
        .command("plan")
        .summary("evaluate a program offline: resources, estimated cost, policy (no Azure account needed)")
        .description(
            "Evaluate a path program (or any Pulumi program directory) under the Pulumi mock engine, with no CLI, " +
                "credentials or network. Prints the resource tree (secrets masked), an estimated cost per hour at " +
                "maximum scale and per month at the stated usage, and the policy results; writes the Kubernetes " +
                "manifests to a folder. Fails (exit 1) when a mandatory policy fails or the estimate exceeds --budget.",
        )
        .argument("<program>", "a path id (platform, 1-1 ... 2-6) or a Pulumi program directory")
        .option(
            "--config-file <file>",
            "stack config file to read (default: the program's Pulumi.example.yaml, if it has one)",
        )
        .option("-c, --config <key=value>", "config value, over the file (repeatable)", collect, [])
        .option("--stack <name>", "stack name the program sees (default: plan)")
        .option("--out <dir>", "folder for the Kubernetes manifests (default: .plan/<project>)")
        .option("--budget <usd>", "fail when the monthly estimate exceeds this amount (USD)", positiveNumber)
        .option(
            "--live-prices",
            "refresh prices from the public Azure Retail Prices API (cached 24 h; offline: one note)",
        )
        .option("--burst-hours <h>", "hours per month compute runs above its minimum (default: 60)", nonNegativeNumber)
        .option(
            "--vm-hours <h>",
            "hours per month a VM with daily auto-shutdown runs (default: 176)",
            nonNegativeNumber,
        )
        .addHelpText(
            "after",
            `
Examples:
  customai plan 2-5
  customai plan 2-2 --config maxNodes=4 --budget 300
  customai plan programs/1-1 --config-file programs/1-1/Pulumi.dev.yaml --json
  npm run plan -- 2-3`,
        )
        .action((target: string, flags: PlanFlags, command: Command) => {
            found({
                command: "plan",
                global: globalsOf(command, env),
                program: target,
                configFile: flags.configFile,
                config: flags.config,
                stack: flags.stack,
                out: flags.out,
                budget: flags.budget,
                livePrices: flags.livePrices === true,
                burstHours: flags.burstHours,
                vmHours: flags.vmHours,
            });
        });

    return program;
}

/** The flags of `plan`. */
interface PlanFlags {
    readonly configFile?: string;
    readonly config: string[];
    readonly stack?: string;
    readonly out?: string;
    readonly budget?: number;
    readonly livePrices?: boolean;
    readonly burstHours?: number;
    readonly vmHours?: number;
}

/** Commander's accumulator of a repeatable option. */
function collect(value: string, previous: string[]): string[] {
    return [...previous, value];
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
        if (err.code === "commander.help") throw new UsageError(`missing command: one of ${COMMAND_NAMES.join(", ")}`);
        throw err;
    }
    if (!command) throw new UsageError(`missing command: one of ${COMMAND_NAMES.join(", ")}`);
    return command;
}
