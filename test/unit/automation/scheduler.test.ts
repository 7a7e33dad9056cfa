/**
 * The scheduler's start-or-skip decision against a fake driver (no engine):
 * a tick is skipped while the driver has a run of the series going for
 * another caller, with a fixed spec and with a spec factory, and the real
 * Driver reports a series busy from the moment a run of it is handed over.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Driver } from "../../../automation/run/driver";
import { RunRecord } from "../../../automation/common/records";
import { ScheduleEvent, ScheduleOptions, scheduleRuns } from "../../../automation/schedule/scheduler";
import { RunSpec } from "../../../automation";
import { ValidationError } from "../../../components/common/validation";

/** Every second: croner's optional leading seconds field. */
const EVERY_SECOND = "* * * * * *";

const ofType = <T extends ScheduleEvent["type"]>(events: ScheduleEvent[], type: T) =>
    events.filter((e): e is Extract<ScheduleEvent, { type: T }> => e.type === type);

/** A driver that records what it is asked to run and is busy with the series in `busy` (another caller's runs). */
function fakeDriver() {
    const busy = new Set<string>();
    const ran: RunSpec[] = [];
    const driver: ScheduleOptions["driver"] = {
        isBusy: (series) => busy.has(series),
        // Specs are checked as the real driver checks them.
        specIssues: (spec) => new Driver().specIssues(spec),
        run: async (spec) => {
            ran.push(spec);
            const at = new Date().toISOString();
            const record: RunRecord = {
                id: `run-${ran.length}`,
                series: spec.series,
                target: spec.target,
                stackName: `${spec.series}-20260101T000000000Z`,
                startedAt: at,
                finishedAt: at,
                durationMs: 0,
                phases: {},
                status: "succeeded",
                keptStack: false,
            };
            return record;
        },
    };
    return { driver, busy, ran };
}

describe("scheduler and a busy driver (fake driver)", () => {
    let dir: string;
    let spec: RunSpec;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "customai-schedule-unit-"));
        const input = path.join(dir, "data.csv");
        const model = path.join(dir, "model.json");
        const script = path.join(dir, "score.py");
        fs.writeFileSync(input, "x1\n1\n");
        fs.writeFileSync(model, "{}");
        fs.writeFileSync(script, "");
        spec = {
            series: "nightly",
            target: "local",
            workload: { code: script, inputs: { input }, model },
            timeoutMinutes: 5,
        };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("skips a tick while the driver runs the series for another caller, then runs once it is free", async () => {
        const { driver, busy, ran } = fakeDriver();
        busy.add("nightly");
        const events: ScheduleEvent[] = [];
        const result = await scheduleRuns({
            cron: EVERY_SECOND,
            spec,
            driver,
            maxRuns: 1,
            onEvent: (e) => {
                events.push(e);
                // The other caller's run ends after the first skipped tick.
                if (e.type === "tick-skipped") busy.delete("nightly");
            },
        });

        const [skipped, ...moreSkipped] = ofType(events, "tick-skipped");
        assert.deepEqual(moreSkipped, []);
        assert.match(skipped.reason, /a run of series nightly is already queued or running in the driver/);
        assert.equal(skipped.runningTick, undefined, "the skip blamed a run of this schedule");
        assert.equal(skipped.tick, 1);
        assert.deepEqual(
            ofType(events, "tick-started").map((e) => e.tick),
            [2],
        );
        assert.equal(ran.length, 1);
        assert.deepEqual(
            { ticks: result.ticks, skipped: result.skipped, runs: result.records.length, stoppedBy: result.stoppedBy },
            { ticks: 2, skipped: 1, runs: 1, stoppedBy: "max-runs" },
        );
    });

    it("asks about the series a spec factory builds, and does not count a skipped tick toward maxRuns", async () => {
        const { driver, busy, ran } = fakeDriver();
        busy.add("tick-1");
        const events: ScheduleEvent[] = [];
        const result = await scheduleRuns({
            cron: EVERY_SECOND,
            // A series per tick: only tick 1's is busy.
            spec: async ({ tick }) => ({ ...spec, series: `tick-${tick}` }),
            driver,
            maxRuns: 1,
            onEvent: (e) => events.push(e),
        });

        assert.deepEqual(
            ofType(events, "tick-skipped").map((e) => [e.tick, e.reason]),
            [[1, "a run of series tick-1 is already queued or running in the driver"]],
        );
        // The skipped tick never reported itself started; the next one ran and ended the schedule.
        assert.deepEqual(
            ofType(events, "tick-started").map((e) => e.tick),
            [2],
        );
        assert.deepEqual(
            ran.map((s) => s.series),
            ["tick-2"],
        );
        assert.equal(result.stoppedBy, "max-runs");
        assert.deepEqual(
            ofType(events, "schedule-stopped").map((e) => [e.runs, e.skipped]),
            [[1, 1]],
        );
        // Every announced tick came: none was announced after the last run was decided.
        const last = ofType(events, "tick-scheduled").at(-1);
        assert.equal(last?.tick, 2);
    });
});

describe("Driver.isBusy", () => {
    it("is true from the moment a run of the series is handed over until it settles, for that series only", async () => {
        const driver = new Driver({ runsDir: path.join(os.tmpdir(), "customai-never-created") });
        assert.equal(driver.isBusy("nightly"), false);
        // Invalid (no files, no timeout): rejected before any engine, yet queued like any run first.
        const run = driver.run({ series: "nightly" } as RunSpec);
        assert.equal(driver.isBusy("nightly"), true);
        assert.equal(driver.isBusy("other"), false);
        await assert.rejects(run, ValidationError);
        // The queue lets go of the series once the run's promise has settled.
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(driver.isBusy("nightly"), false);
    });
});
