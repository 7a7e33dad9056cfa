/**
 * Path 2-2 on Azure, small (its own platform without a registry, a cluster
 * of one node at most), checking what only Azure can tell:
 *   1. the batch endpoint as ARM reports it: token auth, and the deployment
 *      `score` as its default (written after the deployment existed);
 *   2. a folder of sample files uploaded to the default datastore with an
 *      Entra token, the endpoint invoked over REST with a token for
 *      https://ml.azure.com (the REST form of `az ml batch-endpoint invoke
 *      --input <folder>`, https://learn.microsoft.com/azure/machine-learning/how-to-access-data-batch-endpoints-jobs),
 *      and the job it starts, as the invoking identity, completes;
 *   3. destroy, in `finally`.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ArmClient } from "../../automation/azure/arm";
import { amlJobResourceId, watchAmlJob } from "../../automation/azure/job-monitor";
import { generateSample } from "../../automation/sample/sample";
import { accessToken, armGet, destroyStack, requireAzure, smallPathStack, STACK_LOG } from "./azure-env";

const AML_API = "2025-12-01";

/** Uploads `files` (blob name → local path) with an Entra token, as the driver's uploads do. */
async function uploadBlobs(container: string, files: Record<string, string>): Promise<void> {
    const token = await accessToken("https://storage.azure.com/");
    for (const [blob, local] of Object.entries(files)) {
        const response = await fetch(`${container}/${blob}`, {
            method: "PUT",
            headers: {
                authorization: `Bearer ${token}`,
                "x-ms-version": "2023-11-03",
                "x-ms-blob-type": "BlockBlob",
            },
            body: fs.readFileSync(local),
        });
        assert.ok(response.ok, `upload of ${blob}: ${response.status} ${await response.text()}`);
    }
}

describe("path 2-2 on Azure", function () {
    it("deploys a batch endpoint whose default is its deployment, and scores a folder it is invoked with", async function () {
        const access = requireAzure(this);
        const stack = await smallPathStack("2-2", {
            maxNodes: "1",
        });
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "customai-2-2-"));
        try {
            const up = await stack.up(STACK_LOG);
            const out = (key: string) => String(up.outputs[key].value);
            const workspaceId = out("workspaceId");
            const endpoint = await armGet(`${workspaceId}/batchEndpoints/${out("endpointName")}`, AML_API);
            assert.equal(endpoint.properties.authMode, "AADToken");
            assert.equal(endpoint.properties.defaults?.deploymentName, "score");

            // The night's input: three CSV files in a folder of the default datastore.
            const sample = await generateSample(scratch, { rows: 90 });
            const [header, ...rows] = fs.readFileSync(sample.data, "utf8").trim().split("\n");
            const files: Record<string, string> = {};
            for (let i = 0; i < 3; i++) {
                const local = path.join(scratch, `day${i}.csv`);
                fs.writeFileSync(local, [header, ...rows.slice(i * 30, (i + 1) * 30)].join("\n"));
                files[`scoring/it-${stack.name}/day${i}.csv`] = local;
            }
            const datastore = await armGet(`${workspaceId}/datastores/workspaceblobstore`, AML_API);
            const container = `https://${datastore.properties.accountName}.blob.core.windows.net/${datastore.properties.containerName}`;
            await uploadBlobs(container, files);

            const invoke = await fetch(out("scoringUri"), {
                method: "POST",
                headers: {
                    authorization: `Bearer ${await accessToken("https://ml.azure.com")}`,
                    "content-type": "application/json",
                },
                body: JSON.stringify({
                    properties: {
                        InputData: {
                            input: {
                                JobInputType: "UriFolder",
                                Uri: `azureml://datastores/workspaceblobstore/paths/scoring/it-${stack.name}/`,
                            },
                        },
                    },
                }),
            });
            assert.ok(invoke.ok, `invoke: ${invoke.status} ${await invoke.text()}`);
            const job = (await invoke.json()) as { name: string };
            const [, subscription, group, workspace] =
                /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)$/i.exec(
                    workspaceId,
                )!;
            assert.equal(subscription, access.subscriptionId);
            const result = await watchAmlJob({
                arm: new ArmClient(),
                jobResourceId: amlJobResourceId(subscription, group, workspace, job.name),
                timeoutMs: 45 * 60_000,
            });
            assert.equal(result.status, "succeeded", result.detail);
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
            await destroyStack(stack);
        }
    });
});
