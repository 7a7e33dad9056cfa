/**
 * Shared set-up of the driver's engine tests: a scratch directory per test
 * with its own file backend, runs directory and sample data, and ways to look
 * at the backend without going through the code under test.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Driver, DriverOptions } from "../../automation/run/driver";
import { PULUMI_DIR } from "../../automation/stacks/engine";
import { RunEvent } from "../../automation/common/events";
import { RUN_PROJECT } from "../../automation/stacks/run-names";
import { RunSpec } from "../../automation";
import { generateSample, SampleFiles, sampleWorkload } from "../../automation/sample/sample";

export const TEST_PASSPHRASE = "engine-test-passphrase";

export interface Scratch {
    readonly root: string;
    readonly backendDir: string;
    readonly runsDir: string;
    readonly sample: SampleFiles;
    readonly driverOptions: DriverOptions;
    driver(overrides?: Partial<DriverOptions>): Driver;
    /** A local run of `series` on the good sample with a 2-minute timeout; `overrides` replace any field. */
    localSpec(series: string, overrides?: SampleRunOverrides): RunSpec;
    /** Run stacks on the backend, read from its files (not through the driver). */
    stacks(): string[];
    cleanup(): void;
}

/** Fields of a sample run a test changes: any spec field, or the sample workload's input, wait and script. */
export type SampleRunOverrides = Omit<Partial<RunSpec>, "workload"> & {
    /** Optional. Input CSV. @default - the good sample */
    readonly input?: string;
    /** Optional. Seconds the job sleeps before scoring. @default 0 */
    readonly waitSeconds?: number;
    /** Optional. Script instead of the sample scorer (same arguments). @default - automation/sample/score.py */
    readonly script?: string;
};

/** A local run spec of the sample workload, changed by `overrides`. */
export function sampleSpec(sample: SampleFiles, series: string, overrides: SampleRunOverrides = {}): RunSpec {
    const { input, waitSeconds, script, ...fields } = overrides;
    const workload = sampleWorkload({ data: input ?? sample.data, model: sample.model }, { waitSeconds });
    return {
        series,
        target: "local",
        timeoutMinutes: 2,
        workload: script === undefined ? workload : { ...workload, code: { ...workload.code, script } },
        ...fields,
    };
}

/** Fast retries, so a test of a failure path does not wait out production backoff. */
export const TEST_RETRY = { attempts: 3, baseDelayMs: 100, maxDelayMs: 400 };

export async function makeScratch(prefix = "customai-driver-"): Promise<Scratch> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const backendDir = path.join(root, "state");
    const runsDir = path.join(root, "runs");
    const sample = await generateSample(path.join(root, "sample"), { rows: 120, seed: 7, bad: true });
    const driverOptions: DriverOptions = {
        runsDir,
        engine: { backendUrl: `file://${backendDir}`, passphrase: TEST_PASSPHRASE },
        retry: TEST_RETRY,
    };
    return {
        root,
        backendDir,
        runsDir,
        sample,
        driverOptions,
        driver: (overrides = {}) => new Driver({ ...driverOptions, ...overrides }),
        localSpec: (series, overrides = {}) => sampleSpec(sample, series, overrides),
        stacks: () => stacksOnBackend(backendDir),
        cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
    };
}

/** Stack names of the run project in a file backend (`.bak` copies of removed stacks excluded). */
export function stacksOnBackend(backendDir: string): string[] {
    const dir = path.join(backendDir, ".pulumi", "stacks", RUN_PROJECT);
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -".json".length));
}

/** Every file under `dir` as one string (to search state and records for leaked secrets). */
export function readTree(dir: string): string {
    if (!fs.existsSync(dir)) return "";
    return fs
        .readdirSync(dir, { recursive: true })
        .map((f) => path.join(dir, String(f)))
        .filter((f) => fs.statSync(f).isFile())
        .map((f) => fs.readFileSync(f, "utf8"))
        .join("\n");
}

/** Collects a run's events. */
export function eventLog(): { events: RunEvent[]; listener: (e: RunEvent) => void } {
    const events: RunEvent[] = [];
    return { events, listener: (e) => events.push(e) };
}

/** Pids of live processes whose command line contains `text` (excluding pgrep itself). */
export function processesMatching(text: string): number[] {
    try {
        return execFileSync("pgrep", ["-f", text], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
    } catch {
        return []; // pgrep exits 1 when nothing matches
    }
}

/** Polls `predicate` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(predicate: () => boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (predicate()) return true;
        await new Promise((r) => setTimeout(r, stepMs));
    }
    return predicate();
}

export interface CliLog {
    /** A Pulumi root whose `bin/pulumi` logs its first argument, then runs the project's CLI. */
    readonly pulumiRoot: string;
    /** The first argument of every CLI start so far (`version`, `stack`, `up`, ...), in order. */
    commands(): string[];
    dispose(): void;
}

/** A CLI that logs how it is called, to count the processes a driver starts. */
export function cliLog(): CliLog {
    const pulumiRoot = fs.mkdtempSync(path.join(os.tmpdir(), "customai-cli-log-"));
    const bin = path.join(pulumiRoot, "bin");
    const log = path.join(pulumiRoot, "commands.log");
    fs.mkdirSync(bin);
    const real = path.join(PULUMI_DIR, "bin", "pulumi");
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$1" >> '${log}'\nexec '${real}' "$@"\n`, {
        mode: 0o755,
    });
    // Dynamic providers are found next to the CLI (on PATH), so the rest of its directory must be there too.
    for (const entry of fs.readdirSync(path.join(PULUMI_DIR, "bin"))) {
        if (entry !== "pulumi") fs.symlinkSync(path.join(PULUMI_DIR, "bin", entry), path.join(bin, entry));
    }
    return {
        pulumiRoot,
        commands: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : []),
        dispose: () => fs.rmSync(pulumiRoot, { recursive: true, force: true }),
    };
}
