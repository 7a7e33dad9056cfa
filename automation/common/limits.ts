/** Time limits of runs, and the reaper's default that follows from them. */

/** Longest job timeout: a nightly run that needs more than a day is a different design. */
export const MAX_TIMEOUT_MINUTES = 24 * 60;

/**
 * Default age past which a run stack is reaped: the longest job timeout plus
 * an hour, so even a run whose lock file was lost is never reaped live.
 */
export const DEFAULT_REAP_AGE_MINUTES = MAX_TIMEOUT_MINUTES + 60;
