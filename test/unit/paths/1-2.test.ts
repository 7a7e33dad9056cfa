import * as assert from "node:assert/strict";
import * as path from "node:path";
import { readConfig } from "../../../components/common/config";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { CONFIG_SPEC, DEFAULT_JOB_COMMAND, crossKeyIssues, program } from "../../../programs/1-2/program";
import { loadExampleConfig, runProgram } from "../../harness/programs";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/1-2");
const COMPUTE = "azure-native:machinelearningservices:Compute";
const JOB = "azure-native:machinelearningservices:Job";

describe("programs/1-2 (multi-node training)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example: workspace platform, a cluster from 0 nodes, and the distributed job", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {});

        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-train-dev");
        for (const type of [
            "azure-native:operationalinsights:Workspace",
            "azure-native:storage:StorageAccount",
            "azure-native:keyvault:Vault",
            "azure-native:containerregistry:Registry",
            "azure-native:machinelearningservices:Workspace",
            COMPUTE,
        ]) {
            assert.equal(recorder.count(type), 1, type);
            assert.equal(recorder.one(type).inputs.tags.path, "1-2", `${type} carries the path tag`);
        }

        const workspace = recorder.one("azure-native:machinelearningservices:Workspace");
        const compute = recorder.one(COMPUTE);
        assert.equal(compute.inputs.workspaceName, workspace.inputs.workspaceName);
        assert.deepEqual(compute.inputs.properties.properties.scaleSettings, {
            minNodeCount: 0,
            maxNodeCount: 2,
            nodeIdleTimeBeforeScaleDown: "PT120S",
        });
        assert.equal(compute.inputs.properties.properties.vmSize, "Standard_D4s_v5");
        assert.equal(compute.inputs.properties.properties.vmPriority, "Dedicated");
        assert.equal(compute.inputs.properties.properties.remoteLoginPortPublicAccess, "Disabled");

        // The cluster identity writes to the workspace storage and pulls from the registry.
        const clusterPrincipal = `principal-${compute.inputs.computeName}`;
        const clusterGrants = recorder
            .ofType("azure-native:authorization:RoleAssignment")
            .map((r) => r.inputs)
            .filter((g) => g.principalId === clusterPrincipal);
        assert.deepEqual(
            clusterGrants.map((g) => [g.roleDefinitionId.split("/").pop(), g.scope]).sort(),
            [
                [BUILT_IN_ROLES.AcrPull, recorder.one("azure-native:containerregistry:Registry").id],
                [BUILT_IN_ROLES.StorageBlobDataContributor, recorder.one("azure-native:storage:StorageAccount").id],
            ].sort(),
        );

        const job = recorder.one(JOB).inputs.properties;
        assert.equal(job.computeId, compute.id);
        assert.equal(job.command, DEFAULT_JOB_COMMAND);
        assert.deepEqual(job.distribution, { distributionType: "PyTorch", processCountPerInstance: 1 });
        assert.deepEqual(job.resources, { instanceCount: 2 });
        assert.equal(job.outputs.model.uri, "azureml://datastores/workspaceblobstore/paths/models/distributed-check");
        assert.match(job.environmentId, /^azureml:\/\/registries\/azureml\/environments\/acpt-pytorch-/);

        assert.equal(outputs.workspaceName, workspace.inputs.workspaceName);
        assert.equal(outputs.clusterId, compute.id);
        assert.equal(outputs.clusterName, compute.inputs.computeName);
        assert.match(String(outputs.studioUrl), /^https:\/\/ml\.azure\.com\/\?wsid=\/subscriptions\//);
        assert.match(String(outputs.jobStudioUrl), /^https:\/\/ml\.azure\.com\/runs\/.+\?wsid=\/subscriptions\//);
        assert.deepEqual(secretOutputs, ["appInsightsConnectionString"]);
    });

    it("uses GPU Spot nodes and submits no job when configured so", async () => {
        const { recorder, outputs } = await runProgram(program, example, {
            vmSize: "Standard_NC4as_T4_v3",
            vmPriority: "LowPriority",
            maxNodes: "4",
            submitJob: "false",
            registry: "false",
        });
        const props = recorder.one(COMPUTE).inputs.properties.properties;
        assert.equal(props.vmSize, "Standard_NC4as_T4_v3");
        assert.equal(props.vmPriority, "LowPriority");
        assert.equal(props.scaleSettings.maxNodeCount, 4);
        assert.equal(recorder.count(JOB), 0);
        assert.equal(outputs.jobName, undefined);
        assert.equal(recorder.count("azure-native:containerregistry:Registry"), 0);
    });

    it("passes job inputs through to the datastore", async () => {
        const { recorder } = await runProgram(program, example, {
            jobCommand: "python -c pass --data ${{inputs.training_data}} --out ${{outputs.model}}",
            jobInputs: '{"training_data": {"path": "data/train"}}',
            jobProcessCountPerInstance: "4",
        });
        const job = recorder.one(JOB).inputs.properties;
        assert.equal(job.inputs.training_data.uri, "azureml://datastores/workspaceblobstore/paths/data/train");
        assert.equal(job.inputs.training_data.mode, "ReadOnlyMount");
        assert.equal(job.distribution.processCountPerInstance, 4);
    });

    const badInputs: [string, string, RegExp][] = [
        ["vmSize", "Standard_NC6s_v3", /retired on 2025-09-30/],
        ["vmSize", "Standard_ND40rs_v2", /current family/],
        ["vmPriority", "Spot", /one of "Dedicated", "LowPriority"/],
        ["minNodes", "-1", /0 to 100/],
        ["maxNodes", "0", /1 to 100/],
        ["maxNodes", "two", /whole number/],
        ["idleSecondsBeforeScaleDown", "30", /60 to 86400/],
        ["jobInstanceCount", "0", /1 to 100/],
        ["jobProcessCountPerInstance", "200", /1 to 128/],
        ["jobInputs", "[]", /JSON object/],
        ["jobTimeoutSeconds", "10", /60 to 2592000/],
        ["submitJob", "yes", /true or false/],
        ["dataScientistPrincipalIds", '["alice"]', /GUIDs/],
    ];
    for (const [key, value, rule] of badInputs) {
        it(`rejects ${key}=${value}, naming the key, the rule and the value`, () => {
            assert.throws(
                () => readConfig((k) => (k === key ? value : undefined), CONFIG_SPEC),
                (err: unknown) =>
                    err instanceof ValidationError &&
                    err.fields.includes(key) &&
                    rule.test(err.message) &&
                    err.message.includes(value.replace(/[[\]"]/g, "").slice(0, 8)),
            );
        });
    }

    it("checks cross-key rules with the user's key names, all at once", () => {
        const c = readConfig(() => undefined, CONFIG_SPEC);
        const issues = crossKeyIssues({
            ...c,
            minNodes: 3,
            maxNodes: 2,
            submitJob: true,
            jobInstanceCount: 4,
            jobCommand: "python t.py ${{inputs.missing}}",
            jobEnvironmentId: "pytorch",
            jobOutputs: { model: { path: "../x" } },
        });
        assert.deepEqual(
            issues.map((i) => i.field),
            ["minNodes", "jobInstanceCount", "jobEnvironmentId", "jobOutputs.model.path", "jobCommand"],
        );
        assert.match(issues[1].rule, /at most the cluster's maxNodes \(2\)/);
        assert.deepEqual(crossKeyIssues({ ...c, submitJob: false, jobInstanceCount: 9 }), []);
    });

    it("refuses to run a job larger than the cluster", async () => {
        await assert.rejects(
            runProgram(program, example, { jobInstanceCount: "3" }),
            /jobInstanceCount: at most the cluster's maxNodes \(2\)/,
        );
    });
});
