/**
 * The root Pulumi.yaml program: it runs the path chosen by the `path` config
 * key, reading that path's keys from the root project's namespace.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { settle, useMocks } from "../../harness/mocks";
import { describeCatalog, findPath, PATHS } from "../../../programs/catalog";
import rootProgram from "../../../programs/index";

const ROOT_PROJECT = "custom-ai-on-azure";

describe("root program and path catalogue", () => {
    it("runs the platform path from root config", async () => {
        const recorder = await useMocks(ROOT_PROJECT, "dev");
        pulumi.runtime.setAllConfig({
            [`${ROOT_PROJECT}:path`]: "platform",
            [`${ROOT_PROJECT}:environment`]: "qa",
            [`${ROOT_PROJECT}:registry`]: "false",
        });
        const outputs = (await rootProgram()) as Record<string, unknown>;
        await settle(recorder);
        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-ml-qa");
        assert.equal(recorder.count("azure-native:machinelearningservices:Workspace"), 1);
        assert.equal(recorder.count("azure-native:containerregistry:Registry"), 0);
        assert.ok("studioUrl" in outputs);
    });

    it("asks for the path, listing the catalogue, when none is set", async () => {
        await useMocks(ROOT_PROJECT, "dev");
        pulumi.runtime.setAllConfig({});
        await assert.rejects(
            rootProgram(),
            (err: Error) => /pulumi config set path/.test(err.message) && /1-2/.test(err.message),
        );
    });

    it("names the known paths for an unknown one, and lists every path with what it was and is", () => {
        assert.throws(
            () => findPath("9-9"),
            /unknown path "9-9"; one of: platform, 1-1, 1-2, 2-1, 2-2, 2-3, 2-4, 2-5, 2-6$/,
        );
        const listed = describeCatalog();
        for (const p of PATHS) {
            assert.ok(
                listed.includes(
                    `${p.id.padEnd(8)} ${p.title}\n         was: ${p.replaces}\n         now: ${p.buildsOn}`,
                ),
            );
        }
    });
});
