/**
 * The plan's recorder: what it sees of a program (URNs, parents, secrets) and
 * how a program that fails or asks what a plan cannot answer ends.
 */
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { recordProgram } from "../../../automation/plan/engine";
import { maskedInputs, SECRET_MASK } from "../../../automation/plan/resources";

const NO_CONFIG = { values: {}, secretKeys: [] };

class Box extends pulumi.ComponentResource {
    constructor(name: string, token: pulumi.Input<string>) {
        super("test:plan:Box", name);
        new resources.ResourceGroup(
            `${name}-rg`,
            { location: "westeurope", tags: { owner: "data-team", token } },
            { parent: this },
        );
        this.registerOutputs();
    }
}

describe("plan/engine: recording a program under the mock engine", () => {
    it("records each resource with its URN, its parent and whether a provider manages it", async () => {
        const recording = await recordProgram(
            () => {
                new Box("box", "plain");
                return { answer: pulumi.output(42) };
            },
            { project: "proj", stack: "dev", config: NO_CONFIG },
        );
        const [box, rg] = recording.resources;
        assert.equal(box.urn, "urn:pulumi:dev::proj::test:plan:Box::box");
        assert.equal(box.custom, false);
        assert.equal(rg.urn, "urn:pulumi:dev::proj::test:plan:Box$azure-native:resources:ResourceGroup::box-rg");
        assert.equal(rg.parent, box.urn);
        assert.equal(rg.custom, true);
        assert.deepEqual(rg.inputs.tags, { owner: "data-team", token: "plain" });
        assert.deepEqual(recording.outputs, { answer: 42 });
        assert.deepEqual(recording.secretOutputs, []);
    });

    it("marks where secrets sit in the inputs, and masking hides exactly those", async () => {
        const recording = await recordProgram(
            () => {
                new Box("box", pulumi.secret("s3cret-value"));
                return { key: pulumi.secret("k") };
            },
            { project: "proj", config: NO_CONFIG },
        );
        const rg = recording.resources.find((r) => r.type === "azure-native:resources:ResourceGroup")!;
        assert.deepEqual(rg.secretPaths, ["tags.token"]);
        assert.equal((rg.inputs.tags as Record<string, string>).token, "s3cret-value", "policies see the value");
        const shown = maskedInputs(rg);
        assert.deepEqual(shown.tags, { owner: "data-team", token: SECRET_MASK });
        assert.ok(!JSON.stringify(shown).includes("s3cret"));
        assert.deepEqual(recording.secretOutputs, ["key"]);
    });

    it("hands the program its config, secrets included", async () => {
        const recording = await recordProgram(
            () => {
                const config = new pulumi.Config("proj");
                return { size: config.require("size"), password: config.requireSecret("password") };
            },
            {
                project: "proj",
                config: { values: { "proj:size": "4", "proj:password": "pw" }, secretKeys: ["proj:password"] },
            },
        );
        assert.deepEqual(recording.outputs, { size: "4", password: "pw" });
        assert.deepEqual(recording.secretOutputs, ["password"]);
    });

    it("fails with the program's own error when a check inside an output throws, instead of waiting forever", async () => {
        await assert.rejects(
            recordProgram(
                () => {
                    const location = pulumi.output("westeurope").apply((l) => {
                        if (l) throw new Error("no such region: westeurope");
                        return l;
                    });
                    new resources.ResourceGroup("rg", { location });
                    return {};
                },
                { project: "proj", config: NO_CONFIG },
            ),
            /no such region: westeurope/,
        );
    });

    it("stops at an invoke a plan cannot answer, naming it", async () => {
        await assert.rejects(
            recordProgram(
                async () => {
                    await resources.getResourceGroup({ resourceGroupName: "rg" });
                    return {};
                },
                { project: "proj", config: NO_CONFIG },
            ),
            /the program calls azure-native:resources:getResourceGroup, which an offline plan cannot answer/,
        );
    });

    it("keeps recordings apart: a second program sees none of the first one's resources", async () => {
        const first = recordProgram(() => void new Box("one", "a"), { project: "p", config: NO_CONFIG });
        const second = recordProgram(() => void new Box("two", "b"), { project: "p", config: NO_CONFIG });
        const [a, b] = await Promise.all([first, second]);
        assert.deepEqual(
            a.resources.map((r) => r.name),
            ["one", "one-rg"],
        );
        assert.deepEqual(
            b.resources.map((r) => r.name),
            ["two", "two-rg"],
        );
    });
});
