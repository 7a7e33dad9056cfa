/**
 * Path 2-4 end to end on Azure: the driver runs the sample model on the
 * `spark` target (an Azure ML Spark job on serverless Spark compute) against
 * a deployed 2-4 or platform stack, waits for the job over ARM, checks it
 * completed with its outputs in the datastore folder, and destroys the run
 * stack. Needs Azure credentials and CUSTOMAI_SPARK_BASE_STACK (the
 * `org/project/stack` of a deployed programs/2-4 or programs/platform stack
 * on the driver's backend, PULUMI_BACKEND_URL). The identity running the
 * test submits the job: give it the roles programs/2-4's README lists
 * (`runnerPrincipalIds` and `sparkRunnerPrincipalIds`). Skipped, with the
 * reason, without them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Driver } from "../../automation/run/driver";
import { generateSample, SAMPLE_DIR } from "../../automation/sample/sample";
import { requireAzure } from "./azure-env";

const backend = process.env.PULUMI_BACKEND_URL;

describe("batch run on the spark target (path 2-4)", function () {
    it("scores the sample with spark_score.py on serverless Spark and leaves no run stack", async function () {
        const access = requireAzure(this);
        const baseStack = process.env.CUSTOMAI_SPARK_BASE_STACK;
        if (!baseStack) {
            console.log("      skipped: set CUSTOMAI_SPARK_BASE_STACK to a deployed programs/2-4 (or platform) stack");
            this.skip();
        }
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "customai-spark-"));
        try {
            const sample = await generateSample(scratch, { rows: 200 });
            const driver = new Driver({
                runsDir: path.join(scratch, "runs"),
                engine: backend ? { backendUrl: backend } : undefined,
            });
            const record = await driver.run({
                series: "azure-test-spark",
                target: "spark",
                // A cold serverless session takes minutes to start; the job itself seconds.
                timeoutMinutes: 45,
                workload: {
                    code: path.join(SAMPLE_DIR, "spark_score.py"),
                    inputs: { input: sample.data },
                    model: sample.model,
                },
                spark: {
                    subscriptionId: access.subscriptionId,
                    baseStack: baseStack as string,
                    instanceType: "Standard_E4S_V3",
                    executors: 1,
                    runtimeVersion: process.env.CUSTOMAI_SPARK_RUNTIME ?? "3.4",
                },
            });
            assert.equal(record.status, "succeeded", record.error);
            assert.equal(record.keptStack, false);
            assert.match(
                String(record.outputs?.location),
                /^azureml:\/\/datastores\/workspaceblobstore\/paths\/batch-runs\/azure-test-spark\//,
            );
            assert.match(String(record.outputs?.predictionsPath), /\/predictions\/$/);
            assert.match(String(record.outputs?.metricsPath), /\/metrics\.json$/);
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });
});
