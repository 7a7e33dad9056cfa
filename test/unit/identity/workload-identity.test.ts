import * as assert from "node:assert/strict";
import { WorkloadIdentity, validateWorkloadIdentityArgs } from "../../../components/identity/workload-identity";
import { ImageRegistry } from "../../../components/registry/image-registry";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const UAMI = "azure-native:managedidentity:UserAssignedIdentity";

/** The Azure name the identity gets for component `name` in `stack`. */
async function identityNameIn(stack: string, name: string): Promise<string> {
    const recorder = await useMocks("customai", stack);
    new WorkloadIdentity(name, { resourceGroupName: MOCK_RESOURCE_GROUP });
    await settle(recorder);
    return recorder.one(UAMI).inputs.resourceName;
}

describe("WorkloadIdentity under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("creates one user-assigned identity and exposes its ids", async () => {
        // GIVEN a workload identity for a scoring app
        const id = new WorkloadIdentity("scorer", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            location: "swedencentral",
            tags: { app: "scoring" },
        });
        await settle(recorder);

        // THEN one identity exists with a suffixed CAF name in the given group and region
        const uami = recorder.one(UAMI);
        assert.equal(uami.name, "scorer-id");
        assert.match(uami.inputs.resourceName, /^id-scorer-[a-z0-9]{6}$/);
        assert.equal(uami.inputs.resourceGroupName, MOCK_RESOURCE_GROUP);
        assert.equal(uami.inputs.location, "swedencentral");
        assert.deepEqual(uami.inputs.tags, { app: "scoring", "managed-by": "custom-ai-on-azure" });
        // AND its outputs are the identity's resource id, object id and client id
        const azureName = uami.inputs.resourceName;
        assert.equal(await valueOf(id.identityId), uami.id);
        assert.equal(await valueOf(id.principalId), `principal-${azureName}`);
        assert.equal(await valueOf(id.clientId), `client-${azureName}`);
        // AND nothing else: no invokes, no role assignments
        assert.deepEqual(recorder.calls, []);
        assert.equal(recorder.count("azure-native:authorization:RoleAssignment"), 0);
    });

    it("uses an explicit name verbatim", async () => {
        new WorkloadIdentity("scorer", { resourceGroupName: MOCK_RESOURCE_GROUP, identityName: "id-Scoring_App-01" });
        await settle(recorder);
        assert.equal(recorder.one(UAMI).inputs.resourceName, "id-Scoring_App-01");
    });

    it("can be granted roles on other components through its principal id", async () => {
        // GIVEN an identity and a registry
        const id = new WorkloadIdentity("kubelet", { resourceGroupName: MOCK_RESOURCE_GROUP });
        const registry = new ImageRegistry("images", { resourceGroupName: MOCK_RESOURCE_GROUP });
        // WHEN the registry grants it pull
        registry.grantPull("kubelet", id.principalId);
        await settle(recorder);

        // THEN the assignment names the identity's object id
        const ra = recorder.one("azure-native:authorization:RoleAssignment").inputs;
        assert.equal(ra.principalId, `principal-${recorder.one(UAMI).inputs.resourceName}`);
        assert.ok(ra.roleDefinitionId.endsWith(BUILT_IN_ROLES.AcrPull));
    });

    it("keeps its name across deploys of a stack and changes it between stacks", async () => {
        const dev = await identityNameIn("dev", "scorer");
        assert.equal(await identityNameIn("dev", "scorer"), dev);
        const prod = await identityNameIn("prod", "scorer");
        assert.notEqual(prod, dev);
        assert.match(dev, /^id-scorer-[a-z0-9]{6}$/);
        assert.match(prod, /^id-scorer-[a-z0-9]{6}$/);
    });

    it("rejects a bad name and bad tags before creating the identity, naming both", () => {
        assert.throws(
            () =>
                new WorkloadIdentity("bad", {
                    resourceGroupName: MOCK_RESOURCE_GROUP,
                    identityName: "id",
                    tags: { owner: "x".repeat(257) },
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, ["identityName", "tags.owner"]);
                assert.equal(err.issues[0].rule, "managedIdentity names are 3-128 characters");
                assert.equal(err.issues[1].rule, "tag values are strings of at most 256 characters");
                assert.ok(err.message.startsWith("WorkloadIdentity: 2 invalid inputs:"), err.message);
                return true;
            },
        );
        assert.equal(recorder.count(UAMI), 0);
    });

    for (const name of ["_scorer", "id.scorer", "x".repeat(129)]) {
        it(`rejects the identity name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 5)}…` : name)}`, () => {
            assert.throws(
                () => validateWorkloadIdentityArgs({ identityName: name }),
                (err: unknown) => err instanceof ValidationError && err.fields.every((f) => f === "identityName"),
            );
        });
    }
});
