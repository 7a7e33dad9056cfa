/**
 * Provider plugins of a target: found on disk without starting the CLI,
 * installed once when missing, and a failed install said in one line.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { amlTarget, localTarget } from "../../../automation/targets";
import {
    engineHome,
    ensurePlugins,
    missingPlugins,
    PluginMissingError,
    pluginDir,
} from "../../../automation/stacks/plugins";

describe("provider plugins of run targets", () => {
    let home: string;
    beforeEach(() => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "customai-plugins-"));
    });
    afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

    const azure = { name: "azure-native", version: "3.28.0" };

    it("asks for the azure-native plugin of the SDK the aml program uses, and nothing for local runs", () => {
        const sdk = JSON.parse(fs.readFileSync(require.resolve("@pulumi/azure-native/package.json"), "utf8")) as {
            version: string;
        };
        assert.deepEqual(amlTarget.plugins?.(), [{ name: "azure-native", version: sdk.version }]);
        assert.equal(localTarget.plugins, undefined, "local runs stay offline");
    });

    it("finds an installed plugin in the engine's home, where the engine keeps it", () => {
        assert.equal(pluginDir(home, azure), path.join(home, "plugins", "resource-azure-native-v3.28.0"));
        assert.deepEqual(missingPlugins(home, [azure]), [azure]);
        fs.mkdirSync(pluginDir(home, azure), { recursive: true });
        assert.deepEqual(missingPlugins(home, [azure]), []);
    });

    it("installs only what is missing, saying so first", async () => {
        const log: string[] = [];
        const workspace = {
            installPlugin: async (name: string, version: string, kind?: string) =>
                void log.push(`install: ${kind} ${name} ${version}`),
        };
        const other = { name: "kubernetes", version: "4.34.2" };
        fs.mkdirSync(pluginDir(home, other), { recursive: true });
        await ensurePlugins(workspace, home, [azure, other], (l) => log.push(`say: ${l}`));
        assert.deepEqual(log, [
            "say: installing the resource plugin azure-native v3.28.0 (once per machine)",
            "install: resource azure-native v3.28.0",
        ]);
    });

    it("looks for plugins where the engine will: its PULUMI_HOME, else the inherited one, else ~/.pulumi", () => {
        assert.equal(engineHome({ PULUMI_HOME: "/engine" }, { PULUMI_HOME: "/inherited" }, "/u"), "/engine");
        assert.equal(engineHome({}, { PULUMI_HOME: "/inherited" }, "/u"), "/inherited");
        assert.equal(engineHome(undefined, {}, "/u"), path.join("/u", ".pulumi"));
    });

    it("says in one line what is missing, where it looked, the command that failed and what to do", async () => {
        const offline = {
            installPlugin: async () => {
                // The shape of the Automation API's CommandError for an offline install (shortened).
                const stderr =
                    "Command failed with exit code 1: pulumi plugin install resource azure-native v3.28.0\n" +
                    "[resource plugin azure-native-3.28.0] installing\n" +
                    "warning: Error downloading plugin: dial tcp: lookup get.pulumi.com: no such host\n" +
                    "error: [resource plugin azure-native-3.28.0] failed to download plugin: failed all 5 attempts\n";
                throw new Error(`code: -2\n stdout: \n stderr: ${stderr} err?: Error: ${stderr}`);
            },
        };
        await assert.rejects(ensurePlugins(offline, home, [azure]), (err: unknown) => {
            assert.ok(err instanceof PluginMissingError);
            assert.equal(err.message.split("\n").length, 1);
            assert.match(err.message, /resource plugin azure-native v3\.28\.0 is not in .*plugins/);
            assert.match(
                err.message,
                /`pulumi plugin install resource azure-native v3\.28\.0` failed \(error: \[resource plugin azure-native-3\.28\.0\] failed to download plugin: failed all 5 attempts\); /,
            );
            assert.match(err.message, /run it where the network reaches/);
            return true;
        });
    });
});
