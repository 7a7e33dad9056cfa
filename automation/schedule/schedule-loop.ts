/**
 * The loop behind `scheduleRuns` (scheduler.ts): the cron job, the tick
 * bookkeeping and the decision to start or skip each tick's run.
 */
import { Cron } from "croner";
import { RunRecord } from "../common/records";
import { summarizeError } from "../common/errors";
import { RunSpec } from "../targets";
import type { ScheduleOptions, ScheduleResult, ScheduleStopReason, SpecFactory, TickEvent } from "./scheduler";

type StopFn = (reason: ScheduleStopReason) => void;

/** Why a tick is skipped when the driver is already busy with the series for another caller. */
const busyReason = (series: string) => `a run of series ${series} is already queued or running in the driver`;

/** The state of one schedule; lives as long as the promise of `scheduleRuns`. */
export class ScheduleLoop {
    private readonly records: RunRecord[] = [];
    private ticks = 0;
    private started = 0;
    private skipped = 0;
    private failed = 0;
    private nextAt: Date | null = null;
    private current?: { readonly tick: number; readonly done: Promise<void> };
    private stopping = false;
    private job?: Cron;

    constructor(private readonly options: ScheduleOptions) {}

    start(): Promise<ScheduleResult> {
        const { signal } = this.options;
        return new Promise((resolve) => {
            const stop: StopFn = (reason) => {
                if (this.stopping) return;
                this.stopping = true;
                this.job?.stop();
                signal?.removeEventListener("abort", onAbort);
                // The run in progress sees the same signal, so after an abort this waits for its teardown.
                void (this.current?.done ?? Promise.resolve()).then(() => {
                    // An abort during the last run of `maxRuns` still ended the schedule early.
                    const stoppedBy = signal?.aborted ? "aborted" : reason;
                    this.emit({
                        type: "schedule-stopped",
                        reason: stoppedBy,
                        ticks: this.ticks,
                        runs: this.started,
                        skipped: this.skipped,
                        at: Date.now(),
                    });
                    resolve({
                        records: this.records,
                        ticks: this.ticks,
                        skipped: this.skipped,
                        failed: this.failed,
                        stoppedBy,
                    });
                });
            };
            const onAbort = () => stop("aborted");
            if (signal?.aborted) return stop("aborted");
            signal?.addEventListener("abort", onAbort, { once: true });
            this.job = new Cron(this.options.cron, { timezone: this.options.timezone }, () => {
                this.onTick(stop);
            });
            this.announceNext(stop);
        });
    }

    private onTick(stop: StopFn): void {
        if (this.stopping) return;
        this.ticks += 1;
        const tick = this.ticks;
        const scheduledFor = this.nextAt ?? new Date();
        const { spec, maxRuns } = this.options;
        if (this.current) {
            const running = this.current.tick;
            this.skip(tick, scheduledFor, `the run of tick ${running} is still going`, running);
        } else if (typeof spec !== "function" && this.driverBusy(spec.series)) {
            this.skip(tick, scheduledFor, busyReason(spec.series));
        } else if (typeof spec !== "function") {
            // Set before the first await, so a tick that fires meanwhile sees the run as going.
            this.track(tick, this.runTick(tick, scheduledFor, spec));
            this.started += 1;
            if (maxRuns !== undefined && this.started >= maxRuns) return stop("max-runs");
        } else {
            // A factory's run counts only once its spec is built and its series found idle; a tick that
            // may be the last one `maxRuns` allows announces the next only after that (see buildAndRun).
            const mayBeLast = maxRuns !== undefined && this.started + 1 >= maxRuns;
            this.track(tick, this.buildAndRun(tick, scheduledFor, spec, mayBeLast, stop));
            if (mayBeLast) return;
        }
        this.announceNext(stop);
    }

    /** Makes `run` the schedule's current run until it settles. */
    private track(tick: number, run: Promise<void>): void {
        const done = run.finally(() => {
            if (this.current?.done === done) this.current = undefined;
        });
        this.current = { tick, done };
    }

    /** True when the driver has a run of `series` queued or running, for this schedule or any other caller. */
    private driverBusy(series: unknown): boolean {
        return typeof series === "string" && this.options.driver.isBusy?.(series) === true;
    }

    private skip(tick: number, scheduledFor: Date, reason: string, runningTick?: number): void {
        this.skipped += 1;
        const base = { tick, scheduledFor: scheduledFor.toISOString(), reason, at: Date.now() };
        this.emit({ type: "tick-skipped", ...base, ...(runningTick === undefined ? {} : { runningTick }) });
    }

    /** Emits the next occurrence, or ends the schedule when there is none. */
    private announceNext(stop: StopFn): void {
        this.nextAt = this.job?.nextRun() ?? null;
        if (this.nextAt === null) return stop("schedule-ended");
        this.emit({
            type: "tick-scheduled",
            tick: this.ticks + 1,
            scheduledFor: this.nextAt.toISOString(),
            at: Date.now(),
        });
    }

    /**
     * A spec factory's tick: the series is known only once the spec is built,
     * so the driver is asked then, and the tick either starts (and counts
     * toward `maxRuns`) or is skipped. Never rejects.
     */
    private async buildAndRun(
        tick: number,
        scheduledFor: Date,
        factory: SpecFactory,
        mayBeLast: boolean,
        stop: StopFn,
    ): Promise<void> {
        let built: { spec: RunSpec } | { error: unknown };
        try {
            built = { spec: await factory({ tick, scheduledFor }) };
        } catch (error) {
            built = { error };
        }
        if ("spec" in built && this.driverBusy(built.spec?.series)) {
            this.skip(tick, scheduledFor, busyReason(built.spec.series));
            // Ticks that fired while the spec was built have announced the next one already.
            if (mayBeLast && !this.stopping && this.ticks === tick) this.announceNext(stop);
            return;
        }
        this.started += 1;
        if (mayBeLast) {
            const { maxRuns } = this.options;
            if (maxRuns !== undefined && this.started >= maxRuns) stop("max-runs");
            else if (!this.stopping && this.ticks === tick) this.announceNext(stop);
        }
        const base = { tick, scheduledFor: scheduledFor.toISOString() };
        if ("error" in built) {
            // Reported as started then failed, like a run the driver rejects, so the events still pair up.
            this.emit({ type: "tick-started", ...base, at: Date.now() });
            this.failed += 1;
            this.emit({ type: "tick-failed", ...base, error: summarizeError(built.error), at: Date.now() });
            return;
        }
        await this.runTick(tick, scheduledFor, built.spec);
    }

    /** One tick's run. Never rejects: the outcome becomes an event (and a record, once a run started). */
    private async runTick(tick: number, scheduledFor: Date, spec: RunSpec): Promise<void> {
        const base = { tick, scheduledFor: scheduledFor.toISOString() };
        this.emit({ type: "tick-started", ...base, at: Date.now() });
        try {
            const { driver, signal, onEvent } = this.options;
            const record = await driver.run(spec, { signal, onEvent });
            this.records.push(record);
            this.emit({ type: "tick-finished", ...base, status: record.status, record, at: Date.now() });
        } catch (err) {
            this.failed += 1;
            this.emit({ type: "tick-failed", ...base, error: summarizeError(err), at: Date.now() });
        }
    }

    private emit(event: TickEvent): void {
        try {
            this.options.onEvent?.(event);
        } catch {
            // A broken listener must not stop the schedule.
        }
    }
}
