/**
 * A job that loses its nodes half-way is submitted again and resumes (real
 * CLI, local target): the sample scorer keeps each finished input file in its
 * output folder, a resubmitted job skips those, and the run record says the
 * job was resubmitted and why. A preemption is what Azure ML does to Spot
 * nodes; here a target wraps the local one and stops its first submission
 * once one input file is done.
 */
import * as assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { MAX_RESUBMISSIONS, MIN_RESUBMIT_WAIT_MS } from "../../automation/common/limits";
import { CodeSpec } from "../../automation/spec";
import { localTarget, RunTarget } from "../../automation/targets";
import { LocalSection, ResolvedLocalSection } from "../../automation/targets/local/spec";
import { eventLog, eventually, makeScratch, Scratch } from "./helpers";

const SCORER = path.join(__dirname, "../../automation/sample/score.py");

/** Splits a CSV into `count` files of consecutive rows under `dir`, each with the header. */
function splitCsv(file: string, dir: string, count: number): string {
    const [header, ...rows] = fs.readFileSync(file, "utf8").trim().split("\n");
    fs.mkdirSync(dir, { recursive: true });
    const size = Math.ceil(rows.length / count);
    for (let i = 0; i < count; i++) {
        fs.writeFileSync(path.join(dir, `day${i}.csv`), [header, ...rows.slice(i * size, (i + 1) * size)].join("\n"));
    }
    return dir;
}

/** What the scorer writes for the whole file in one go: the reference a resumed job must match. */
function scoreAtOnce(scratch: Scratch, outDir: string): { predictions: string; rows: number } {
    execFileSync("python3", [
        SCORER,
        "--model",
        scratch.sample.model,
        "--input",
        scratch.sample.data,
        "--output-dir",
        outDir,
    ]);
    const metrics = JSON.parse(fs.readFileSync(path.join(outDir, "metrics.json"), "utf8")) as { rows: number };
    return { predictions: fs.readFileSync(path.join(outDir, "predictions.csv"), "utf8"), rows: metrics.rows };
}

/** The local target, but its first submission is stopped once a part is done and reported as preempted. */
function preemptingTarget(): RunTarget<LocalSection, ResolvedLocalSection> & { attempts: number[] } {
    const attempts: number[] = [];
    return {
        ...localTarget,
        attempts,
        async wait(ctx, outputs) {
            attempts.push(ctx.attempt);
            if (ctx.attempt > 1) return localTarget.wait(ctx, outputs);
            const stop = new AbortController();
            const parts = path.join(ctx.localOutputDir, "parts");
            const watch = setInterval(() => {
                if (fs.existsSync(parts) && fs.readdirSync(parts).some((f) => f.endsWith(".json"))) stop.abort();
            }, 50);
            try {
                const result = await localTarget.wait({ ...ctx, signal: stop.signal }, outputs);
                assert.equal(result.status, "canceled", "the first submission was stopped half-way");
            } finally {
                clearInterval(watch);
            }
            return { status: "failed", detail: "nodes preempted", resubmit: "its Spot nodes were preempted" };
        },
    };
}

