import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ValidationError } from "../../../components/common/validation";
import { validateCommandJobArgs } from "../../../components/aml/command-job";
import { BlobFilesState, blobFilesProvider } from "../../../components/storage/blob-files";
import { amlJobResourceId } from "../../../automation/azure/job-monitor";
import { JobStatus } from "../../../automation/common/events";
import { ResolvedRunSpec, WorkloadSpec } from "../../../automation/spec";
import { amlRunOutputs, createAmlTarget, ResolvedAmlSection } from "../../../automation/targets/aml";
import { amlCommand, shellQuote } from "../../../automation/targets/aml/program";
import { TargetContext } from "../../../automation/targets/types";
import { MockRecorder, settle, unwrapSecrets, useMocks, valueOf } from "../../harness/mocks";
import { BASE_OUTPUTS, STACK_REF, withBaseStack } from "../../harness/platform-stack";
import {
    BLOB_FILES,
    DATASTORE_CONTAINER as CONTAINER,
    mockDatastore,
    resolvedSpec,
    targetContext,
} from "../../harness/run-targets";
import { fakeArmPerTest, jobBody, statuses, watchOn } from "./fake-arm";

const COMPUTE = "azure-native:machinelearningservices:Compute";
const JOB = "azure-native:machinelearningservices:Job";
const BLOB = "https://stbase.blob.core.windows.net/";
const STACK = "nightly-churn-20261102t020000z";

let dir: string;
before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aml-target-"));
    fs.writeFileSync(path.join(dir, "model.json"), '{"format":"logreg-v1","features":["a"],"coefficients":[1]}');
    fs.writeFileSync(path.join(dir, "data.csv"), "id,a\n1,0.5\n");
    fs.writeFileSync(path.join(dir, "score.py"), "print('scored')\n");
    fs.writeFileSync(path.join(dir, "requirements.txt"), "numpy\n");
    fs.mkdirSync(path.join(dir, "code", "scoring"), { recursive: true });
    fs.writeFileSync(path.join(dir, "code", "scoring", "batch.py"), "");
    fs.writeFileSync(path.join(dir, "code", "scoring", "features.py"), "");
    fs.mkdirSync(path.join(dir, "days"));
    fs.writeFileSync(path.join(dir, "days", "1.csv"), "id,a\n");
    fs.writeFileSync(path.join(dir, "days", "2.csv"), "id,a\n");
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A resolved aml spec, validated as the driver validates it; fields and the aml section can be changed. */
function spec(
    fields: Record<string, unknown> = {},
    aml: Record<string, unknown> = {},
): ResolvedRunSpec<ResolvedAmlSection> {
    const input = {
        series: "nightly-churn",
        target: "aml",
        workload: { code: "score.py", inputs: { data: "data.csv" }, model: "model.json" } as WorkloadSpec,
        timeoutMinutes: 30,
        config: { region: "emea" },
        secrets: { apiKey: "s3cret-value" },
        aml: {
            subscriptionId: "00000000-0000-0000-0000-000000000001",
            baseStack: "organization/platform/prod",
            maxNodes: 4,
            priority: "LowPriority",
            ...aml,
        },
        ...fields,
    };
    return resolvedSpec(input, dir);
}

function context(
    s: ResolvedRunSpec<ResolvedAmlSection>,
    extra: Partial<TargetContext<ResolvedAmlSection>> = {},
): TargetContext<ResolvedAmlSection> {
    return targetContext(s, STACK, dir, extra);
}

/**
 * Mocks the base stack, its workspace in West Europe with its default datastore on account stbase, and the
 * upload's provider outputs; a workspace the spec names directly (mlw-direct) keeps its files on stdirect.
 */
function mockBaseStack(recorder: MockRecorder): void {
    withBaseStack({ ...BASE_OUTPUTS, location: "westeurope", blobEndpoint: BLOB, storageAccountName: "stbase" })(
        recorder,
    );
    mockDatastore(recorder, { accountName: (workspace) => (workspace === "mlw-direct" ? "stdirect" : "stbase") });
}

const UPLOADS = `${BLOB}${CONTAINER}/batch-runs/nightly-churn/${STACK}/inputs`;

