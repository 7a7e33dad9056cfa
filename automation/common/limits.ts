/** Time limits of runs, and the reaper's default that follows from them. */

/**
 * Most resubmissions of one run's job (`JobResult.resubmit`): a target's own
 * limit is at most this. The spec's timeout bounds the waiting of all
 * submissions together, so the reaper's age below still holds.
 */
export const MAX_RESUBMISSIONS = 5;

/** A job is not submitted again with less of the spec's timeout left than this: it could not finish. */
export const MIN_RESUBMIT_WAIT_MS = 60_000;

/** Longest job timeout: a nightly run that needs more than a day is a different design. */
export const MAX_TIMEOUT_MINUTES = 24 * 60;

/**
 * Default age past which a run stack is reaped: the longest job timeout plus
 * an hour, so even a run whose lock file was lost is never reaped live.
 */
export const DEFAULT_REAP_AGE_MINUTES = MAX_TIMEOUT_MINUTES + 60;
