/** Which run stacks the TTL reaper picks, without the engine (removing them is tested in test/engine). */
import * as assert from "node:assert/strict";
import { staleRunStacks } from "../../../automation/run/reaper";

describe("TTL reaper (pure)", () => {
    it("picks stacks older than the deadline, oldest first, ignoring other stacks", () => {
        const names = ["b-20261129T020000000Z", "a-20261128T020000000Z", "c-20261130T020000000Z", "platform-prod"];
        assert.deepEqual(staleRunStacks(names, new Date("2026-11-29T12:00:00Z")), [
            "a-20261128T020000000Z",
            "b-20261129T020000000Z",
        ]);
    });
});