describe("aml target program under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks("customai-runs", STACK);
        mockBaseStack(recorder);
    });

    it("reads the base stack, uploads script, model and input, and submits a Spot scoring job on a 0-4 node cluster", async () => {
        const ctx = context(spec());
        const outputs = (await createAmlTarget().program(ctx)()) as Record<string, pulumi.Output<string> | string>;
        await settle(recorder);

        assert.equal(recorder.one(STACK_REF).inputs.name, "organization/platform/prod");

        // Uploads go to the container of the workspace's default datastore, as Azure ML records it.
        const datastore = recorder.calls.find((c) => c.token === "azure-native:machinelearningservices:getDatastore");
        assert.deepEqual(datastore?.inputs, {
            resourceGroupName: "rg-ml-prod",
            workspaceName: "mlw-ml-prod-abc123",
            name: "workspaceblobstore",
        });
        const upload = recorder.one(BLOB_FILES).inputs;
        assert.equal(upload.blobEndpoint, BLOB);
        assert.equal(upload.container, CONTAINER);
        assert.equal(upload.prefix, `batch-runs/nightly-churn/${STACK}/inputs`);
        assert.deepEqual(Object.keys(upload.files).sort(), [
            "data/data/data.csv",
            "data/model/model.json",
            "script/score.py",
        ]);
        assert.equal(upload.files["script/score.py"].path, path.join(dir, "score.py"));
        assert.match(upload.files["data/model/model.json"].sha256, /^[0-9a-f]{64}$/);
        assert.equal(typeof upload.__provider, "string", "the upload provider serialized");

        const compute = recorder.one(COMPUTE).inputs;
        assert.equal(compute.resourceGroupName, "rg-ml-prod");
        assert.equal(compute.workspaceName, "mlw-ml-prod-abc123");
        assert.equal(compute.location, "westeurope");
        assert.deepEqual(compute.properties.properties.scaleSettings, {
            minNodeCount: 0,
            maxNodeCount: 4,
            nodeIdleTimeBeforeScaleDown: "PT120S",
        });
        assert.equal(compute.properties.properties.vmPriority, "LowPriority");
        assert.equal(compute.properties.properties.vmSize, "Standard_D4s_v5");
        assert.equal(compute.tags["customai-run"], "run-1");

        const job = recorder.one(JOB).inputs;
        const props = job.properties;
        assert.equal(job.workspaceName, "mlw-ml-prod-abc123");
        assert.equal(props.jobType, "Command");
        assert.equal(props.distribution, undefined, "a plain job, not a PyTorch launch");
        assert.deepEqual(props.resources, { instanceCount: 1 });
        assert.equal(props.computeId, recorder.one(COMPUTE).id);
        assert.equal(
            props.command,
            "python ${{inputs.script}} --model ${{inputs.model}} --data ${{inputs.data}} --output-dir ${{outputs.scores}}",
        );
        assert.deepEqual(props.inputs, {
            script: { jobInputType: "uri_file", uri: `${UPLOADS}/script/score.py`, mode: "Download" },
            model: { jobInputType: "uri_file", uri: `${UPLOADS}/data/model/model.json`, mode: "Download" },
            data: { jobInputType: "uri_file", uri: `${UPLOADS}/data/data/data.csv`, mode: "Download" },
        });
        assert.deepEqual(props.outputs, {
            scores: {
                jobOutputType: "uri_folder",
                uri: `azureml://datastores/workspaceblobstore/paths/batch-runs/nightly-churn/${STACK}/`,
                mode: "ReadWriteMount",
            },
        });
        assert.equal(props.environmentId, "azureml://registries/azureml/environments/sklearn-1.5/labels/latest");
        assert.deepEqual(props.identity, { identityType: "UserIdentity" });
        assert.deepEqual(props.limits, { jobLimitsType: "Command", timeout: "PT1800S" });
        assert.deepEqual(props.environmentVariables, { CUSTOMAI_CONFIG_REGION: "emea", CUSTOMAI_ATTEMPT: "1" });
        assert.equal(props.experimentName, "customai-nightly-churn");
        assert.ok(!JSON.stringify(unwrapSecrets(recorder.resources)).includes("s3cret-value"), "secrets stay out");

        assert.equal(await valueOf(pulumi.output(outputs.jobId)), recorder.one(JOB).id);
        assert.ok(outputs.jobName);
    });

    it("submits a new job into the same output folder on a resubmission, and keeps the cluster", async () => {
        const submitted = async (attempt: number) => {
            const r = await useMocks("customai-runs", STACK);
            mockBaseStack(r);
            const outputs = (await createAmlTarget().program(context(spec(), { attempt }))()) as Record<
                string,
                unknown
            >;
            await settle(r);
            const job = r.one(JOB);
            return {
                cluster: r.one(COMPUTE).name,
                job: job.name,
                attempt: job.inputs.properties.environmentVariables.CUSTOMAI_ATTEMPT,
                output: await valueOf(pulumi.output(outputs.outputUri)),
            };
        };
        const first = await submitted(1);
        const second = await submitted(2);
        assert.equal(first.attempt, "1");
        assert.equal(second.attempt, "2");
        assert.notEqual(second.job, first.job, "a new Job resource, so `up` submits it");
        assert.equal(second.cluster, first.cluster, "the cluster is not replaced");
        assert.equal(second.output, first.output, "the resumed job writes where the first one did");
    });

    it("creates and reads everything in the spec's subscription, through one explicit provider", async () => {
        await createAmlTarget().program(context(spec()))();
        await settle(recorder);
        const provider = recorder.one("pulumi:providers:azure-native");
        assert.equal(provider.inputs.subscriptionId, "00000000-0000-0000-0000-000000000001");
        const reference = `${provider.id}`;
        const azure = recorder.resources.filter((r) => r.type.startsWith("azure-native:"));
        assert.ok(azure.length >= 2, "the cluster and the job");
        for (const r of azure) {
            assert.ok(
                r.provider.endsWith(`::${reference}`),
                `${r.type} ${r.name} uses ${r.provider || "the default provider"}`,
            );
        }
        // The reads too: the default datastore of the workspace, whose container receives the uploads.
        const reads = recorder.calls.filter((c) => c.token.startsWith("azure-native:"));
        assert.ok(reads.some((c) => c.token === "azure-native:machinelearningservices:getDatastore"));
        for (const c of reads) {
            assert.ok(c.provider.endsWith(`::${reference}`), `${c.token} uses ${c.provider || "the default provider"}`);
        }
    });

    it("passes URIs through without uploading them, and keeps a short timeout at AML's one-minute floor", async () => {
        const remote = "azureml://datastores/data/paths/nightly/input.csv";
        const folder = "azureml://datastores/data/paths/nightly/";
        const ctx = context(
            spec({
                workload: { code: "score.py", inputs: { data: remote, days: folder }, model: "model.json" },
                timeoutMinutes: 0.2,
            }),
        );
        await createAmlTarget({ jobIdentity: "Managed" }).program(ctx)();
        await settle(recorder);
        assert.deepEqual(Object.keys(recorder.one(BLOB_FILES).inputs.files).sort(), [
            "data/model/model.json",
            "script/score.py",
        ]);
        const props = recorder.one(JOB).inputs.properties;
        assert.deepEqual(props.inputs.data, { jobInputType: "uri_file", uri: remote, mode: "Download" });
        assert.deepEqual(props.inputs.days, { jobInputType: "uri_folder", uri: folder, mode: "Download" });
        assert.deepEqual(props.limits, { jobLimitsType: "Command", timeout: "PT60S" });
        assert.deepEqual(props.identity, { identityType: "Managed" });
    });

    it("uploads a code folder and a folder input whole, installs requirements first, and takes a registered model", async () => {
        const ctx = context(
            spec(
                {
                    workload: {
                        code: {
                            dir: "code",
                            script: "scoring/batch.py",
                            args: ["--threshold", "0.7", "--label", "it's"],
                            requirements: "requirements.txt",
                        },
                        inputs: { days: "days" },
                        model: "azureml:churn:3",
                    },
                    outputs: "azureml://datastores/scores/paths/churn/",
                },
                { environment: "azureml:churn-env:2" },
            ),
        );
        await createAmlTarget().program(ctx)();
        await settle(recorder);
        assert.deepEqual(Object.keys(recorder.one(BLOB_FILES).inputs.files).sort(), [
            "code/scoring/batch.py",
            "code/scoring/features.py",
            "data/days/1.csv",
            "data/days/2.csv",
            "requirements/requirements.txt",
        ]);
        const props = recorder.one(JOB).inputs.properties;
        assert.equal(
            props.command,
            "pip install -r ${{inputs.requirements}} && export PYTHONPATH=${{inputs.code}}:$PYTHONPATH && " +
                "python ${{inputs.code}}/scoring/batch.py --model ${{inputs.model}} --days ${{inputs.days}} " +
                "--output-dir ${{outputs.scores}} --threshold 0.7 --label 'it'\"'\"'s'",
        );
        assert.deepEqual(props.inputs, {
            code: { jobInputType: "uri_folder", uri: `${UPLOADS}/code/`, mode: "Download" },
            requirements: {
                jobInputType: "uri_file",
                uri: `${UPLOADS}/requirements/requirements.txt`,
                mode: "Download",
            },
            model: { jobInputType: "custom_model", uri: "azureml:churn:3", mode: "ReadOnlyMount" },
            days: { jobInputType: "uri_folder", uri: `${UPLOADS}/data/days/`, mode: "Download" },
        });
        assert.equal(props.outputs.scores.uri, "azureml://datastores/scores/paths/churn/");
        assert.equal(props.environmentId, "azureml:churn-env:2");
    });

    it("reads the workspace's storage through ARM when the spec names the workspace instead of a base stack", async () => {
        recorder.onCall("azure-native:machinelearningservices:getWorkspace", (inputs) => ({
            location: "northeurope",
            storageAccount: `/subscriptions/s/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/stdirect`,
        }));
        const ctx = context(
            spec({}, { baseStack: undefined, workspaceName: "mlw-direct", resourceGroup: "rg-ml-prod" }),
        );
        await createAmlTarget().program(ctx)();
        await settle(recorder);
        assert.equal(recorder.count(STACK_REF), 0);
        const read = recorder.calls.find((c) => c.token === "azure-native:machinelearningservices:getWorkspace");
        assert.ok(read?.provider.includes("pulumi:providers:azure-native::azure"), `the read used ${read?.provider}`);
        assert.equal(recorder.one(BLOB_FILES).inputs.blobEndpoint, "https://stdirect.blob.core.windows.net/");
        assert.equal(recorder.one(COMPUTE).inputs.workspaceName, "mlw-direct");
        assert.equal(recorder.one(COMPUTE).inputs.location, "northeurope");
        assert.equal(recorder.one(JOB).inputs.resourceGroupName, "rg-ml-prod");
    });
});

