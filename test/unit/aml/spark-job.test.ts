import * as assert from "node:assert/strict";
import {
    SparkJob,
    SparkJobArgs,
    sparkConf,
    sparkJobSettingsHash,
    sparkMemoryGiB,
    validateSparkJobArgs,
} from "../../../components/aml";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks } from "../../harness/mocks";

const JOB = "azure-native:machinelearningservices:Job";
const CODE =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/codes/c/versions/1";
const POOL =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/synapse-spark";

const base: SparkJobArgs = {
    resourceGroupName: MOCK_RESOURCE_GROUP,
    workspaceName: "ws",
    codeId: CODE,
    entryFile: "score.py",
    args: ["--input", "${{inputs.days}}", "--output-dir", "${{outputs.scores}}"],
    inputs: { days: { path: "data/days" } },
    outputs: { scores: { path: "azureml://datastores/workspaceblobstore/paths/scores/" } },
};

/** The fields a ValidationError names, or [] when the settings are valid. */
function fieldsOf(args: Partial<SparkJobArgs>): string[] {
    try {
        validateSparkJobArgs({ ...base, ...args });
        return [];
    } catch (err) {
        assert.ok(err instanceof ValidationError, String(err));
        return [...err.fields];
    }
}

describe("SparkJob under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("submits a serverless Spark job with the defaults: E4s_v3, runtime 3.4, 2 executors of 4 cores and 28g", async () => {
        new SparkJob("nightly", { ...base, environmentVariables: { CUSTOMAI_CONFIG_REGION: "emea" } });
        await settle(recorder);
        const props = recorder.one(JOB).inputs.properties;
        assert.match(recorder.one(JOB).name, /^nightly-job-[a-z0-9]{6}$/);
        assert.equal(props.jobType, "Spark");
        assert.equal(props.codeId, CODE);
        assert.deepEqual(props.entry, { sparkJobEntryType: "SparkJobPythonEntry", file: "score.py" });
        assert.equal(props.args, "--input ${{inputs.days}} --output-dir ${{outputs.scores}}");
        assert.deepEqual(props.resources, { instanceType: "Standard_E4S_V3", runtimeVersion: "3.4" });
        assert.equal(props.computeId, undefined);
        assert.deepEqual(props.conf, {
            "spark.driver.cores": "4",
            "spark.driver.memory": "28g",
            "spark.executor.cores": "4",
            "spark.executor.memory": "28g",
            "spark.executor.instances": "2",
            "spark.dynamicAllocation.enabled": "False",
        });
        assert.deepEqual(props.inputs.days, {
            jobInputType: "uri_folder",
            uri: "azureml://datastores/workspaceblobstore/paths/data/days",
            mode: "Direct",
        });
        assert.equal(props.outputs.scores.mode, "Direct");
        assert.deepEqual(props.identity, { identityType: "UserIdentity" });
        assert.equal(props.experimentName, "spark-batch");
        assert.equal(props.tags["managed-by"], "custom-ai-on-azure");
        assert.equal(props.limits, undefined, "Spark jobs take no time limit");
        assert.deepEqual(recorder.one(JOB).options.ignoreChanges, ["properties"]);
    });

    it("runs on an attached pool with dynamic allocation, a managed identity and extra Spark properties", async () => {
        new SparkJob("pooled", {
            ...base,
            serverless: undefined,
            computeId: POOL,
            executors: 2,
            maxExecutors: 10,
            executorCores: 8,
            executorMemory: "56g",
            conf: { "spark.sql.shuffle.partitions": "64", "spark.executor.instances": "99" },
            identity: "Managed",
        });
        await settle(recorder);
        const props = recorder.one(JOB).inputs.properties;
        assert.equal(props.computeId, POOL);
        assert.equal(props.resources, undefined);
        assert.equal(props.conf["spark.sql.shuffle.partitions"], "64");
        assert.equal(props.conf["spark.executor.instances"], "2", "the sizing fields win over conf");
        assert.equal(props.conf["spark.dynamicAllocation.enabled"], "True");
        assert.equal(props.conf["spark.dynamicAllocation.minExecutors"], "2");
        assert.equal(props.conf["spark.dynamicAllocation.maxExecutors"], "10");
        assert.deepEqual(props.identity, { identityType: "Managed" });
    });

    it("names a changed setting as a new job, and a changed tag as the same one", () => {
        const h = sparkJobSettingsHash(base);
        assert.equal(sparkJobSettingsHash({ ...base, tags: { team: "x" } }), h);
        assert.notEqual(sparkJobSettingsHash({ ...base, executors: 3 }), h);
        assert.notEqual(sparkJobSettingsHash({ ...base, serverless: { runtimeVersion: "3.5" } }), h);
    });
});

