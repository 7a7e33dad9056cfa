/**
 * Recurring batch runs on a cron schedule, as a thin layer over the driver.
 *
 * A schedule is one series of runs: a tick that arrives while the previous
 * run of the schedule is still going, or while the driver has a run of the
 * series queued or running for another caller, is skipped (and reported),
 * never queued, so a slow night cannot pile up a backlog of runs. Aborting the signal stops
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
import { ScheduleLoop } from "./schedule-loop";
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
    | (TickEventBase & {
          readonly type: "tick-skipped";
          readonly reason: string;
          /** The tick of this schedule whose run is still going; absent when the driver is busy for another caller. */
          readonly runningTick?: number;
      })
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
    /**
     * Required. Runs the batches: a `Driver`, or anything with its `run`. With `isBusy` (a Driver has it), a
     * tick is also skipped while the driver has a run of the series queued or running for another caller.
     */
    readonly driver: Pick<Driver, "run"> & Partial<Pick<Driver, "isBusy">>;
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
