/**
 * Watches an Azure ML job through ARM until it reaches a final status.
 *
 * Polling follows the Azure ML Python SDK: every 2 s at first, slowing to
 * 60 s, so short jobs finish promptly and long ones cost few reads of the
 * subscription's throttling budget. NotResponding, Paused and Unknown are
 * "stalled": tolerated for a bounded time, then the job is cancelled. On
 * abort, overall timeout or stall the job is cancelled once (POST …/cancel)
 * and polled until Azure confirms Canceled — cancellation is itself a
 * long-running operation, and a job left running keeps its nodes billed.
 *
 * What the job resource tells us (ARM api 2025-12-01, as typed in
 * azure-native 3.28 `CommandJobResponse`): `properties.status`,
 * `properties.outputs.<name>.uri` and `properties.services.Studio.endpoint`.
 * The schema has no error field, so for a Failed job the detail is read
 * conservatively: an `error` object or `statusMessage` string if the service
 * includes one (it is not documented), otherwise a pointer to the studio.
 */
import { JobStatus } from "../common/events";
import { sleep } from "../common/retry";
import { ArmError, ArmRequester } from "./arm";

export const DEFAULT_AML_API_VERSION = "2025-12-01";
export const DEFAULT_POLL_START_MS = 2000;
export const DEFAULT_POLL_MAX_MS = 60_000;
export const DEFAULT_STALLED_TIMEOUT_MS = 15 * 60_000;
export const DEFAULT_CANCEL_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_MAX_POLL_ERRORS = 3;

/** Statuses Azure ML reports for a job. */
export const AML_FINAL_STATUSES = ["Completed", "Failed", "Canceled"] as const;
export const AML_STALLED_STATUSES = ["NotResponding", "Paused", "Unknown"] as const;

/** Maps an Azure ML job status to the driver's. Stalled statuses map to `running` (they are still billed). Pure. */
export function mapAmlStatus(status: string): JobStatus {
    switch (status) {
        case "Completed":
            return "succeeded";
        case "Failed":
            return "failed";
        case "Canceled":
            return "canceled";
        case "NotStarted":
        case "Starting":
        case "Provisioning":
        case "Preparing":
        case "Queued":
            return "starting";
        default:
            // Running, Finalizing, CancelRequested and the stalled ones: the job holds (or may hold) nodes.
            return "running";
    }
}

export const isFinalAmlStatus = (s: string) => (AML_FINAL_STATUSES as readonly string[]).includes(s);
export const isStalledAmlStatus = (s: string) => (AML_STALLED_STATUSES as readonly string[]).includes(s);

/** Delay before poll number `n` (0-based): 2 s growing by half each time, capped at 60 s. Pure. */
export function defaultPollSchedule(n: number, startMs = DEFAULT_POLL_START_MS, maxMs = DEFAULT_POLL_MAX_MS): number {
    return Math.min(maxMs, Math.round(startMs * 1.5 ** n));
}

/** `0.3 s`, `45 s`, `15 min`: durations for messages. Pure. */
export function formatDuration(ms: number): string {
    if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
    if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
    return `${Math.round(ms / 6000) / 10} min`;
}

/** The job's ARM id. Pure. */
export function amlJobResourceId(
    subscriptionId: string,
    resourceGroup: string,
    workspace: string,
    job: string,
): string {
    const seg = encodeURIComponent;
    return (
        `/subscriptions/${seg(subscriptionId)}/resourceGroups/${seg(resourceGroup)}` +
        `/providers/Microsoft.MachineLearningServices/workspaces/${seg(workspace)}/jobs/${seg(job)}`
    );
}

const JOB_ID =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/jobs\/[^/]+$/i;

export interface AmlJobStatusUpdate {
    readonly status: JobStatus;
    /** Azure ML's own status, e.g. `Queued`. */
    readonly amlStatus: string;
    readonly detail?: string;
}

export interface WatchAmlJobOptions {
    /** Required. The ARM client (ArmClient, or a fake). */
    readonly arm: ArmRequester;
    /** Conditional. The job's ARM id; or give subscriptionId, resourceGroup, workspaceName and jobName. */
    readonly jobResourceId?: string;
    readonly subscriptionId?: string;
    readonly resourceGroup?: string;
    readonly workspaceName?: string;
    readonly jobName?: string;
    /** Optional. Aborting cancels the job and waits (bounded) for Canceled. @default - never aborted */
    readonly signal?: AbortSignal;
    /** Optional. Called when Azure ML's status changes, in order. @default - none */
    readonly onStatus?: (update: AmlJobStatusUpdate) => void;
    /** Optional. Delay before poll `n` (0-based). @default defaultPollSchedule (2 s rising to 60 s) */
    readonly pollSchedule?: (n: number) => number;
    /** Optional. Longest continuous NotResponding/Paused/Unknown before the job is cancelled. @default 900000 (15 min) */
    readonly stalledTimeoutMs?: number;
    /** Optional. Longest the whole job may take before it is cancelled. @default - no limit */
    readonly timeoutMs?: number;
    /** Optional. Longest wait for Canceled after the cancel request. @default 600000 (10 min) */
    readonly cancelTimeoutMs?: number;
    /** Optional. Consecutive failed polls (each already retried by the client) tolerated. @default 3 */
    readonly maxPollErrors?: number;
    /** Optional. @default "2025-12-01" */
    readonly apiVersion?: string;
}

