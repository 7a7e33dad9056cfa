/**
 * Run records: one JSON object per line in `<runs dir>/records.jsonl`, one
 * line per finished run, appended and never rewritten, so a crash can lose at
 * most the run in progress and `tail`/`jq` read it directly.
 *
 * Secret values never reach the file: every line is passed through `redact`
 * with the run's secrets before it is written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { RunPhase } from "./events";

/** Written in place of a secret value in messages and records. */
export const REDACTION = "[secret]";

export type RunStatus = "succeeded" | "failed" | "aborted";

/** What the job produced (see the output contract in spec/workload.ts). */
export interface RunOutputs {
    /** The output folder: an absolute path (local) or a URI (Azure ML). */
    readonly location: string;
    /** Files the job wrote there, relative to it, when the driver can list them. */
    readonly files?: readonly string[];
    /** Absolute path or URI of `predictions.csv`, when the job wrote one. */
    readonly predictionsPath?: string;
    /** Absolute path or URI of `metrics.json`, when the job wrote one. */
    readonly metricsPath?: string;
    /** Rows scored: `rows` of the metrics, when the job reported it. */
    readonly rowCount?: number;
    /** The job's `metrics.json`, when the driver can read it. */
    readonly metrics?: Readonly<Record<string, unknown>>;
}

/** One line of records.jsonl. */
export interface RunRecord {
    /** Unique run id (UUID). */
    readonly id: string;
    readonly series: string;
    readonly target: string;
    /** Name of the run stack (`<series>-<UTC timestamp>`). */
    readonly stackName: string;
    /** ISO 8601 UTC. */
    readonly startedAt: string;
    /** ISO 8601 UTC. */
    readonly finishedAt: string;
    readonly durationMs: number;
    /** Milliseconds spent in each phase that ran. */
    readonly phases: Readonly<Partial<Record<RunPhase, number>>>;
    readonly status: RunStatus;
    /** Present when the job produced outputs. */
    readonly outputs?: RunOutputs;
    /** Why the run did not succeed (secrets redacted). */
    readonly error?: string;
    /** True when the run stack still exists after the run (keepOnFailure, or cleanup failed). */
    readonly keptStack: boolean;
    /** Why the stack was kept, when it was. */
    readonly keptReason?: string;
    /** Run stacks of this series left by crashed runs and removed before this run. */
    readonly recovered?: readonly string[];
    /** Present when the job was submitted again: why each earlier submission ended, in order. */
    readonly resubmissions?: readonly Resubmission[];
}

/** A submission of the job that ended in a way a new submission may fix (e.g. Spot nodes preempted). */
export interface Resubmission {
    /** The submission that ended (1 for the first). */
    readonly attempt: number;
    /** What ended it, in the target's words. */
    readonly reason: string;
    /** ISO 8601 UTC time the next submission was asked for. */
    readonly at: string;
}

/** Replaces every occurrence of each secret (raw and JSON-escaped) with `[secret]`. Pure. */
export function redact(text: string, secrets: readonly string[]): string {
    const forms = new Set<string>();
    for (const secret of secrets) {
        if (secret.length === 0) continue;
        forms.add(secret);
        forms.add(JSON.stringify(secret).slice(1, -1));
    }
    // Longest first, so a secret that contains another is replaced whole.
    let result = text;
    for (const form of [...forms].sort((a, b) => b.length - a.length)) result = result.split(form).join(REDACTION);
    return result;
}

/** The record as the line that is written (no trailing newline). Pure. */
export function formatRecord(record: RunRecord, secrets: readonly string[] = []): string {
    return redact(JSON.stringify(record), secrets);
}

/** Appends one record; creates the directory. A single write, so concurrent runs never interleave lines. */
export async function appendRecord(file: string, record: RunRecord, secrets: readonly string[] = []): Promise<void> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.appendFile(file, `${formatRecord(record, secrets)}\n`, "utf8");
}

/** Reads every record; lines that are not JSON (a torn last line) are skipped. */
export function readRecords(file: string): RunRecord[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
    }
    const records: RunRecord[] = [];
    for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        try {
            records.push(JSON.parse(line) as RunRecord);
        } catch {
            // Skipped: a process killed mid-write leaves at most one partial line.
        }
    }
    return records;
}
