import * as assert from "node:assert/strict";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { SynapseSparkPool, SynapseSparkPoolArgs, validateSynapseSparkPoolArgs } from "../../../components/synapse";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const WORKSPACE = "azure-native:synapse:Workspace";
const POOL = "azure-native:synapse:BigDataPool";
const ACCOUNT = "azure-native:storage:StorageAccount";
const COMPUTE = "azure-native:machinelearningservices:Compute";
const ROLE = "azure-native:authorization:RoleAssignment";
const AML_STORAGE =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stml";

const base: SynapseSparkPoolArgs = { resourceGroupName: MOCK_RESOURCE_GROUP, location: "westeurope" };

function fieldsOf(args: Partial<SynapseSparkPoolArgs>): string[] {
    try {
        validateSynapseSparkPoolArgs({ ...base, ...args });
        return [];
    } catch (err) {
        assert.ok(err instanceof ValidationError, String(err));
        return [...err.fields];
    }
}

describe("SynapseSparkPool under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
        // What Azure returns for a workspace with a system-assigned identity.
        recorder.outputsFor(WORKSPACE, (inputs) => ({
            identity: { type: "SystemAssigned", principalId: `principal-${String(inputs.workspaceName)}` },
        }));
    });

    it("creates an Entra-only Synapse workspace on an ADLS Gen2 lake, and a pool that autoscales 3-6 and pauses after 15 minutes", async () => {
        const pool = new SynapseSparkPool("spark-dev-synapse", { ...base, tags: { team: "data" } });
        await settle(recorder);

        const lake = recorder.one(ACCOUNT).inputs;
        assert.equal(lake.isHnsEnabled, true, "Synapse needs a hierarchical namespace");
        assert.equal(lake.allowSharedKeyAccess, false);
        assert.equal(lake.allowBlobPublicAccess, false);
        assert.equal(lake.minimumTlsVersion, "TLS1_2");
        assert.equal(lake.enableHttpsTrafficOnly, true);
        assert.match(lake.accountName, /^st[a-z0-9]{1,22}$/);

        const ws = recorder.one(WORKSPACE).inputs;
        assert.equal(ws.azureADOnlyAuthentication, true);
        assert.equal(ws.sqlAdministratorLoginPassword, undefined, "no SQL password anywhere");
        assert.deepEqual(ws.identity, { type: "SystemAssigned" });
        assert.equal(ws.defaultDataLakeStorage.filesystem, "synapse");
        assert.equal(ws.defaultDataLakeStorage.resourceId, recorder.one(ACCOUNT).id);
        assert.equal(ws.defaultDataLakeStorage.accountUrl, `https://${lake.accountName}.dfs.core.windows.net`);
        assert.match(ws.workspaceName, /^synw-spark-dev-synapse-[a-z0-9]{6}$/);
        assert.equal(ws.tags.team, "data");
        assert.equal(ws.tags["managed-by"], "custom-ai-on-azure");

        const p = recorder.one(POOL).inputs;
        assert.deepEqual(p.autoScale, { enabled: true, minNodeCount: 3, maxNodeCount: 6 });
        assert.deepEqual(p.autoPause, { enabled: true, delayInMinutes: 15 });
        assert.equal(p.nodeSize, "Small");
        assert.equal(p.nodeSizeFamily, "MemoryOptimized");
        assert.equal(p.sparkVersion, "3.5");
        assert.match(p.bigDataPoolName, /^[a-zA-Z][a-zA-Z0-9]{0,14}$/);
        assert.equal(p.workspaceName, ws.workspaceName);

        // The workspace identity may use its data lake, and only that.
        const grants = recorder.ofType(ROLE).map((r) => r.inputs);
        assert.deepEqual(
            grants.map((g) => [g.roleDefinitionId.split("/").pop(), g.scope, g.principalId]),
            [[BUILT_IN_ROLES.StorageBlobDataContributor, recorder.one(ACCOUNT).id, `principal-${ws.workspaceName}`]],
        );
        const rule = recorder.one("azure-native:synapse:IpFirewallRule").inputs;
        assert.deepEqual(
            [rule.ruleName, rule.startIpAddress, rule.endIpAddress],
            ["AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0"],
        );
        assert.equal(recorder.count(COMPUTE), 0, "not attached unless asked");
        assert.equal(pool.computeId, undefined);
        assert.throws(() => pool.grantBlobWrite("x", AML_STORAGE), /needs attach/);
    });

    it("attaches the pool to an Azure ML workspace with a system identity that may write the workspace's storage", async () => {
        const pool = new SynapseSparkPool("spark-dev-synapse", {
            ...base,
            nodeSize: "Medium",
            minNodes: 3,
            maxNodes: 10,
            autoPauseMinutes: 5,
            allowAzureServices: false,
            attach: { resourceGroupName: "rg-ml", workspaceName: "mlw-ml", computeName: "synapse-spark" },
        });
        pool.grantBlobWrite("aml-blob", AML_STORAGE);
        await settle(recorder);

        const compute = recorder.one(COMPUTE);
        assert.equal(compute.inputs.computeName, "synapse-spark");
        assert.equal(compute.inputs.workspaceName, "mlw-ml");
        assert.deepEqual(compute.inputs.identity, { type: "SystemAssigned" });
        assert.equal(compute.inputs.properties.computeType, "SynapseSpark");
        assert.equal(compute.inputs.properties.resourceId, recorder.one(POOL).id);
        assert.deepEqual(recorder.one(POOL).inputs.autoScale, { enabled: true, minNodeCount: 3, maxNodeCount: 10 });
        assert.equal(recorder.one(POOL).inputs.autoPause.delayInMinutes, 5);
        assert.equal(recorder.count("azure-native:synapse:IpFirewallRule"), 0);

        const grant = recorder.named("spark-dev-synapse-aml-blob").inputs;
        assert.equal(grant.scope, AML_STORAGE);
        assert.equal(grant.principalId, "principal-synapse-spark");
        assert.equal(grant.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.StorageBlobDataContributor);
        assert.equal(await valueOf(pool.computePrincipalId!), "principal-synapse-spark");
    });
});

