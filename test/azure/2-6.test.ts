/**
 * Path 2-6 on Azure: deploys the program small (its own platform, no
 * registry, one node at most), reads the GPU cluster back through ARM (size,
 * Spot priority, scale bounds from 0), then scores the sample as a nightly
 * run would: the driver's aml target on this stack as the base stack, a Spot
 * T4 cluster, the sample's input as a folder of files. The run part needs
 * Spot quota for NCasT4_v3 in the region and is opt-in on its own
 * (CUSTOMAI_AZURE_GPU_TESTS=1); without it the test says so and stops after
 * the ARM checks. Destroys the stack in `finally`.
 *
 * A preemption cannot be caused on purpose, so resubmission is tested on this
 * machine (test/engine/resubmission.test.ts), not here.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Driver } from "../../automation/run/driver";
import { generateSample, sampleWorkload } from "../../automation/sample/sample";
import { armGet, destroyStack, requireAzure, smallPathStack, STACK_LOG } from "./azure-env";

const AML_API = "2025-12-01";

describe("path 2-6 on Azure", function () {
    it("deploys a Spot GPU cluster from 0 nodes; with CUSTOMAI_AZURE_GPU_TESTS=1 also scores a folder on it through the driver", async function () {
        const access = requireAzure(this);
        const stack = await smallPathStack("2-6", {
            maxNodes: "1",
        });
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "customai-2-6-"));
        try {
            const up = await stack.up(STACK_LOG);
            const cluster = await armGet(String(up.outputs.clusterId.value), AML_API);
            const props = cluster.properties.properties;
            assert.equal(props.vmSize.toLowerCase(), "standard_nc4as_t4_v3");
            assert.equal(props.vmPriority, "LowPriority");
            assert.equal(props.scaleSettings.minNodeCount, 0);
            assert.equal(props.scaleSettings.maxNodeCount, 1);

            if (process.env.CUSTOMAI_AZURE_GPU_TESTS !== "1") {
                console.log("      batch part skipped: set CUSTOMAI_AZURE_GPU_TESTS=1 with Spot quota for NCasT4_v3");
                return;
            }
            const sample = await generateSample(scratch, { rows: 300 });
            const days = path.join(scratch, "days");
            fs.mkdirSync(days);
            const [header, ...rows] = fs.readFileSync(sample.data, "utf8").trim().split("\n");
            for (let i = 0; i < 3; i++) {
                fs.writeFileSync(
                    path.join(days, `day${i}.csv`),
                    [header, ...rows.slice(i * 100, (i + 1) * 100)].join("\n"),
                );
            }
            const workload = sampleWorkload({ ...sample, data: days });
            const record = await new Driver({ runsDir: path.join(scratch, "runs") }).run({
                series: "azure-test-2-6",
                target: "aml",
                workload,
                timeoutMinutes: 60,
                aml: {
                    subscriptionId: access.subscriptionId,
                    baseStack: `organization/customai-2-6/${stack.name}`,
                    vmSize: "Standard_NC4as_T4_v3",
                    priority: "LowPriority",
                    maxNodes: 1,
                },
            });
            assert.equal(record.status, "succeeded", record.error);
            assert.equal(record.keptStack, false);
            assert.match(record.outputs?.predictionsPath ?? "", /predictions\.csv$/);
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
            await destroyStack(stack);
        }
    });
});
