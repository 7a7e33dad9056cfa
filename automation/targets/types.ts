/**
 * What a run target provides to the runner: the run stack's program, a way to
 * wait for the job, and a way to read its outputs. The runner owns the stack
 * lifecycle; targets never create or destroy stacks themselves.
 */
import { OutputMap, PulumiFn } from "@pulumi/pulumi/automation";
import { JobStatus } from "../events";
import { RunOutputs } from "../records";
import { ResolvedRunSpec } from "../spec";

/** Everything a target needs to know about the run. */
export interface TargetContext {
    readonly runId: string;
    readonly stackName: string;
    readonly spec: ResolvedRunSpec;
    /** Directory of this run's local resources (created by the program, removed by destroy). */
    readonly workDir: string;
    /** Where the job writes predictions and metrics; outlives the stack. */
    readonly outputDir: string;
    /** Python executable for local jobs. */
    readonly python: string;
    /** Aborts the wait. */
    readonly signal: AbortSignal;
    /** Reports a job status change. */
    readonly onStatus: (status: JobStatus, detail?: string) => void;
    /** Reports a line of job output (the runner redacts secrets). */
    readonly onJobOutput: (stream: "stdout" | "stderr", line: string) => void;
}

/** Terminal state of a job. */
export interface JobResult {
    readonly status: Extract<JobStatus, "succeeded" | "failed" | "canceled" | "timed-out">;
    /** Why the job did not succeed, in words. */
    readonly detail?: string;
}

export interface RunTarget {
    /** The inline program of the run stack. */
    program(ctx: TargetContext): PulumiFn;
    /** Waits for a terminal job status; honours `ctx.signal` and the spec's timeout. */
    wait(ctx: TargetContext, stackOutputs: OutputMap): Promise<JobResult>;
    /** Reads what the job produced. */
    collect(ctx: TargetContext, stackOutputs: OutputMap): Promise<RunOutputs>;
}

/** Thrown for a target this build cannot run (before any stack exists). */
export class TargetUnavailableError extends Error {
    constructor(target: string, reason: string) {
        super(`target ${target} is not available: ${reason}`);
        this.name = "TargetUnavailableError";
    }
}
