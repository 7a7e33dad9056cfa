/**
 * Run specs: bad ones are rejected by the driver before anything exists (no
 * backend directory, no lock, no record), each error naming its field; good
 * ones get their defaults. Also the pure helpers the runner relies on.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ValidationError } from "../../components/common/validation";
import { lineSplitter } from "../../automation/events";
import { formatRecord, redact, RunRecord } from "../../automation/records";
import { backoffDelay, isTransientError, withRetry } from "../../automation/retry";
import { isRunStackOf, parseRunStackName, runStackName } from "../../automation/run-names";
import { SeriesQueue } from "../../automation/series-queue";
import { DEFAULT_AML_MAX_NODES, DEFAULT_SCRIPT, resolveRunSpec, RunSpec, runSpecIssues } from "../../automation/spec";
import { makeScratch, Scratch } from "./helpers";

const SUB = "00000000-0000-4000-8000-000000000000";

describe("run spec validation (before any stack exists)", function () {
    let scratch: Scratch;
    let good: RunSpec;

    before(async () => {
        scratch = await makeScratch("customai-spec-");
        good = {
            series: "nightly",
            target: "local",
            input: scratch.sample.data,
            model: scratch.sample.model,
            timeoutMinutes: 5,
        };
    });
    after(() => scratch.cleanup());

    const aml = { subscriptionId: SUB, resourceGroup: "rg-ml", workspaceName: "mlw-scoring" };
    const cases: [string, (g: RunSpec) => unknown, string][] = [
        ["empty series", (g) => ({ ...g, series: "" }), "series"],
        ["uppercase series", (g) => ({ ...g, series: "Nightly" }), "series"],
        ["series of 41 characters", (g) => ({ ...g, series: "a".repeat(41) }), "series"],
        ["series with leading hyphen", (g) => ({ ...g, series: "-nightly" }), "series"],
        ["series with underscore", (g) => ({ ...g, series: "night_ly" }), "series"],
        ["unknown target", (g) => ({ ...g, target: "gpu" }), "target"],
        ["missing input file", (g) => ({ ...g, input: "/nonexistent/data.csv" }), "input"],
        ["remote input on the local target", (g) => ({ ...g, input: "https://example.org/data.csv" }), "input"],
        ["missing model", (g) => ({ ...g, model: undefined }), "model"],
        ["model is a directory", (g) => ({ ...g, model: path.dirname(g.model) }), "model"],
        ["zero timeout", (g) => ({ ...g, timeoutMinutes: 0 }), "timeoutMinutes"],
        ["timeout over a day", (g) => ({ ...g, timeoutMinutes: 1441 }), "timeoutMinutes"],
        ["timeout as a string", (g) => ({ ...g, timeoutMinutes: "10" }), "timeoutMinutes"],
        ["keepOnFailure not boolean", (g) => ({ ...g, keepOnFailure: "yes" }), "keepOnFailure"],
        ["config key with a space", (g) => ({ ...g, config: { "bad key": "x" } }), "config.bad key"],
        ["config value not a string", (g) => ({ ...g, config: { region: 3 } }), "config.region"],
        ["empty secret", (g) => ({ ...g, secrets: { token: "" } }), "secrets.token"],
        [
            "secret key also in config",
            (g) => ({ ...g, config: { token: "a" }, secrets: { token: "b" } }),
            "secrets.token",
        ],
        ["negative waitSeconds", (g) => ({ ...g, waitSeconds: -1 }), "waitSeconds"],
        ["fractional waitSeconds", (g) => ({ ...g, waitSeconds: 1.5 }), "waitSeconds"],
        ["missing script", (g) => ({ ...g, script: "/nonexistent/score.py" }), "script"],
        ["empty outputDir", (g) => ({ ...g, outputDir: "" }), "outputDir"],
        ["aml settings on the local target", (g) => ({ ...g, aml }), "aml"],
        ["aml target without aml settings", (g) => ({ ...g, target: "aml" }), "aml"],
        [
            "aml subscription not a GUID",
            (g) => ({ ...g, target: "aml", aml: { ...aml, subscriptionId: "sub-1" } }),
            "aml.subscriptionId",
        ],
        [
            "aml without workspace or base stack",
            (g) => ({ ...g, target: "aml", aml: { subscriptionId: SUB, resourceGroup: "rg" } }),
            "aml.workspaceName",
        ],
        [
            "aml workspace name too short",
            (g) => ({ ...g, target: "aml", aml: { ...aml, workspaceName: "ws" } }),
            "aml.workspaceName",
        ],
        [
            "aml resource group ending in a dot",
            (g) => ({ ...g, target: "aml", aml: { ...aml, resourceGroup: "rg." } }),
            "aml.resourceGroup",
        ],
        ["aml maxNodes 0", (g) => ({ ...g, target: "aml", aml: { ...aml, maxNodes: 0 } }), "aml.maxNodes"],
        ["aml priority Spot", (g) => ({ ...g, target: "aml", aml: { ...aml, priority: "Spot" } }), "aml.priority"],
        ["aml vmSize without tier", (g) => ({ ...g, target: "aml", aml: { ...aml, vmSize: "NC6" } }), "aml.vmSize"],
        [
            "aml base stack not a reference",
            (g) => ({ ...g, target: "aml", aml: { ...aml, baseStack: "prod" } }),
            "aml.baseStack",
        ],
        ["spec not an object", () => "nightly", "spec"],
    ];

    for (const [title, make, field] of cases) {
        it(`rejects ${title}, naming ${field}`, async () => {
            const driver = scratch.driver();
            await assert.rejects(driver.run(make(good) as RunSpec), (err: unknown) => {
                assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
                assert.ok(err.fields.includes(field), `fields ${JSON.stringify(err.fields)} lack ${field}`);
                assert.match(err.message, new RegExp(field.replace(/[.[\]]/g, "\\$&")));
                return true;
            });
            // Nothing was touched: no backend directory, no lock, no record.
            assert.equal(fs.existsSync(scratch.backendDir), false, "the backend was created");
            assert.equal(fs.existsSync(scratch.runsDir), false, "the runs directory was created");
        });
    }

    it("reports every problem at once", () => {
        const issues = runSpecIssues({ series: "Bad_", target: "x", input: "", model: "", timeoutMinutes: -1 });
        assert.deepEqual(
            [...new Set(issues.map((i) => i.field))],
            ["series", "target", "input", "model", "timeoutMinutes"],
        );
    });

    it("never puts a secret value in an error", () => {
        const err = new ValidationError(runSpecIssues({ ...good, secrets: { token: 123456789 } }));
        assert.deepEqual(err.fields, ["secrets.token"]);
        assert.ok(!err.message.includes("123456789"), err.message);
        assert.match(err.message, /redacted/);
    });

    it("accepts a valid aml spec with a remote input (running it needs Azure: see test/azure)", () => {
        const spec = { ...good, target: "aml" as const, input: "azureml://datastores/d/paths/x.csv", aml };
        assert.deepEqual(runSpecIssues(spec), []);
    });

    it("resolves defaults", () => {
        const resolved = resolveRunSpec({ ...good, input: "data.csv", target: "aml", aml }, "/base");
        assert.equal(resolved.input, "/base/data.csv");
        assert.equal(resolved.keepOnFailure, false);
        assert.equal(resolved.waitSeconds, 0);
        assert.equal(resolved.script, DEFAULT_SCRIPT);
        assert.deepEqual(resolved.secrets, {});
        assert.equal(resolved.outputDir, undefined);
        assert.equal(resolved.aml?.maxNodes, DEFAULT_AML_MAX_NODES);
        assert.equal(resolved.aml?.priority, "Dedicated");
        assert.equal(resolved.aml?.vmSize, "Standard_D4s_v5");
    });
});

describe("driver helpers (pure)", () => {
    it("names run stacks and parses them back, never confusing series that share a prefix", () => {
        const at = new Date("2026-11-29T02:15:00.123Z");
        const name = runStackName("a-b", at);
        assert.equal(name, "a-b-20261129T021500123Z");
        assert.deepEqual(parseRunStackName(name), { series: "a-b", startedAt: at });
        assert.equal(isRunStackOf("a-b", name), true);
        assert.equal(isRunStackOf("a", name), false);
        assert.equal(parseRunStackName("a-b-20261340T021500123Z"), undefined);
        assert.equal(parseRunStackName("platform-prod"), undefined);
    });

    it("classifies errors: lock conflicts and throttling are transient, quota and validation are not", () => {
        assert.equal(isTransientError(new Error("error: the stack is currently locked by 1 lock(s)")), true);
        assert.equal(isTransientError(new Error("429 TooManyRequests")), true);
        assert.equal(isTransientError(new Error("read ECONNRESET")), true);
        assert.equal(
            isTransientError(
                new Error("OperationNotAllowed: exceeding approved Standard NCASv3_T4 Family Cores quota"),
            ),
            false,
        );
        assert.equal(isTransientError(new Error("429 but OutOfQuota")), false);
        assert.equal(isTransientError(new ValidationError([{ field: "f", rule: "r", value: 1 }])), false);
        assert.equal(isTransientError(new Error("program failed")), false);
    });

    it("backs off exponentially with a cap and jitter", () => {
        const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
        assert.deepEqual(
            [1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, () => 1)),
            [100, 200, 400, 800, 1000],
        );
        assert.deepEqual(
            [1, 2, 3].map((a) => backoffDelay(a, policy, () => 0)),
            [50, 100, 200],
        );
    });

    it("retries transient errors a bounded number of times and permanent ones never", async () => {
        let calls = 0;
        await assert.rejects(
            withRetry(
                async () => {
                    calls++;
                    throw new Error("the stack is currently locked by 1 lock(s)");
                },
                { attempts: 3, baseDelayMs: 1 },
            ),
            /locked/,
        );
        assert.equal(calls, 3);
        calls = 0;
        await assert.rejects(
            withRetry(
                async () => {
                    calls++;
                    throw new Error("OutOfQuota");
                },
                { attempts: 3, baseDelayMs: 1 },
            ),
        );
        assert.equal(calls, 1);
        assert.equal(
            await withRetry(async (attempt) => (attempt < 2 ? Promise.reject(new Error("503")) : "ok"), {
                baseDelayMs: 1,
            }),
            "ok",
        );
    });

    it("redacts secrets, also JSON-escaped, from record lines", () => {
        const record = { error: 'token "p@ss\\word" rejected', series: "s" } as unknown as RunRecord;
        const line = formatRecord(record, ["p@ss\\word", "p@ss"]);
        assert.ok(!line.includes("p@ss"), line);
        assert.equal(redact("a-secret-b", ["secret"]), "a-[secret]-b");
    });

    it("splits chunks into whole lines", () => {
        const lines: string[] = [];
        const s = lineSplitter((l) => lines.push(l));
        s.push("ab");
        s.push("c\nde\r\nf");
        s.flush();
        assert.deepEqual(lines, ["abc", "de", "f"]);
    });

    it("serializes tasks of one key and runs different keys concurrently", async () => {
        const queue = new SeriesQueue();
        const log: string[] = [];
        const task = (name: string, ms: number) => async () => {
            log.push(`${name}+`);
            await new Promise((r) => setTimeout(r, ms));
            log.push(`${name}-`);
        };
        await Promise.all([
            queue.run("a", task("a1", 30)),
            queue.run("a", task("a2", 1)),
            queue.run("b", task("b1", 1)),
        ]);
        assert.ok(log.indexOf("a1-") < log.indexOf("a2+"), log.join(" "));
        assert.ok(log.indexOf("b1-") < log.indexOf("a1-"), log.join(" "));
        assert.deepEqual(queue.activeKeys, []);
    });
});
