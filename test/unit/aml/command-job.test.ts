import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { CommandJob, CommandJobArgs, datastoreUri, validateCommandJobArgs } from "../../../components/aml/command-job";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const JOB = "azure-native:machinelearningservices:Job";
const CLUSTER =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/c";
const ENV = "azureml://registries/azureml/environments/acpt-pytorch-2.8-cuda12.6/labels/latest";

const base: CommandJobArgs = {
    resourceGroupName: MOCK_RESOURCE_GROUP,
    workspaceName: "ws",
    computeId: CLUSTER,
    environmentId: ENV,
    command: "torchrun-free train.py --data ${{inputs.train}} --out ${{outputs.model}}",
    inputs: { train: { path: "data/train" } },
    outputs: { model: { path: "models/run1" } },
};

describe("CommandJob under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("submits a PyTorch Command job over 2 nodes with data in the workspace datastore", async () => {
        const job = new CommandJob("ddp", {
            ...base,
            processCountPerInstance: 4,
            environmentVariables: { NCCL_DEBUG: "WARN" },
        });
        await settle(recorder);
        const inputs = recorder.one(JOB).inputs;
        const props = inputs.properties;
        assert.equal(inputs.workspaceName, "ws");
        assert.equal(inputs.id, undefined, "the SDK never sends `id`: azure-native names the job");
        assert.match(recorder.one(JOB).name, /^ddp-job-[a-z0-9]{6}$/);
        assert.equal(props.jobType, "Command");
        assert.equal(props.computeId, CLUSTER);
        assert.equal(props.environmentId, ENV);
        assert.deepEqual(props.distribution, { distributionType: "PyTorch", processCountPerInstance: 4 });
        assert.deepEqual(props.resources, { instanceCount: 2 });
        assert.deepEqual(props.inputs, {
            train: {
                jobInputType: "uri_folder",
                uri: "azureml://datastores/workspaceblobstore/paths/data/train",
                mode: "ReadOnlyMount",
            },
        });
        assert.deepEqual(props.outputs, {
            model: {
                jobOutputType: "uri_folder",
                uri: "azureml://datastores/workspaceblobstore/paths/models/run1",
                mode: "ReadWriteMount",
            },
        });
        assert.deepEqual(props.limits, { jobLimitsType: "Command", timeout: "PT14400S" });
        assert.deepEqual(props.identity, { identityType: "Managed" });
        assert.deepEqual(props.environmentVariables, { NCCL_DEBUG: "WARN" });
        assert.equal(props.experimentName, "distributed-training");
        // The mock names a job after its workspace (no name input exists); Azure returns the generated name.
        assert.equal(await valueOf(job.jobName), "ws");
    });

    it("names the job after the user's settings and ignores the service's changes to its properties", async () => {
        const nameOf = async (name: string, args: CommandJobArgs) => {
            const before = recorder.resources.length;
            new CommandJob(name, args);
            await settle(recorder);
            const job = recorder.resources.slice(before).find((r) => r.type === JOB)!;
            return { name: job.name.slice(name.length), options: job.options };
        };
        const first = await nameOf("a", base);
        assert.deepEqual(first.options.ignoreChanges, ["properties"], "a refresh's normalised properties never diff");
        assert.deepEqual(first.options.replaceOnChanges, []);
        assert.equal((await nameOf("b", { ...base })).name, first.name, "same settings, same job");
        assert.equal((await nameOf("c", { ...base, tags: { team: "x" } })).name, first.name, "tags describe it only");
        // The cluster a program creates arrives as an Output: replacing the cluster does not resubmit the job.
        const onCluster = (id: string) => nameOf("d", { ...base, computeId: pulumi.output(id) });
        assert.equal((await onCluster("/subscriptions/s/c1")).name, (await onCluster("/subscriptions/s/c2")).name);
        for (const changed of [
            { command: "python other.py" },
            { instanceCount: 1 },
            { timeoutSeconds: 600 },
            { environmentVariables: { X: "1" } },
            { inputs: { train: { path: "data/other" } } },
        ]) {
            assert.notEqual((await nameOf("e", { ...base, ...changed })).name, first.name, JSON.stringify(changed));
        }
    });

    it("keeps full URIs and trims leading slashes of datastore paths", () => {
        assert.equal(datastoreUri("azureml://datastores/other/paths/x"), "azureml://datastores/other/paths/x");
        assert.equal(datastoreUri("/data/x"), "azureml://datastores/workspaceblobstore/paths/data/x");
    });

    it("rejects a bad job spec, naming every field", () => {
        assert.throws(
            () =>
                validateCommandJobArgs({
                    ...base,
                    command: "python train.py --data ${{inputs.missing}}",
                    environmentId: "pytorch:latest",
                    instanceCount: 4,
                    clusterMaxNodes: 2,
                    processCountPerInstance: 0,
                    inputs: { "bad-name": { path: "../secrets" } },
                    outputs: { model: { path: "models", mode: "ReadOnlyMount" } },
                    timeoutSeconds: 5,
                    identity: "AMLToken" as "Managed",
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, [
                    "instanceCount",
                    "processCountPerInstance",
                    "environmentId",
                    "inputs.bad-name",
                    "inputs.bad-name.path",
                    "outputs.model.mode",
                    "command",
                    "timeoutSeconds",
                    "identity",
                ]);
                assert.match(err.message, /at most the cluster's maxNodes \(2\)/);
                assert.match(err.message, /refers to inputs\.missing, which is not declared/);
                return true;
            },
        );
    });
});
