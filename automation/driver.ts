/**
 * The driver: the library entry point for batch runs. It queues runs of one
 * series behind each other (in this process; the series lock covers other
 * processes) while runs of different series proceed concurrently, and fans
 * every run's events out to its listeners.
 */
import { RunEvents, RunListener } from "./events";
import { RunRecord } from "./records";
import { runBatch, RunnerOptions, runPaths, RunPaths } from "./runner";
import { SeriesQueue } from "./series-queue";
import { RunSpec } from "./spec";

/** Settings shared by every run of a driver (see RunnerOptions for each default). */
export type DriverOptions = Omit<RunnerOptions, "signal" | "onEvent">;

/** Per-run options. */
export interface RunOptions {
    /** Optional. Aborts this run (also while it waits for its turn). @default - never aborted */
    readonly signal?: AbortSignal;
    /** Optional. Events of this run only, besides the driver's listeners. @default - none */
    readonly onEvent?: RunListener;
}

export class Driver {
    private readonly queue = new SeriesQueue();
    private readonly events = new RunEvents();

    constructor(private readonly options: DriverOptions = {}) {}

    /** Where this driver keeps records, outputs and locks. */
    get paths(): RunPaths {
        return runPaths(this.options);
    }

    /** Adds a listener for the events of every run; returns a function that removes it. */
    on(listener: RunListener): () => void {
        return this.events.on(listener);
    }

    /**
     * Runs `spec` after the earlier runs of its series. Resolves with the
     * record (succeeded, failed or aborted); rejects for an invalid spec.
     */
    run(spec: RunSpec, options: RunOptions = {}): Promise<RunRecord> {
        // Per run, so `options.onEvent` hears this run only while driver listeners hear every run.
        const runEvents = new RunEvents();
        runEvents.on((event) => this.events.emit(event));
        if (options.onEvent) runEvents.on(options.onEvent);
        // An invalid series still gets a queue key; runBatch rejects it before anything happens.
        const key = typeof spec?.series === "string" ? spec.series : "";
        return this.queue.run(key, () =>
            runBatch(spec, { ...this.options, signal: options.signal, onEvent: (e) => runEvents.emit(e) }),
        );
    }
}
