/**
 * Runs a job as a child process and waits for it with a timeout and an
 * AbortSignal. On abort or timeout the process gets SIGTERM, then SIGKILL
 * after a grace period, and the promise settles only once it has exited, so
 * a destroyed work directory is never still in use.
 */
import { spawn } from "node:child_process";
import { lineSplitter } from "../../common/events";

/** How long a job may take to stop after SIGTERM before it is killed. @default 5000 */
export const DEFAULT_KILL_GRACE_MS = 5000;

export interface JobProcessOptions {
    readonly command: string;
    readonly args: readonly string[];
    readonly cwd: string;
    /** Complete environment of the job (not merged with process.env here). */
    readonly env: Readonly<Record<string, string | undefined>>;
    /** Longest run time in ms. */
    readonly timeoutMs: number;
    /** Optional. Stops the job when aborted. @default - never aborted */
    readonly signal?: AbortSignal;
    /** Optional. Each output line of the job. @default - ignored */
    readonly onLine?: (stream: "stdout" | "stderr", line: string) => void;
    /** Optional. Grace period between SIGTERM and SIGKILL. @default 5000 */
    readonly killGraceMs?: number;
}

export interface JobProcessResult {
    readonly outcome: "succeeded" | "failed" | "canceled" | "timed-out";
    /** Exit code when the process exited by itself. */
    readonly exitCode: number | null;
    readonly pid?: number;
    /** Last stderr lines, for the error message of a failed job. */
    readonly stderrTail: readonly string[];
    readonly durationMs: number;
}

const STDERR_TAIL_LINES = 5;

/** Starts the job and resolves when it has exited (never rejects for job failures). */
export function runJobProcess(options: JobProcessOptions): Promise<JobProcessResult> {
    const started = Date.now();
    return new Promise((resolve) => {
        const stderrTail: string[] = [];
        let stopReason: "canceled" | "timed-out" | undefined;
        let spawnError: Error | undefined;
        const child = spawn(options.command, [...options.args], {
            cwd: options.cwd,
            env: options.env as NodeJS.ProcessEnv,
            stdio: ["ignore", "pipe", "pipe"],
        });
        const out = lineSplitter((line) => options.onLine?.("stdout", line));
        const err = lineSplitter((line) => {
            stderrTail.push(line);
            if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
            options.onLine?.("stderr", line);
        });
        child.stdout.setEncoding("utf8").on("data", out.push);
        child.stderr.setEncoding("utf8").on("data", err.push);

        let killTimer: NodeJS.Timeout | undefined;
        const stop = (reason: "canceled" | "timed-out") => {
            if (stopReason || child.exitCode !== null) return;
            stopReason = reason;
            child.kill("SIGTERM");
            killTimer = setTimeout(() => child.kill("SIGKILL"), options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
        };
        const onAbort = () => stop("canceled");
        const timeout = setTimeout(() => stop("timed-out"), options.timeoutMs);
        if (options.signal?.aborted) onAbort();
        else options.signal?.addEventListener("abort", onAbort, { once: true });

        child.on("error", (e) => {
            spawnError = e; // e.g. ENOENT for a missing python; "close" follows.
        });
        child.on("close", (code) => {
            clearTimeout(timeout);
            if (killTimer) clearTimeout(killTimer);
            options.signal?.removeEventListener("abort", onAbort);
            out.flush();
            err.flush();
            if (spawnError) stderrTail.push(`cannot start ${options.command}: ${spawnError.message}`);
            const outcome = stopReason ?? (code === 0 && !spawnError ? "succeeded" : "failed");
            resolve({ outcome, exitCode: code, pid: child.pid, stderrTail, durationMs: Date.now() - started });
        });
    });
}
