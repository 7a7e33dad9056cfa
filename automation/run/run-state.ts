/**
 * Bookkeeping of one run: phase timings and events, redacted engine output,
 * and short error summaries. Kept apart from the runner's control flow.
 */
import { Stack } from "@pulumi/pulumi/automation";
import { lineSplitter, RunEvent, RunEvents, RunListener, RunPhase } from "../common/events";
import { redact } from "../common/records";
import { errorMessage } from "../common/errors";
import { RetryOptions, RetryPolicy } from "../common/retry";

/** Engine output callbacks of one command. */
export interface EngineOutput {
    readonly onOutput: (chunk: string) => void;
    readonly onError: (chunk: string) => void;
    readonly flush: () => void;
}

/** The reason a run stops early when its signal aborts. */
export class RunAbortedError extends Error {
    constructor(readonly phase: RunPhase) {
        super(`run aborted during ${phase}`);
        this.name = "RunAbortedError";
    }
}

/** An event as a run emits it; the run id, series and time are added. */
export type EventBody = RunEvent extends infer E
    ? E extends RunEvent
        ? Omit<E, "runId" | "series" | "at">
        : never
    : never;

/** Mutable bookkeeping of one run (phase timings, the stack once created, what recovery removed). */
export class RunState {
    readonly phases: Partial<Record<RunPhase, number>> = {};
    stack?: Stack;
    upCompleted = false;
    recovered: string[] = [];
    /** The phase running now (or last run). */
    current?: RunPhase;
    private readonly events = new RunEvents();

    constructor(
        readonly runId: string,
        readonly series: string,
        listener: RunListener | undefined,
        readonly secrets: readonly string[],
    ) {
        if (listener) this.events.on(listener);
    }

    emit(body: EventBody): void {
        this.events.emit({ ...body, runId: this.runId, series: this.series, at: Date.now() } as RunEvent);
    }

    /** Runs one phase: events, timing, and an abort check before it starts. */
    async phase<T>(phase: RunPhase, fn: () => Promise<T> | T, signal?: AbortSignal): Promise<T> {
        if (signal?.aborted) throw new RunAbortedError(phase);
        this.current = phase;
        this.emit({ type: "phase-started", phase });
        const started = Date.now();
        let ok = false;
        try {
            const result = await fn();
            ok = true;
            return result;
        } finally {
            const durationMs = Date.now() - started;
            this.phases[phase] = (this.phases[phase] ?? 0) + durationMs;
            this.emit({ type: "phase-finished", phase, durationMs, ok });
        }
    }

    /** `onOutput`/`onError` callbacks that emit whole, redacted lines; call `flush` when the command ends. */
    engineOutput(phase: RunPhase): EngineOutput {
        const splitter = (stream: "stdout" | "stderr") =>
            lineSplitter((line) =>
                this.emit({ type: "engine-output", phase, stream, line: redact(line, this.secrets) }),
            );
        const out = splitter("stdout");
        const err = splitter("stderr");
        return {
            onOutput: out.push,
            onError: err.push,
            flush: () => {
                out.flush();
                err.flush();
            },
        };
    }

    retryOptions(phase: RunPhase, policy: RetryPolicy | undefined, signal?: AbortSignal): RetryOptions {
        return {
            ...policy,
            signal,
            onRetry: (err: unknown, attempt: number, delayMs: number) =>
                this.emit({ type: "retry", phase, attempt, delayMs, error: redact(errorMessage(err), this.secrets) }),
        };
    }
}