describe("aml target wait and collect against a fake ARM server", () => {
    const serve = fakeArmPerTest();
    const JOB_ID = amlJobResourceId("sub-1", "rg-ml-prod", "mlw-x", "score-job-1");
    const OUT = "azureml://datastores/workspaceblobstore/paths/batch-runs/nightly-churn/s/";

    it("maps Azure ML statuses to the driver's and collects the output URIs", async () => {
        const fake = await serve(
            statuses(["Queued", "Running", "Completed"], (s) =>
                s === "Completed" ? { outputs: { scores: { jobOutputType: "uri_folder", uri: OUT } } } : {},
            ),
        );
        const seen: string[] = [];
        const target = createAmlTarget(watchOn(fake, 10));
        const ctx = context(spec(), { onStatus: (s: JobStatus) => seen.push(s) });
        const stack = { jobId: { value: JOB_ID, secret: false }, outputUri: { value: OUT, secret: false } };
        const result = await target.wait(ctx, stack);
        assert.deepEqual(result, { status: "succeeded", detail: undefined });
        assert.deepEqual(seen, ["starting", "running", "succeeded"]);
        assert.equal(fake.requests[0].path, JOB_ID);
        assert.deepEqual(await target.collect(ctx, stack), {
            location: OUT,
            predictionsPath: `${OUT}predictions.csv`,
            metricsPath: `${OUT}metrics.json`,
        });
    });

    it("reports the spec timeout as timed-out after canceling the job", async () => {
        let canceled = false;
        const fake = await serve((req) => {
            if (req.method === "POST") canceled = true;
            return req.method === "POST"
                ? { status: 202 }
                : { status: 200, body: jobBody(canceled ? "Canceled" : "Running") };
        });
        const seen: string[] = [];
        const target = createAmlTarget(watchOn(fake, 20));
        const ctx = context(spec({ timeoutMinutes: 0.005 }), { onStatus: (s: JobStatus) => seen.push(s) });
        const result = await target.wait(ctx, { jobId: { value: JOB_ID, secret: false } });
        assert.equal(result.status, "timed-out");
        assert.match(result.detail ?? "", /timed out after 0.3 s; job canceled/);
        assert.equal(seen[seen.length - 1], "timed-out");
        assert.ok(canceled);
    });

    /** A job that fails as Azure ML fails a job whose Spot nodes were taken back. */
    const PREEMPTED = {
        statusMessage:
            "AzureMLCompute job failed. PreemptionError: Nodes of this job got pre-empted. Check if the run has failed or restarted.",
    };

    it("asks for a resubmission when the job's nodes were preempted, within the spec's limit", async () => {
        const fake = await serve(statuses(["Running", "Failed"], (s) => (s === "Failed" ? PREEMPTED : {})));
        const target = createAmlTarget(watchOn(fake, 10));
        const stack = { jobId: { value: JOB_ID, secret: false } };
        const first = await target.wait(context(spec({}, { priority: "LowPriority" }), { attempt: 1 }), stack);
        assert.equal(first.status, "failed");
        assert.match(
            first.resubmit ?? "",
            /submission 1 lost its Spot nodes \(.*PreemptionError.*\); resubmitted \(1 of at most 2/,
        );
        const last = await target.wait(
            context(spec({}, { priority: "LowPriority", maxResubmissions: 2 }), { attempt: 3 }),
            stack,
        );
        assert.equal(last.status, "failed");
        assert.equal(last.resubmit, undefined, "the third submission was the last one allowed");
        const none = await target.wait(
            context(spec({}, { priority: "LowPriority", maxResubmissions: 0 }), { attempt: 1 }),
            stack,
        );
        assert.equal(none.resubmit, undefined, "maxResubmissions 0 never resubmits");
    });

    it("does not resubmit a job that failed for any other reason", async () => {
        const fake = await serve(statuses(["Failed"], () => ({ statusMessage: "UserError: exit code 2" })));
        const target = createAmlTarget(watchOn(fake, 10));
        const result = await target.wait(context(spec({}, { priority: "LowPriority" })), {
            jobId: { value: JOB_ID, secret: false },
        });
        assert.equal(result.status, "failed");
        assert.equal(result.resubmit, undefined);
    });

    it("waits only until the run's wait deadline, which the runner sets once for all submissions", async () => {
        let polls = 0;
        let canceled = false;
        const fake = await serve((req) => {
            if (req.method === "POST") canceled = true;
            if (req.method === "POST") return { status: 202 };
            polls += 1;
            return { status: 200, body: jobBody(canceled ? "Canceled" : "Running") };
        });
        const target = createAmlTarget(watchOn(fake, 50));
        // A second submission of a run whose first one spent the whole timeout.
        const spent = context(spec({}, { priority: "LowPriority" }), { attempt: 2, waitDeadline: Date.now() });
        const result = await target.wait(spent, { jobId: { value: JOB_ID, secret: false } });
        assert.equal(result.status, "timed-out");
        assert.ok(canceled, "the job was canceled at once");
        assert.ok(polls <= 3, `it did not keep polling: ${polls}`);
    });

    it("refuses to wait without a job id from the stack", async () => {
        await assert.rejects(
            createAmlTarget({ arm: { get: async () => ({}) as never, post: async () => ({}) as never } }).wait(
                context(spec()),
                {},
            ),
            /no output jobId/,
        );
    });
});

describe("aml target helpers and the upload provider", () => {
    const serve = fakeArmPerTest();

    it("uploads each file with an Entra token and deletes them again, tolerating a blob already gone", async () => {
        const fake = await serve((req) => ({
            status: req.method === "PUT" ? 201 : req.path.endsWith("model.json") ? 404 : 202,
        }));
        const provider = blobFilesProvider(async (scope) => {
            assert.equal(scope, "https://storage.azure.com/.default");
            return "storage-token";
        });
        const state: BlobFilesState = {
            blobEndpoint: `${fake.endpoint}/`,
            container: "data",
            prefix: "batch-runs/s/r/inputs",
            files: {
                "model.json": { path: path.join(dir, "model.json"), sha256: "x" },
                "input.csv": { path: path.join(dir, "data.csv"), sha256: "y" },
            },
        };
        const created = await provider.create!(state);
        assert.deepEqual(created.outs.urls, {
            "model.json": `${fake.endpoint}/data/batch-runs/s/r/inputs/model.json`,
            "input.csv": `${fake.endpoint}/data/batch-runs/s/r/inputs/input.csv`,
        });
        const puts = fake.requests.filter((r) => r.method === "PUT");
        assert.equal(puts.length, 2);
        assert.equal(puts[1].body, "id,a\n1,0.5\n");
        assert.equal(puts[0].authorization, "Bearer storage-token");
        assert.equal(puts[0].headers["x-ms-blob-type"], "BlockBlob");
        await provider.delete!(created.id, created.outs);
        assert.deepEqual(
            fake.requests.filter((r) => r.method === "DELETE").map((r) => r.path),
            ["/data/batch-runs/s/r/inputs/model.json", "/data/batch-runs/s/r/inputs/input.csv"],
        );
    });

    const refused = (code: string) => ({
        status: 403,
        headers: { "x-ms-error-code": code },
        body: "This request is not authorized to perform this operation using this permission.",
    });

    const upload = (endpoint: string) => ({
        blobEndpoint: endpoint,
        container: "c",
        prefix: "p",
        files: { "m.json": { path: path.join(dir, "model.json"), sha256: "x" } },
    });

    it("waits for a blob role still applying, then uploads", async () => {
        let puts = 0;
        const fake = await serve(() => (++puts <= 2 ? refused("AuthorizationPermissionMismatch") : { status: 201 }));
        await blobFilesProvider(async () => "t", [1, 1, 1]).create!(upload(fake.endpoint));
        assert.equal(puts, 3, "two refusals while the role applied, then the upload");
    });

    it("waits only so long, then fails saying which role is missing and why it waited", async () => {
        const never = await serve(() => refused("AuthorizationPermissionMismatch"));
        await assert.rejects(
            blobFilesProvider(async () => "t", [1, 1]).create!(upload(never.endpoint)),
            /PUT .*\/c\/p\/m\.json failed with HTTP 403 AuthorizationPermissionMismatch.*still refused after 0 s: .*Storage Blob Data Contributor.*up to 10 minutes/,
        );
        assert.equal(never.requests.length, 3, "the first attempt and one per delay");
    });

    it("fails at once on any other refusal, naming the status and error code", async () => {
        const fake = await serve(() => refused("AuthorizationFailure"));
        await assert.rejects(
            blobFilesProvider(async () => "t", [1, 1]).create!({
                blobEndpoint: fake.endpoint,
                container: "data",
                prefix: "p",
                files: { "m.json": { path: path.join(dir, "model.json"), sha256: "x" } },
            }),
            /PUT .*\/data\/p\/m\.json failed with HTTP 403 AuthorizationFailure/,
        );
        assert.equal(fake.requests.length, 1);
    });

    it("quotes only the arguments a shell would change", () => {
        assert.equal(shellQuote("--threshold"), "--threshold");
        assert.equal(shellQuote("a b"), "'a b'");
        assert.equal(shellQuote("$HOME"), "'$HOME'");
        assert.equal(shellQuote("it's"), `'it'"'"'s'`);
        assert.doesNotMatch(amlCommand({ spec: spec() }), /watch-pid|CUSTOMAI_DRIVER_PID/);
    });

    it("reports predictions and metrics inside the job's output folder", () => {
        assert.deepEqual(amlRunOutputs({ scores: "azureml://x/paths/o" }), {
            location: "azureml://x/paths/o",
            predictionsPath: "azureml://x/paths/o/predictions.csv",
            metricsPath: "azureml://x/paths/o/metrics.json",
        });
        assert.throws(() => amlRunOutputs({}), /no `scores` output/);
    });

    it("refuses per-process launches for a plain job", () => {
        assert.throws(
            () =>
                validateCommandJobArgs({
                    environmentId: "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
                    command: "python score.py",
                    distribution: "None",
                    instanceCount: 1,
                    processCountPerInstance: 4,
                }),
            (err: unknown) => err instanceof ValidationError && err.fields.join() === "processCountPerInstance",
        );
    });
});
