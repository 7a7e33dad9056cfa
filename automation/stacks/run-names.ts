/**
 * Names of run stacks: `<series>-<UTC timestamp>`, e.g.
 * `nightly-churn-20261129T021500123Z`. The timestamp keeps milliseconds so
 * two processes starting the same series in one second still get distinct
 * stacks, and it parses back, so recovery and the reaper can tell a run
 * stack's series and age from its name alone. Pure.
 */

/** Pulumi project that holds every run stack on a backend. */
export const RUN_PROJECT = "customai-runs";

const TIMESTAMP_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;
const RUN_STACK_PATTERN = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)-(\d{8}T\d{9}Z)$/;

/** `2026-11-29T02:15:00.123Z` → `20261129T021500123Z`. */
export function formatRunTimestamp(date: Date): string {
    return date.toISOString().replace(/[-:.]/g, "");
}

/** The inverse of formatRunTimestamp; undefined when `text` is not one. */
export function parseRunTimestamp(text: string): Date | undefined {
    const m = TIMESTAMP_PATTERN.exec(text);
    if (!m) return undefined;
    const [year, month, day, hour, minute, second, ms] = m.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
    // Rejects 20261340T... and the like, which Date.UTC would silently roll over.
    return formatRunTimestamp(date) === text ? date : undefined;
}

/** The run stack name of a run of `series` started at `startedAt`. */
export function runStackName(series: string, startedAt: Date): string {
    return `${series}-${formatRunTimestamp(startedAt)}`;
}

/** Series and start time of a run stack; undefined for any other stack name. */
export function parseRunStackName(name: string): { series: string; startedAt: Date } | undefined {
    const m = RUN_STACK_PATTERN.exec(name);
    const startedAt = m ? parseRunTimestamp(m[2]) : undefined;
    return m && startedAt ? { series: m[1], startedAt } : undefined;
}

/**
 * Whether `stackName` is a run stack of exactly `series`. The fixed-width
 * timestamp makes this unambiguous: `a-b-<ts>` belongs to `a-b`, never to `a`.
 */
export function isRunStackOf(series: string, stackName: string): boolean {
    return parseRunStackName(stackName)?.series === series;
}
