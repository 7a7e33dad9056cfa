/**
 * Command line over the driver library:
 *
 *   cli run <spec.json> [--runs-dir DIR] [--backend URL]     one batch run; exit code 1 unless it succeeded
 *   cli reap [--older-than-minutes N] [--dry-run] [...]      destroy run stacks past their deadline
 *   cli records [--tail N] [--runs-dir DIR]                  print the last run records (JSON lines)
 *
 * Sets process.exitCode (0 ok, 1 run failed/aborted, 2 usage or invalid spec); never calls process.exit.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { ValidationError } from "../components/common/validation";
import { Driver } from "./driver";
import { RunEvent } from "./events";
import { readRecords } from "./records";
import { DEFAULT_REAP_AGE_MINUTES, reap } from "./reaper";
import { runPaths } from "./runner";

export const USAGE = `usage:
  cli run <spec.json> [--runs-dir DIR] [--backend URL]
  cli reap [--older-than-minutes N (default ${DEFAULT_REAP_AGE_MINUTES})] [--dry-run] [--runs-dir DIR] [--backend URL]
  cli records [--tail N (default 10)] [--runs-dir DIR]`;

export type CliCommand =
    | { readonly command: "run"; readonly specFile: string; readonly runsDir?: string; readonly backendUrl?: string }
    | {
          readonly command: "reap";
          readonly olderThanMinutes: number;
          readonly dryRun: boolean;
          readonly runsDir?: string;
          readonly backendUrl?: string;
      }
    | { readonly command: "records"; readonly tail: number; readonly runsDir?: string };

/** Thrown for a command line that cannot be run; the message includes the usage. */
export class UsageError extends Error {
    constructor(problem: string) {
        super(`${problem}\n${USAGE}`);
        this.name = "UsageError";
    }
}

function positiveNumber(flag: string, text: string | undefined, fallback: number): number {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} must be a positive number, got ${text}`);
    return value;
}

/** Parses argv (without node and the script). Pure. */
export function parseCli(argv: readonly string[]): CliCommand {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            options: {
                "runs-dir": { type: "string" },
                backend: { type: "string" },
                "older-than-minutes": { type: "string" },
                "dry-run": { type: "boolean" },
                tail: { type: "string" },
            },
        });
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    const [command, ...rest] = positionals;
    const runsDir = values["runs-dir"];
    const backendUrl = values.backend;
    switch (command) {
        case "run":
            if (rest.length !== 1) throw new UsageError("run takes exactly one spec file");
            return { command, specFile: rest[0], runsDir, backendUrl };
        case "reap":
            return {
                command,
                olderThanMinutes: positiveNumber(
                    "older-than-minutes",
                    values["older-than-minutes"],
                    DEFAULT_REAP_AGE_MINUTES,
                ),
                dryRun: values["dry-run"] ?? false,
                runsDir,
                backendUrl,
            };
        case "records":
            return { command, tail: positiveNumber("tail", values.tail, 10), runsDir };
        default:
            throw new UsageError(command === undefined ? "no command given" : `unknown command ${command}`);
    }
}

function printProgress(event: RunEvent): void {
    if (event.type === "phase-finished")
        console.error(`${event.phase} ${event.ok ? "done" : "failed"} in ${event.durationMs} ms`);
    if (event.type === "job-status") console.error(`job ${event.status}${event.detail ? `: ${event.detail}` : ""}`);
}

async function execute(cmd: CliCommand): Promise<number> {
    const engine = { backendUrl: "backendUrl" in cmd ? cmd.backendUrl : undefined };
    switch (cmd.command) {
        case "run": {
            const spec = JSON.parse(fs.readFileSync(cmd.specFile, "utf8")) as unknown;
            const abort = new AbortController();
            // Every Ctrl-C only aborts: the process stays until the run stack is destroyed.
            const onSigint = () => abort.abort();
            process.on("SIGINT", onSigint);
            try {
                const driver = new Driver({ runsDir: cmd.runsDir, engine });
                const record = await driver.run(spec as never, { signal: abort.signal, onEvent: printProgress });
                console.log(JSON.stringify(record, null, 2));
                return record.status === "succeeded" ? 0 : 1;
            } finally {
                process.off("SIGINT", onSigint);
            }
        }
        case "reap": {
            const olderThan = new Date(Date.now() - cmd.olderThanMinutes * 60_000);
            const result = await reap({ olderThan, dryRun: cmd.dryRun, runsDir: cmd.runsDir, engine });
            console.log(JSON.stringify(result, null, 2));
            return result.skipped.length === 0 ? 0 : 1;
        }
        case "records": {
            for (const record of readRecords(runPaths(cmd).recordsFile).slice(-cmd.tail))
                console.log(JSON.stringify(record));
            return 0;
        }
    }
}

/** Entry point: runs the command line, returns the exit code. */
export async function cli(argv: readonly string[]): Promise<number> {
    try {
        return await execute(parseCli(argv));
    } catch (err) {
        if (err instanceof UsageError || err instanceof ValidationError) {
            console.error(err.message);
            return 2;
        }
        throw err;
    }
}

if (require.main === module) {
    cli(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (err: unknown) => {
            console.error(err instanceof Error ? err.message : err);
            process.exitCode = 1;
        },
    );
}