export interface AmlJobError {
    readonly code?: string;
    readonly message: string;
}

export interface AmlJobResult {
    readonly status: Extract<JobStatus, "succeeded" | "failed" | "canceled" | "timed-out">;
    /** Last status Azure ML reported. */
    readonly amlStatus: string;
    /** Output name → URI. */
    readonly outputs: Readonly<Record<string, string>>;
    /** Why the job did not succeed, in words. */
    readonly detail?: string;
    /** Present for Failed jobs when the service said why. */
    readonly error?: AmlJobError;
    readonly studioUrl?: string;
    readonly jobResourceId: string;
    /** True when Azure ML said the job's nodes were preempted (Spot capacity taken back); see `preemptionSaid`. */
    readonly preempted: boolean;
}

/**
 * Whether a failed job's error is Azure ML's own for preempted nodes. Azure
 * ML fails a job on `LowPriority` nodes that lose them with
 * `PreemptionError: Nodes of this job got pre-empted` rather than restarting
 * it (MicrosoftDocs/azure-docs#66288, Azure/MachineLearningNotebooks#1242).
 * Only that error counts, not any mention of preemption: a script's own
 * message is not the service's. Pure.
 */
export function preemptionSaid(error: AmlJobError | undefined): boolean {
    return error !== undefined && /\bPreemptionError\b/.test(`${error.code ?? ""} ${error.message}`);
}

/** The parts of the job resource read here. */
interface JobResource {
    readonly name?: string;
    readonly properties?: {
        readonly status?: string;
        readonly outputs?: Record<string, { readonly uri?: string } | null>;
        readonly services?: Record<string, { readonly endpoint?: string } | null>;
        // Not in the published schema; read only when present.
        readonly error?: { readonly code?: string; readonly message?: string } | null;
        readonly statusMessage?: string;
    };
}

function outputsOf(job: JobResource): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, o] of Object.entries(job.properties?.outputs ?? {})) if (o?.uri) out[name] = o.uri;
    return out;
}

function errorOf(job: JobResource): AmlJobError | undefined {
    const e = job.properties?.error;
    if (e && (e.message || e.code)) return { code: e.code, message: e.message ?? e.code ?? "" };
    const m = job.properties?.statusMessage;
    return typeof m === "string" && m.length > 0 ? { message: m } : undefined;
}

function resolveJobId(o: WatchAmlJobOptions): string {
    if (o.jobResourceId !== undefined) {
        if (!JOB_ID.test(o.jobResourceId)) throw new Error(`not an Azure ML job resource id: ${o.jobResourceId}`);
        return o.jobResourceId;
    }
    const parts = [o.subscriptionId, o.resourceGroup, o.workspaceName, o.jobName];
    if (parts.some((p) => typeof p !== "string" || p.length === 0)) {
        throw new Error("watchAmlJob needs jobResourceId, or subscriptionId, resourceGroup, workspaceName and jobName");
    }
    return amlJobResourceId(o.subscriptionId!, o.resourceGroup!, o.workspaceName!, o.jobName!);
}

type StopReason = { kind: "aborted" } | { kind: "timeout"; detail: string } | { kind: "stalled"; detail: string };

