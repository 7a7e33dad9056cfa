/**
 * The `spark` target: its section of the run spec (every bad input named by
 * field, rule and value), its run stack's program under Pulumi mocks with the
 * example spec of path 2-4, and wait/collect against a fake ARM server.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { amlJobResourceId } from "../../../automation/azure/job-monitor";
import { JobStatus } from "../../../automation/common/events";
import { fileCheck, ResolvedRunSpec, runSpecIssues } from "../../../automation/spec";
import { BUILT_IN_TARGETS } from "../../../automation/targets";
import { createSparkTarget, ResolvedSparkSection, sparkRunOutputs } from "../../../automation/targets/spark";
import { entryFile, sparkArguments } from "../../../automation/targets/spark/program";
import { TargetContext } from "../../../automation/targets/types";
import { MockRecorder, settle, unwrapSecrets, useMocks, valueOf } from "../../harness/mocks";
import { BASE_OUTPUTS, STACK_REF, withBaseStack } from "../../harness/platform-stack";
import {
    BLOB_FILES,
    DATASTORE_CONTAINER as CONTAINER,
    mockDatastore,
    resolvedSpec,
    SECTIONS,
    targetContext,
} from "../../harness/run-targets";
import { fakeArmPerTest, statuses, watchOn } from "./fake-arm";

const ROOT = path.join(__dirname, "../../..");
const EXAMPLE_DIR = path.join(ROOT, "programs/2-4");
const EXAMPLE = JSON.parse(fs.readFileSync(path.join(EXAMPLE_DIR, "nightly.run.json"), "utf8")) as Record<
    string,
    unknown
>;
const STACK = "nightly-spark-20261102t020000z";
const JOB = "azure-native:machinelearningservices:Job";
const CODE = "azure-native:machinelearningservices:CodeVersion";
const BLOB = BASE_OUTPUTS.blobEndpoint;
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

let dir: string;
before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "spark-target-"));
    fs.writeFileSync(path.join(dir, "model.json"), '{"format":"logreg-v1","features":["a"],"coefficients":[1]}');
    fs.writeFileSync(path.join(dir, "data.csv"), "id,a\n1,0.5\n");
    fs.writeFileSync(path.join(dir, "requirements.txt"), "numpy\n");
    fs.mkdirSync(path.join(dir, "jobs", "lib"), { recursive: true });
    fs.writeFileSync(path.join(dir, "jobs", "lib", "score.py"), "");
    fs.writeFileSync(path.join(dir, "jobs", "lib", "features.py"), "");
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The example spec with changes: `fields` replace top-level fields, `spark` replaces fields of the section. */
function exampleWith(
    fields: Record<string, unknown> = {},
    spark: Record<string, unknown> = {},
): Record<string, unknown> {
    return { ...EXAMPLE, ...fields, spark: { ...(EXAMPLE.spark as object), ...spark } };
}

/** Issues of a spec whose relative paths are read from `cwd` (the example's folder by default). */
function issuesOf(input: Record<string, unknown>, cwd: string = EXAMPLE_DIR) {
    return runSpecIssues(input, SECTIONS, fileCheck(cwd));
}

function resolved(input: Record<string, unknown>, cwd: string = EXAMPLE_DIR): ResolvedRunSpec<ResolvedSparkSection> {
    return resolvedSpec(input, cwd);
}

function context(
    s: ResolvedRunSpec<ResolvedSparkSection>,
    extra: Partial<TargetContext<ResolvedSparkSection>> = {},
): TargetContext<ResolvedSparkSection> {
    return targetContext(s, STACK, dir, extra);
}

