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

    it("changes the names of vault and workspace, and nothing else, with the salt", () => {
        const naming = { componentName: "ml-dev-kv", project: "customai-platform", stack: "dev" };
        const plain = componentResourceName("keyVault", naming, undefined, "vaultName");
        const salted = componentResourceName("keyVault", { ...naming, salt: "ab12" }, undefined, "vaultName");
        assert.notEqual(salted, plain, "a re-created stack gets another vault name");
        assert.equal(componentResourceName("keyVault", { ...naming, salt: "ab12" }, undefined, "v"), salted);
        assert.match(salted, /^kv-ml-dev-[a-z0-9]{6}$/);
        assert.equal(componentResourceName("keyVault", { ...naming, salt: "" }, undefined, "v"), plain);
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
