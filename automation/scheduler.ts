/**
 * Recurring batch runs on a cron schedule, as a thin layer over the driver.
 *
 * A schedule is one series of runs: a tick that arrives while the previous
 * run of the schedule is still going is skipped (and reported), never queued,
 * so a slow night cannot pile up a backlog of runs. Aborting the signal stops
 * the ticks and aborts the run in progress through its AbortSignal; the
 * promise resolves once that run has torn its stack down. Nothing here
 * touches process-wide state.
 */
import { Cron } from "croner";
import { ValidationError, ValidationIssue, Validator } from "../components/common/validation";
import { Driver } from "./driver";
import { RunEvent } from "./events";
import { RunRecord, RunStatus } from "./records";
import { summarizeError } from "./run-state";
import { RunSpec, runSpecIssues } from "./spec";
import { targetFor } from "./targets";

/** When and how often a schedule fires. */
export interface ScheduleArgs {
    /**
     * Required. Cron expression: 5 fields (minute precision), 6 (a leading seconds field) or 7 (a trailing
     * year field); nicknames such as `@daily` and `@hourly` too.
     */
    readonly cron: string;
    /** Optional. IANA time zone the expression is read in, e.g. `Europe/Paris`. @default - the host's time zone */
    readonly timezone?: string;
    /** Optional. Runs to start before the schedule ends; skipped ticks do not count. @default - unlimited */
    readonly maxRuns?: number;
}

/** What a spec factory learns about the tick it builds a spec for. */
export interface TickInfo {
    /** 1-based number of the tick within this schedule (skipped ticks count). */
    readonly tick: number;
    /** The time the tick was scheduled for. */
    readonly scheduledFor: Date;
}

/** Builds the spec of one tick's run, e.g. to point at that night's input. */
export type SpecFactory = (tick: TickInfo) => RunSpec | Promise<RunSpec>;

interface TickEventBase {
    readonly tick: number;
    /** ISO 8601 UTC. */
    readonly scheduledFor: string;
    /** Milliseconds since the epoch. */
    readonly at: number;
}

/** Why a schedule ended. */
export type ScheduleStopReason = "aborted" | "max-runs" | "schedule-ended";

/** Events of the schedule itself; the runs' own events are passed on beside them. */
export type TickEvent =
    | (TickEventBase & { readonly type: "tick-scheduled" })
    | (TickEventBase & { readonly type: "tick-started" })
    | (TickEventBase & { readonly type: "tick-skipped"; readonly reason: string; readonly runningTick: number })
    | (TickEventBase & { readonly type: "tick-finished"; readonly status: RunStatus; readonly record: RunRecord })
    /** The run was rejected before any stack existed: invalid spec, unavailable target, failing spec factory. */
    | (TickEventBase & { readonly type: "tick-failed"; readonly error: string })
    | {
          readonly type: "schedule-stopped";
          readonly reason: ScheduleStopReason;
          readonly ticks: number;
          readonly runs: number;
          readonly skipped: number;
          readonly at: number;
      };

export type ScheduleEvent = TickEvent | RunEvent;
export type ScheduleListener = (event: ScheduleEvent) => void;

export interface ScheduleOptions extends ScheduleArgs {
    /** Required. The spec of every run, or a factory called at each tick that is not skipped. */
    readonly spec: RunSpec | SpecFactory;
    /** Required. Runs the batches (a `Driver`, or anything with its `run`). */
    readonly driver: Pick<Driver, "run">;
    /** Optional. Stops the schedule and aborts the run in progress. @default - never aborted */
    readonly signal?: AbortSignal;
    /** Optional. Tick events and the events of every run. @default - none */
    readonly onEvent?: ScheduleListener;
}

export interface ScheduleResult {
    /** Records of the runs that were started, in order. */
    readonly records: readonly RunRecord[];
    /** Ticks that fired, skipped ones included. */
    readonly ticks: number;
    /** Ticks skipped because the previous run was still going. */
    readonly skipped: number;
    /** Ticks whose run was rejected before any stack existed (see `tick-failed`). */
    readonly failed: number;
    readonly stoppedBy: ScheduleStopReason;
}

/** True when `zone` is a time zone name this runtime knows (IANA names such as `Europe/Paris`, or `UTC`). */
export function isTimeZone(zone: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}

