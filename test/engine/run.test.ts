/**
 * One batch run on the local target through the real CLI: success end to end,
 * a failing job, aborts during `up` and during the wait, keepOnFailure,
 * secrets kept out of records, events and state, and the CLI looked up once
 * per driver rather than once per run.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { RunEvent } from "../../automation/common/events";
import { readRecords } from "../../automation/common/records";
import { PULUMI_DIR } from "../../automation/stacks/engine";
import { localTarget } from "../../automation/targets";
import { cliLog, eventLog, eventually, makeScratch, processesMatching, readTree, Scratch } from "./helpers";

const SECRET = "tok-8f2c1d9e-never-print-me";

/** Phases that finished, in order. */
const finishedPhases = (events: RunEvent[]) => events.flatMap((e) => (e.type === "phase-finished" ? [e.phase] : []));

describe("batch run on the local target (real CLI)", function () {
    let scratch: Scratch;

    beforeEach(async () => {
        scratch = await makeScratch();
    });
    afterEach(() => scratch.cleanup());

    it("looks the CLI up once per driver: two runs, one `pulumi version`", async () => {
        const log = cliLog();
        try {
            // Plugins stay in the project's PULUMI_HOME; only the binary is wrapped.
            const engine = { ...scratch.driverOptions.engine, pulumiRoot: log.pulumiRoot, pulumiHome: PULUMI_DIR };
            const driver = scratch.driver({ engine });
            const spec = scratch.localSpec("cli-once");
            const first = await driver.run(spec);
            const second = await driver.run(spec);
            assert.deepEqual([first.status, second.status], ["succeeded", "succeeded"], second.error ?? first.error);
            const commands = log.commands();
            assert.equal(commands.filter((c) => c === "version").length, 1, commands.join(", "));
            // Both runs did go through the wrapped CLI.
            assert.equal(commands.filter((c) => c === "up").length, 2, commands.join(", "));
            assert.deepEqual(scratch.stacks(), []);
        } finally {
            log.dispose();
        }
    });

    it("scores the sample end to end and leaves no stack, with secrets in no record, event or state", async () => {
        const { events, listener } = eventLog();
        const driver = scratch.driver();
        const record = await driver.run(
            scratch.localSpec("nightly", { config: { region: "local-1" }, secrets: { apiToken: SECRET } }),
            { onEvent: listener },
        );

        assert.equal(record.status, "succeeded", record.error);
        assert.equal(record.keptStack, false);
        assert.match(record.stackName, /^nightly-\d{8}T\d{9}Z$/);
        assert.equal(record.outputs?.rowCount, scratch.sample.rows);
        const predictions = fs.readFileSync(record.outputs!.predictionsPath!, "utf8").trim().split("\n");
        assert.equal(predictions.length, scratch.sample.rows + 1, "header + one line per input row");
        assert.equal(predictions[0], "id,score,prediction");
        const accuracy = record.outputs?.metrics?.accuracy as number;
        assert.ok(accuracy > 0.6 && accuracy < 1, `accuracy ${accuracy}`);
        assert.deepEqual(Object.keys(record.phases), [
            "validate",
            "lock",
            "recover",
            "create",
            "configure",
            "up",
            "wait",
            "collect",
            "destroy",
        ]);
        assert.deepEqual(finishedPhases(events), Object.keys(record.phases));
        assert.ok(
            events.some(
                (e) => e.type === "engine-output" && e.phase === "up" && /customai-local:Directory/.test(e.line),
            ),
        );
        assert.ok(events.some((e) => e.type === "job-status" && e.status === "succeeded"));

        assert.deepEqual(scratch.stacks(), [], "a run stack was left on the backend");
        assert.equal(fs.existsSync(path.join(scratch.runsDir, "work", record.stackName)), false, "work dir left");
        assert.deepEqual(fs.readdirSync(path.join(scratch.runsDir, "locks")), [], "series lock left");
        assert.deepEqual(fs.readdirSync(path.join(scratch.runsDir, "workspaces")), [], "workspace files left");
        const records = readRecords(driver.paths.recordsFile);
        assert.equal(records.length, 1);
        assert.equal(records[0].id, record.id);

        // The secret was really used (the stack stored it), yet it is nowhere in plain text.
        const state = readTree(scratch.backendDir);
        assert.match(state, /apiToken/, "the secret config key never reached the stack");
        for (const [where, text] of [
            ["state", state],
            ["records", readTree(scratch.runsDir)],
            ["events", JSON.stringify(events)],
        ]) {
            assert.ok(!text.includes(SECRET), `the secret value appears in ${where}`);
        }
    });

    it("fails a run whose target needs a plugin that cannot be installed, before any stack, saying what to do", async () => {
        // The local target, asking for a provider plugin nobody publishes: its install fails here as it would
        // for azure-native on a machine that cannot reach Pulumi's downloads.
        const needy = { ...localTarget, plugins: () => [{ name: "customai-no-such-plugin", version: "0.0.1" }] };
        const { events, listener } = eventLog();
        const record = await scratch
            .driver({ targets: { local: needy } })
            .run(scratch.localSpec("needs-plugin"), { onEvent: listener });
        assert.equal(record.status, "failed");
        assert.match(
            record.error ?? "",
            /resource plugin customai-no-such-plugin v0\.0\.1 is not in .*plugins and `pulumi plugin install resource customai-no-such-plugin v0\.0\.1` failed/,
        );
        assert.deepEqual(Object.keys(record.phases), ["validate", "lock", "recover", "create"]);
        assert.ok(
            events.some(
                (e) =>
                    e.type === "engine-output" && /installing the resource plugin customai-no-such-plugin/.test(e.line),
            ),
            "the install was announced",
        );
        assert.deepEqual(scratch.stacks(), [], "no stack was created");
    });

    it("records a failing job as failed, with the job's reason, and destroys the stack", async () => {
        const record = await scratch.driver().run(scratch.localSpec("bad-input", { input: scratch.sample.bad! }));
        assert.equal(record.status, "failed");
        assert.match(record.error ?? "", /exited with code 2.*missing column\(s\) late_payments/);
        assert.equal(record.outputs, undefined);
        assert.equal(record.keptStack, false);
        assert.ok(record.phases.destroy !== undefined, "destroy did not run");
        assert.deepEqual(scratch.stacks(), []);
        assert.equal(readRecords(scratch.driver().paths.recordsFile)[0].status, "failed");
    });

    it("keeps the stack of a failed run with keepOnFailure, says so, and the next run does not recover it", async () => {
        const driver = scratch.driver();
        const failed = await driver.run(
            scratch.localSpec("inspect", { input: scratch.sample.bad!, keepOnFailure: true }),
        );
        assert.equal(failed.status, "failed");
        assert.equal(failed.keptStack, true);
        assert.match(failed.keptReason ?? "", /keepOnFailure/);
        assert.equal(failed.phases.destroy, undefined);
        assert.deepEqual(scratch.stacks(), [failed.stackName]);
        assert.ok(fs.existsSync(path.join(scratch.runsDir, "work", failed.stackName, "run.json")));

        const next = await driver.run(scratch.localSpec("inspect"));
        assert.equal(next.status, "succeeded", next.error);
        assert.equal(next.recovered, undefined);
        assert.deepEqual(scratch.stacks(), [failed.stackName], "the kept stack must survive the next run");
    });

    it("aborts during up: the run is recorded aborted and the stack is still destroyed", async () => {
        const abort = new AbortController();
        const { events, listener } = eventLog();
        const record = await scratch.driver().run(scratch.localSpec("abort-up"), {
            signal: abort.signal,
            onEvent: (e) => {
                listener(e);
                // The first engine line means the CLI is running the update.
                if (e.type === "engine-output" && e.phase === "up") abort.abort();
            },
        });
        assert.equal(record.status, "aborted");
        assert.match(record.error ?? "", /abort|cancel|interrupt/i);
        assert.ok(record.phases.up !== undefined && record.phases.wait === undefined, JSON.stringify(record.phases));
        assert.ok(!events.some((e) => e.type === "job-status"), "a job was started after the abort");
        assert.ok(record.phases.destroy !== undefined, "destroy did not run");
        assert.deepEqual(scratch.stacks(), []);
        assert.equal(fs.existsSync(path.join(scratch.runsDir, "work", record.stackName)), false);
    });

    it("aborts during the wait: the job process is killed, the run recorded aborted, the stack destroyed", async () => {
        const abort = new AbortController();
        const outputDir = path.join(scratch.root, "abort-wait-out");
        const started = Date.now();
        const record = await scratch
            .driver()
            .run(scratch.localSpec("abort-wait", { waitSeconds: 60, outputs: outputDir }), {
                signal: abort.signal,
                onEvent: (e) => {
                    if (e.type === "job-status" && e.status === "running") {
                        // Abort once the process is surely up (it shows in the process table).
                        void eventually(() => processesMatching(outputDir).length > 0, 5000).then(() => abort.abort());
                    }
                },
            });
        assert.equal(record.status, "aborted");
        assert.ok(Date.now() - started < 40_000, "the run waited for the job instead of killing it");
        assert.ok(record.phases.wait !== undefined && record.phases.collect === undefined);
        assert.deepEqual(processesMatching(outputDir), [], "the job process survived the abort");
        assert.equal(fs.existsSync(path.join(outputDir, "predictions.csv")), false);
        assert.deepEqual(scratch.stacks(), []);
    });

    it("fails a job that exceeds its timeout and destroys the stack", async () => {
        const record = await scratch
            .driver()
            .run(scratch.localSpec("slow", { timeoutMinutes: 0.02 /* 1.2 s */, waitSeconds: 30 }));
        assert.equal(record.status, "failed");
        assert.match(record.error ?? "", /timed out after 0.02 minute/);
        assert.ok((record.phases.wait ?? 0) < 10_000, `wait took ${record.phases.wait} ms`);
        assert.deepEqual(scratch.stacks(), []);
    });

    it("retries a destroy blocked by a stack lock (transient) and still removes the stack", async () => {
        let lockDir: string | undefined;
        const retries: RunEvent[] = [];
        const record = await scratch.driver().run(scratch.localSpec("locked"), {
            onEvent: (e) => {
                if (e.type === "job-status" && e.status === "running") {
                    // Another "update" takes the file backend's lock while the job runs.
                    const stack = scratch.stacks()[0];
                    lockDir = path.join(scratch.backendDir, ".pulumi", "locks", "organization", "customai-runs", stack);
                    fs.mkdirSync(lockDir, { recursive: true });
                    const lock = {
                        pid: 1,
                        username: "other",
                        hostname: "elsewhere",
                        timestamp: new Date().toISOString(),
                    };
                    fs.writeFileSync(
                        path.join(lockDir, "5b4c9a5e-0000-4000-8000-000000000001.json"),
                        JSON.stringify(lock),
                    );
                }
                if (e.type === "retry") {
                    retries.push(e);
                    // ...and releases it after the first refused attempt.
                    if (lockDir) fs.rmSync(lockDir, { recursive: true, force: true });
                }
            },
        });
        assert.equal(record.status, "succeeded", record.error);
        assert.ok(retries.length >= 1, "the destroy was not retried");
        assert.ok(retries.every((e) => e.type === "retry" && e.phase === "destroy"));
        assert.match(retries[0].type === "retry" ? retries[0].error : "", /locked/);
        assert.equal(record.keptStack, false);
        assert.deepEqual(scratch.stacks(), []);
    });

    it("passes secrets to the job yet redacts them from its output, the error and the record", async () => {
        // A job that leaks its secret on stdout and stderr, then fails.
        const leaky = path.join(scratch.root, "leaky.py");
        fs.writeFileSync(
            leaky,
            [
                "import os, sys",
                'token = os.environ["CUSTOMAI_SECRET_APITOKEN"]',
                'print("using token " + token)',
                'print("auth failed for " + token, file=sys.stderr)',
                "sys.exit(1)",
            ].join("\n"),
        );
        const { events, listener } = eventLog();
        const record = await scratch
            .driver()
            .run(scratch.localSpec("leaky", { script: leaky, secrets: { apiToken: SECRET } }), { onEvent: listener });
        assert.equal(record.status, "failed");
        // The job did receive the secret: its output lines were redacted, not empty.
        assert.ok(
            events.some((e) => e.type === "job-output" && e.line === "using token [secret]"),
            "no redacted job output line",
        );
        assert.match(record.error ?? "", /auth failed for \[secret\]/);
        assert.ok(!JSON.stringify(events).includes(SECRET), "the secret appears in the events");
        assert.ok(!readTree(scratch.runsDir).includes(SECRET), "the secret appears in the records");
        assert.deepEqual(scratch.stacks(), []);
    });
});
