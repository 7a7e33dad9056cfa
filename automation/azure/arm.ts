/**
 * A small Azure Resource Manager client: GET and POST of JSON with a bearer
 * token, bounded retries and cancellable waits. It covers what the driver
 * needs to watch and cancel Azure ML jobs without pulling in a generated SDK.
 *
 * Retries: 429 waits for `Retry-After` (seconds or an HTTP date) as ARM asks;
 * 408, 5xx and dropped connections back off exponentially with jitter. Other
 * errors are thrown at once as ArmError, classified by `errors.ts`, because a
 * quota or validation error does not go away by asking again.
 */
import type { TokenCredential } from "@azure/core-auth";
import {
    PipelinePolicy,
    PipelineRequest,
    PipelineResponse,
    RestError,
    createDefaultHttpClient,
    createEmptyPipeline,
    createHttpHeaders,
    createPipelineRequest,
} from "@azure/core-rest-pipeline";
import { abortError, backoffDelay, sleep } from "../common/retry";
import { AzureErrorInput, ClassifiedAzureError, classifyAzureError } from "./errors";

export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
export const ARM_SCOPE = "https://management.azure.com/.default";
export const DEFAULT_ARM_ATTEMPTS = 5;
export const DEFAULT_ARM_BASE_DELAY_MS = 1000;
export const DEFAULT_ARM_MAX_DELAY_MS = 30_000;
/** A `Retry-After` longer than this is not waited out: the request fails with the 429 instead. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 5 * 60_000;
/** Tokens are renewed this long before they expire, so a request never carries a stale one. */
const TOKEN_REFRESH_MARGIN_MS = 2 * 60_000;

/** The two calls job monitoring needs; tests and callers may supply their own. */
export interface ArmRequester {
    get<T>(path: string, apiVersion: string, signal?: AbortSignal): Promise<T>;
    post<T>(path: string, apiVersion: string, body?: unknown, signal?: AbortSignal): Promise<T>;
}

export interface ArmRetryInfo {
    readonly attempt: number;
    readonly delayMs: number;
    readonly status?: number;
    readonly reason: string;
}

export interface ArmClientOptions {
    /** Optional. Identity for the requests. @default - `new DefaultAzureCredential()`, created on first use */
    readonly credential?: TokenCredential;
    /** Optional. ARM endpoint (sovereign clouds, or a fake server in tests). @default "https://management.azure.com" */
    readonly endpoint?: string;
    /** Optional. Token scope. @default "https://management.azure.com/.default" */
    readonly scope?: string;
    /** Optional. Attempts per request, the first included. @default 5 */
    readonly attempts?: number;
    /** Optional. First backoff delay in ms; doubles per attempt. @default 1000 */
    readonly baseDelayMs?: number;
    /** Optional. Longest backoff delay in ms. @default 30000 */
    readonly maxDelayMs?: number;
    /** Optional. Longest `Retry-After` honoured, in ms. @default 300000 */
    readonly maxRetryAfterMs?: number;
    /** Optional. Timeout of one HTTP attempt in ms; 0 for none. @default 60000 */
    readonly requestTimeoutMs?: number;
    /** Optional. Called before each retry wait. @default - none */
    readonly onRetry?: (info: ArmRetryInfo) => void;
    /** Optional. Source of jitter in [0, 1). @default Math.random */
    readonly random?: () => number;
}

/** An ARM request that failed for good: HTTP status, ARM error code and message, and its class. */
export class ArmError extends Error {
    readonly status?: number;
    readonly code?: string;
    readonly armMessage?: string;
    readonly classification: ClassifiedAzureError;

    constructor(method: string, path: string, status: number | undefined, error: AzureErrorInput) {
        const classification = classifyAzureError({ ...error, status });
        super(`${method} ${path} failed${status ? ` with HTTP ${status}` : ""}: ${classification.summary}`);
        this.name = "ArmError";
        this.status = status;
        this.code = error.code;
        this.armMessage = error.message;
        this.classification = classification;
    }

