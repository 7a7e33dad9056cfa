/**
 * What a run target provides: its section of the run spec (types,
 * validation, defaults), the run stack's program, a way to wait for the job,
 * and a way to read its outputs. The runner owns the stack lifecycle; targets
 * never create or destroy stacks themselves.
 */
import { OutputMap, PulumiFn } from "@pulumi/pulumi/automation";
import { JobStatus } from "../common/events";
import { RunOutputs } from "../common/records";
import { ResolvedRunSpec, SpecSection } from "../spec";
import type { PluginRequirement } from "../stacks/plugins";

/** Everything a target needs to know about the run. */
export interface TargetContext<Section = unknown> {
    readonly runId: string;
    readonly stackName: string;
    /**
     * The job's submission, from 1: higher after the target asked for a
     * resubmission (`JobResult.resubmit`). Programs put it into the job's
     * settings, so the next `up` submits a new job.
     */
    readonly attempt: number;
    /**
     * Milliseconds since the epoch when waiting for the job ends: the first
     * wait's start plus the spec's timeout. Every submission's wait shares
     * it, so resubmissions never stretch a run past its timeout.
     */
    readonly waitDeadline: number;
    readonly spec: ResolvedRunSpec<Section>;
    /** A directory of this run on this machine (created by the program, removed with the stack). */
    readonly workDir: string;
    /** Where outputs go on this machine when the spec names no `outputs`: `<runs dir>/outputs/<stack>`; outlives the stack. */
    readonly localOutputDir: string;
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
    /**
     * Optional. Set when the job did not succeed for a reason a new
     * submission may not meet (e.g. its Spot nodes were preempted) and the
     * target's limit on resubmissions allows another: the runner runs `up`
     * again with `attempt` one higher, and waits again. @default - not resubmitted
     */
    readonly resubmit?: string;
}

/**
 * A run target. `Section` is its part of the spec as written (under the
 * target's name), `Resolved` the same with defaults applied.
 */
export interface RunTarget<Section = unknown, Resolved = unknown> {
    /** The target's name: the value of the spec's `target` and the key of its section. */
    readonly name: string;
    /** What the target says about runs in `--help` and errors. */
    readonly description: string;
    /** Its section of the spec, and its rules on the generic fields (e.g. which inputs it can read). */
    readonly spec: SpecSection<Section, Resolved>;
    /** Optional. Provider plugins its run stacks need; installed once, before the first stack. @default - none */
    plugins?(): readonly PluginRequirement[];
    /** The inline program of the run stack. */
    program(ctx: TargetContext<Resolved>): PulumiFn;
    /** Waits for a terminal job status; honours `ctx.signal` and the spec's timeout. */
    wait(ctx: TargetContext<Resolved>, stackOutputs: OutputMap): Promise<JobResult>;
    /** Reads what the job produced. */
    collect(ctx: TargetContext<Resolved>, stackOutputs: OutputMap): Promise<RunOutputs>;
    /** Optional. A readable form of an error its cloud reported (e.g. quota numbers and what to request). */
    explainError?(message: string): string | undefined;
}

/** The spec section type of a target. */
export type SectionOf<T> = T extends RunTarget<infer S, unknown> ? S : never;
