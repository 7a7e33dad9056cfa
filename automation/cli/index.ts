/**
 * `customai`: the command line over the driver, the scheduler and the reaper.
 * A thin shell: parsing (program.ts) turns argv into a `CliCommand`,
 * execution (commands/) calls the library, and the outcome becomes an exit
 * code (exit-codes.ts). It sets process.exitCode and never calls
 * process.exit, so a run interrupted by a signal still destroys its stack
 * before the process ends.
 *
 * Installed as the `customai` bin (bin/customai.js); `npm run cli -- …` too.
 */
import { CliCommand } from "./command";
import { execute } from "./commands";
import { exitCodeFor } from "./exit-codes";
import { CliIo, processIo, reportError } from "./output";
import { parseCommandLine } from "./program";

export { DEFAULT_TAIL } from "./command";
export type { CliCommand, GlobalOptions, SpecInput } from "./command";
export { execute } from "./commands";
export {
    EXIT_CODES_HELP,
    EXIT_ENVIRONMENT,
    EXIT_OK,
    EXIT_RUN_FAILED,
    EXIT_SIGINT,
    EXIT_SIGTERM,
    EXIT_USAGE,
    exitCodeFor,
    UsageError,
} from "./exit-codes";
export type { Outcome } from "./exit-codes";
export { processIo, progressLine, reportError, tickLine } from "./output";
export type { CliIo } from "./output";
export { parseCommandLine } from "./program";
export { readSpecFile, specFromFlags } from "./spec-flags";
export type { SpecFile, SpecFlags } from "./spec-flags";

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
 * The process entry point. For `run`, `sample` and `schedule`, SIGINT and SIGTERM abort
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
    if (cmd.command !== "run" && cmd.command !== "schedule" && cmd.command !== "sample") {
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