describe("spark target: registry and spec section", () => {
    it("is a built-in target, so --target spark and the spec's `spark` section exist", () => {
        assert.equal(BUILT_IN_TARGETS.spark.name, "spark");
        assert.ok(SECTIONS.spark);
    });

    it("accepts the example spec of path 2-4 and applies the defaults of the fields it leaves out", () => {
        assert.deepEqual(issuesOf(EXAMPLE), []);
        const minimal = resolved({
            ...EXAMPLE,
            spark: { subscriptionId: SUBSCRIPTION, baseStack: "organization/customai-2-4/dev" },
        }).section;
        assert.equal(minimal.instanceType, "Standard_E4S_V3");
        assert.equal(minimal.runtimeVersion, "3.4");
        assert.equal(minimal.executors, 2);
        assert.equal(minimal.maxExecutors, undefined, "static allocation unless asked");
        assert.deepEqual(
            [minimal.executorCores, minimal.executorMemory, minimal.driverCores, minimal.driverMemory],
            [4, "28g", 4, "28g"],
        );
        assert.equal(
            resolved(exampleWith({}, { instanceType: "standard_e8s_v3" })).section.instanceType,
            "Standard_E8S_V3",
        );
    });

    it("needs the section: a spark run without it names the field", () => {
        const without = { ...EXAMPLE };
        delete without.spark;
        const issues = issuesOf(without);
        assert.ok(
            issues.some((i) => i.field === "spark"),
            JSON.stringify(issues),
        );
    });

    // [spec changes, section changes, field, rule pattern, value as reported]
    const bad: [string, Record<string, unknown>, Record<string, unknown>, string, RegExp, unknown][] = [
        [
            "an instance type serverless Spark does not offer",
            {},
            { instanceType: "Standard_D4s_v5" },
            "spark.instanceType",
            /Standard_E4S_V3, Standard_E8S_V3/,
            "Standard_D4s_v5",
        ],
        [
            "a disabled runtime",
            {},
            { runtimeVersion: "3.3" },
            "spark.runtimeVersion",
            /3\.3 was disabled since 2025-03-31/,
            "3.3",
        ],
        ["an unknown runtime", {}, { runtimeVersion: "4.0" }, "spark.runtimeVersion", /one of 3\.4, 3\.5/, "4.0"],
        ["no executors", {}, { executors: 0 }, "spark.executors", /1 to 100/, 0],
        [
            "a maximum below the executors",
            {},
            { executors: 4, maxExecutors: 2 },
            "spark.maxExecutors",
            /from executors \(4\)/,
            2,
        ],
        [
            "more executor cores than the node has",
            {},
            { executorCores: 8 },
            "spark.executorCores",
            /1 to 4, the cores of one node \(Standard_E4S_V3/,
            8,
        ],
        [
            "executor memory not in Spark's form",
            {},
            { executorMemory: "28GB" },
            "spark.executorMemory",
            /k, m, g or t/,
            "28GB",
        ],
        [
            "driver memory as large as the node",
            {},
            { driverMemory: "32g" },
            "spark.driverMemory",
            /less than the memory of one node/,
            "32g",
        ],
        [
            "a subscription that is not a GUID",
            {},
            { subscriptionId: "my-sub" },
            "spark.subscriptionId",
            /a GUID/,
            "my-sub",
        ],
        [
            "an unknown section field, with a suggestion",
            {},
            { executorCount: 3 },
            "spark.executorCount",
            /not a known field \(did you mean "executor/,
            3,
        ],
        [
            "serverless settings with an attached pool",
            {},
            { compute: "synapse-spark" },
            "spark.instanceType",
            /only for serverless Spark/,
            "Standard_E4S_V3",
        ],
        [
            "a model registered in Azure ML",
            { workload: { code: "../../automation/sample/spark_score.py", model: "azureml:churn:3" } },
            {},
            "workload.model",
            /not registered models/,
            "azureml:churn:3",
        ],
        [
            "an https input Spark cannot read directly",
            {
                workload: {
                    code: "../../automation/sample/spark_score.py",
                    inputs: { input: "https://x.blob.core.windows.net/c/d.csv" },
                },
            },
            {},
            "workload.inputs.input",
            /azureml:\/\/, abfss:\/\/ or wasbs:\/\//,
            "https://x.blob.core.windows.net/c/d.csv",
        ],
        [
            "pip requirements",
            { workload: { code: { script: path.join(dir ?? "", "jobs/lib/score.py"), requirements: "REQ" } } },
            {},
            "workload.code.requirements",
            /Spark jobs install no pip requirements/,
            "REQ",
        ],
        [
            "an argument with a space",
            { workload: { code: { script: "../../automation/sample/spark_score.py", args: ["--label", "a b"] } } },
            {},
            "workload.code.args[1]",
            /without spaces or quotes/,
            "a b",
        ],
        [
            "outputs outside a datastore",
            { outputs: "abfss://c@acct.dfs.core.windows.net/out/" },
            {},
            "outputs",
            /a datastore folder/,
            "abfss://c@acct.dfs.core.windows.net/out/",
        ],
    ];
    for (const [what, fields, spark, field, rule, value] of bad) {
        it(`refuses ${what}, naming ${field}, the rule and the value`, () => {
            // The requirements case needs a real file to pass the generic checks first.
            const patched = JSON.parse(
                JSON.stringify(fields).replace('"REQ"', JSON.stringify(path.join(dir, "requirements.txt"))),
            );
            const issues = issuesOf(exampleWith(patched, spark));
            const found = issues.find((i) => i.field === field);
            assert.ok(found, `no issue on ${field}: ${JSON.stringify(issues)}`);
            assert.match(found.rule, rule);
            const expected = value === "REQ" ? path.join(dir, "requirements.txt") : value;
            assert.deepEqual(found.value, expected);
        });
    }

    it("reports every problem of a spec at once", () => {
        const fields = issuesOf(exampleWith({}, { executors: 0, runtimeVersion: "3.2", driverCores: 99 })).map(
            (i) => i.field,
        );
        assert.deepEqual(fields.sort(), ["spark.driverCores", "spark.executors", "spark.runtimeVersion"]);
    });
});

/** Mocks the platform base stack, its default datastore on the platform's account and the uploads' URLs. */
function mockBaseStack(recorder: MockRecorder): void {
    withBaseStack()(recorder);
    mockDatastore(recorder, { accountName: BASE_OUTPUTS.storageAccountName });
}

describe("spark target program under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks("customai-runs", STACK);
        mockBaseStack(recorder);
    });

    it("submits the example spec as a serverless Spark job: code asset, direct-mode data, sizing, no cluster", async () => {
        const spec = resolved({ ...EXAMPLE, config: { region: "emea" }, secrets: { apiKey: "s3cret-value" } });
        const outputs = (await createSparkTarget().program(context(spec))()) as Record<string, pulumi.Output<string>>;
        await settle(recorder);

        assert.equal(recorder.one(STACK_REF).inputs.name, "organization/customai-2-4/dev");
        assert.equal(recorder.count("azure-native:machinelearningservices:Compute"), 0, "no cluster: serverless");
        const upload = recorder.one(BLOB_FILES).inputs;
        assert.equal(upload.container, CONTAINER);
        assert.equal(upload.prefix, `batch-runs/nightly-spark/${STACK}/inputs`);
        assert.deepEqual(
            Object.keys(upload.files),
            ["script/spark_score.py"],
            "the data are URIs: only the code is uploaded",
        );

        const code = recorder.one(CODE);
        assert.equal(code.inputs.name, "customai-nightly-spark");
        assert.equal(code.inputs.version, STACK);
        assert.equal(
            code.inputs.properties.codeUri,
            `${BLOB}${CONTAINER}/batch-runs/nightly-spark/${STACK}/inputs/script/`,
        );

        const job = recorder.one(JOB);
        const props = job.inputs.properties;
        assert.equal(props.jobType, "Spark");
        assert.equal(props.codeId, code.id);
        assert.deepEqual(props.entry, { sparkJobEntryType: "SparkJobPythonEntry", file: "spark_score.py" });
        assert.equal(
            props.args,
            "--model ${{inputs.model}} --input ${{inputs.input}} --output-dir ${{outputs.scores}}",
        );
        assert.deepEqual(props.resources, { instanceType: "Standard_E4S_V3", runtimeVersion: "3.4" });
        assert.equal(props.computeId, undefined, "serverless: no compute");
        assert.deepEqual(props.conf, {
            "spark.driver.cores": "4",
            "spark.driver.memory": "28g",
            "spark.executor.cores": "4",
            "spark.executor.memory": "28g",
            "spark.executor.instances": "2",
            "spark.dynamicAllocation.enabled": "True",
            "spark.dynamicAllocation.minExecutors": "2",
            "spark.dynamicAllocation.maxExecutors": "4",
        });
        assert.deepEqual(props.inputs, {
            model: {
                jobInputType: "uri_file",
                uri: "azureml://datastores/workspaceblobstore/paths/models/churn/model.json",
                mode: "Direct",
            },
            input: {
                jobInputType: "uri_folder",
                uri: "azureml://datastores/workspaceblobstore/paths/data/churn/",
                mode: "Direct",
            },
        });
        assert.deepEqual(props.outputs, {
            scores: {
                jobOutputType: "uri_folder",
                uri: `azureml://datastores/workspaceblobstore/paths/batch-runs/nightly-spark/${STACK}/`,
                mode: "Direct",
            },
        });
        assert.deepEqual(props.identity, { identityType: "UserIdentity" });
        assert.deepEqual(props.environmentVariables, { CUSTOMAI_CONFIG_REGION: "emea" });
        assert.equal(props.experimentName, "customai-nightly-spark");
        assert.equal(props.tags["customai-run"], "run-1");
        assert.ok(!JSON.stringify(unwrapSecrets(recorder.resources)).includes("s3cret-value"), "secrets stay out");
        assert.deepEqual(job.options.ignoreChanges, ["properties"], "Azure ML's fill-ins never resubmit the job");

        assert.equal(await valueOf(outputs.jobId), job.id);
        assert.equal(await valueOf(outputs.codeId), code.id);
        assert.equal(
            await valueOf(pulumi.output(outputs.outputUri)),
            `azureml://datastores/workspaceblobstore/paths/batch-runs/nightly-spark/${STACK}/`,
        );
    });

    it("creates and reads everything in the spec's subscription, and submits the job after the uploads", async () => {
        await createSparkTarget().program(context(resolved(EXAMPLE)))();
        await settle(recorder);
        const provider = recorder.one("pulumi:providers:azure-native");
        assert.equal(provider.inputs.subscriptionId, SUBSCRIPTION);
        for (const r of recorder.resources.filter((x) => x.type.startsWith("azure-native:"))) {
            assert.ok(
                r.provider.endsWith(`::${provider.id}`),
                `${r.type} uses ${r.provider || "the default provider"}`,
            );
        }
        for (const c of recorder.calls.filter((x) => x.token.startsWith("azure-native:"))) {
            assert.ok(
                c.provider.endsWith(`::${provider.id}`),
                `${c.token} uses ${c.provider || "the default provider"}`,
            );
        }
        const jobComponent = recorder.one("customai:aml:SparkJob");
        const waitsFor = jobComponent.options.dependencies.join(" ");
        assert.match(waitsFor, /BlobFiles::inputs/);
        assert.match(waitsFor, /CodeVersion::code/);
    });

    it("uploads local data and a code folder, passes them as datastore URIs, and runs on an attached pool", async () => {
        const spec = resolved(
            {
                ...EXAMPLE,
                workload: {
                    code: { dir: "jobs", script: "lib/score.py", args: ["--threshold", "0.7"] },
                    inputs: { input: "data.csv" },
                    model: "model.json",
                },
                spark: {
                    subscriptionId: SUBSCRIPTION,
                    baseStack: "organization/customai-2-4/dev",
                    compute: "synapse-spark",
                    executors: 3,
                },
            },
            dir,
        );
        await createSparkTarget().program(context(spec))();
        await settle(recorder);
        assert.deepEqual(Object.keys(recorder.one(BLOB_FILES).inputs.files).sort(), [
            "code/lib/features.py",
            "code/lib/score.py",
            "data/input/data.csv",
            "data/model/model.json",
        ]);
        const uploads = `azureml://datastores/workspaceblobstore/paths/batch-runs/nightly-spark/${STACK}/inputs`;
        const props = recorder.one(JOB).inputs.properties;
        assert.deepEqual(props.entry, { sparkJobEntryType: "SparkJobPythonEntry", file: "lib/score.py" });
        assert.equal(
            props.args,
            "--model ${{inputs.model}} --input ${{inputs.input}} --output-dir ${{outputs.scores}} --threshold 0.7",
        );
        assert.equal(props.inputs.input.uri, `${uploads}/data/input/data.csv`);
        assert.equal(props.inputs.model.uri, `${uploads}/data/model/model.json`);
        assert.equal(
            recorder.one(CODE).inputs.properties.codeUri,
            `${BLOB}${CONTAINER}/batch-runs/nightly-spark/${STACK}/inputs/code/`,
        );
        assert.equal(
            props.computeId,
            `/subscriptions/${SUBSCRIPTION}/resourceGroups/${BASE_OUTPUTS.resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/${BASE_OUTPUTS.workspaceName}/computes/synapse-spark`,
        );
        assert.equal(props.resources, undefined, "an attached pool has no serverless resources");
        assert.equal(props.conf["spark.executor.instances"], "3");
        assert.equal(props.conf["spark.dynamicAllocation.enabled"], "False");
        assert.equal(props.conf["spark.dynamicAllocation.maxExecutors"], undefined);
    });

    it("builds the entry and the arguments of the workload contract", () => {
        const spec = resolved(EXAMPLE);
        assert.equal(entryFile({ spec }), "spark_score.py");
        assert.deepEqual(sparkArguments({ spec }), [
            "--model",
            "${{inputs.model}}",
            "--input",
            "${{inputs.input}}",
            "--output-dir",
            "${{outputs.scores}}",
        ]);
    });
});

