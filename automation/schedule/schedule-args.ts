/**
 * A schedule's own settings (cron expression, time zone, run limit) and
 * their validation: pure, and light enough for the command line to check a
 * schedule before loading the engine.
 */
import { Cron } from "croner";
import { ValidationError, ValidationIssue, Validator } from "../../components/common/validation";
import { summarizeError } from "../common/errors";

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
