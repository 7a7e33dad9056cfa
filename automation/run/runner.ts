/**
 * One batch run on an ephemeral stack: validate → lock the series → recover
 * leftovers → create the run stack → configure → up → wait for the job →
 * collect → destroy and remove (always, in `finally`) → append the record.
 *
 * `runBatch` does a single run and does not queue: use `Driver` (driver.ts),
 * which serializes runs of one series and lets different series run
 * concurrently. Nothing here touches process-wide state.
 */
import { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { JobStatus, RunListener } from "../common/events";
import { removeRunDirs, RunPaths, runPaths } from "../common/paths";
import { MAX_RESUBMISSIONS, MIN_RESUBMIT_WAIT_MS } from "../common/limits";
import { appendRecord, redact, Resubmission, RunOutputs, RunRecord, RunStatus } from "../common/records";
import { RetryPolicy, withRetry } from "../common/retry";
import { fileCheck, resolveRunSpec, ResolvedRunSpec, validateRunSpec } from "../spec";
import { EngineSettings, workspaceOptions } from "../stacks/engine";
import { runStackName } from "../stacks/run-names";
import { engineHome, ensurePlugins } from "../stacks/plugins";
import { disposeStack, recoverSeries, runProjectWorkspace } from "../stacks/stacks";
import { RunSpec, specSections, TargetContext, TargetRegistry, targetRegistry } from "../targets";
import { isKept, markKept } from "./kept-stacks";
import { summarizeError } from "../common/errors";
import { RunAbortedError, RunState } from "./run-state";
import { acquireSeriesLock, HeldSeriesLock } from "./series-lock";

export { RunAbortedError } from "./run-state";

export interface RunnerOptions {
    /** Optional. Backend, passphrase and CLI location. @default - the defaults of stacks/engine.ts */
    readonly engine?: EngineSettings;
    /** Optional. Directory for records, outputs, work directories and locks. @default - `defaultRunsDir()`: `.runs` in this checkout, or in the working directory when installed as a dependency */
    readonly runsDir?: string;
    /** Optional. Records file. @default - `<runsDir>/records.jsonl` */
    readonly recordsFile?: string;
    /** Optional. Retries of engine operations on transient errors. @default DEFAULT_RETRY_POLICY */
    readonly retry?: RetryPolicy;
    /** Optional. Base of relative paths in the spec. @default - process.cwd() */
    readonly cwd?: string;
    /**
     * Optional. Targets added to the built-in ones, or replacing one of the
     * same name, so embedders (and benchmarks) can run their own program, job
     * and collection on the driver's stack lifecycle. Each key is the
     * target's `name`; its spec section is validated like a built-in one's.
     * @default - the built-in targets (BUILT_IN_TARGETS)
     */
    readonly targets?: TargetRegistry;
    /** Optional. Aborts the run; the stack is still destroyed. @default - never aborted */
    readonly signal?: AbortSignal;
    /** Optional. Receives the run's events. @default - none */
    readonly onEvent?: RunListener;
}

/** Raised inside the run when the job ends in anything but success. */
class JobFailedError extends Error {
    constructor(status: JobStatus, detail?: string) {
        super(detail ?? `job ${status}`);
        this.name = "JobFailedError";
    }
}

/**
 * Runs one batch run and appends its record. Resolves with the record for
 * every outcome (succeeded, failed, aborted); rejects only when the spec is
 * invalid — before any stack or record exists.
 */
export async function runBatch(input: RunSpec, options: RunnerOptions = {}): Promise<RunRecord> {
    const runId = randomUUID();
    const startedAt = new Date();
    const validateStarted = Date.now();
    // One base for both, so validation checks the files the run will read.
    const files = fileCheck(options.cwd);
    const registry = targetRegistry(options.targets);
    const sections = specSections(registry);
    const spec = resolveRunSpec(validateRunSpec(input, sections, files), sections, files);
    const target = registry[spec.target];
    const state = new RunState(runId, spec.series, options.onEvent, Object.values(spec.secrets));
    // Reported once the series is known to be valid, so listeners never see events of a rejected spec.
    state.phases.validate = Date.now() - validateStarted;
    state.emit({ type: "phase-started", phase: "validate" });
    state.emit({ type: "phase-finished", phase: "validate", durationMs: state.phases.validate, ok: true });

    const paths = runPaths(options);
    const stackName = runStackName(spec.series, startedAt);
    const signal = options.signal ?? new AbortController().signal;
    let attempt = 1;
    let waitDeadline: number | undefined;
    const ctx: TargetContext = {
        runId,
        stackName,
        get attempt() {
            return attempt;
        },
        // Set when the first wait starts; all submissions share it.
        get waitDeadline() {
            return waitDeadline ?? Date.now() + spec.timeoutMinutes * 60_000;
        },
        spec,
        workDir: path.join(paths.workRoot, stackName),
        localOutputDir: path.join(paths.outputsRoot, stackName),
        signal,
        onStatus: (status, detail) =>
            state.emit({ type: "job-status", status, detail: detail && redact(detail, state.secrets) }),
        onJobOutput: (stream, line) => state.emit({ type: "job-output", stream, line: redact(line, state.secrets) }),
    };
    // Workspace files (Pulumi.yaml, stack config) are per run and thrown away; the state lives in the backend.
    // Under the runs dir rather than /tmp, so recovery can remove those of a crashed run too.
    const wsDir = path.join(paths.workspacesRoot, stackName);
    await fs.promises.mkdir(wsDir, { recursive: true });

    let status: RunStatus = "succeeded";
    let error: string | undefined;
    let outputs: RunOutputs | undefined;
    let kept: { reason: string } | undefined;
    let lock: HeldSeriesLock | undefined;
    const resubmissions: Resubmission[] = [];
    try {
        // One workspace serves recovery and the run stack.
        const engine = await workspaceOptions(options.engine);
        const ws = await runProjectWorkspace(engine, wsDir, target.program(ctx));
        lock = await state.phase("lock", () => acquireSeriesLock(paths.locksDir, spec.series), signal);
        state.recovered = await state.phase(
            "recover",
            async () => {
                const out = state.engineOutput("recover");
                const skip = (name: string) => name === stackName || isKept(paths.keptDir, name);
                const removed = await recoverSeries(ws, spec.series, skip, {
                    onOutput: out.onOutput,
                    onError: out.onError,
                    retry: state.retryOptions("recover", options.retry),
                });
                out.flush();
                await Promise.all(removed.map((name) => removeRunDirs(paths, name)));
                return removed;
            },
            signal,
        );
        state.stack = await state.phase(
            "create",
            async () => {
                const home = engineHome(engine.envVars);
                await ensurePlugins(ws, home, target.plugins?.() ?? [], (line) =>
                    state.emit({ type: "engine-output", phase: "create", stream: "stdout", line }),
                );
                return withRetry(
                    () => Stack.create(stackName, ws),
                    state.retryOptions("create", options.retry, signal),
                );
            },
            signal,
        );
        const stack = state.stack;
        let upOutputs: OutputMap | undefined;
        await state.phase("configure", () => configureStack(stack, spec), signal);
        // Each submission is an `up` (the program puts ctx.attempt into the job) and a wait.
        for (;;) {
            // A stack whose `up` did not finish needs unlocking before its destroy, resubmission or not.
            state.upCompleted = false;
            upOutputs = await state.phase(
                "up",
                () => withRetry(() => upStack(state, stack, signal), state.retryOptions("up", options.retry, signal)),
                signal,
            );
            if (signal.aborted) throw new RunAbortedError("up");
            waitDeadline ??= Date.now() + spec.timeoutMinutes * 60_000;
            const job = await state.phase("wait", () => target.wait(ctx, upOutputs!), signal);
            if (signal.aborted) throw new RunAbortedError("wait");
            if (job.status === "succeeded") break;
            if (job.resubmit === undefined || attempt > MAX_RESUBMISSIONS) {
                throw new JobFailedError(job.status, job.detail);
            }
            const left = waitDeadline - Date.now();
            if (left < MIN_RESUBMIT_WAIT_MS) {
                const why = `not submitted again: ${Math.max(0, Math.round(left / 1000))} s of the spec's timeout left`;
                throw new JobFailedError(job.status, `${job.detail ?? job.resubmit}; ${why}`);
            }
            const reason = redact(job.resubmit, state.secrets);
            resubmissions.push({ attempt, reason, at: new Date().toISOString() });
            attempt += 1;
            state.emit({ type: "job-resubmitted", attempt, reason });
        }
        const finalOutputs = upOutputs;
        outputs = await state.phase("collect", () => target.collect(ctx, finalOutputs), signal);
    } catch (err) {
        status = signal.aborted ? "aborted" : "failed";
        // An abort surfaces as whatever the interrupted step threw; the record says what happened instead.
        const summary = summarizeError(err);
        const message = signal.aborted
            ? `run aborted during ${state.current ?? "validate"}`
            : (target.explainError?.(summary) ?? summary);
        error = redact(message, state.secrets);
    } finally {
        kept = await cleanUp(state, spec, ctx, paths, status, options);
        lock?.release();
        await fs.promises.rm(wsDir, { recursive: true, force: true });
    }

    const finishedAt = new Date();
    const record: RunRecord = {
        id: runId,
        series: spec.series,
        target: spec.target,
        stackName,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        phases: state.phases,
        status,
        outputs,
        error,
        keptStack: kept !== undefined,
        keptReason: kept?.reason,
        recovered: state.recovered.length > 0 ? state.recovered : undefined,
        resubmissions: resubmissions.length > 0 ? resubmissions : undefined,
    };
    await appendRecord(paths.recordsFile, record, state.secrets);
    return record;
}

/** Sets plain config and secrets (encrypted by the stack's secrets provider). */
async function configureStack(stack: Stack, spec: ResolvedRunSpec): Promise<void> {
    const config: Record<string, { value: string; secret: boolean }> = {};
    for (const [key, value] of Object.entries(spec.config)) config[key] = { value, secret: false };
    for (const [key, value] of Object.entries(spec.secrets)) config[key] = { value, secret: true };
    if (Object.keys(config).length > 0) await stack.setAllConfig(config);
}

async function upStack(state: RunState, stack: Stack, signal: AbortSignal): Promise<OutputMap> {
    const out = state.engineOutput("up");
    try {
        const result = await stack.up({ onOutput: out.onOutput, onError: out.onError, signal });
        state.upCompleted = true;
        return result.outputs;
    } finally {
        out.flush();
    }
}

/**
 * Destroys and removes the run stack unless the run failed with
 * `keepOnFailure`. Never throws: a failed cleanup is reported in the record
 * (and the stack is left for the next run's recovery step).
 */
async function cleanUp(
    state: RunState,
    spec: ResolvedRunSpec,
    ctx: TargetContext,
    paths: RunPaths,
    status: RunStatus,
    options: RunnerOptions,
): Promise<{ reason: string } | undefined> {
    const stack = state.stack;
    if (!stack) return undefined;
    // Only failures are kept: whoever aborts a run wants it gone.
    if (status === "failed" && spec.keepOnFailure) {
        const reason = `keepOnFailure: stack ${stack.name} kept for inspection; the reaper removes it after its deadline`;
        markKept(paths.keptDir, {
            stackName: stack.name,
            runId: state.runId,
            reason,
            keptAt: new Date().toISOString(),
        });
        return { reason };
    }
    try {
        await state.phase("destroy", async () => {
            const out = state.engineOutput("destroy");
            try {
                // After an interrupted up our CLI has exited, so a remaining lock or pending operation is stale.
                await disposeStack(stack, {
                    unlock: !state.upCompleted,
                    onOutput: out.onOutput,
                    onError: out.onError,
                    retry: state.retryOptions("destroy", options.retry),
                });
            } finally {
                out.flush();
            }
        });
        // An update interrupted between creating the directory and saving state leaves it untracked.
        await fs.promises.rm(ctx.workDir, { recursive: true, force: true });
        return undefined;
    } catch (err) {
        return {
            reason: `cleanup failed, the next run of ${spec.series} retries it: ${redact(summarizeError(err), state.secrets)}`,
        };
    }
}
