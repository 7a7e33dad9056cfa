/**
 * The TTL reaper: destroys run stacks that started before a deadline —
 * stacks kept by `keepOnFailure`, and leftovers of crashed runs whose series
 * never ran again. It takes each series' lock first, so it never touches a
 * series that a live run holds.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { DEFAULT_REAP_AGE_MINUTES } from "../common/limits";
import { removeRunDirs, runPaths } from "../common/paths";
import { RetryPolicy } from "../common/retry";
import { EngineSettings, workspaceOptions } from "../stacks/engine";
import { parseRunStackName } from "../stacks/run-names";
import { disposeStack, listRunStacks, runProjectWorkspace } from "../stacks/stacks";
import { unmarkKept } from "./kept-stacks";
import { summarizeError } from "../common/errors";
import { acquireSeriesLock, SeriesBusyError } from "./series-lock";

export interface ReapOptions {
    /** Optional. Reap stacks started before this instant. @default - now minus DEFAULT_REAP_AGE_MINUTES */
    readonly olderThan?: Date;
    /** Optional. List what would be reaped without destroying anything. @default false */
    readonly dryRun?: boolean;
    /** Optional. Backend, passphrase and CLI location. @default - the defaults of engine.ts */
    readonly engine?: EngineSettings;
    /** Optional. Runs directory (locks and kept markers). @default - `defaultRunsDir()`: `.runs` in this checkout, or in the working directory when installed as a dependency */
    readonly runsDir?: string;
    /** Optional. Retries of engine operations. @default DEFAULT_RETRY_POLICY */
    readonly retry?: RetryPolicy;
    /** Optional. Engine output of the destroys. @default - ignored */
    readonly onOutput?: (chunk: string) => void;
}

export interface ReapResult {
    /** Stacks destroyed and removed (or, with dryRun, that would be). */
    readonly reaped: string[];
    /** Stale stacks left alone, with why. */
    readonly skipped: { readonly stackName: string; readonly reason: string }[];
}

/** Run stacks among `names` that started before `olderThan`, oldest first. Pure. */
export function staleRunStacks(names: readonly string[], olderThan: Date): string[] {
    return names
        .map((name) => ({ name, parsed: parseRunStackName(name) }))
        .filter((s) => s.parsed !== undefined && s.parsed.startedAt.getTime() < olderThan.getTime())
        .sort((a, b) => a.parsed!.startedAt.getTime() - b.parsed!.startedAt.getTime())
        .map((s) => s.name);
}

/** Destroys the run stacks that started before the deadline. Failures are reported, not thrown. */
export async function reap(options: ReapOptions = {}): Promise<ReapResult> {
    const olderThan = options.olderThan ?? new Date(Date.now() - DEFAULT_REAP_AGE_MINUTES * 60_000);
    const paths = runPaths(options);
    const wsDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "customai-reap-"));
    const result: ReapResult = { reaped: [], skipped: [] };
    try {
        const ws = await runProjectWorkspace(await workspaceOptions(options.engine), wsDir);
        for (const stackName of staleRunStacks(await listRunStacks(ws), olderThan)) {
            if (options.dryRun) {
                result.reaped.push(stackName);
                continue;
            }
            const series = parseRunStackName(stackName)!.series;
            let lock;
            try {
                lock = acquireSeriesLock(paths.locksDir, series);
            } catch (err) {
                if (!(err instanceof SeriesBusyError)) throw err;
                result.skipped.push({ stackName, reason: err.message });
                continue;
            }
            try {
                const stack = await Stack.select(stackName, ws);
                await disposeStack(stack, { unlock: true, onOutput: options.onOutput, retry: options.retry });
                unmarkKept(paths.keptDir, stackName);
                await removeRunDirs(paths, stackName);
                result.reaped.push(stackName);
            } catch (err) {
                result.skipped.push({ stackName, reason: `destroy failed: ${summarizeError(err)}` });
            } finally {
                lock.release();
            }
        }
    } finally {
        await fs.promises.rm(wsDir, { recursive: true, force: true });
    }
    return result;
}