describe("spark target wait and collect against a fake ARM server", () => {
    const serve = fakeArmPerTest();
    const JOB_ID = amlJobResourceId("sub-1", "rg-spark-dev", "mlw-x", "score-job-1");
    const OUT = "azureml://datastores/workspaceblobstore/paths/batch-runs/nightly-spark/s/";

    it("maps the Spark job's statuses to the driver's and reports predictions and metrics in its output folder", async () => {
        const fake = await serve(
            statuses(["Queued", "Running", "Completed"], (s) =>
                s === "Completed" ? { outputs: { scores: { jobOutputType: "uri_folder", uri: OUT } } } : {},
            ),
        );
        const seen: string[] = [];
        const target = createSparkTarget(watchOn(fake, 10));
        const ctx = context(resolved(EXAMPLE), { onStatus: (s: JobStatus) => seen.push(s) });
        const stack = { jobId: { value: JOB_ID, secret: false }, outputUri: { value: OUT, secret: false } };
        assert.deepEqual(await target.wait(ctx, stack), { status: "succeeded", detail: undefined });
        assert.deepEqual(seen, ["starting", "running", "succeeded"]);
        assert.equal(fake.requests[0].path, JOB_ID);
        assert.deepEqual(await target.collect(ctx, stack), {
            location: OUT,
            predictionsPath: `${OUT}predictions/`,
            metricsPath: `${OUT}metrics.json`,
        });
    });

    it("cancels a job past the spec's timeout (Spark jobs have no limit of their own) and reports timed-out", async () => {
        let canceled = false;
        const fake = await serve((req) => {
            if (req.method === "POST") canceled = true;
            return req.method === "POST"
                ? { status: 202 }
                : {
                      status: 200,
                      body: { id: JOB_ID, properties: { jobType: "Spark", status: canceled ? "Canceled" : "Running" } },
                  };
        });
        const target = createSparkTarget(watchOn(fake, 20));
        const result = await target.wait(context(resolved({ ...EXAMPLE, timeoutMinutes: 0.005 })), {
            jobId: { value: JOB_ID, secret: false },
        });
        assert.equal(result.status, "timed-out");
        assert.ok(canceled, "the job was canceled");
    });

    it("falls back to the planned folder and refuses to collect without one", () => {
        assert.deepEqual(sparkRunOutputs({}, "azureml://datastores/d/paths/o"), {
            location: "azureml://datastores/d/paths/o/",
            predictionsPath: "azureml://datastores/d/paths/o/predictions/",
            metricsPath: "azureml://datastores/d/paths/o/metrics.json",
        });
        assert.throws(() => sparkRunOutputs({}), /no `scores` output/);
    });
});
