/**
 * The installed command (`node bin/customai.js`) as a child process on a
 * temporary backend: a run with JSON output, an invalid spec rejected with
 * exit code 2 before the engine, and a schedule stopped by SIGTERM during the
 * job, which exits 143 only after the run stack is destroyed.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../automation/common/paths";
import { readRecords, RunRecord } from "../../automation/common/records";
import { SAMPLE_SCRIPT, sampleWorkload } from "../../automation/sample/sample";
import { makeScratch, processesMatching, Scratch, TEST_PASSPHRASE } from "./helpers";

const BIN = path.join(PROJECT_ROOT, "bin", "customai.js");
const SECRET = "cli-secret-7d1e0b-never-print-me";

interface Exit {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Starts the command with a scratch backend and runs directory; `exited` settles when the process ends. */
function customai(scratch: Scratch, args: string[], env: Record<string, string> = {}) {
    const child: ChildProcess = spawn(
        process.execPath,
        [BIN, ...args, "--runs-dir", scratch.runsDir, "--backend-url", `file://${scratch.backendDir}`],
        {
            cwd: scratch.root,
            env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: TEST_PASSPHRASE, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<Exit>((resolve) =>
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
    );
    return { child, exited, stdout: () => stdout };
}

describe("customai command (child process, real CLI)", function () {
    let scratch: Scratch;

    beforeEach(async () => {
        scratch = await makeScratch("customai-cli-");
    });
    afterEach(() => scratch.cleanup());

    /** Writes a spec file beside the sample, with paths relative to it. */
    const specFile = (name: string, fields: Record<string, unknown>) => {
        const file = path.join(scratch.root, name);
        const spec = {
            target: "local",
            workload: {
                code: path.relative(scratch.root, SAMPLE_SCRIPT),
                inputs: { input: path.relative(scratch.root, scratch.sample.data) },
                model: path.relative(scratch.root, scratch.sample.model),
            },
            timeoutMinutes: 2,
            ...fields,
        };
        fs.writeFileSync(file, JSON.stringify(spec));
        return file;
    };

    it("run --json: exit 0, the record as one JSON document, progress on stderr, the secret nowhere", async () => {
        const file = specFile("nightly.json", { series: "from-file" });
        const { exited } = customai(
            scratch,
            [
                "run",
                file,
                "--series",
                "cli-run",
                "--config",
                "region=test",
                "--secret-env",
                "apiToken=CLI_TOKEN",
                "--json",
            ],
            { CLI_TOKEN: SECRET },
        );
        const result = await exited;

        assert.equal(result.code, 0, result.stderr);
        const record = JSON.parse(result.stdout) as RunRecord;
        assert.equal(record.status, "succeeded");
        assert.equal(record.series, "cli-run", "the flag did not override the file");
        assert.equal(record.outputs?.rowCount, scratch.sample.rows);
        assert.match(result.stderr, /\[cli-run\] up +done/);
        assert.match(result.stderr, /\[cli-run\] destroy +done/);
        assert.deepEqual(scratch.stacks(), []);
        assert.deepEqual(
            readRecords(path.join(scratch.runsDir, "records.jsonl")).map((r) => r.id),
            [record.id],
        );
        for (const [where, text] of [
            ["stdout", result.stdout],
            ["stderr", result.stderr],
            ["records", fs.readFileSync(path.join(scratch.runsDir, "records.jsonl"), "utf8")],
        ]) {
            assert.ok(!text.includes(SECRET), `the secret appears in ${where}`);
        }
    });

    it("an invalid spec: exit 2 naming the fields, before any backend, lock or record exists", async () => {
        const file = specFile("bad.json", { series: "Bad_Series", timeoutMinutes: 0 });
        const result = await customai(scratch, ["run", file, "--json"]).exited;

        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /series: lowercase letters/);
        assert.match(result.stderr, /timeoutMinutes: a number of minutes above 0/);
        const doc = JSON.parse(result.stdout) as { error: { exitCode: number; fields: string[] } };
        assert.deepEqual([doc.error.exitCode, [...doc.error.fields].sort()], [2, ["series", "timeoutMinutes"]]);
        assert.equal(fs.existsSync(scratch.backendDir), false, "the backend was created");
        assert.equal(fs.existsSync(scratch.runsDir), false, "the runs directory was created");
    });

    it("schedule stopped by SIGTERM during the job: exit 143 after teardown, record aborted, no stack", async () => {
        const outputDir = path.join(scratch.root, "sigterm-out");
        const slow = sampleWorkload(scratch.sample, { waitSeconds: 60 });
        const file = specFile("slow.json", { series: "sigterm", workload: slow, outputs: outputDir });
        const { child, exited, stdout } = customai(scratch, ["schedule", "* * * * * *", file, "--json"]);
        try {
            // JSON lines on stdout: wait for the job to run, and for its process to show.
            const deadline = Date.now() + 30_000;
            while (
                !/"type":"job-status","status":"running"/.test(stdout()) ||
                processesMatching(outputDir).length === 0
            ) {
                assert.ok(Date.now() < deadline, `the job never ran:\n${stdout()}`);
                await new Promise((r) => setTimeout(r, 100));
            }
            const signalled = Date.now();
            child.kill("SIGTERM");
            const result = await exited;

            assert.equal(result.code, 143, result.stderr);
            assert.equal(result.signal, null, "the process was killed instead of ending by itself");
            assert.ok(Date.now() - signalled < 30_000, "the process waited for the job instead of stopping it");
            assert.match(result.stderr, /SIGTERM: stopping/);
            const events = result.stdout
                .trim()
                .split("\n")
                .map((line) => JSON.parse(line) as { type: string; status?: string; reason?: string });
            const finished = events.filter((e) => e.type === "tick-finished");
            assert.deepEqual(
                finished.map((e) => e.status),
                ["aborted"],
            );
            assert.deepEqual(events.at(-1), { ...events.at(-1), type: "schedule-stopped", reason: "aborted" });
            // The teardown happened before the exit, not after it.
            const destroyed = events.findIndex(
                (e) => e.type === "phase-finished" && (e as { phase?: string }).phase === "destroy",
            );
            assert.ok(destroyed >= 0, "no destroy phase before the exit");
            assert.deepEqual(
                readRecords(path.join(scratch.runsDir, "records.jsonl")).map((r) => r.status),
                ["aborted"],
            );
            assert.deepEqual(scratch.stacks(), [], "a run stack was left on the backend");
            assert.deepEqual(processesMatching(outputDir), [], "the job process outlived the command");
        } finally {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        }
    });
});
