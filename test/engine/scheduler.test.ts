/**
 * The scheduler over the real driver and CLI: a schedule every second stops
 * after maxRuns, ticks that come while a run is going are skipped (never two
 * runs of the schedule at once), and an abort mid-run tears the stack down
 * before the promise resolves.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { RunEvent } from "../../automation/common/events";
import { readRecords } from "../../automation/common/records";
import { ScheduleEvent, scheduleRuns } from "../../automation/schedule/scheduler";
import { RunSpec } from "../../automation";
import { eventually, makeScratch, processesMatching, SampleRunOverrides, Scratch } from "./helpers";

/** Every second: croner's optional leading seconds field. */
const EVERY_SECOND = "* * * * * *";

const ofType = <T extends ScheduleEvent["type"]>(events: ScheduleEvent[], type: T) =>
    events.filter((e): e is Extract<ScheduleEvent, { type: T }> => e.type === type);

describe("scheduled runs on the local target (real CLI)", function () {
    let scratch: Scratch;

    beforeEach(async () => {
        scratch = await makeScratch("customai-schedule-");
    });
    afterEach(() => scratch.cleanup());

    const spec = (series: string, extra: SampleRunOverrides = {}): RunSpec => scratch.localSpec(series, extra);

    it("runs every second until maxRuns: two succeeded records, no stack left, no tick after the end", async () => {
        const events: ScheduleEvent[] = [];
        const driver = scratch.driver();
        const result = await scheduleRuns({
            cron: EVERY_SECOND,
            spec: spec("every-second"),
            driver,
            maxRuns: 2,
            onEvent: (e) => events.push(e),
        });

        assert.equal(result.stoppedBy, "max-runs");
        assert.deepEqual(
            result.records.map((r) => r.status),
            ["succeeded", "succeeded"],
            JSON.stringify(result.records.map((r) => r.error)),
        );
        assert.deepEqual(
            readRecords(driver.paths.recordsFile).map((r) => r.id),
            result.records.map((r) => r.id),
        );
        assert.deepEqual(scratch.stacks(), [], "a run stack was left on the backend");
        assert.equal(ofType(events, "tick-started").length, 2);
        assert.deepEqual(
            ofType(events, "tick-finished").map((e) => [e.status, e.record.id]),
            result.records.map((r) => ["succeeded", r.id]),
        );
        // Each tick reports the next one before it comes.
        const scheduled = ofType(events, "tick-scheduled");
        for (const started of ofType(events, "tick-started")) {
            assert.ok(
                scheduled.some((s) => s.tick === started.tick && s.scheduledFor === started.scheduledFor),
                `tick ${started.tick} was not announced`,
            );
        }
        assert.equal(events.at(-1)?.type, "schedule-stopped");

        // The cron timer is gone: nothing fires once the promise resolved.
        const count = events.length;
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(events.length, count, "the schedule kept ticking after it stopped");
    });

    it("skips the ticks that come while a run is going and never runs two at once", async () => {
        const events: ScheduleEvent[] = [];
        // Independent of the scheduler's own events: what the driver saw, run by run.
        const phases: RunEvent[] = [];
        const driver = scratch.driver();
        driver.on((e) => {
            if (e.type === "phase-started" || e.type === "phase-finished") phases.push(e);
        });
        let running = 0;
        let mostAtOnce = 0;
        const result = await scheduleRuns({
            cron: EVERY_SECOND,
            spec: spec("overlap", { waitSeconds: 2 }),
            driver,
            maxRuns: 2,
            onEvent: (e) => {
                events.push(e);
                if (e.type === "tick-started") mostAtOnce = Math.max(mostAtOnce, ++running);
                if (e.type === "tick-finished" || e.type === "tick-failed") running -= 1;
            },
        });

        assert.deepEqual(
            result.records.map((r) => r.status),
            ["succeeded", "succeeded"],
        );
        assert.equal(mostAtOnce, 1, "two runs of the schedule were going at once");
        const skipped = ofType(events, "tick-skipped");
        // A run takes ~4 s plus the 2 s wait, so several one-second ticks land inside each run.
        assert.ok(skipped.length >= 4, `only ${skipped.length} skipped tick(s)`);
        assert.equal(result.skipped, skipped.length);
        for (const s of skipped) {
            assert.match(s.reason, /the run of tick \d+ is still going/);
            const started = ofType(events, "tick-started").find((t) => t.tick === s.runningTick);
            assert.ok(started && started.tick < s.tick, `tick ${s.tick} skipped for a run that was not going`);
        }
        const [first, second] = result.records;
        assert.ok(Date.parse(second.startedAt) >= Date.parse(first.finishedAt), "the runs overlapped");
        // The second run began (validate) only after the first one's last phase (destroy) finished.
        const firstDestroyed = phases.findIndex(
            (e) => e.runId === first.id && e.type === "phase-finished" && e.phase === "destroy",
        );
        const secondBegan = phases.findIndex((e) => e.runId === second.id);
        assert.ok(firstDestroyed >= 0 && firstDestroyed < secondBegan, "the second run started before the first ended");
        assert.deepEqual(scratch.stacks(), []);
    });

    it("aborts mid-run: the run is recorded aborted, its stack destroyed, then the promise resolves", async () => {
        const abort = new AbortController();
        const events: ScheduleEvent[] = [];
        const outputDir = path.join(scratch.root, "schedule-abort-out");
        let abortedAt = 0;
        const result = await scheduleRuns({
            cron: EVERY_SECOND,
            spec: spec("abort-me", { waitSeconds: 60, outputs: outputDir }),
            driver: scratch.driver(),
            signal: abort.signal,
            onEvent: (e) => {
                events.push(e);
                if (e.type === "job-status" && e.status === "running" && abortedAt === 0) {
                    abortedAt = Date.now();
                    // Abort once the job process is surely up (it shows in the process table).
                    void eventually(() => processesMatching(outputDir).length > 0, 5000).then(() => abort.abort());
                }
            },
        });

        assert.ok(abortedAt > 0, "the job never started");
        assert.equal(result.stoppedBy, "aborted");
        assert.equal(result.records.length, 1);
        const [record] = result.records;
        assert.equal(record.status, "aborted");
        assert.match(record.error ?? "", /aborted during wait/);
        assert.ok(record.phases.destroy !== undefined, "destroy did not run");
        // Resolved only after teardown: the stack is gone the moment the promise settles.
        assert.deepEqual(scratch.stacks(), []);
        assert.deepEqual(processesMatching(outputDir), [], "the job process survived the abort");
        assert.equal(fs.existsSync(path.join(outputDir, "predictions.csv")), false);
        assert.deepEqual(
            readRecords(scratch.driver().paths.recordsFile).map((r) => r.status),
            ["aborted"],
        );
        assert.ok(Date.now() - abortedAt < 30_000, "the run waited for its job instead of stopping");
        assert.equal(ofType(events, "tick-started").length, 1, "a run started after the abort");
        assert.equal(events.at(-1)?.type, "schedule-stopped");
    });

    it("rejects a bad schedule or spec before the first tick, naming the fields", async () => {
        await assert.rejects(
            scheduleRuns({
                cron: "* * * *",
                timezone: "Nowhere/Land",
                spec: spec("bad", { timeoutMinutes: 0 }),
                driver: scratch.driver(),
            }),
            (e: Error & { fields?: string[] }) =>
                ["timezone", "cron", "timeoutMinutes"].every((f) => e.fields?.includes(f)),
        );
        assert.equal(fs.existsSync(scratch.runsDir), false, "the runs directory was touched");
        assert.equal(fs.existsSync(scratch.backendDir), false, "the backend was touched");
    });
});
