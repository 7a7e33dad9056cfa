/**
 * Names Azure keeps after deletion (Key Vault, Azure ML workspace) carry a
 * salt that lives as long as the stack's resources, so a stack destroyed and
 * brought up again does not collide with its own soft-deleted resources,
 * while every update of a living stack keeps its names.
 */
import * as assert from "node:assert/strict";
import { MlPlatform } from "../../../components/aml";
import { componentResourceName, DeploymentSalt, newSalt, SALT_LENGTH } from "../../../components/common";
import { MOCK_RESOURCE_GROUP, MOCK_SALT, settle, useMocks } from "../../harness/mocks";

const SALT = "pulumi-nodejs:dynamic/customai:DeploymentSalt";

describe("deployment salt", () => {
    it("is made fresh by the program and kept from state on every later update", async () => {
        const recorder = await useMocks();
        new DeploymentSalt("s");
        await settle(recorder);
        const salt = recorder.one(SALT);
        assert.match(salt.inputs.value, new RegExp(`^[0-9a-z]{${SALT_LENGTH}}$`), "the program's fresh value");
        assert.deepEqual(salt.options.ignoreChanges, ["value"], "an update keeps the stored salt, so names stay");
        const fresh = new Set(Array.from({ length: 50 }, newSalt));
        assert.ok(fresh.size > 45, "a new deployment gets a new salt");
    });

    it("changes a derived name with each salt, keeps it with the same salt, and an empty salt changes nothing", () => {
        for (const [kind, componentName, pattern] of [
            ["keyVault", "ml-dev-kv", /^kv-ml-dev-[a-z0-9]{6}$/],
            ["mlWorkspace", "ml-dev-mlw", /^mlw-ml-dev-[a-z0-9]{6}$/],
        ] as const) {
            const naming = { componentName, project: "customai-platform", stack: "dev" };
            const name = (salt?: string) => componentResourceName(kind, { ...naming, salt }, undefined, "n");
            assert.notEqual(name("ab12"), name(), `${kind}: a re-created stack gets another name`);
            assert.notEqual(name("ab12"), name("cd34"), `${kind}: each salt its own name`);
            assert.equal(name("ab12"), name("ab12"), `${kind}: the same salt, the same name`);
            assert.match(name("ab12"), pattern);
            assert.equal(name(""), name(), `${kind}: no salt, the plain name`);
        }
    });

    it("is mixed into MlPlatform's vault and workspace names, which Azure keeps after deletion", async () => {
        const recorder = await useMocks("customai-platform", "dev");
        new MlPlatform("ml-dev", { resourceGroupName: MOCK_RESOURCE_GROUP });
        await settle(recorder);
        const expect = (kind: "keyVault" | "mlWorkspace", componentName: string, salt?: string) =>
            componentResourceName(
                kind,
                { componentName, project: "customai-platform", stack: "dev", salt },
                undefined,
                "n",
            );
        assert.equal(
            recorder.one("azure-native:keyvault:Vault").inputs.vaultName,
            expect("keyVault", "ml-dev-kv", MOCK_SALT),
        );
        assert.equal(
            recorder.one("azure-native:machinelearningservices:Workspace").inputs.workspaceName,
            expect("mlWorkspace", "ml-dev-mlw", MOCK_SALT),
        );
        const account = recorder.one("azure-native:storage:StorageAccount").inputs.accountName;
        assert.equal(
            account,
            componentResourceName(
                "storageAccount",
                { componentName: "ml-dev-st", project: "customai-platform", stack: "dev" },
                undefined,
                "n",
            ),
            "only the names Azure holds after deletion take the salt",
        );
    });
});