describe("SynapseSparkPool validation", () => {
    const cases: [string, Partial<SynapseSparkPoolArgs>, string[]][] = [
        ["fewer than 3 nodes (Synapse's autoscale floor)", { minNodes: 2 }, ["minNodes"]],
        ["more than 200 nodes", { minNodes: 3, maxNodes: 201 }, ["maxNodes"]],
        ["a maximum below the minimum", { minNodes: 5, maxNodes: 4 }, ["maxNodes"]],
        ["an auto-pause under 5 minutes", { autoPauseMinutes: 4 }, ["autoPauseMinutes"]],
        ["an auto-pause over a week", { autoPauseMinutes: 10081 }, ["autoPauseMinutes"]],
        ["a node size Synapse lacks", { nodeSize: "Huge" as never }, ["nodeSize"]],
        ["Spark 3.4 (out of support)", { sparkVersion: "3.4" }, ["sparkVersion"]],
        ["a pool name with a hyphen", { poolName: "spark-pool" }, ["poolName"]],
        [
            "a Synapse workspace name with -ondemand",
            { synapseWorkspaceName: "team-ondemand" },
            ["synapseWorkspaceName"],
        ],
        ["a file system name with capitals", { dataLakeFilesystem: "Synapse" }, ["dataLakeFilesystem"]],
        [
            "an attach compute name Azure ML refuses",
            { attach: { resourceGroupName: "rg", workspaceName: "ws", computeName: "1pool" } },
            ["attach.computeName"],
        ],
    ];
    for (const [what, args, fields] of cases) {
        it(`refuses ${what}`, () => assert.deepEqual(fieldsOf(args), fields));
    }

    it("says why a retired Spark version is refused", () => {
        assert.throws(
            () => validateSynapseSparkPoolArgs({ ...base, sparkVersion: "3.4" }),
            /sparkVersion: a supported version, 3\.5: Synapse Spark 3\.4 is out of support since 2026-03-31/,
        );
    });

    it("accepts the bounds themselves", () => {
        assert.deepEqual(fieldsOf({ minNodes: 3, maxNodes: 200, autoPauseMinutes: 10080 }), []);
        assert.deepEqual(fieldsOf({ minNodes: 200, maxNodes: 200, autoPauseMinutes: 5, nodeSize: "XXXLarge" }), []);
    });
});
