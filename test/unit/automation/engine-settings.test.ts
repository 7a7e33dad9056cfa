import * as assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";
import { engineOf } from "../../../automation/cli/commands/engine";
import { PulumiCliMissingError } from "../../../automation/common/errors";
import { defaultHome, isInstalledPackage } from "../../../automation/common/paths";
import { engineEnv, PULUMI_DIR, resolvePassphrase, workspaceOptions } from "../../../automation/stacks/engine";

describe("engine settings", () => {
    it("passes backend and secrets provider from the command line to the engine", () => {
        const global = {
            json: false,
            backendUrl: "azblob://state",
            secretsProvider: "azurekeyvault://team.vault.azure.net/keys/pulumi",
        };
        assert.deepEqual(engineOf(global), {
            backendUrl: "azblob://state",
            secretsProvider: "azurekeyvault://team.vault.azure.net/keys/pulumi",
        });
    });

    it("gives workspaces the secrets provider, the backend and the offline switches", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "customai-engine-"));
        try {
            const options = await workspaceOptions({
                backendUrl: `file://${dir}`,
                passphrase: "p",
                secretsProvider: "azurekeyvault://team.vault.azure.net/keys/pulumi",
            });
            assert.equal(options.secretsProvider, "azurekeyvault://team.vault.azure.net/keys/pulumi");
            assert.equal(options.envVars?.PULUMI_BACKEND_URL, `file://${dir}`);
            assert.equal(options.envVars?.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, "true");
            assert.equal(options.envVars?.PULUMI_SKIP_UPDATE_CHECK, "true");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("takes the passphrase from settings, then the environment, then a private file it creates once", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "customai-pass-"));
        try {
            const env = { PULUMI_CONFIG_PASSPHRASE: "env" };
            assert.equal(resolvePassphrase({ passphrase: "given", pulumiRoot: root }, env), "given");
            assert.equal(resolvePassphrase({ pulumiRoot: root }, env), "env");
            assert.equal(fs.existsSync(path.join(root, "passphrase")), false, "a file was created while not needed");
            const first = resolvePassphrase({ pulumiRoot: root }, {});
            assert.equal(resolvePassphrase({ pulumiRoot: root }, {}), first, "the same passphrase every time");
            assert.ok(first.length >= 24);
            assert.equal(fs.statSync(path.join(root, "passphrase")).mode & 0o777, 0o600);
            assert.equal(
                resolvePassphrase({ pulumiRoot: root }, env),
                "env",
                "the file took precedence over the environment",
            );
            assert.equal(engineEnv({ pulumiRoot: root }).PULUMI_CONFIG_PASSPHRASE.length > 0, true);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("keeps its files in the checkout, or in the user's working directory when installed as a dependency", () => {
        assert.equal(isInstalledPackage("/work/customai"), false);
        assert.equal(isInstalledPackage("/srv/scoring/node_modules/custom-ai-on-azure"), true);
        assert.equal(defaultHome("/work/customai", "/elsewhere"), "/work/customai");
        assert.equal(defaultHome("/srv/scoring/node_modules/custom-ai-on-azure", "/srv/scoring"), "/srv/scoring");
    });

    it("sets PULUMI_HOME to a root that holds the CLI, and leaves a CLI from PATH its own home", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "customai-home-"));
        try {
            const env = engineEnv({ pulumiRoot: root, passphrase: "p" });
            assert.equal(env.PULUMI_HOME, undefined, "no CLI in the root: its plugins are in the CLI's own home");
            assert.equal(env.PULUMI_BACKEND_URL, `file://${path.join(root, "state")}`);
            assert.equal(engineEnv({ passphrase: "p" }).PULUMI_HOME, PULUMI_DIR, "this checkout's CLI and plugins");
            assert.equal(engineEnv({ pulumiRoot: root, pulumiHome: "/h", passphrase: "p" }).PULUMI_HOME, "/h");
            fs.mkdirSync(path.join(root, "bin"));
            fs.writeFileSync(path.join(root, "bin", "pulumi"), "");
            assert.equal(engineEnv({ pulumiRoot: root, passphrase: "p" }).PULUMI_HOME, root, "a root with its own CLI");
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("says where the CLI was looked for and how to get it", () => {
        assert.match(
            new PulumiCliMissingError("/r", new Error("no bin/pulumi")).message,
            /not found in \/r\/bin: run `npm run setup:pulumi` \(no bin\/pulumi\)/,
        );
        assert.match(new PulumiCliMissingError(undefined, "ENOENT").message, /not found on PATH: install it/);
    });
});
