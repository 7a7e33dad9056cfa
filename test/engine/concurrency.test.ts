/**
 * Several runs in one process: different series run concurrently, runs of
 * one series are serialized, and a second driver cannot run a series that
 * another one holds.
 */
import * as assert from "node:assert/strict";
import { RunEvent } from "../../automation/common/events";
import { readRecords } from "../../automation/common/records";
import { eventLog, makeScratch, Scratch } from "./helpers";

/** [first event, last event] of each run, by run id. */
function runIntervals(events: RunEvent[]): Map<string, [number, number]> {
    const intervals = new Map<string, [number, number]>();
    for (const e of events) {
        const current = intervals.get(e.runId);
        intervals.set(e.runId, current ? [Math.min(current[0], e.at), Math.max(current[1], e.at)] : [e.at, e.at]);
    }
    return intervals;
}

describe("concurrent runs in one process (real CLI)", function () {
    let scratch: Scratch;

    beforeEach(async () => {
        scratch = await makeScratch("customai-concurrent-");
    });
    afterEach(() => scratch.cleanup());

    const specFor = (series: string, waitSeconds = 0) => scratch.localSpec(series, { waitSeconds });

    it("runs 4 series concurrently, all succeeding, with zero stacks left", async () => {
        const driver = scratch.driver();
        const { events, listener } = eventLog();
        driver.on(listener);
        const series = ["alpha", "beta", "gamma", "delta"];
        const records = await Promise.all(series.map((s) => driver.run(specFor(s, 1))));

        for (const record of records) assert.equal(record.status, "succeeded", `${record.series}: ${record.error}`);
        assert.deepEqual(
            records.map((r) => r.series),
            series,
        );
        assert.deepEqual(
            records.map((r) => r.outputs?.rowCount),
            series.map(() => scratch.sample.rows),
        );
        const intervals = [...runIntervals(events).values()];
        assert.equal(intervals.length, 4);
        // All four were in flight at one moment: the latest start precedes the earliest end.
        assert.ok(
            Math.max(...intervals.map((i) => i[0])) < Math.min(...intervals.map((i) => i[1])),
            "runs did not overlap",
        );
        assert.deepEqual(scratch.stacks(), []);
        assert.equal(readRecords(driver.paths.recordsFile).length, 4);
    });

    it("serializes two runs of the same series (non-overlapping phases)", async () => {
        const driver = scratch.driver();
        const { events, listener } = eventLog();
        driver.on(listener);
        const [first, second] = await Promise.all([driver.run(specFor("same", 1)), driver.run(specFor("same", 1))]);

        assert.equal(first.status, "succeeded", first.error);
        assert.equal(second.status, "succeeded", second.error);
        assert.notEqual(first.stackName, second.stackName);
        const intervals = runIntervals(events);
        const a = intervals.get(first.id)!;
        const b = intervals.get(second.id)!;
        assert.ok(a[1] <= b[0], `runs overlapped: [${a}] and [${b}]`);
        // The second run found nothing to recover: the first cleaned up before it started.
        assert.equal(second.recovered, undefined);
        assert.deepEqual(scratch.stacks(), []);
    });

    it("refuses a run of a series another driver is running, without creating a stack", async () => {
        const holder = scratch.driver();
        const other = scratch.driver();
        const { events, listener } = eventLog();
        const running = holder.run(specFor("shared", 3), {
            onEvent: listener,
        });
        // Start the second once the first holds the series lock.
        while (!events.some((e) => e.type === "phase-finished" && e.phase === "lock")) {
            await new Promise((r) => setTimeout(r, 20));
        }
        const refused = await other.run(specFor("shared"));
        assert.equal(refused.status, "failed");
        assert.match(refused.error ?? "", /series shared is already running/);
        assert.equal(refused.phases.create, undefined, "a stack was created");
        assert.equal((await running).status, "succeeded");
        assert.deepEqual(scratch.stacks(), []);
    });
});