describe("SparkJob validation", () => {
    const cases: [string, Partial<SparkJobArgs>, string[]][] = [
        ["an entry that is not a .py file", { entryFile: "score.sh" }, ["entryFile"]],
        ["an entry outside the code folder", { entryFile: "../score.py" }, ["entryFile"]],
        ["both serverless settings and an attached pool", { computeId: POOL, serverless: {} }, ["computeId"]],
        [
            "an instance type serverless Spark lacks",
            { serverless: { instanceType: "Standard_D4s_v5" } },
            ["serverless.instanceType"],
        ],
        ["a retired runtime", { serverless: { runtimeVersion: "3.2" } }, ["serverless.runtimeVersion"]],
        [
            "more driver cores than an E8s_v3 node",
            { serverless: { instanceType: "Standard_E8S_V3" }, driverCores: 16 },
            ["driverCores"],
        ],
        ["executor memory of the whole node", { executorMemory: "32g" }, ["executorMemory"]],
        ["100 gibibytes in the wrong unit", { driverMemory: "100GB" }, ["driverMemory"]],
        ["more than 100 executors", { executors: 101 }, ["executors"]],
        ["a maximum below the executors", { executors: 4, maxExecutors: 3 }, ["maxExecutors"]],
        [
            "an https input (not direct-mode readable)",
            { inputs: { days: { path: "https://x/y" } } },
            ["inputs.days.path"],
        ],
        ["an argument with a space", { args: ["--label", "a b"] }, ["args[1]"]],
        ["an argument naming an undeclared input", { args: ["--input", "${{inputs.nope}}"] }, ["args"]],
        ["an unknown identity", { identity: "AmlToken" as never }, ["identity"]],
    ];
    for (const [what, args, fields] of cases) {
        it(`refuses ${what}`, () => assert.deepEqual(fieldsOf(args), fields));
    }

    it("accepts the largest node's sizes and every documented instance type in any case", () => {
        assert.deepEqual(
            fieldsOf({ serverless: { instanceType: "standard_e64s_v3" }, driverCores: 64, executorMemory: "400g" }),
            [],
        );
        for (const t of [
            "Standard_E4S_V3",
            "Standard_E8S_V3",
            "Standard_E16S_V3",
            "Standard_E32S_V3",
            "Standard_E64S_V3",
        ]) {
            assert.deepEqual(fieldsOf({ serverless: { instanceType: t } }), [], t);
        }
    });

    it("reads Spark memory in its units", () => {
        assert.equal(sparkMemoryGiB("28g"), 28);
        assert.equal(sparkMemoryGiB("512m"), 0.5);
        assert.equal(sparkMemoryGiB("1t"), 1024);
        assert.equal(sparkMemoryGiB("28"), undefined);
        assert.equal(sparkMemoryGiB("0g"), undefined);
    });

    it("sets dynamic allocation only with a maximum", () => {
        const r = validateSparkJobArgs({ ...base, maxExecutors: 5 });
        assert.equal(sparkConf(r)["spark.dynamicAllocation.maxExecutors"], "5");
        assert.equal(sparkConf(validateSparkJobArgs(base))["spark.dynamicAllocation.minExecutors"], undefined);
    });
});
