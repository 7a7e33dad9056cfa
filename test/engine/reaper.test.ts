/**
 * The TTL reaper removes run stacks past their deadline (here a kept stack of
 * a failed run) and leaves younger ones alone. Which stacks it picks is
 * tested without the engine in test/unit/automation/reaper.test.ts.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { reap } from "../../automation/run/reaper";
import { makeScratch, Scratch } from "./helpers";

describe("TTL reaper (real CLI)", function () {
    let scratch: Scratch;

    beforeEach(async () => {
        scratch = await makeScratch("customai-reap-");
    });
    afterEach(() => scratch.cleanup());

    it("keeps a young kept stack and reaps it once past the deadline", async () => {
        const spec = scratch.localSpec("kept", { input: scratch.sample.bad!, keepOnFailure: true });
        const failed = await scratch.driver().run(spec);
        assert.equal(failed.keptStack, true);
        assert.deepEqual(scratch.stacks(), [failed.stackName]);
        const settings = { engine: scratch.driverOptions.engine, runsDir: scratch.runsDir };

        const early = await reap({ ...settings, olderThan: new Date(Date.parse(failed.startedAt) - 60_000) });
        assert.deepEqual(early, { reaped: [], skipped: [] });
        assert.deepEqual(scratch.stacks(), [failed.stackName]);

        const dry = await reap({ ...settings, olderThan: new Date(), dryRun: true });
        assert.deepEqual(dry.reaped, [failed.stackName]);
        assert.deepEqual(scratch.stacks(), [failed.stackName], "a dry run destroyed something");

        const late = await reap({ ...settings, olderThan: new Date() });
        assert.deepEqual(late, { reaped: [failed.stackName], skipped: [] });
        assert.deepEqual(scratch.stacks(), []);
        assert.equal(fs.existsSync(path.join(scratch.runsDir, "kept", `${failed.stackName}.json`)), false);
        assert.equal(fs.existsSync(path.join(scratch.runsDir, "work", failed.stackName)), false);
    });
});
