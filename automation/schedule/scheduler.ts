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
import { ValidationError } from "../../components/common/validation";
import { RunEvent } from "../common/events";
import { RunRecord, RunStatus } from "../common/records";
import { Driver } from "../run/driver";
import { RunSpec } from "../targets";
import { ScheduleArgs, scheduleIssues } from "./schedule-args";
import { ScheduleLoop } from "./schedule-loop";

export * from "./schedule-args";

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
    /** The run was rejected before any stack existed: an invalid spec, or a failing spec factory. */
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
     * Required. Runs the batches: a `Driver`, or anything with its `run` and `specIssues`. With `isBusy` (a
     * Driver has it), a tick is also skipped while the driver has a run of the series queued or running for
     * another caller.
     */
    readonly driver: Pick<Driver, "run" | "specIssues"> & Partial<Pick<Driver, "isBusy">>;
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

/**
 * Starts runs on a cron schedule until `maxRuns` runs have started, the
 * expression has no further occurrence, or `signal` aborts. Rejects before
 * the first tick for an invalid schedule or, with a fixed spec, a spec the
 * driver's targets refuse; afterwards it never rejects: a run's outcome is
 * its record, a run rejected at its tick is a `tick-failed` event.
 */
export async function scheduleRuns(options: ScheduleOptions): Promise<ScheduleResult> {
    const issues = scheduleIssues(options);
    const fixedSpec = typeof options.spec === "function" ? undefined : options.spec;
    // A fixed spec cannot become valid later, so it fails now rather than at every tick.
    if (fixedSpec !== undefined) issues.push(...options.driver.specIssues(fixedSpec));
    if (issues.length > 0) throw new ValidationError(issues, "schedule");
    return new ScheduleLoop(options).start();
}
