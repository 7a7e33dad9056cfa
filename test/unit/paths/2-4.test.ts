import * as assert from "node:assert/strict";
import * as path from "node:path";
import { PLATFORM_STACK_OUTPUTS } from "../../../components/aml/platform-stack";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { CONFIG_CHECKS, CONFIG_SPEC, program, SPARK_COMPUTE_NAME } from "../../../programs/2-4/program";
import { MockRecorder } from "../../harness/mocks";
import { BASE_OUTPUTS, STACK_REF, withBaseStack } from "../../harness/platform-stack";
import { configFaults, loadExampleConfig, rejectsConfig, runProgram, unquoted } from "../../harness/programs";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/2-4");
const ROLE = "azure-native:authorization:RoleAssignment";
const SYNAPSE_WS = "azure-native:synapse:Workspace";
const POOL = "azure-native:synapse:BigDataPool";
const COMPUTE = "azure-native:machinelearningservices:Compute";
const RUNNER = "11111111-2222-3333-4444-555555555555";

/** What Azure returns for the Synapse workspace's system identity; with a base stack, its outputs too. */
const mocks = (base?: Record<string, unknown>) => (recorder: MockRecorder) => {
    recorder.outputsFor(SYNAPSE_WS, (inputs) => ({
        identity: { type: "SystemAssigned", principalId: `principal-${String(inputs.workspaceName)}` },
    }));
    if (base) withBaseStack(base)(recorder);
};

