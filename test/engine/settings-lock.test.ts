/**
 * SettingsLock in the real engine: its check sees the inputs in state and
 * the new ones, so a change Azure would refuse fails the preview, with the
 * setting named, before anything is sent; allowed changes deploy.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { workspaceOptions } from "../../automation/stacks/engine";
import { SettingsLock } from "../../components/common/settings-lock";

describe("settings lock (real CLI, file backend)", function () {
    let scratch: string;
    let stack: Stack;

    before(async () => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "customai-lock-"));
        const opts = await workspaceOptions({ backendUrl: `file://${scratch}/state`, passphrase: "lock-test" });
        const program = async () => {
            const config = new pulumi.Config();
            new SettingsLock("vault-lock", {
                purgeProtection: {
                    value: config.requireBoolean("purgeProtection"),
                    rule: "staysOn",
                    why: "purge protection cannot be turned off once on",
                },
                retentionDays: {
                    value: config.requireNumber("retentionDays"),
                    rule: "fixed",
                    why: "retention is fixed at creation",
                },
            });
        };
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: "lock", projectName: "customai-lock", program },
            { ...opts, workDir: scratch },
        );
    });
    after(async () => {
        await stack?.destroy().catch(() => undefined);
        fs.rmSync(scratch, { recursive: true, force: true });
    });

    const configure = (purgeProtection: boolean, retentionDays: number) =>
        stack.setAllConfig({
            purgeProtection: { value: String(purgeProtection) },
            retentionDays: { value: String(retentionDays) },
        });
    const previewError = async (): Promise<string> => {
        try {
            await stack.preview();
        } catch (err) {
            return String(err);
        }
        assert.fail("the preview should have been refused");
    };

    it("deploys, allows turning a one-way setting on, and refuses turning it off or changing a fixed one", async () => {
        await configure(false, 90);
        assert.equal((await stack.up()).summary.result, "succeeded", "first deployment: nothing to compare with");

        await configure(true, 90);
        const on = await stack.up();
        assert.equal(on.summary.resourceChanges?.update, 1, "turning it on is an ordinary update");

        await configure(false, 90);
        assert.match(
            await previewError(),
            /purgeProtection: purge protection cannot be turned off once on \(deployed true, now false\)/,
        );

        await configure(true, 30);
        const refused = await previewError();
        assert.match(refused, /retentionDays: retention is fixed at creation \(deployed 90, now 30\)/);
        assert.doesNotMatch(refused, /purgeProtection:/, "only the setting that changed is named");

        await configure(true, 90);
        const same = await stack.preview();
        assert.equal(same.changeSummary.update ?? 0, 0, "put back, nothing to do");
    });
});