/** Polls the job until a final status; see the module comment for cancellation and stalls. */
export async function watchAmlJob(options: WatchAmlJobOptions): Promise<AmlJobResult> {
    const jobId = resolveJobId(options);
    const api = options.apiVersion ?? DEFAULT_AML_API_VERSION;
    const schedule = options.pollSchedule ?? ((n: number) => defaultPollSchedule(n));
    const stalledLimit = options.stalledTimeoutMs ?? DEFAULT_STALLED_TIMEOUT_MS;
    const maxErrors = options.maxPollErrors ?? DEFAULT_MAX_POLL_ERRORS;
    const started = Date.now();
    const deadline = options.timeoutMs !== undefined ? started + options.timeoutMs : Infinity;
    // One signal for the watch: the caller's abort or the overall timeout, whichever comes first.
    const watch = new AbortController();
    const onAbort = () => watch.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
        deadline === Infinity
            ? undefined
            : setTimeout(() => watch.abort(new Error("timeout")), Math.max(0, deadline - started));

    let last: JobResource = {};
    let lastStatus = "";
    const report = (job: JobResource) => {
        last = job;
        const amlStatus = job.properties?.status ?? "Unknown";
        if (amlStatus === lastStatus) return;
        lastStatus = amlStatus;
        options.onStatus?.({ status: mapAmlStatus(amlStatus), amlStatus, detail: `Azure ML status ${amlStatus}` });
    };
    const poll = async (
        signal: AbortSignal | undefined,
        errors: { count: number },
    ): Promise<JobResource | undefined> => {
        try {
            const job = await options.arm.get<JobResource>(jobId, api, signal);
            errors.count = 0;
            report(job ?? {});
            return job ?? {};
        } catch (err) {
            if (signal?.aborted) return undefined;
            // The client already retried transient errors; a few more failed polls are tolerated on a long job.
            if (err instanceof ArmError && err.retryable && ++errors.count < maxErrors) return undefined;
            throw err;
        }
    };

    let stop: StopReason | undefined;
    try {
        const errors = { count: 0 };
        let stalledSince: number | undefined;
        for (let n = 0; ; n++) {
            const job = await poll(watch.signal, errors);
            if (watch.signal.aborted) break;
            const status = job?.properties?.status ?? lastStatus;
            if (isFinalAmlStatus(status)) return finish(jobId, last, status);
            if (job && isStalledAmlStatus(status)) {
                stalledSince ??= Date.now();
                if (Date.now() - stalledSince >= stalledLimit) {
                    stop = {
                        kind: "stalled",
                        detail: `job stalled: Azure ML reported ${status} for more than ${formatDuration(stalledLimit)}`,
                    };
                    break;
                }
            } else if (job) {
                stalledSince = undefined;
            }
            try {
                await sleep(schedule(n), watch.signal);
            } catch {
                break;
            }
        }
    } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
    }
    stop ??= options.signal?.aborted
        ? { kind: "aborted" }
        : { kind: "timeout", detail: `job timed out after ${formatDuration(options.timeoutMs ?? 0)}` };
    return cancelAndWait(options, jobId, api, schedule, stop, report, () => last);
}

function finish(jobId: string, job: JobResource, amlStatus: string, stop?: StopReason): AmlJobResult {
    const outputs = outputsOf(job);
    const studioUrl = job.properties?.services?.Studio?.endpoint ?? undefined;
    const error = errorOf(job);
    // A job the driver canceled was not preempted, whatever its message.
    const preempted = amlStatus === "Failed" && !stop && preemptionSaid(error);
    const base = { amlStatus, outputs, studioUrl, jobResourceId: jobId, preempted };
    const said = error ? `: ${error.code ? `${error.code}: ` : ""}${error.message}` : "";
    if (amlStatus === "Completed") return { ...base, status: "succeeded", preempted: false };
    if (amlStatus === "Failed") {
        const where = studioUrl ? ` (logs: ${studioUrl})` : "";
        return { ...base, status: "failed", error, detail: `Azure ML job failed${said}${where}` };
    }
    if (stop && stop.kind !== "aborted")
        return { ...base, status: "timed-out", detail: `${stop.detail}; job canceled` };
    return {
        ...base,
        status: "canceled",
        error,
        detail: stop ? "job canceled" : `job canceled outside the driver${said}`,
    };
}

async function cancelAndWait(
    options: WatchAmlJobOptions,
    jobId: string,
    api: string,
    schedule: (n: number) => number,
    stop: StopReason,
    report: (job: JobResource) => void,
    lastJob: () => JobResource,
): Promise<AmlJobResult> {
    // The caller's signal is spent; the cancellation gets its own, bounded one.
    const bound = options.cancelTimeoutMs ?? DEFAULT_CANCEL_TIMEOUT_MS;
    const signal = AbortSignal.timeout(bound);
    await options.arm.post(`${jobId}/cancel`, api, undefined, signal);
    let polls = 0;
    for (let n = 0; !signal.aborted; n++) {
        let job: JobResource | undefined;
        try {
            job = await options.arm.get<JobResource>(jobId, api, signal);
        } catch (err) {
            if (signal.aborted) break;
            if (!(err instanceof ArmError && err.retryable)) throw err;
        }
        polls++;
        if (job) {
            report(job);
            const status = job.properties?.status ?? "Unknown";
            if (isFinalAmlStatus(status)) return finish(jobId, job, status, stop);
        }
        try {
            await sleep(schedule(n), signal);
        } catch {
            break;
        }
    }
    const status = lastJob().properties?.status ?? "Unknown";
    const why = stop.kind === "aborted" ? "run aborted" : stop.detail;
    const detail = `${why}; cancel requested but Azure ML still reports ${status} after ${formatDuration(bound)} (${polls} polls)`;
    return {
        status: stop.kind === "aborted" ? "canceled" : "timed-out",
        amlStatus: status,
        outputs: outputsOf(lastJob()),
        detail,
        jobResourceId: jobId,
        preempted: false,
    };
}
