/**
 * Engine smoke test: the real Pulumi CLI from .pulumi/bin, a temporary file
 * backend, passphrase secrets, an inline program with a dynamic-provider
 * resource. up → outputs → destroy → stack rm, checking the effect on disk.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { workspaceOptions } from "../../automation/stacks/engine";
import { LocalDirectory } from "../../automation/targets/local/local-resources";

describe("engine smoke test (real CLI, file backend)", function () {
    let scratch: string;

    beforeEach(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "customai-smoke-"));
    });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("runs up, reads outputs, destroys and removes the stack", async () => {
        const backendDir = path.join(scratch, "state");
        const target = path.join(scratch, "workdir");
        const opts = await workspaceOptions({
            backendUrl: `file://${backendDir}`,
            passphrase: "smoke-test-passphrase",
        });
        const program = async () => {
            const token = new pulumi.Config().requireSecret("token");
            const dir = new LocalDirectory("workdir", {
                path: target,
                files: { "hello.txt": "hello from the engine\n" },
            });
            return { dir: dir.path, token };
        };
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "smoke", projectName: "customai-smoke", program },
            { ...opts, workDir: scratch },
        );
        await stack.setConfig("token", { value: "s3cr3t-value", secret: true });

        const up = await stack.up();
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.outputs.dir.value, target);
        assert.equal(up.outputs.token.secret, true);
        assert.equal(fs.readFileSync(path.join(target, "hello.txt"), "utf8"), "hello from the engine\n");
        // The secret is encrypted in the state file, never in plain text.
        const stateText = fs
            .readdirSync(backendDir, { recursive: true })
            .map(String)
            .filter((f) => f.endsWith(".json"))
            .map((f) => fs.readFileSync(path.join(backendDir, f), "utf8"))
            .join("\n");
        assert.ok(stateText.includes("workdir"), "state was written to the file backend");
        assert.ok(!stateText.includes("s3cr3t-value"), "the secret appears in plain text in the state");

        const down = await stack.destroy();
        assert.equal(down.summary.result, "succeeded");
        assert.equal(fs.existsSync(target), false, "destroy removed the directory");

        await stack.workspace.removeStack("smoke");
        const left = await stack.workspace.listStacks();
        assert.deepEqual(left, []);
    });
});
