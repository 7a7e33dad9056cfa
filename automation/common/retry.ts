/**
 * Bounded retries with exponential backoff for engine operations. Only
 * errors known to be transient are retried: a lock held by another update,
 * throttling, dropped connections. Validation and quota errors fail at once
 * (retrying them only burns time and, on Azure, throttling budget).
 */
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { ValidationError } from "../../components/common/validation";

export interface RetryPolicy {
    /** Optional. Attempts in total, the first included. @default 4 */
    readonly attempts?: number;
    /** Optional. Delay before the second attempt, in ms; doubles each time. @default 500 */
    readonly baseDelayMs?: number;
    /** Optional. Longest delay between attempts, in ms. @default 8000 */
    readonly maxDelayMs?: number;
}

export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8000 };

/** Messages of errors that will not go away by waiting (Azure quota/capacity, bad requests). */
const PERMANENT_PATTERNS = [
    /quota/i,
    /OutOfCapacity/,
    /SkuNotAvailable/,
    /OperationNotAllowed/,
    /InvalidTemplate|BadRequest/,
];
/** Messages of errors worth another attempt. */
const TRANSIENT_PATTERNS = [
    /the stack is currently locked by/i,
    /Another update is currently in progress/i,
    /\b429\b|TooManyRequests|\bthrottl/i,
    /\b50[234]\b|ServiceUnavailable|GatewayTimeout/,
    /ECONNRESET|ETIMEDOUT|EAI_AGAIN|ECONNREFUSED|socket hang up/,
];

/** Whether another attempt may succeed. Pure. */
export function isTransientError(err: unknown): boolean {
    if (err instanceof ValidationError) return false;
    const message = err instanceof Error ? err.message : String(err);
    if (PERMANENT_PATTERNS.some((p) => p.test(message))) return false;
    return err instanceof ConcurrentUpdateError || TRANSIENT_PATTERNS.some((p) => p.test(message));
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential,
 * capped, with "equal jitter" so concurrent drivers do not retry in lockstep.
 * Pure given `random`.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy = {}, random: () => number = Math.random): number {
    const base = policy.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs;
    const max = policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs;
    const ceiling = Math.min(max, base * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`; rejects with the signal's reason (an Error) as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(abortError(signal));
        const onAbort = () => {
            clearTimeout(timer);
            reject(abortError(signal));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}

/** The reason of an aborted signal as an Error (an `AbortError` when the reason is not one). */
export function abortError(signal?: AbortSignal): Error {
    const reason: unknown = signal?.reason;
    if (reason instanceof Error) return reason;
    const err = new Error(typeof reason === "string" ? reason : "the operation was aborted");
    err.name = "AbortError";
    return err;
}

export interface RetryOptions extends RetryPolicy {
    /** Optional. Stops retrying (the last error is thrown) once aborted. @default - never aborted */
    readonly signal?: AbortSignal;
    /** Optional. Called before each retry, e.g. to log it. @default - none */
    readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
    /** Optional. Decides which errors are retried. @default isTransientError */
    readonly isTransient?: (err: unknown) => boolean;
}

/** Runs `fn` until it succeeds, fails permanently, or the attempts are used up. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
    const attempts = options.attempts ?? DEFAULT_RETRY_POLICY.attempts;
    const isTransient = options.isTransient ?? isTransientError;
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn(attempt);
        } catch (err) {
            if (attempt >= attempts || !isTransient(err) || options.signal?.aborted) throw err;
            const delay = backoffDelay(attempt, options);
            options.onRetry?.(err, attempt, delay);
            await sleep(delay, options.signal).catch(() => {
                throw err;
            });
        }
    }
}