    get retryable(): boolean {
        return this.classification.retryable;
    }
}

/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds or an HTTP date;
 * undefined when absent or unreadable. Pure given `now`.
 */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
    if (value === undefined || value === null || value.trim() === "") return undefined;
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const isRetryableStatus = (status: number) =>
    status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);

/** Retries 408/429/5xx and network errors with the waits described above; honours the request's abort signal. */
export function armRetryPolicy(options: ArmClientOptions = {}): PipelinePolicy {
    const attempts = options.attempts ?? DEFAULT_ARM_ATTEMPTS;
    const base = options.baseDelayMs ?? DEFAULT_ARM_BASE_DELAY_MS;
    const max = options.maxDelayMs ?? DEFAULT_ARM_MAX_DELAY_MS;
    const maxRetryAfter = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    const random = options.random ?? Math.random;
    return {
        name: "armRetryPolicy",
        async sendRequest(request: PipelineRequest, next): Promise<PipelineResponse> {
            for (let attempt = 1; ; attempt++) {
                let response: PipelineResponse | undefined;
                let failure: unknown;
                try {
                    response = await next(request);
                } catch (err) {
                    // Network errors (no response) are worth another attempt; aborts never are.
                    if (request.abortSignal?.aborted || !(err instanceof RestError) || err.response) throw err;
                    failure = err;
                }
                if (response && !isRetryableStatus(response.status)) return response;
                if (attempt >= attempts) {
                    if (response) return response;
                    throw failure;
                }
                const retryAfter = response ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
                // A server asking for a very long pause is better answered with its error than a hung driver.
                if (retryAfter !== undefined && retryAfter > maxRetryAfter && response) return response;
                const delayMs = retryAfter ?? backoffDelay(attempt, { baseDelayMs: base, maxDelayMs: max }, random);
                options.onRetry?.({
                    attempt,
                    delayMs,
                    status: response?.status,
                    reason: response ? `HTTP ${response.status}` : String((failure as Error).message),
                });
                await sleep(delayMs, request.abortSignal as AbortSignal | undefined);
            }
        },
    };
}

/**
 * Bounds each attempt with its own timer. The HTTP client's `timeout` option
 * is not used: after a refused connection its timer stays armed and keeps
 * the process alive for the full timeout. A timed-out attempt surfaces as a
 * network error (RestError without response), so the retry policy retries it.
 */
function attemptTimeoutPolicy(timeoutMs: number): PipelinePolicy {
    return {
        name: "armAttemptTimeoutPolicy",
        async sendRequest(request, next) {
            if (timeoutMs <= 0) return next(request);
            const caller = request.abortSignal as AbortSignal | undefined;
            const timeout = AbortSignal.timeout(timeoutMs);
            request.abortSignal = caller ? AbortSignal.any([caller, timeout]) : timeout;
            try {
                return await next(request);
            } catch (err) {
                if (timeout.aborted && !caller?.aborted) {
                    throw new RestError(`no response within ${timeoutMs} ms`, { code: "REQUEST_SEND_ERROR" });
                }
                throw err;
            } finally {
                request.abortSignal = caller;
            }
        },
    };
}

/** Adds a bearer token, cached until shortly before it expires. Works over http too (fake servers). */
function bearerPolicy(getCredential: () => TokenCredential, scope: string): PipelinePolicy {
    let cached: { token: string; expiresOn: number } | undefined;
    return {
        name: "armBearerPolicy",
        async sendRequest(request, next) {
            if (!cached || cached.expiresOn - TOKEN_REFRESH_MARGIN_MS <= Date.now()) {
                const token = await getCredential().getToken(scope, { abortSignal: request.abortSignal });
                if (!token) throw new Error(`the credential returned no token for ${scope}`);
                cached = { token: token.token, expiresOn: token.expiresOnTimestamp };
            }
            request.headers.set("authorization", `Bearer ${cached.token}`);
            return next(request);
        },
    };
}