/** Every problem with a schedule, each naming its field (`cron`, `timezone`, `maxRuns`). */
export function scheduleIssues(args: ScheduleArgs): ValidationIssue[] {
    const v = new Validator();
    const zoneOk =
        args.timezone === undefined ||
        v.check(
            "timezone",
            typeof args.timezone === "string" && args.timezone.trim() !== "" && isTimeZone(args.timezone),
            "an IANA time zone such as 'Europe/Paris' or 'UTC'",
            args.timezone,
        );
    if (v.check("cron", typeof args.cron === "string" && args.cron.trim() !== "", "a cron expression", args.cron)) {
        try {
            // Paused and without a function: parses the expression but never sets a timer.
            const probe = new Cron(args.cron, { paused: true, timezone: zoneOk ? args.timezone : undefined });
            v.check("cron", probe.nextRun() !== null, "an expression that fires at least once from now", args.cron);
        } catch (err) {
            v.check("cron", false, `a cron expression of 5, 6 or 7 fields (${summarizeError(err)})`, args.cron);
        }
    }
    if (args.maxRuns !== undefined) {
        v.check(
            "maxRuns",
            Number.isInteger(args.maxRuns) && args.maxRuns >= 1,
            "a whole number of runs, at least 1",
            args.maxRuns,
        );
    }
    return [...v.issues];
}

/** Throws a ValidationError naming every field at fault. */
export function validateSchedule(args: ScheduleArgs): void {
    const issues = scheduleIssues(args);
    if (issues.length > 0) throw new ValidationError(issues, "schedule");
}

/**
 * Starts runs on a cron schedule until `maxRuns` runs have started, the
 * expression has no further occurrence, or `signal` aborts. Rejects before
 * the first tick for an invalid schedule or (fixed spec) an invalid spec or
 * unavailable target; afterwards it never rejects: a run's outcome is its
 * record, a run rejected at its tick is a `tick-failed` event.
 */
export async function scheduleRuns(options: ScheduleOptions): Promise<ScheduleResult> {
    const issues = scheduleIssues(options);
    const fixedSpec = typeof options.spec === "function" ? undefined : options.spec;
    if (fixedSpec !== undefined) issues.push(...runSpecIssues(fixedSpec));
    if (issues.length > 0) throw new ValidationError(issues, "schedule");
    // A fixed spec cannot become runnable later, so an unavailable target fails now rather than every tick.
    if (fixedSpec !== undefined) targetFor(fixedSpec.target);
    return new ScheduleLoop(options).start();
}

/** The state of one schedule; lives as long as the promise of `scheduleRuns`. */
class ScheduleLoop {
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
            const stop = (reason: ScheduleStopReason) => {
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

    private onTick(stop: (reason: ScheduleStopReason) => void): void {
        if (this.stopping) return;
        this.ticks += 1;
        const tick = this.ticks;
        const scheduledFor = this.nextAt ?? new Date();
        if (this.current) {
            this.skipped += 1;
            this.emit({
                type: "tick-skipped",
                tick,
                scheduledFor: scheduledFor.toISOString(),
                reason: `the run of tick ${this.current.tick} is still going`,
                runningTick: this.current.tick,
                at: Date.now(),
            });
        } else {
            this.started += 1;
            // Set before the first await, so a tick that fires meanwhile sees the run as going.
            const done = this.runTick(tick, scheduledFor).finally(() => {
                if (this.current?.done === done) this.current = undefined;
            });
            this.current = { tick, done };
            const { maxRuns } = this.options;
            if (maxRuns !== undefined && this.started >= maxRuns) return stop("max-runs");
        }
        this.announceNext(stop);
    }

    /** Emits the next occurrence, or ends the schedule when there is none. */
    private announceNext(stop: (reason: ScheduleStopReason) => void): void {
        this.nextAt = this.job?.nextRun() ?? null;
        if (this.nextAt === null) return stop("schedule-ended");
        this.emit({
            type: "tick-scheduled",
            tick: this.ticks + 1,
            scheduledFor: this.nextAt.toISOString(),
            at: Date.now(),
        });
    }

    /** One tick's run. Never rejects: the outcome becomes an event (and a record, once a run started). */
    private async runTick(tick: number, scheduledFor: Date): Promise<void> {
        const base = { tick, scheduledFor: scheduledFor.toISOString() };
        this.emit({ type: "tick-started", ...base, at: Date.now() });
        try {
            const { spec, driver, signal, onEvent } = this.options;
            const runSpec = typeof spec === "function" ? await spec({ tick, scheduledFor }) : spec;
            const record = await driver.run(runSpec, { signal, onEvent });
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
