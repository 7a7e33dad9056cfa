import * as assert from "node:assert/strict";
import * as resources from "@pulumi/azure-native/resources";
import {
    DEFAULT_SOFT_DELETE_DAYS,
    SecretVault,
    validateSecretVaultArgs,
} from "../../../components/keyvault/secret-vault";
import { BUILT_IN_ROLES, roleAssignmentName } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MOCK_TENANT, MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const VAULT = "azure-native:keyvault:Vault";
const RA = "azure-native:authorization:RoleAssignment";
const DIAG = "azure-native:monitor:DiagnosticSetting";
const GET_CLIENT_CONFIG = "azure-native:authorization:getClientConfig";

const SUB = "00000000-0000-0000-0000-000000000001";
const LAW = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log`;
const ROLE_DEFINITIONS = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions`;

describe("SecretVault under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("defaults to an RBAC vault with soft delete, purge protection and the deployer's tenant", async () => {
        // GIVEN only the required args
        const vault = new SecretVault("secrets", { resourceGroupName: MOCK_RESOURCE_GROUP, tags: { team: "ai" } });
        await settle(recorder);

        // THEN access is governed by RBAC, and deletes are recoverable for 90 days
        const inputs = recorder.one(VAULT).inputs;
        const props = inputs.properties;
        assert.equal(props.enableRbacAuthorization, true);
        assert.equal(props.enableSoftDelete, true);
        assert.equal(props.softDeleteRetentionInDays, 90);
        assert.equal(DEFAULT_SOFT_DELETE_DAYS, 90);
        assert.equal(props.enablePurgeProtection, true);
        assert.deepEqual(props.sku, { family: "A", name: "standard" });
        // AND the vault is not usable by VMs, disk encryption or templates unless asked
        assert.equal(props.enabledForDeployment, false);
        assert.equal(props.enabledForDiskEncryption, false);
        assert.equal(props.enabledForTemplateDeployment, false);
        // AND the tenant comes from the deploying credentials
        assert.equal(props.tenantId, MOCK_TENANT);
        assert.deepEqual(
            recorder.calls.map((c) => c.token),
            [GET_CLIENT_CONFIG],
        );
        // AND the public endpoint is open (no isolation asked for)
        assert.equal(props.publicNetworkAccess, "Enabled");
        assert.deepEqual(props.networkAcls, { defaultAction: "Allow", bypass: "AzureServices", ipRules: [] });
        // AND the name is a suffixed CAF name, with managed-by among the tags
        assert.match(inputs.vaultName, /^kv-secrets-[a-z0-9]{6}$/);
        assert.equal(inputs.resourceGroupName, MOCK_RESOURCE_GROUP);
        assert.deepEqual(inputs.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });
        // AND nothing else was asked for
        assert.equal(recorder.count(RA), 0);
        assert.equal(recorder.count(DIAG), 0);
        // AND the outputs describe the vault
        assert.equal(await valueOf(vault.vaultId), recorder.one(VAULT).id);
        assert.equal(await valueOf(vault.vaultName), inputs.vaultName);
    });

    it("exposes the vault URI Azure returns", async () => {
        // GIVEN a provider that returns the computed vaultUri inside `properties` (merged with the inputs)
        const vault = new SecretVault("secrets", { resourceGroupName: MOCK_RESOURCE_GROUP });
        await settle(recorder);
        // THEN the output is that URI
        const name = recorder.one(VAULT).inputs.vaultName;
        assert.equal(await valueOf(vault.vaultUri), `https://${name}.vault.azure.net/`);
    });

    it("leaves purge protection unset when turned off, since ARM rejects false", async () => {
        // GIVEN a throwaway vault
        new SecretVault("scratch", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            purgeProtection: false,
            softDeleteRetentionDays: 7,
            sku: "premium",
        });
        await settle(recorder);

        // THEN purge protection is absent, not false
        const props = recorder.one(VAULT).inputs.properties;
        assert.ok(!("enablePurgeProtection" in props), JSON.stringify(props));
        assert.equal(props.softDeleteRetentionInDays, 7);
        assert.deepEqual(props.sku, { family: "A", name: "premium" });
        // AND soft delete stays on
        assert.equal(props.enableSoftDelete, true);
    });

    it("uses the given tenant without asking the engine", async () => {
        const tenant = "99999999-0000-0000-0000-000000000000";
        new SecretVault("other", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            tenantId: tenant,
            vaultName: "kv-other-01",
        });
        await settle(recorder);
        const inputs = recorder.one(VAULT).inputs;
        assert.equal(inputs.properties.tenantId, tenant);
        assert.equal(inputs.vaultName, "kv-other-01");
        assert.deepEqual(recorder.calls, []);
    });

    it("closes the public endpoint when isolated with no allowed range", async () => {
        new SecretVault("closed", { resourceGroupName: MOCK_RESOURCE_GROUP, networkIsolation: true });
        await settle(recorder);
        const vault = recorder.one(VAULT).inputs.properties;
        assert.equal(vault.publicNetworkAccess, "Disabled");
        assert.deepEqual(vault.networkAcls, { defaultAction: "Deny", bypass: "AzureServices", ipRules: [] });
    });

    it("denies all but the given ranges when isolated with ranges (a disabled endpoint would ignore them), and sends logs", async () => {
        // GIVEN isolation, one allowed range, diagnostics and a role assignment
        new SecretVault("iso", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            networkIsolation: true,
            allowedIpRanges: ["203.0.113.0/24", "198.51.100.7"],
            diagnostics: { logAnalyticsWorkspaceId: LAW, logCategoryGroup: "audit" },
            roleAssignments: [
                { label: "ops", principalId: "principal-ops", role: "KeyVaultSecretsUser", principalType: "Group" },
            ],
        });
        await settle(recorder);

        // THEN the public endpoint stays on, so the firewall denies by default and lets Azure services and the ranges through
        // (a single address in the /32 form the vault stores, so a refresh shows no diff)
        const vault = recorder.one(VAULT);
        assert.equal(vault.inputs.properties.publicNetworkAccess, "Enabled");
        assert.deepEqual(vault.inputs.properties.networkAcls, {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [{ value: "203.0.113.0/24" }, { value: "198.51.100.7/32" }],
        });
        // AND audit logs and metrics go to Log Analytics
        const diag = recorder.one(DIAG).inputs;
        assert.equal(diag.resourceUri, vault.id);
        assert.equal(diag.workspaceId, LAW);
        assert.deepEqual(diag.logs, [{ categoryGroup: "audit", enabled: true }]);
        assert.deepEqual(diag.metrics, [{ category: "AllMetrics", enabled: true }]);
        assert.equal(recorder.one(DIAG).name, "iso-diag");
        // AND the requested role is assigned on the vault
        const ra = recorder.one(RA);
        assert.equal(ra.name, "iso-ra-ops");
        assert.equal(ra.inputs.scope, vault.id);
        assert.equal(ra.inputs.principalId, "principal-ops");
        assert.equal(ra.inputs.principalType, "Group");
        assert.ok(ra.inputs.roleDefinitionId.endsWith(`/roleDefinitions/${BUILT_IN_ROLES.KeyVaultSecretsUser}`));
    });

    it("grants secret read with Key Vault Secrets User on the vault, named deterministically", async () => {
        // GIVEN a vault
        const vault = new SecretVault("app", { resourceGroupName: MOCK_RESOURCE_GROUP });
        // WHEN a scoring identity is granted read
        vault.grantSecretsRead("scorer", "principal-scorer");
        await settle(recorder);

        // THEN one assignment exists with the narrow role, on this vault
        const ra = recorder.one(RA);
        const vaultId = recorder.one(VAULT).id;
        assert.equal(ra.name, "app-secrets-scorer");
        assert.equal(ra.inputs.scope, vaultId);
        assert.equal(ra.inputs.principalId, "principal-scorer");
        assert.equal(ra.inputs.principalType, "ServicePrincipal");
        assert.equal(ra.inputs.roleDefinitionId, `${ROLE_DEFINITIONS}/${BUILT_IN_ROLES.KeyVaultSecretsUser}`);
        assert.equal(
            ra.inputs.roleAssignmentName,
            roleAssignmentName(vaultId, "principal-scorer", BUILT_IN_ROLES.KeyVaultSecretsUser),
        );
    });

    it("rejects bad args before creating the vault, naming every field", () => {
        assert.throws(
            () =>
                new SecretVault("bad", {
                    resourceGroupName: MOCK_RESOURCE_GROUP,
                    vaultName: "1-vault--name",
                    sku: "gold" as "standard",
                    softDeleteRetentionDays: 120,
                    allowedIpRanges: ["10.0.0.0/0", "not-an-ip"],
                    tags: { "a/b": "x" },
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(
                    [...new Set(err.fields)],
                    [
                        "vaultName",
                        "sku",
                        "softDeleteRetentionDays",
                        "allowedIpRanges[0]",
                        "allowedIpRanges[1]",
                        "allowedIpRanges",
                        "tags.a/b",
                    ],
                );
                const rules = Object.fromEntries(err.issues.map((i) => [i.field, i.rule]));
                assert.equal(rules.softDeleteRetentionDays, "an integer from 7 to 90");
                assert.equal(rules["allowedIpRanges[0]"], "must not open the vault to the whole internet");
                assert.match(rules.allowedIpRanges, /only used with networkIsolation: true/);
                return true;
            },
        );
        assert.equal(recorder.count(VAULT), 0);
    });

    for (const days of [6, 91, 30.5]) {
        it(`rejects softDeleteRetentionDays ${days}`, () => {
            assert.throws(
                () => validateSecretVaultArgs({ softDeleteRetentionDays: days }),
                (err: unknown) => err instanceof ValidationError && err.fields.join() === "softDeleteRetentionDays",
            );
        });
    }

    it("accepts the retention bounds 7 and 90 and resolves the defaults", () => {
        for (const days of [7, 90]) {
            assert.equal(validateSecretVaultArgs({ softDeleteRetentionDays: days }).softDeleteRetentionDays, days);
        }
        assert.deepEqual(validateSecretVaultArgs({}), {
            sku: "standard",
            softDeleteRetentionDays: 90,
            purgeProtection: true,
            allowedIpRanges: [],
            networkIsolation: false,
        });
    });
});

describe("the mock harness", () => {
    it("fails settle when the code under test makes an invoke no test mocked", async () => {
        // GIVEN a fresh recorder that knows only getClientConfig
        const recorder = await useMocks();
        // WHEN code makes another invoke
        resources.getResourceGroupOutput({ resourceGroupName: MOCK_RESOURCE_GROUP });
        // THEN settle fails and says why
        await assert.rejects(settle(recorder), /the code under test made invokes that no test mocked/);
        assert.deepEqual(recorder.unmockedCalls, ["azure-native:resources:getResourceGroup"]);
    });

    it("passes settle once the invoke is mocked", async () => {
        const recorder = await useMocks();
        recorder.onCall("azure-native:resources:getResourceGroup", () => ({ location: "westeurope" }));
        const location = resources.getResourceGroupOutput({ resourceGroupName: MOCK_RESOURCE_GROUP }).location;
        await settle(recorder);
        assert.equal(await valueOf(location), "westeurope");
        assert.deepEqual(recorder.unmockedCalls, []);
    });
});