/** A loopback endpoint may use plain http (tests); anything else must be https. */
function isLoopback(url: URL): boolean {
    return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

export class ArmClient implements ArmRequester {
    private readonly endpoint: URL;
    private readonly pipeline = createEmptyPipeline();
    private readonly httpClient = createDefaultHttpClient();
    private readonly timeoutMs: number;
    private credential?: TokenCredential;

    constructor(options: ArmClientOptions = {}) {
        this.endpoint = new URL(options.endpoint ?? DEFAULT_ARM_ENDPOINT);
        if (this.endpoint.protocol !== "https:" && !isLoopback(this.endpoint)) {
            throw new Error(`ARM endpoint ${this.endpoint.href} must use https (tokens are never sent in clear text)`);
        }
        this.credential = options.credential;
        this.timeoutMs = options.requestTimeoutMs ?? 60_000;
        // Retry outside auth, so every attempt carries a valid token.
        this.pipeline.addPolicy(armRetryPolicy(options));
        this.pipeline.addPolicy(bearerPolicy(() => this.getCredential(), options.scope ?? ARM_SCOPE));
        this.pipeline.addPolicy(attemptTimeoutPolicy(this.timeoutMs));
    }

    get<T>(path: string, apiVersion: string, signal?: AbortSignal): Promise<T> {
        return this.send<T>("GET", path, apiVersion, undefined, signal);
    }

    post<T>(path: string, apiVersion: string, body?: unknown, signal?: AbortSignal): Promise<T> {
        return this.send<T>("POST", path, apiVersion, body, signal);
    }

    private getCredential(): TokenCredential {
        if (!this.credential) {
            // Loaded lazily: tests with a fake credential never construct the real chain.
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
            this.credential = new DefaultAzureCredential();
        }
        return this.credential;
    }

    private async send<T>(
        method: "GET" | "POST",
        path: string,
        apiVersion: string,
        body: unknown,
        signal: AbortSignal | undefined,
    ): Promise<T> {
        if (!path.startsWith("/")) throw new Error(`ARM path must start with '/': ${path}`);
        const url = new URL(path, this.endpoint);
        url.searchParams.set("api-version", apiVersion);
        const request = createPipelineRequest({
            url: url.href,
            method,
            headers: createHttpHeaders({ accept: "application/json" }),
            body: body === undefined ? (method === "POST" ? "" : undefined) : JSON.stringify(body),
            abortSignal: signal,
            allowInsecureConnection: url.protocol === "http:" && isLoopback(url),
        });
        if (body !== undefined) request.headers.set("content-type", "application/json");
        let response: PipelineResponse;
        try {
            response = await this.pipeline.sendRequest(this.httpClient, request);
        } catch (err) {
            if (signal?.aborted) throw abortError(signal);
            if (err instanceof RestError && !err.response) {
                throw new ArmError(method, path, undefined, { code: err.code ?? "NetworkError", message: err.message });
            }
            throw err;
        }
        const text = response.bodyAsText ?? "";
        if (response.status >= 200 && response.status < 300) {
            return (text.trim() === "" ? undefined : JSON.parse(text)) as T;
        }
        throw new ArmError(method, path, response.status, armErrorBody(text));
    }
}

/** The `error` object of an ARM error body, or the raw text as message when it is not JSON. */
export function armErrorBody(text: string): AzureErrorInput {
    try {
        const parsed = JSON.parse(text) as { error?: AzureErrorInput; code?: string; message?: string };
        if (parsed && typeof parsed === "object") {
            if (parsed.error && typeof parsed.error === "object") return parsed.error;
            if (parsed.code || parsed.message) return { code: parsed.code, message: parsed.message };
        }
    } catch {
        // Gateways answer with HTML or plain text; keep it as the message.
    }
    return { message: text.slice(0, 500) };
}
