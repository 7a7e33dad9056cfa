/**
 * Stack operations the runner, recovery and the reaper share: open the run
 * project's workspace, list run stacks, and dispose of a stack (unlock,
 * destroy, remove) with retries on transient errors.
 */
import { LocalWorkspace, LocalWorkspaceOptions, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { isRunStackOf, parseRunStackName, RUN_PROJECT } from "./run-names";
import { RetryOptions, withRetry } from "../common/retry";

/**
 * A workspace of the run project in `workDir`. Programs are inline: `program` is the one stacks created in it
 * run; destroying needs none, hence the empty default.
 */
export function runProjectWorkspace(
    options: LocalWorkspaceOptions,
    workDir: string,
    program: PulumiFn = async () => ({}),
): Promise<LocalWorkspace> {
    return LocalWorkspace.create({
        ...options,
        workDir,
        projectSettings: { name: RUN_PROJECT, runtime: "nodejs" },
        program,
    });
}

/** Names of the run stacks on the backend (other stacks of the run project are ignored). */
export async function listRunStacks(workspace: LocalWorkspace, series?: string): Promise<string[]> {
    const stacks = await withRetry(() => workspace.listStacks());
    return stacks
        .map((s) => s.name)
        .filter((name) => (series === undefined ? parseRunStackName(name) !== undefined : isRunStackOf(series, name)));
}

/**
 * Removes pending operations an interrupted update left in the state (the
 * engine refuses to destroy past them). Returns how many were cleared.
 */
export async function clearPendingOperations(stack: Stack): Promise<number> {
    const state = await stack.exportStack();
    const deployment = state.deployment as { pending_operations?: unknown[] } | undefined;
    const pending = deployment?.pending_operations?.length ?? 0;
    if (deployment && pending > 0) {
        deployment.pending_operations = [];
        await stack.importStack(state);
    }
    return pending;
}

export interface DisposeOptions {
    /** Optional. Remove a stale lock and pending operations first (the caller knows no update runs). @default false */
    readonly unlock?: boolean;
    /** Optional. Engine standard output. @default - ignored */
    readonly onOutput?: (chunk: string) => void;
    /** Optional. Engine standard error. @default - ignored */
    readonly onError?: (chunk: string) => void;
    /** Optional. Retry policy and callback. @default DEFAULT_RETRY_POLICY */
    readonly retry?: RetryOptions;
}

/** Destroys the stack's resources and removes the stack from the backend. */
export async function disposeStack(stack: Stack, options: DisposeOptions = {}): Promise<void> {
    if (options.unlock) {
        // `pulumi cancel` deletes a file backend's lock; it fails harmlessly when nothing is locked.
        await stack.cancel().catch(() => undefined);
        await clearPendingOperations(stack);
    }
    await withRetry(() => stack.destroy({ onOutput: options.onOutput, onError: options.onError }), options.retry);
    await withRetry(() => stack.workspace.removeStack(stack.name), options.retry);
}

/**
 * Disposes of every run stack of `series` that `skip` does not exclude: what
 * crashed runs left behind. Only call while holding the series lock, so none
 * of them can belong to a live run. Returns the names removed.
 */
export async function recoverSeries(
    workspace: LocalWorkspace,
    series: string,
    skip: (stackName: string) => boolean,
    options: DisposeOptions = {},
): Promise<string[]> {
    const leftovers = (await listRunStacks(workspace, series)).filter((name) => !skip(name));
    for (const name of leftovers) {
        const stack = await Stack.select(name, workspace);
        await disposeStack(stack, { ...options, unlock: true });
    }
    return leftovers;
}
