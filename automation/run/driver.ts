/**
 * The driver: the library entry point for batch runs. It queues runs of one
 * series behind each other (in this process; the series lock covers other
 * processes) while runs of different series proceed concurrently, and fans
 * every run's events out to its listeners.
 */
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { RunEvents, RunListener } from "../common/events";
import { RunPaths, runPaths } from "../common/paths";
import { RunRecord } from "../common/records";
import { ValidationIssue } from "../../components/common/validation";
import { fileCheck, runSpecIssues, SpecSections } from "../spec";
import { EngineSettings, pulumiCommand } from "../stacks/engine";
import { RunSpec, specSections, targetRegistry } from "../targets";
import { runBatch, RunnerOptions } from "./runner";
import { SeriesQueue } from "./series-queue";

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
    /**
     * The CLI, looked up by the first run that needs it and shared by every later one: a lookup starts a
     * `pulumi version` process, a cost each run would otherwise pay again. Per instance, so drivers with
     * different `pulumiRoot`s never share one.
     */
    private command?: Promise<PulumiCommand>;

    /** The spec sections of this driver's targets (built-in, plus `options.targets`). */
    private readonly sections: SpecSections;

    constructor(private readonly options: DriverOptions = {}) {
        this.sections = specSections(targetRegistry(options.targets));
    }

    /** Where this driver keeps records, outputs and locks. */
    get paths(): RunPaths {
        return runPaths(this.options);
    }

    /** Adds a listener for the events of every run; returns a function that removes it. */
    on(listener: RunListener): () => void {
        return this.events.on(listener);
    }

    /**
     * True while a run of `series` is queued or running in this driver, whoever
     * started it. Runs in other drivers or processes are not seen here (the
     * series lock refuses those).
     */
    isBusy(series: string): boolean {
        return this.queue.isActive(series);
    }

    /**
     * Every problem with `spec` for this driver's targets, each naming its
     * field; empty when it can run. Starts no process.
     */
    specIssues(spec: unknown): ValidationIssue[] {
        return runSpecIssues(spec, this.sections, fileCheck(this.options.cwd));
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
        return this.queue.run(key, async () =>
            runBatch(spec, {
                ...this.options,
                engine: await this.engineFor(spec),
                signal: options.signal,
                onEvent: (e) => runEvents.emit(e),
            }),
        );
    }

    /**
     * The engine settings of one run, carrying the driver's CLI. A spec that
     * runBatch will reject skips the lookup, so it still starts no process. A
     * failed lookup is not kept: runBatch looks again and records the error as
     * it always did, and a CLI installed meanwhile is found by the next run.
     */
    private async engineFor(spec: RunSpec): Promise<EngineSettings | undefined> {
        const engine = this.options.engine;
        if (engine?.pulumiCommand || this.specIssues(spec).length > 0) return engine;
        this.command ??= pulumiCommand(engine);
        try {
            return { ...engine, pulumiCommand: await this.command };
        } catch {
            this.command = undefined;
            return engine;
        }
    }
}