describe("programs/2-4 (batch scoring on Spark)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example as copied: its own platform, no cluster, no pool, and the whole platform contract", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {}, mocks());
        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-spark-dev");
        const workspace = recorder.one("azure-native:machinelearningservices:Workspace");
        assert.equal(workspace.inputs.tags.path, "2-4");
        assert.equal(workspace.inputs.tags["cost-center"], "analytics", "the example's extra tag");
        assert.equal(recorder.count(COMPUTE), 0, "serverless Spark: nothing to keep running");
        assert.equal(recorder.count(POOL), 0);
        assert.equal(recorder.count(SYNAPSE_WS), 0);
        for (const key of PLATFORM_STACK_OUTPUTS) assert.ok(key in outputs, `exports ${key}`);
        assert.equal(outputs.workspaceName, workspace.inputs.workspaceName);
        assert.equal(outputs.sparkPoolName, undefined);
        assert.deepEqual(secretOutputs, ["appInsightsConnectionString"]);
    });

    it("adds an attached Synapse pool with autoscale 3-10 and a 10-minute pause, with its identities and grants", async () => {
        const { recorder, outputs } = await runProgram(
            program,
            example,
            {
                synapsePool: "true",
                poolNodeSize: "Medium",
                poolMaxNodes: "10",
                poolAutoPauseMinutes: "10",
                sparkRunnerPrincipalIds: JSON.stringify([RUNNER]),
            },
            mocks(),
        );
        const accounts = recorder.ofType("azure-native:storage:StorageAccount");
        const platformStorage = accounts.find((a) => a.inputs.isHnsEnabled !== true)!;
        const lake = accounts.find((a) => a.inputs.isHnsEnabled === true)!;
        assert.equal(accounts.length, 2, "the platform's account and the Synapse data lake");
        assert.ok(platformStorage && lake);
        const group = recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName;

        const pool = recorder.one(POOL).inputs;
        assert.deepEqual(pool.autoScale, { enabled: true, minNodeCount: 3, maxNodeCount: 10 });
        assert.deepEqual(pool.autoPause, { enabled: true, delayInMinutes: 10 });
        assert.equal(pool.nodeSize, "Medium");
        assert.equal(pool.sparkVersion, "3.5");
        assert.equal(pool.resourceGroupName, group);
        assert.equal(pool.tags.path, "2-4");

        const ws = recorder.one(SYNAPSE_WS).inputs;
        assert.equal(ws.azureADOnlyAuthentication, true);
        assert.deepEqual(ws.identity, { type: "SystemAssigned" });
        assert.equal(ws.tags.environment, "dev");

        const compute = recorder.one(COMPUTE);
        assert.equal(compute.inputs.computeName, SPARK_COMPUTE_NAME);
        assert.equal(compute.inputs.properties.computeType, "SynapseSpark");
        assert.equal(compute.inputs.workspaceName, outputs.workspaceName);

        // Who may do what where: the Synapse identity on its lake, the attached pool and the Spark runner on the
        // workspace's storage. (The platform's own grants are to the principals of its lists, none here.)
        const grants = recorder
            .ofType(ROLE)
            .map((r) => r.inputs)
            .map((g) => [g.principalId, g.roleDefinitionId.split("/").pop(), g.scope])
            .sort();
        assert.deepEqual(
            grants,
            [
                [RUNNER, BUILT_IN_ROLES.Contributor, platformStorage.id],
                [`principal-${SPARK_COMPUTE_NAME}`, BUILT_IN_ROLES.StorageBlobDataContributor, platformStorage.id],
                [`principal-${ws.workspaceName}`, BUILT_IN_ROLES.StorageBlobDataContributor, lake.id],
            ].sort(),
        );
        assert.equal(outputs.sparkComputeName, SPARK_COMPUTE_NAME);
        assert.equal(outputs.sparkPoolName, pool.bigDataPoolName);
        assert.equal(outputs.sparkComputePrincipalId, `principal-${SPARK_COMPUTE_NAME}`);
    });

    it("builds on a platform stack: no platform here, the pool in that stack's group and region, grants on its storage", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(
            program,
            example,
            {
                platformStack: "org/customai-platform/prod",
                synapsePool: "true",
                sparkRunnerPrincipalIds: JSON.stringify([RUNNER]),
            },
            mocks(BASE_OUTPUTS),
        );
        assert.equal(recorder.one(STACK_REF).inputs.name, "org/customai-platform/prod");
        assert.equal(recorder.count("azure-native:resources:ResourceGroup"), 0);
        assert.equal(recorder.count("azure-native:machinelearningservices:Workspace"), 0);
        const pool = recorder.one(POOL).inputs;
        assert.equal(pool.resourceGroupName, "rg-ml-prod");
        assert.equal(pool.location, "northeurope");
        assert.equal(recorder.one(COMPUTE).inputs.workspaceName, "mlw-ml-prod-abc123");
        const onPlatformStorage = recorder
            .ofType(ROLE)
            .map((r) => r.inputs)
            .filter((g) => g.scope === BASE_OUTPUTS.storageAccountId)
            .map((g) => [g.principalId, g.roleDefinitionId.split("/").pop()])
            .sort();
        assert.deepEqual(
            onPlatformStorage,
            [
                [RUNNER, BUILT_IN_ROLES.Contributor],
                [`principal-${SPARK_COMPUTE_NAME}`, BUILT_IN_ROLES.StorageBlobDataContributor],
            ].sort(),
        );
        assert.equal(outputs.workspaceName, "mlw-ml-prod-abc123");
        assert.equal(outputs.storageAccountId, BASE_OUTPUTS.storageAccountId);
        assert.deepEqual(secretOutputs, ["appInsightsConnectionString"], "the base stack's secret stays secret");
    });

    const fieldsOf = configFaults(CONFIG_SPEC, CONFIG_CHECKS);

    const withPool = { synapsePool: "true" };
    rejectsConfig(
        CONFIG_SPEC,
        CONFIG_CHECKS,
        [
            ["poolMinNodes", "2", /3 to 200 \(Synapse autoscale needs at least 3 nodes\)/, withPool],
            ["poolMaxNodes", "201", /from minNodes \(3\) to 200/, withPool],
            ["poolAutoPauseMinutes", "1", /5 to 10080 minutes/, withPool],
            ["poolAutoPauseMinutes", "20000", /5 to 10080 minutes/, withPool],
            ["poolNodeSize", "Tiny", /one of Small, Medium, Large/, withPool],
            ["poolSparkVersion", "3.4", /out of support since 2026-03-31/, withPool],
            ["poolMaxNodes", "10", /only used with synapsePool: true/],
            ["synapsePool", "yes", /true or false/],
            ["logRetentionDays", "7", /30 to 730/],
            ["registry", "false", /only used when the stack creates its own platform/, { platformStack: "org/p/prod" }],
        ],
        { wholeKey: true, shown: unquoted },
    );
    // A list's issues name the entry at fault.
    rejectsConfig(
        CONFIG_SPEC,
        CONFIG_CHECKS,
        [["sparkRunnerPrincipalIds", '["not-a-guid"]', /an Entra object id \(GUID\)/]],
        {
            shown: unquoted,
        },
    );

    it("reports the pool's rules with the user's key names, all at once", () => {
        assert.deepEqual(
            fieldsOf({ ...withPool, poolMinNodes: "1", poolAutoPauseMinutes: "0", poolSparkVersion: "3.3" }).sort(),
            ["poolAutoPauseMinutes", "poolMinNodes", "poolSparkVersion"],
        );
        assert.deepEqual(fieldsOf({ poolMinNodes: "3" }), [], "a default value is what the program uses anyway");
    });
});
