import * as assert from "node:assert/strict";
import { ImageRegistry, validateImageRegistryArgs } from "../../../components/registry/image-registry";
import { BUILT_IN_ROLES, roleAssignmentName } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const CR = "azure-native:containerregistry:Registry";
const RA = "azure-native:authorization:RoleAssignment";
const DIAG = "azure-native:monitor:DiagnosticSetting";
const SUB = "00000000-0000-0000-0000-000000000001";
const LAW = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log`;
const ROLE_DEFINITIONS = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions`;

describe("ImageRegistry under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("defaults to a Basic registry with no admin user and no anonymous pull", async () => {
        // GIVEN only the required args
        const registry = new ImageRegistry("images", { resourceGroupName: MOCK_RESOURCE_GROUP, tags: { team: "ai" } });
        await settle(recorder);

        // THEN only Entra identities can push and pull
        const cr = recorder.one(CR);
        assert.deepEqual(cr.inputs.sku, { name: "Basic" });
        assert.equal(cr.inputs.adminUserEnabled, false);
        assert.equal(cr.inputs.anonymousPullEnabled, false);
        assert.equal(cr.inputs.publicNetworkAccess, "Enabled");
        assert.equal(cr.inputs.networkRuleBypassOptions, "AzureServices");
        // AND the name has no hyphens (registries allow none) and a suffix
        assert.match(cr.inputs.registryName, /^crimages[a-z0-9]{6}$/);
        assert.deepEqual(cr.inputs.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });
        assert.equal(recorder.count(RA), 0);
        assert.equal(recorder.count(DIAG), 0);
        // AND the outputs describe it
        assert.equal(await valueOf(registry.registryId), cr.id);
        assert.equal(await valueOf(registry.registryName), cr.inputs.registryName);
        assert.equal(await valueOf(registry.loginServer), `${cr.inputs.registryName}.azurecr.io`);
    });

    it("closes public access on a Premium registry when isolated, with diagnostics and role assignments", async () => {
        // GIVEN isolation with Premium, diagnostics and a pipeline that pushes
        new ImageRegistry("iso", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            sku: "Premium",
            networkIsolation: true,
            registryName: "crIsoImages01",
            diagnostics: { logAnalyticsWorkspaceId: LAW, metrics: false },
            roleAssignments: [{ label: "ci", principalId: "principal-ci", role: "Contributor" }],
        });
        await settle(recorder);

        // THEN public access is off
        const cr = recorder.one(CR);
        assert.deepEqual(cr.inputs.sku, { name: "Premium" });
        assert.equal(cr.inputs.publicNetworkAccess, "Disabled");
        assert.equal(cr.inputs.registryName, "crIsoImages01");
        // AND logs (no metrics, as asked) go to Log Analytics
        const diag = recorder.one(DIAG).inputs;
        assert.equal(diag.resourceUri, cr.id);
        assert.equal(diag.workspaceId, LAW);
        assert.deepEqual(diag.logs, [{ categoryGroup: "allLogs", enabled: true }]);
        assert.deepEqual(diag.metrics, []);
        // AND the role is assigned on the registry
        const ra = recorder.one(RA);
        assert.equal(ra.name, "iso-ra-ci");
        assert.equal(ra.inputs.scope, cr.id);
        assert.ok(ra.inputs.roleDefinitionId.endsWith(`/roleDefinitions/${BUILT_IN_ROLES.Contributor}`));
    });

    it("grants pull with AcrPull on the registry", async () => {
        // GIVEN a registry
        const registry = new ImageRegistry("images", { resourceGroupName: MOCK_RESOURCE_GROUP });
        // WHEN a cluster's kubelet identity is granted pull
        registry.grantPull("aks", "principal-kubelet");
        await settle(recorder);

        // THEN the assignment uses the AcrPull role, scoped to this registry
        const ra = recorder.one(RA);
        const crId = recorder.one(CR).id;
        assert.equal(ra.name, "images-pull-aks");
        assert.equal(ra.inputs.scope, crId);
        assert.equal(ra.inputs.principalId, "principal-kubelet");
        assert.equal(ra.inputs.principalType, "ServicePrincipal");
        assert.equal(ra.inputs.roleDefinitionId, `${ROLE_DEFINITIONS}/7f951dda-4ed3-4680-a7ca-43fe172d538d`);
        assert.equal(
            ra.inputs.roleAssignmentName,
            roleAssignmentName(crId, "principal-kubelet", BUILT_IN_ROLES.AcrPull),
        );
    });

    for (const sku of [undefined, "Basic", "Standard"] as const) {
        it(`requires Premium with isolation (sku ${sku ?? "default"}), naming sku, creating nothing`, () => {
            assert.throws(
                () =>
                    new ImageRegistry("iso", {
                        resourceGroupName: MOCK_RESOURCE_GROUP,
                        networkIsolation: true,
                        sku,
                    }),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.deepEqual(err.fields, ["sku"]);
                    assert.match(err.issues[0].rule, /must be Premium when networkIsolation is on/);
                    assert.equal(err.issues[0].value, sku ?? "Basic");
                    return true;
                },
            );
            assert.equal(recorder.count(CR), 0);
        });
    }

    it("rejects an unknown sku and a name with hyphens, naming both fields", () => {
        assert.throws(
            () =>
                validateImageRegistryArgs({
                    registryName: "cr-images",
                    sku: "Gold" as "Basic",
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, ["registryName", "sku"]);
                assert.match(err.issues[0].rule, /letters and digits only/);
                assert.equal(err.issues[1].rule, 'one of "Basic", "Standard", "Premium"');
                return true;
            },
        );
    });

    it("returns the resolved sku", () => {
        assert.equal(validateImageRegistryArgs({}), "Basic");
        assert.equal(validateImageRegistryArgs({ sku: "Premium", networkIsolation: true }), "Premium");
    });
});
