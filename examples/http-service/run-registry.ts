/**
 * The service's memory of runs: each submitted run with what is known about
 * it right now (queued, running with its phase and job status, or finished
 * with its record), and the abort controller that stops it. The Driver does
 * the work; this only watches its events and keeps the answers.
 */
import { randomUUID } from "node:crypto";
import { Driver, JobStatus, RunEvent, RunPhase, RunRecord, RunSpec, RunStatus } from "../../automation";

/** `queued` until the driver starts the run (runs of one series wait for each other). */
export type ServiceRunStatus = "queued" | "running" | RunStatus;

/** What `GET /runs/:id` answers. Never holds the spec's secrets: only the record, which the driver redacts. */
export interface RunView {
    /** The service's id of the run (the record has the driver's own `id`). */
    readonly id: string;
    readonly series: string;
    readonly target: string;
    readonly status: ServiceRunStatus;
    readonly submittedAt: string;
    /** Phase in progress while running. */
    readonly phase?: RunPhase;
    /** Last job status reported while running. */
    readonly jobStatus?: JobStatus;
    /** Whether someone asked to abort the run. */
    readonly abortRequested: boolean;
    /** The final record, once the run has finished. */
    readonly record?: RunRecord;
    /** Why the driver refused the run, when it did so without a record. */
    readonly error?: string;
}

interface Entry {
    view: RunView;
    readonly controller: AbortController;
    readonly done: Promise<void>;
}

const isFinished = (status: ServiceRunStatus) => status !== "queued" && status !== "running";

/** Default number of finished runs remembered (the records file keeps them all). */
export const DEFAULT_HISTORY_LIMIT = 1000;

export class RunRegistry {
    private readonly entries = new Map<string, Entry>();

    constructor(
        private readonly driver: Driver,
        private readonly historyLimit = DEFAULT_HISTORY_LIMIT,
    ) {}

    /** Starts (or queues) a run of a validated spec; returns its view at once. */
    submit(spec: RunSpec): RunView {
        const id = randomUUID();
        const controller = new AbortController();
        const update = (change: Partial<RunView>) => {
            const entry = this.entries.get(id);
            if (entry) entry.view = { ...entry.view, ...change };
        };
        const onEvent = (event: RunEvent) => {
            if (event.type === "phase-started") update({ status: "running", phase: event.phase });
            else if (event.type === "job-status") update({ status: "running", jobStatus: event.status });
        };
        const view: RunView = {
            id,
            series: spec.series,
            target: spec.target,
            status: "queued",
            submittedAt: new Date().toISOString(),
            abortRequested: false,
        };
        // `run` settles for every outcome; a rejection means the driver refused the spec before doing anything.
        const done = this.driver.run(spec, { signal: controller.signal, onEvent }).then(
            (record) => update({ status: record.status, phase: undefined, record }),
            (err: unknown) =>
                update({ status: "failed", phase: undefined, error: err instanceof Error ? err.message : String(err) }),
        );
        this.entries.set(id, { view, controller, done: done.then(() => this.forgetOld()) });
        return view;
    }

    get(id: string): RunView | undefined {
        return this.entries.get(id)?.view;
    }

    /** Every remembered run, oldest first. */
    list(): RunView[] {
        return [...this.entries.values()].map((e) => e.view);
    }

    /**
     * Asks a run to stop; the driver then destroys its stack and records it
     * aborted. Undefined for an unknown id; `accepted` is false for a run that
     * has already finished (it is left as it is).
     */
    abort(id: string): { view: RunView; accepted: boolean } | undefined {
        const entry = this.entries.get(id);
        if (!entry) return undefined;
        if (isFinished(entry.view.status)) return { view: entry.view, accepted: false };
        entry.view = { ...entry.view, abortRequested: true };
        entry.controller.abort();
        return { view: entry.view, accepted: true };
    }

    /** Aborts every run not yet finished and waits until each has torn down its stack and written its record. */
    async close(): Promise<void> {
        for (const entry of this.entries.values()) this.abort(entry.view.id);
        await Promise.all([...this.entries.values()].map((e) => e.done));
    }

    /** Drops the oldest finished runs beyond the limit, so a long-lived service does not grow without bound. */
    private forgetOld(): void {
        const finished = [...this.entries.values()].filter((e) => isFinished(e.view.status));
        for (const entry of finished.slice(0, Math.max(0, finished.length - this.historyLimit))) {
            this.entries.delete(entry.view.id);
        }
    }
}
