/**
 * What a run reports while it runs: phases with their durations, the
 * engine's output line by line, and job status changes. Listeners get typed
 * events; a listener that throws cannot break the run.
 */

/** The steps of a batch run, in order (see run/runner.ts and the phase table of automation/README.md). */
export type RunPhase = "validate" | "lock" | "recover" | "create" | "configure" | "up" | "wait" | "collect" | "destroy";

/** Job states the driver distinguishes; `aml` statuses map onto these. */
export type JobStatus = "starting" | "running" | "succeeded" | "failed" | "canceled" | "timed-out";

interface RunEventBase {
    /** Run id (also in the record). */
    readonly runId: string;
    readonly series: string;
    /** Milliseconds since the epoch. */
    readonly at: number;
}

export type RunEvent =
    | (RunEventBase & { readonly type: "phase-started"; readonly phase: RunPhase })
    | (RunEventBase & {
          readonly type: "phase-finished";
          readonly phase: RunPhase;
          readonly durationMs: number;
          readonly ok: boolean;
      })
    | (RunEventBase & {
          readonly type: "engine-output";
          readonly phase: RunPhase;
          readonly stream: "stdout" | "stderr";
          readonly line: string;
      })
    | (RunEventBase & { readonly type: "job-status"; readonly status: JobStatus; readonly detail?: string })
    | (RunEventBase & { readonly type: "job-output"; readonly stream: "stdout" | "stderr"; readonly line: string })
    | (RunEventBase & {
          readonly type: "job-resubmitted";
          /** The submission that starts now (2 for the first resubmission). */
          readonly attempt: number;
          /** Why the previous submission ended and a new one may succeed, e.g. its nodes were preempted. */
          readonly reason: string;
      })
    | (RunEventBase & {
          readonly type: "retry";
          readonly phase: RunPhase;
          readonly attempt: number;
          readonly delayMs: number;
          readonly error: string;
      });

export type RunListener = (event: RunEvent) => void;

/** Fans events out to listeners; swallows listener errors so reporting never fails a run. */
export class RunEvents {
    private readonly listeners = new Set<RunListener>();

    /** Adds a listener; returns a function that removes it. */
    on(listener: RunListener): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    emit(event: RunEvent): void {
        for (const listener of this.listeners) {
            try {
                listener(event);
            } catch {
                // A broken progress printer must not turn a good run into a failed one.
            }
        }
    }
}

/**
 * Turns a stream of chunks (which split lines anywhere) into whole lines.
 * Call `flush()` at the end for a last line without a newline.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
    let pending = "";
    return {
        push(chunk: string) {
            pending += chunk;
            const lines = pending.split(/\r?\n/);
            pending = lines.pop() ?? "";
            for (const line of lines) onLine(line);
        },
        flush() {
            if (pending.length > 0) onLine(pending);
            pending = "";
        },
    };
}
