import * as assert from "node:assert/strict";
import * as path from "node:path";
import { amlJobResourceId } from "../../../automation/azure/job-monitor";
import { createAmlTarget, ResolvedAmlSection } from "../../../automation/targets/aml";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { CONFIG_CHECKS, CONFIG_SPEC, program } from "../../../programs/2-6/program";
import { settle, useMocks } from "../../harness/mocks";
import { BASE_OUTPUTS, STACK_REF, withBaseStack } from "../../harness/platform-stack";
import { configCheck, loadExampleConfig, rejectsConfig, runProgram, unquoted } from "../../harness/programs";
import { mockDatastore, specOfFile, targetContext } from "../../harness/run-targets";
import { fakeArmPerTest, statuses, watchOn } from "../automation/fake-arm";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/2-6");
const COMPUTE = "azure-native:machinelearningservices:Compute";
const JOB = "azure-native:machinelearningservices:Job";

describe("programs/2-6 (batch deep-learning scoring on Spot GPUs)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example: its own platform and a Spot T4 cluster from 0 nodes, exporting the platform contract", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example);
        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-dlscore-dev");
        const compute = recorder.one(COMPUTE);
        const props = compute.inputs.properties.properties;
        assert.equal(props.vmSize, "Standard_NC4as_T4_v3");
        assert.equal(props.vmPriority, "LowPriority");
        assert.deepEqual(props.scaleSettings, {
            minNodeCount: 0,
            maxNodeCount: 2,
            nodeIdleTimeBeforeScaleDown: "PT120S",
        });
        assert.equal(props.remoteLoginPortPublicAccess, "Disabled");
        assert.equal(compute.inputs.tags.path, "2-6");
        assert.equal(compute.inputs.tags["cost-center"], "scoring", "the example's extra tag");

        const principal = `principal-${compute.inputs.computeName}`;
        const grants = recorder
            .ofType("azure-native:authorization:RoleAssignment")
            .map((r) => r.inputs)
            .filter((g) => g.principalId === principal);
        assert.deepEqual(
            grants.map((g) => [g.roleDefinitionId.split("/").pop(), g.scope]).sort(),
            [
                [BUILT_IN_ROLES.AcrPull, recorder.one("azure-native:containerregistry:Registry").id],
                [BUILT_IN_ROLES.StorageBlobDataContributor, recorder.one("azure-native:storage:StorageAccount").id],
            ].sort(),
        );
        // The run spec's baseStack reads this stack through the platform contract.
        for (const key of Object.keys(BASE_OUTPUTS)) assert.ok(key in outputs, `exports ${key}`);
        assert.equal(outputs.clusterId, compute.id);
        assert.deepEqual(secretOutputs, ["appInsightsConnectionString"]);
        assert.equal(recorder.count(JOB), 0, "jobs come from the driver's run stacks");
    });

    it("builds on a platform stack: the cluster in its workspace, grants on its storage and registry", async () => {
        const { recorder, outputs } = await runProgram(
            program,
            example,
            {
                platformStack: "org/customai-platform/prod",
                vmPriority: "Dedicated",
                vmSize: "Standard_NC24ads_A100_v4",
            },
            withBaseStack(),
        );
        assert.equal(recorder.one(STACK_REF).inputs.name, "org/customai-platform/prod");
        assert.equal(recorder.count("azure-native:machinelearningservices:Workspace"), 0);
        const compute = recorder.one(COMPUTE).inputs;
        assert.equal(compute.workspaceName, BASE_OUTPUTS.workspaceName);
        assert.equal(compute.properties.properties.vmPriority, "Dedicated");
        assert.equal(compute.properties.properties.vmSize, "Standard_NC24ads_A100_v4");
        const scopes = recorder.ofType("azure-native:authorization:RoleAssignment").map((r) => r.inputs.scope);
        assert.deepEqual(scopes.sort(), [BASE_OUTPUTS.registryId, BASE_OUTPUTS.storageAccountId].sort());
        assert.equal(outputs.workspaceName, BASE_OUTPUTS.workspaceName);
    });

    const check = configCheck(CONFIG_SPEC, CONFIG_CHECKS);

    rejectsConfig(
        CONFIG_SPEC,
        CONFIG_CHECKS,
        [
            ["vmSize", "Standard_D4s_v5", /a GPU size of a current family .*CPU batch scoring is path 2-2/],
            ["vmSize", "Standard_NC6s_v3", /retired on 2025-09-30; use/],
            ["vmSize", "NC4", /an Azure VM size name/],
            ["vmPriority", "Spot", /one of "Dedicated", "LowPriority"/],
            ["minNodes", "3", /at most maxNodes \(2\)/],
            ["maxNodes", "0", /1 to 100/],
            ["idleSecondsBeforeScaleDown", "30", /60 to 86400/],
            ["workload", "DL_Score", /lowercase/],
            ["logRetentionDays", "7", /30 to 730/],
            ["runnerPrincipalIds", '["nightly-runner"]', /Entra object id/],
        ],
        { shown: unquoted },
    );

    it("refuses platform settings when a platform stack owns them", () => {
        assert.throws(
            () => check({ platformStack: "org/customai-platform/prod", registry: "false" }),
            (err: unknown) => err instanceof ValidationError && err.fields.join() === "registry",
        );
    });
});

