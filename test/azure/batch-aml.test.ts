/**
 * A batch run on the `aml` target end to end: the driver creates a run stack
 * (AmlCompute cluster from 0 + a command job) on a deployed platform base
 * stack, waits for the job over ARM, collects the output URIs, and destroys
 * the run stack. Needs Azure credentials and CUSTOMAI_AML_BASE_STACK (the
 * `org/project/stack` of a deployed programs/platform stack on the same
 * backend, PULUMI_BACKEND_URL).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Driver } from "../../automation/run/driver";
import { generateSample, sampleWorkload } from "../../automation/sample/sample";
import { requireAzure } from "./azure-env";

describe("batch run on the aml target", function () {
    it("scores the sample on an Azure ML cluster and leaves no run stack", async function () {
        const access = requireAzure(this);
        const baseStack = process.env.CUSTOMAI_AML_BASE_STACK;
        if (!baseStack) {
            console.log("      skipped: set CUSTOMAI_AML_BASE_STACK to a deployed programs/platform stack");
            this.skip();
        }
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "customai-aml-"));
        try {
            const sample = await generateSample(scratch, { rows: 200 });
            const driver = new Driver({
                runsDir: path.join(scratch, "runs"),
                engine: process.env.PULUMI_BACKEND_URL ? { backendUrl: process.env.PULUMI_BACKEND_URL } : undefined,
            });
            const record = await driver.run({
                series: "azure-test",
                target: "aml",
                workload: sampleWorkload(sample),
                timeoutMinutes: 45,
                aml: {
                    subscriptionId: access.subscriptionId,
                    baseStack,
                    vmSize: process.env.CUSTOMAI_AML_VM_SIZE ?? "Standard_D2s_v5",
                    maxNodes: 1,
                    priority: "Dedicated",
                },
            });
            assert.equal(record.status, "succeeded", record.error);
            assert.equal(record.keptStack, false);
            assert.match(String(record.outputs?.predictionsPath), /predictions\.csv$/);
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });
});