describe("a job stopped half-way is resubmitted and resumes (real CLI, local target)", function () {
    let scratch: Scratch;
    beforeEach(async () => {
        scratch = await makeScratch("customai-resubmit-");
    });
    afterEach(() => scratch.cleanup());

    it("the sample scorer, killed after its first input file, scores only the rest when started again", async () => {
        const days = splitCsv(scratch.sample.data, path.join(scratch.root, "days"), 3);
        const out = path.join(scratch.root, "resumed");
        const args = [SCORER, "--model", scratch.sample.model, "--input", days, "--output-dir", out];
        const first = spawn("python3", [...args, "--seconds-per-input", "30"], { stdio: "ignore" });
        const firstDone = path.join(out, "parts", "day0.csv.json");
        assert.ok(await eventually(() => fs.existsSync(firstDone), 20_000), "the first file was finished");
        first.kill("SIGKILL");
        await new Promise((resolve) => first.once("exit", resolve));
        assert.ok(!fs.existsSync(path.join(out, "parts", "day1.csv.json")), "killed before the second file");

        const second = execFileSync("python3", args, { env: { ...process.env, CUSTOMAI_ATTEMPT: "2" } }).toString();
        assert.match(second, /submission 2 of this job/);
        assert.match(second, /resuming: 1 of 3 input files were scored by an earlier submission/);
        assert.doesNotMatch(second, /scored day0\.csv/, "the finished file is not scored again");
        assert.match(second, /scored day1\.csv[\s\S]*scored day2\.csv/);

        const reference = scoreAtOnce(scratch, path.join(scratch.root, "at-once"));
        assert.equal(fs.readFileSync(path.join(out, "predictions.csv"), "utf8"), reference.predictions);
        const metrics = JSON.parse(fs.readFileSync(path.join(out, "metrics.json"), "utf8")) as { rows: number };
        assert.equal(metrics.rows, reference.rows);
    });

    it("the driver resubmits a preempted job into the same output folder, and the record says why", async () => {
        const days = splitCsv(scratch.sample.data, path.join(scratch.root, "days"), 3);
        const target = preemptingTarget();
        const { events, listener } = eventLog();
        const spec = scratch.localSpec("preempted", { input: days });
        const code = { ...(spec.workload.code as CodeSpec), args: ["--seconds-per-input", "1"] };
        const workload = { ...spec.workload, code };
        const record = await scratch
            .driver({ targets: { local: target } })
            .run({ ...spec, workload }, { onEvent: listener });

        assert.equal(record.status, "succeeded", record.error);
        assert.deepEqual(target.attempts, [1, 2]);
        assert.equal(record.resubmissions?.length, 1);
        assert.equal(record.resubmissions?.[0].attempt, 1);
        assert.equal(record.resubmissions?.[0].reason, "its Spot nodes were preempted");
        const resubmitted = events.filter((e) => e.type === "job-resubmitted");
        assert.deepEqual(
            resubmitted.map((e) => e.type === "job-resubmitted" && e.attempt),
            [2],
        );
        const ups = events.filter((e) => e.type === "phase-started" && e.phase === "up");
        assert.equal(ups.length, 2, "one up per submission");
        const lines = events.flatMap((e) => (e.type === "job-output" ? [e.line] : []));
        assert.ok(lines.includes("submission 2 of this job"), lines.join("\n"));
        assert.ok(
            lines.some((l) => /^resuming: [12] of 3 input files/.test(l)),
            "the second submission skipped what the first finished",
        );
        const reference = scoreAtOnce(scratch, path.join(scratch.root, "at-once"));
        assert.equal(fs.readFileSync(record.outputs!.predictionsPath!, "utf8"), reference.predictions);
        assert.equal(record.outputs?.rowCount, reference.rows);
        assert.deepEqual(scratch.stacks(), [], "the run stack was destroyed");
    });

    it("does not submit again when less than a minute of the spec's timeout is left", async () => {
        const asks: number[] = [];
        const late: RunTarget = {
            ...localTarget,
            async wait(ctx) {
                asks.push(ctx.attempt);
                // The job ran for a while: a one-minute timeout now leaves less than a minute.
                await new Promise((resolve) => setTimeout(resolve, 1500));
                assert.ok(ctx.waitDeadline - Date.now() < MIN_RESUBMIT_WAIT_MS);
                return { status: "failed", detail: "lost", resubmit: "lost its nodes" };
            },
        };
        const record = await scratch
            .driver({ targets: { local: late } })
            .run(scratch.localSpec("late", { timeoutMinutes: 1 }));
        assert.equal(record.status, "failed");
        assert.match(record.error ?? "", /lost; not submitted again: \d+ s of the spec's timeout left/);
        assert.deepEqual(asks, [1]);
        assert.equal(record.resubmissions, undefined);
        assert.deepEqual(scratch.stacks(), [], "the run stack was destroyed");
    });

    it("stops resubmitting after the driver's own bound, whatever the target asks", async function () {
        this.timeout(600_000);
        const asks: number[] = [];
        const greedy: RunTarget = {
            ...localTarget,
            async wait(ctx) {
                asks.push(ctx.attempt);
                return { status: "failed", detail: "lost again", resubmit: "lost again" };
            },
        };
        const record = await scratch.driver({ targets: { local: greedy } }).run(scratch.localSpec("greedy"));
        assert.equal(record.status, "failed");
        assert.match(record.error ?? "", /lost again/);
        assert.equal(asks.length, MAX_RESUBMISSIONS + 1);
        assert.equal(record.resubmissions?.length, MAX_RESUBMISSIONS);
        assert.deepEqual(scratch.stacks(), [], "the run stack was destroyed");
    });
});