describe("programs/2-6 nightly.run.json on the aml target, under mocks of Azure", () => {
    const spec = specOfFile<ResolvedAmlSection>(path.join(PROGRAM_DIR, "nightly.run.json"));
    const STACK = "nightly-dl-scoring-20261203t020000z";
    const context = (attempt: number) => targetContext(spec, STACK, "/tmp/unused", { attempt });

    it("is a valid spec: Spot T4 nodes, two resubmissions, the CUDA environment", () => {
        assert.equal(spec.target, "aml");
        assert.equal(spec.section.priority, "LowPriority");
        assert.equal(spec.section.vmSize, "Standard_NC4as_T4_v3");
        assert.equal(spec.section.maxResubmissions, 2);
        assert.equal(spec.section.baseStack, "organization/customai-2-6/dev");
        assert.equal(spec.workload.code.script, path.join(PROGRAM_DIR, "../../automation/sample/score.py"));
    });

    it("makes a run stack of a Spot GPU cluster and a job that reads the input folder and knows its submission", async () => {
        const recorder = await useMocks("customai-runs", STACK);
        withBaseStack()(recorder);
        mockDatastore(recorder, { accountName: BASE_OUTPUTS.storageAccountName });
        await createAmlTarget().program(context(2))();
        await settle(recorder);
        assert.equal(recorder.one(STACK_REF).inputs.name, "organization/customai-2-6/dev");
        const cluster = recorder.one(COMPUTE).inputs.properties.properties;
        assert.equal(cluster.vmPriority, "LowPriority");
        assert.equal(cluster.vmSize, "Standard_NC4as_T4_v3");
        assert.equal(cluster.scaleSettings.minNodeCount, 0);
        const job = recorder.one(JOB).inputs.properties;
        assert.deepEqual(job.inputs.input, {
            jobInputType: "uri_folder",
            uri: "azureml://datastores/workspaceblobstore/paths/scoring/incoming/",
            mode: "Download",
        });
        assert.equal(job.environmentVariables.CUSTOMAI_ATTEMPT, "2");
        assert.match(job.environmentId, /acpt-pytorch-.*cuda/);
    });

    const serve = fakeArmPerTest();
    it("asks for a resubmission when Azure ML reports the Spot nodes preempted, and stops at the spec's limit", async () => {
        const fake = await serve(
            statuses(["Running", "Failed"], (s) =>
                s === "Failed" ? { statusMessage: "PreemptionError: Nodes of this job got pre-empted." } : {},
            ),
        );
        const jobId = { jobId: { value: amlJobResourceId("s", "rg", "ws", "job1"), secret: false } };
        const target = createAmlTarget(watchOn(fake, 5));
        const first = await target.wait(context(1), jobId);
        assert.match(first.resubmit ?? "", /resubmitted \(1 of at most 2 resubmissions\)/);
        const third = await target.wait(context(3), jobId);
        assert.equal(third.resubmit, undefined);
    });
});
