import * as assert from "node:assert/strict";
import * as path from "node:path";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { CONFIG_CHECKS, CONFIG_SPEC, DEFAULT_JOB_COMMAND, program } from "../../../programs/1-2/program";
import { BASE_OUTPUTS, STACK_REF, withBaseStack } from "../../harness/platform-stack";
import { configFaults, loadExampleConfig, rejectsConfig, runProgram, unquoted } from "../../harness/programs";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/1-2");
const COMPUTE = "azure-native:machinelearningservices:Compute";
const JOB = "azure-native:machinelearningservices:Job";
describe("programs/1-2 (multi-node training)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example: workspace platform, a cluster from 0 nodes, and the distributed job", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, { submitJob: "true" });

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
        // Under the names deployed stacks already hold them by.
        recorder.named("train-dev-cluster-blob");
        recorder.named("train-dev-cluster-acrpull");

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

    it("builds on an existing platform stack: the cluster in its workspace, grants on its storage and registry", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(
            program,
            example,
            { platformStack: "org/customai-platform/prod" },
            withBaseStack(BASE_OUTPUTS),
        );
        assert.equal(recorder.one(STACK_REF).inputs.name, "org/customai-platform/prod");
        for (const type of [
            "azure-native:resources:ResourceGroup",
            "azure-native:storage:StorageAccount",
            "azure-native:machinelearningservices:Workspace",
        ]) {
            assert.equal(recorder.count(type), 0, `${type} comes from the base stack`);
        }
        const compute = recorder.one(COMPUTE).inputs;
        assert.equal(compute.resourceGroupName, "rg-ml-prod");
        assert.equal(compute.workspaceName, "mlw-ml-prod-abc123");
        assert.equal(compute.location, "northeurope");
        const grants = recorder.ofType("azure-native:authorization:RoleAssignment").map((r) => r.inputs);
        assert.deepEqual(
            grants.map((g) => [g.roleDefinitionId.split("/").pop(), g.scope]).sort(),
            [
                [BUILT_IN_ROLES.AcrPull, BASE_OUTPUTS.registryId],
                [BUILT_IN_ROLES.StorageBlobDataContributor, BASE_OUTPUTS.storageAccountId],
            ].sort(),
        );
        assert.equal(outputs.workspaceName, "mlw-ml-prod-abc123");
        assert.equal(outputs.storageAccountName, "stmlprodabc123");
        assert.deepEqual(secretOutputs, ["appInsightsConnectionString"], "the base stack's secret stays secret");
    });

    it("grants no AcrPull when the platform stack has no registry", async () => {
        const withoutRegistry: Record<string, unknown> = { ...BASE_OUTPUTS };
        delete withoutRegistry.registryId;
        delete withoutRegistry.registryLoginServer;
        const { recorder } = await runProgram(
            program,
            example,
            { platformStack: "org/customai-platform/prod" },
            withBaseStack(withoutRegistry),
        );
        const roles = recorder
            .ofType("azure-native:authorization:RoleAssignment")
            .map((r) => r.inputs.roleDefinitionId.split("/").pop());
        assert.deepEqual(roles, [BUILT_IN_ROLES.StorageBlobDataContributor]);
    });

    it("passes job inputs through to the datastore", async () => {
        const { recorder } = await runProgram(program, example, {
            submitJob: "true",
            jobCommand: "python -c pass --data ${{inputs.training_data}} --out ${{outputs.model}}",
            jobInputs: '{"training_data": {"path": "data/train"}}',
            jobProcessCountPerInstance: "4",
        });
        const job = recorder.one(JOB).inputs.properties;
        assert.equal(job.inputs.training_data.uri, "azureml://datastores/workspaceblobstore/paths/data/train");
        assert.equal(job.inputs.training_data.mode, "ReadOnlyMount");
        assert.equal(job.distribution.processCountPerInstance, 4);
    });

    const fieldsOf = configFaults(CONFIG_SPEC, CONFIG_CHECKS);

    // Rules of the cluster, the job and the platform, reported under the keys that feed them; a job key needs
    // submitJob: true to be read.
    const withJob = { submitJob: "true" };
    // The value as the message shows it: its start, or (fifth column) the part of a JSON value at fault.
    rejectsConfig(
        CONFIG_SPEC,
        CONFIG_CHECKS,
        [
            ["vmSize", "Standard_NC6s_v3", /retired on 2025-09-30/],
            ["vmSize", "Standard_ND40rs_v2", /current family/],
            ["vmPriority", "Spot", /one of "Dedicated", "LowPriority"/],
            ["minNodes", "-1", /0 to 100/],
            ["maxNodes", "0", /1 to 100/],
            ["maxNodes", "two", /whole number/],
            ["idleSecondsBeforeScaleDown", "30", /60 to 86400/],
            ["submitJob", "yes", /true or false/],
            ["logRetentionDays", "7", /30 to 730/],
            ["dataScientistPrincipalIds", '["alice"]', /Entra object id/],
            ["jobInstanceCount", "0", /1 to 100/, withJob],
            ["jobProcessCountPerInstance", "200", /1 to 128/, withJob],
            ["jobInputs", '{"x": {"path": "../up"}}', /no '\.\.'/, withJob, '"../up"'],
            ["jobTimeoutSeconds", "10", /60 to 2592000/, withJob],
            ["jobEnvironmentId", "pytorch", /environment asset id/, withJob],
        ],
        { shown: (value) => unquoted(value).slice(0, 8) },
    );

    it("reports the job's rules with the user's key names, all at once", () => {
        assert.deepEqual(
            fieldsOf({
                submitJob: "true",
                minNodes: "3",
                jobInstanceCount: "4",
                jobCommand: "python t.py ${{inputs.missing}}",
                jobEnvironmentId: "pytorch",
                jobOutputs: '{"model": {"path": "../x"}}',
            }).sort(),
            ["jobCommand", "jobEnvironmentId", "jobInstanceCount", "jobOutputs.model.path", "minNodes"],
        );
    });

    it("refuses settings of parts the stack does not create, unless they keep their defaults", () => {
        assert.deepEqual(fieldsOf({ jobInstanceCount: "4" }), ["jobInstanceCount"], "job keys need submitJob");
        assert.deepEqual(fieldsOf({ jobInstanceCount: "2" }), [], "a default value is what the program uses anyway");
        assert.deepEqual(
            fieldsOf({ platformStack: "org/customai-platform/prod", registry: "false", logRetentionDays: "90" }),
            ["registry", "logRetentionDays"],
        );
        assert.deepEqual(fieldsOf({ platformStack: "org/customai-platform/prod", purgeProtection: "true" }), []);
    });

    it("refuses to run a job larger than the cluster", async () => {
        await assert.rejects(
            runProgram(program, example, { submitJob: "true", jobInstanceCount: "3" }),
            /jobInstanceCount: at most the cluster's maxNodes \(2\)/,
        );
    });
});
