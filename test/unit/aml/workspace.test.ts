import * as assert from "node:assert/strict";
import { MlWorkspace, validateMlWorkspaceArgs } from "../../../components/aml/workspace";
import { DataStorage } from "../../../components/storage/data-storage";
import { SecretVault } from "../../../components/keyvault/secret-vault";
import { Monitoring } from "../../../components/monitoring/monitoring";
import { BUILT_IN_ROLES, roleAssignmentName } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const MLW = "azure-native:machinelearningservices:Workspace";
const RA = "azure-native:authorization:RoleAssignment";
const DIAG = "azure-native:monitor:DiagnosticSetting";
const SUB = "00000000-0000-0000-0000-000000000001";
const ROLE_DEFINITIONS = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions`;
const ids = {
    storage: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stml`,
    vault: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kvml`,
    appInsights: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/components/appiml`,
    registry: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crml`,
    law: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log`,
    uami: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-ml`,
};
const required = {
    resourceGroupName: MOCK_RESOURCE_GROUP,
    storageAccountId: ids.storage,
    keyVaultId: ids.vault,
    applicationInsightsId: ids.appInsights,
};

describe("MlWorkspace under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("wires itself to the storage, vault and App Insights it is given, with a system identity", async () => {
        // GIVEN the platform pieces the workspace depends on, created by their own components
        const storage = new DataStorage("ml-data", { resourceGroupName: MOCK_RESOURCE_GROUP });
        const vault = new SecretVault("ml-kv", { resourceGroupName: MOCK_RESOURCE_GROUP });
        const mon = new Monitoring("ml-mon", { resourceGroupName: MOCK_RESOURCE_GROUP });
        // WHEN a workspace is created on them with defaults
        const ws = new MlWorkspace("ml", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            storageAccountId: storage.accountId,
            keyVaultId: vault.vaultId,
            applicationInsightsId: mon.appInsightsId,
            tags: { team: "ai" },
        });
        await settle(recorder);

        // THEN it points at exactly those resources
        const mlw = recorder.one(MLW);
        assert.equal(mlw.inputs.storageAccount, recorder.one("azure-native:storage:StorageAccount").id);
        assert.equal(mlw.inputs.keyVault, recorder.one("azure-native:keyvault:Vault").id);
        assert.equal(mlw.inputs.applicationInsights, recorder.one("azure-native:applicationinsights:Component").id);
        assert.ok(!("containerRegistry" in mlw.inputs), "AML creates its own registry on first build");
        // AND it uses a system identity, and that identity (not account keys) for its datastores
        assert.deepEqual(mlw.inputs.identity, { type: "SystemAssigned" });
        assert.equal(mlw.inputs.systemDatastoresAuthMode, "identity");
        // AND its endpoint is public, with no managed network
        assert.equal(mlw.inputs.publicNetworkAccess, "Enabled");
        assert.ok(!("managedNetwork" in mlw.inputs));
        // AND it is a plain Basic workspace with a suffixed name (workspaces are soft-deleted for 14 days)
        assert.equal(mlw.inputs.kind, "Default");
        assert.deepEqual(mlw.inputs.sku, { name: "Basic", tier: "Basic" });
        assert.equal(mlw.inputs.hbiWorkspace, false);
        assert.match(mlw.inputs.workspaceName, /^mlw-ml-[a-z0-9]{6}$/);
        assert.equal(mlw.inputs.friendlyName, mlw.inputs.workspaceName);
        assert.deepEqual(mlw.inputs.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });
        assert.equal(recorder.count(RA), 0);
        assert.equal(recorder.count(DIAG), 0);
        // AND the outputs describe it
        assert.equal(await valueOf(ws.workspaceId), mlw.id);
        assert.equal(await valueOf(ws.workspaceName), mlw.inputs.workspaceName);
        assert.equal(await valueOf(ws.studioUrl), `https://ml.azure.com/?wsid=${mlw.id}`);
    });

    it("exposes the system identity's principal id", async () => {
        const ws = new MlWorkspace("ml", required);
        await settle(recorder);
        const name = recorder.one(MLW).inputs.workspaceName;
        assert.equal(await valueOf(ws.principalId), `principal-${name}`);
    });

    it("closes the endpoint, adds a managed network when isolated and passes the options through", async () => {
        // GIVEN isolation, a registry, a user identity, key-based datastores, diagnostics and a role
        new MlWorkspace("iso", {
            ...required,
            containerRegistryId: ids.registry,
            networkIsolation: true,
            workspaceName: "mlw_iso-01",
            friendlyName: "Isolated workspace",
            managedIdentities: { userAssignedResourceIds: [ids.uami] },
            systemDatastoresAuthMode: "accesskey",
            diagnostics: { logAnalyticsWorkspaceId: ids.law },
            roleAssignments: [{ label: "ops", principalId: "principal-ops", role: "AzureMLComputeOperator" }],
        });
        await settle(recorder);

        // THEN the workspace is private, computes sit in a managed network
        const mlw = recorder.one(MLW);
        assert.equal(mlw.inputs.publicNetworkAccess, "Disabled");
        // (the SDK fills in enableNetworkMonitor: false)
        assert.equal(mlw.inputs.managedNetwork.isolationMode, "AllowInternetOutbound");
        // AND the given pieces and options are used as given
        assert.equal(mlw.inputs.storageAccount, ids.storage);
        assert.equal(mlw.inputs.keyVault, ids.vault);
        assert.equal(mlw.inputs.applicationInsights, ids.appInsights);
        assert.equal(mlw.inputs.containerRegistry, ids.registry);
        assert.equal(mlw.inputs.workspaceName, "mlw_iso-01");
        assert.equal(mlw.inputs.friendlyName, "Isolated workspace");
        assert.equal(mlw.inputs.systemDatastoresAuthMode, "accesskey");
        assert.deepEqual(mlw.inputs.identity, {
            type: "SystemAssigned,UserAssigned",
            userAssignedIdentities: [ids.uami],
        });
        // AND logs and metrics go to Log Analytics
        const diag = recorder.one(DIAG).inputs;
        assert.equal(diag.resourceUri, mlw.id);
        assert.equal(diag.workspaceId, ids.law);
        assert.deepEqual(diag.logs, [{ categoryGroup: "allLogs", enabled: true }]);
        assert.deepEqual(diag.metrics, [{ category: "AllMetrics", enabled: true }]);
        // AND the requested role is assigned on the workspace
        const ra = recorder.one(RA);
        assert.equal(ra.name, "iso-ra-ops");
        assert.equal(ra.inputs.scope, mlw.id);
        assert.ok(ra.inputs.roleDefinitionId.endsWith(`/roleDefinitions/${BUILT_IN_ROLES.AzureMLComputeOperator}`));
    });

    it("uses only the user identity when the system identity is turned off", async () => {
        new MlWorkspace("uami", {
            ...required,
            managedIdentities: { systemAssigned: false, userAssignedResourceIds: [ids.uami] },
        });
        await settle(recorder);
        assert.deepEqual(recorder.one(MLW).inputs.identity, {
            type: "UserAssigned",
            userAssignedIdentities: [ids.uami],
        });
    });

    it("grants Data Scientist and Compute Operator on the workspace", async () => {
        // GIVEN a workspace
        const ws = new MlWorkspace("ml", required);
        // WHEN a person and a scheduler are granted access
        ws.grantDataScientist("alice", "principal-alice", "User");
        ws.grantComputeOperator("scheduler", "principal-scheduler");
        await settle(recorder);

        // THEN each gets its own narrow role, scoped to the workspace
        const mlwId = recorder.one(MLW).id;
        const ds = recorder.named("ml-ds-alice").inputs;
        assert.equal(ds.scope, mlwId);
        assert.equal(ds.principalId, "principal-alice");
        assert.equal(ds.principalType, "User");
        assert.equal(ds.roleDefinitionId, `${ROLE_DEFINITIONS}/f6c7c914-8db3-469d-8ca1-694a8f32e121`);
        assert.equal(
            ds.roleAssignmentName,
            roleAssignmentName(mlwId, "principal-alice", BUILT_IN_ROLES.AzureMLDataScientist),
        );
        const op = recorder.named("ml-computeop-scheduler").inputs;
        assert.equal(op.scope, mlwId);
        assert.equal(op.principalType, "ServicePrincipal");
        assert.equal(op.roleDefinitionId, `${ROLE_DEFINITIONS}/e503ece1-11d0-4e8e-8e2c-7a6c3bf38815`);
        assert.equal(recorder.count(RA), 2);
    });

    it("rejects a workspace with no identity, a bad auth mode and a bad name, before creating it", () => {
        assert.throws(
            () =>
                new MlWorkspace("bad", {
                    ...required,
                    workspaceName: "-mlw",
                    systemDatastoresAuthMode: "sas" as "identity",
                    managedIdentities: { systemAssigned: false },
                    tags: { "": "x" },
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, [
                    "workspaceName",
                    "systemDatastoresAuthMode",
                    "managedIdentities",
                    "tags.",
                ]);
                assert.equal(err.issues[1].rule, 'one of "identity", "accesskey"');
                assert.match(err.issues[2].rule, /^at least one identity/);
                return true;
            },
        );
        assert.equal(recorder.count(MLW), 0);
    });

    it("accepts a user identity alone", () => {
        assert.doesNotThrow(() =>
            validateMlWorkspaceArgs({
                ...required,
                managedIdentities: { systemAssigned: false, userAssignedResourceIds: [ids.uami] },
            }),
        );
    });
});
