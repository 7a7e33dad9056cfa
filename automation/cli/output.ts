/**
 * What commands print: progress lines on stderr, human-readable or JSON
 * results on stdout, and errors (with their exit code) in either form. The
 * line builders are pure, so their wording is tested without a run.
 */
import { ValidationError } from "../../components/common/validation";
import type { RunEvent } from "../common/events";
import type { RunRecord } from "../common/records";
import type { ScheduleEvent } from "../schedule/scheduler";
import { COMMAND_ALIASES, COMMAND_NAMES } from "./command";
import { EXIT_USAGE, exitCodeFor } from "./exit-codes";

/** Where a command writes; text is written as is (callers add newlines). */
export interface CliIo {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

export const processIo: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
};

/** Milliseconds as seconds with one decimal, e.g. `4.1 s`. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A JSON document, indented, with its newline. */
export const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

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

/** A run listener that writes `progressLine`s to stderr. */
export function printProgress(io: CliIo): (event: RunEvent) => void {
    return (event) => {
        const line = progressLine(event);
        if (line !== undefined) io.err(`${line}\n`);
    };
}

/** The human summary of a run record: status, outputs, error, kept stack. Pure. */
export function describeRecord(record: RunRecord): string {
    const lines = [
        `run ${record.status} in ${seconds(record.durationMs)} (series ${record.series}, stack ${record.stackName})`,
    ];
    if (record.outputs) lines.push(`  outputs:     ${record.outputs.location}`);
    if (record.outputs?.predictionsPath) {
        lines.push(`  predictions: ${record.outputs.predictionsPath} (${record.outputs.rowCount ?? "?"} rows)`);
    }
    if (record.outputs?.metrics) lines.push(`  metrics:     ${JSON.stringify(record.outputs.metrics)}`);
    if (record.error) lines.push(`  error: ${record.error}`);
    if (record.keptStack) lines.push(`  stack kept: ${record.keptReason}`);
    return `${lines.join("\n")}\n`;
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

/**
 * Prints an error (stderr; with --json also a JSON document on stdout) and
 * returns its exit code. `argv` picks the help to point at.
 */
export function reportError(error: unknown, io: CliIo, argv: readonly string[] = []): number {
    const code = exitCodeFor({ kind: "error", error });
    const message = error instanceof Error ? error.message : String(error);
    io.err(`${/^error: /.test(message) ? message : `error: ${message}`}\n`);
    if (code === EXIT_USAGE && !(error instanceof ValidationError)) {
        const command = argv.find(
            (arg) => (COMMAND_NAMES as readonly string[]).includes(arg) || arg in COMMAND_ALIASES,
        );
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
