/**
 * bin/customai.js runs the compiled CLI; without dist/ (the build skipped) it
 * must say how to fix it in one line and exit with the environment-error code.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../automation/common/paths";
import { EXIT_ENVIRONMENT } from "../../automation/cli/exit-codes";
import { run } from "./run";

describe("bin/customai.js without a build", () => {
    let root: string;

    before(() => {
        // The launcher alone, in a package folder that has no dist/.
        root = fs.mkdtempSync(path.join(os.tmpdir(), "customai-launcher-"));
        fs.mkdirSync(path.join(root, "bin"));
        fs.copyFileSync(path.join(PROJECT_ROOT, "bin", "customai.js"), path.join(root, "bin", "customai.js"));
    });

    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("prints one line saying to run `npm run build` and exits 3", async () => {
        const ran = await run(process.execPath, [path.join(root, "bin", "customai.js"), "--help"], { cwd: root });
        assert.equal(ran.code, EXIT_ENVIRONMENT);
        assert.equal(ran.stdout, "");
        assert.match(ran.stderr, /^customai: .*`npm run build`.*\n$/);
        assert.equal(ran.stderr.trim().split("\n").length, 1);
    });
});
