/**
 * The supported API of the batch-run driver: what embedders import
 * (`import { Driver } from "custom-ai-on-azure/automation"`). Everything
 * else under automation/ is internal and may change between versions.
 *
 * Folders, lowest layer first (each imports only from the ones before it;
 * test/unit/layout.test.ts holds the exact rules):
 *   common/    events, records, retry, errors, paths and limits every layer shares
 *   spec/      the run spec: generic fields, the workload, the section contract of targets
 *   stacks/    engine settings, run stack names, stack operations
 *   azure/     ARM client, Azure error classification, job monitor, blob uploads
 *   targets/   the target registry, `local/` and `aml/`
 *   run/       one run (runner), the Driver, the reaper
 *   schedule/  cron schedules over a Driver
 *   sample/    the sample workload (`customai sample`, `npm start`)
 *   cli/       the `customai` command
 */
export type { JobStatus, RunEvent, RunListener, RunPhase } from "./common/events";
export { defaultRunsDir, runPaths } from "./common/paths";
export type { RunPaths } from "./common/paths";
export { readRecords, redact } from "./common/records";
export type { RunOutputs, RunRecord, RunStatus } from "./common/records";
export type { RetryPolicy } from "./common/retry";
export { PulumiCliMissingError } from "./common/errors";
export type { CodeSpec, GenericRunSpec, ResolvedRunSpec, WorkloadSpec } from "./spec";
export type { EngineSettings } from "./stacks/engine";
export { BUILT_IN_TARGETS, createAmlTarget } from "./targets";
export type { JobResult, RunSpec, RunTarget, TargetContext, TargetRegistry } from "./targets";
export type { AmlSection, AmlTargetOptions } from "./targets/aml";
export type { LocalSection } from "./targets/local";
export { Driver } from "./run/driver";
export type { DriverOptions, RunOptions } from "./run/driver";
export { runBatch, RunAbortedError } from "./run/runner";
export type { RunnerOptions } from "./run/runner";
export { reap } from "./run/reaper";
export { DEFAULT_REAP_AGE_MINUTES } from "./common/limits";
export type { ReapOptions, ReapResult } from "./run/reaper";
export { scheduleRuns, scheduleIssues, validateSchedule } from "./schedule/scheduler";
export type {
    ScheduleArgs,
    ScheduleEvent,
    ScheduleListener,
    ScheduleOptions,
    ScheduleResult,
    SpecFactory,
    TickEvent,
    TickInfo,
} from "./schedule/scheduler";
export { ValidationError } from "../components/common/validation";
export type { ValidationIssue } from "../components/common/validation";
