import * as assert from "node:assert/strict";
import { DataStorage, validateDataStorageArgs } from "../../../components/storage/data-storage";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, useMocks, settle, MockRecorder } from "../../harness/mocks";

const SA = "azure-native:storage:StorageAccount";
const LAW = `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log`;

describe("DataStorage under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("defaults to a locked-down StorageV2 account with data, models and predictions containers", async () => {
        // GIVEN only the required args
        new DataStorage("ml-data", { resourceGroupName: MOCK_RESOURCE_GROUP, tags: { team: "ai" } });
        await settle(recorder);

        // THEN the account is secure by default
        const account = recorder.one(SA).inputs;
        assert.equal(account.kind, "StorageV2");
        assert.deepEqual(account.sku, { name: "Standard_LRS" });
        assert.equal(account.enableHttpsTrafficOnly, true);
        assert.equal(account.minimumTlsVersion, "TLS1_2");
        assert.equal(account.allowBlobPublicAccess, false);
        assert.equal(account.allowSharedKeyAccess, false);
        assert.equal(account.defaultToOAuthAuthentication, true);
        assert.equal(account.isHnsEnabled, false);
        assert.equal(account.publicNetworkAccess, "Enabled");
        assert.equal(account.networkRuleSet.defaultAction, "Allow");
        assert.match(account.accountName, /^stmldata[a-z0-9]{6}$/);
        assert.deepEqual(account.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });
        // AND the three containers exist, private
        const containers = recorder.ofType("azure-native:storage:BlobContainer").map((c) => c.inputs);
        assert.deepEqual(containers.map((c) => c.containerName).sort(), ["data", "models", "predictions"]);
        assert.ok(containers.every((c) => c.publicAccess === "None"));
        // AND soft delete is on
        const blob = recorder.one("azure-native:storage:BlobServiceProperties").inputs;
        assert.deepEqual(blob.deleteRetentionPolicy, { enabled: true, days: 7 });
        // AND no diagnostic settings or role assignments were asked for, so none exist
        assert.equal(recorder.count("azure-native:monitor:DiagnosticSetting"), 0);
        assert.equal(recorder.count("azure-native:authorization:RoleAssignment"), 0);
    });

    it("closes the public endpoint when isolated with no allowed range", async () => {
        new DataStorage("closed", { resourceGroupName: MOCK_RESOURCE_GROUP, networkIsolation: true });
        await settle(recorder);
        const account = recorder.one(SA).inputs;
        assert.equal(account.publicNetworkAccess, "Disabled");
        assert.equal(account.networkRuleSet.defaultAction, "Deny");
    });

    it("denies all but the given ranges when isolated with ranges, and sends blob logs to Log Analytics", async () => {
        new DataStorage("iso", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            networkIsolation: true,
            allowedIpRanges: ["203.0.113.0/24", "198.51.100.7/32"],
            diagnostics: { logAnalyticsWorkspaceId: LAW },
        });
        await settle(recorder);
        const account = recorder.one(SA).inputs;
        // A disabled public endpoint would ignore the IP rules; storage takes a single address without /32.
        assert.equal(account.publicNetworkAccess, "Enabled");
        assert.deepEqual(account.networkRuleSet, {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [
                { iPAddressOrRange: "203.0.113.0/24", action: "Allow" },
                { iPAddressOrRange: "198.51.100.7", action: "Allow" },
            ],
        });
        const diags = recorder.ofType("azure-native:monitor:DiagnosticSetting").map((d) => d.inputs);
        assert.equal(diags.length, 2);
        const accountDiag = diags.find((d) => !String(d.resourceUri).endsWith("/blobServices/default"))!;
        const blobDiag = diags.find((d) => String(d.resourceUri).endsWith("/blobServices/default"))!;
        assert.deepEqual(accountDiag.logs, []);
        assert.deepEqual(accountDiag.metrics, [{ category: "AllMetrics", enabled: true }]);
        assert.deepEqual(blobDiag.logs, [{ categoryGroup: "allLogs", enabled: true }]);
        assert.equal(blobDiag.workspaceId, LAW);
    });

    it("creates no account diagnostic setting when metrics are off: Azure refuses one without a category", async () => {
        new DataStorage("quiet", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            diagnostics: { logAnalyticsWorkspaceId: LAW, metrics: false },
        });
        await settle(recorder);
        const diags = recorder.ofType("azure-native:monitor:DiagnosticSetting").map((d) => d.inputs);
        assert.deepEqual(
            diags.map((d) => [
                String(d.resourceUri).endsWith("/blobServices/default"),
                d.logs.length,
                d.metrics.length,
            ]),
            [[true, 1, 0]],
            "only the blob service's logs",
        );
    });

    it("grants blob read with the reader role on the account, named deterministically", async () => {
        const storage = new DataStorage("g", { resourceGroupName: MOCK_RESOURCE_GROUP });
        storage.grantBlobRead("vm", "principal-1");
        storage.grantContainerWrite("job", "predictions", "principal-2");
        await settle(recorder);
        const [read, write] = recorder.ofType("azure-native:authorization:RoleAssignment").map((r) => r.inputs);
        assert.ok(read.roleDefinitionId.endsWith(BUILT_IN_ROLES.StorageBlobDataReader));
        assert.match(read.scope, /\/Mock\.storage\/StorageAccount\/stg[a-z0-9]{6}$/);
        assert.equal(read.principalType, "ServicePrincipal");
        assert.match(read.roleAssignmentName, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.ok(write.roleDefinitionId.endsWith(BUILT_IN_ROLES.StorageBlobDataContributor));
        assert.match(write.scope, /BlobContainer\/predictions$/);
    });

    it("rejects bad args before creating anything, naming every field", () => {
        assert.throws(
            () =>
                validateDataStorageArgs({
                    accountName: "Bad_Name",
                    containers: ["raw", "Not--Valid"],
                    blobSoftDeleteDays: 0,
                    allowedIpRanges: ["0.0.0.0/0"],
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(
                    [...new Set(err.fields)],
                    ["accountName", "containers[1]", "blobSoftDeleteDays", "allowedIpRanges[0]", "allowedIpRanges"],
                );
                return true;
            },
        );
    });
});
