/**
 * The pure helpers the runner relies on: run stack names, error
 * classification, backoff and retries, redaction, line splitting and the
 * per-series queue.
 */
import * as assert from "node:assert/strict";
import { lineSplitter } from "../../../automation/common/events";
import { formatRecord, redact, RunRecord } from "../../../automation/common/records";
import { backoffDelay, isTransientError, withRetry } from "../../../automation/common/retry";
import { isRunStackOf, parseRunStackName, runStackName } from "../../../automation/stacks/run-names";
import { SeriesQueue } from "../../../automation/run/series-queue";
import { ValidationError } from "../../../components/common/validation";

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
        // In the JSON line the backslash is doubled: only the escaped form of the secret matches there.
        const line = formatRecord(record, ["p@ss\\word"]);
        assert.ok(!line.includes("p@ss") && !line.includes("word"), line);
        assert.equal(JSON.parse(line).error, 'token "[secret]" rejected');
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
