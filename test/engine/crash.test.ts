/**
 * A driver process killed with SIGKILL in the middle of a run leaves its run
 * stack and series lock behind; the next run of the series takes the lock
 * over, destroys and removes the leftover, and leaves zero run stacks.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../automation/common/paths";
import { readRecords } from "../../automation/common/records";
import { eventually, makeScratch, processesMatching, Scratch, TEST_PASSPHRASE } from "./helpers";

const CHILD = path.join(__dirname, "fixtures", "crash-child.ts");

/** Resolves when the child prints `marker`; rejects if it exits first. */
function waitForOutput(child: ChildProcess, marker: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => reject(new Error(`no ${marker} after ${timeoutMs} ms:\n${output}`)), timeoutMs);
        const onData = (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes(marker)) {
                clearTimeout(timer);
                resolve();
            }
        };
        child.stdout?.on("data", onData);
        child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`child exited (${code}) before ${marker}:\n${output}`));
        });
    });
}

describe("recovery after a driver process is killed (real CLI)", function () {
    let scratch: Scratch;
    let child: ChildProcess | undefined;

    beforeEach(async () => {
        scratch = await makeScratch("customai-crash-");
    });
    afterEach(() => {
        if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        scratch.cleanup();
    });

    it("recovers the leftover run stack of a SIGKILLed run and leaves zero run stacks", async () => {
        const outputDir = path.join(scratch.root, "crashed-out");
        const spec = scratch.localSpec("crashy", { timeoutMinutes: 5, waitSeconds: 120, outputs: outputDir });
        const args = { runsDir: scratch.runsDir, backendDir: scratch.backendDir, passphrase: TEST_PASSPHRASE, spec };
        child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD, JSON.stringify(args)], {
            cwd: PROJECT_ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        await waitForOutput(child, "JOB_RUNNING", 60_000);
        assert.ok(await eventually(() => processesMatching(outputDir).length > 0, 5000), "the job never started");
        const exited = new Promise((resolve) => child!.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;

        // The crash left what it should: a run stack, its work directory and the series lock.
        const leftovers = scratch.stacks();
        assert.equal(leftovers.length, 1, `expected one leftover stack, got ${leftovers.join(", ")}`);
        assert.match(leftovers[0], /^crashy-\d{8}T\d{9}Z$/);
        assert.ok(fs.existsSync(path.join(scratch.runsDir, "work", leftovers[0])));
        assert.ok(fs.existsSync(path.join(scratch.runsDir, "locks", "crashy.lock")));
        assert.ok(fs.existsSync(path.join(scratch.runsDir, "workspaces", leftovers[0], "Pulumi.yaml")));
        assert.deepEqual(readRecords(path.join(scratch.runsDir, "records.jsonl")), [], "the killed run wrote a record");
        // The orphaned job notices its parent is gone and stops by itself.
        assert.ok(
            await eventually(() => processesMatching(outputDir).length === 0, 5000),
            "the orphaned job kept running",
        );

        const record = await scratch.driver().run(scratch.localSpec("crashy", { timeoutMinutes: 5 }));
        assert.equal(record.status, "succeeded", record.error);
        assert.deepEqual(record.recovered, leftovers);
        assert.ok(record.phases.recover! > 0);
        assert.deepEqual(scratch.stacks(), [], "run stacks left after recovery");
        assert.equal(
            fs.existsSync(path.join(scratch.runsDir, "work", leftovers[0])),
            false,
            "the leftover's work dir survived",
        );
        assert.deepEqual(fs.readdirSync(path.join(scratch.runsDir, "workspaces")), [], "workspace files survived");
        assert.deepEqual(fs.readdirSync(path.join(scratch.runsDir, "locks")), []);
    });
});
