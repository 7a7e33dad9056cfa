/**
 * Path 1-2 on Azure, small (one node at most, no registry), through the life
 * a stack has, checking after each step what only Azure can tell:
 *   1. up, then a second preview of the same stack: no change at all;
 *   2. a job submitted, `pulumi refresh`, then a preview: nothing replaced
 *      (the service's normalised job properties never resubmit the job);
 *   3. the workspace and the cluster as ARM reports them, the cluster's name
 *      24 characters long (the limit the Azure ML docs give);
 *   4. destroy: the cluster is gone (not merely detached from the workspace);
 *   5. up again under the same stack name: the soft-deleted vault and
 *      workspace do not collide with the new ones; then destroy.
 */
import * as assert from "node:assert/strict";
import { armGet, armStatus, destroyStack, previewChanges, requireAzure, temporaryStack } from "./azure-env";

const AML_API = "2025-12-01";

describe("path 1-2 on Azure", function () {
    it("deploys, stays unchanged across a second deploy and a refresh, destroys cleanly, and comes back", async function () {
        requireAzure(this);
        // Three characters, as long as the default `dev`: the cluster name keeps its default length, and the
        // resource group (`rg-train-<environment>`) is this test's own.
        const environment = `t${Date.now().toString(36).slice(-2)}`;
        const stack = await temporaryStack("1-2", {
            environment,
            location: process.env.AZURE_LOCATION ?? "westeurope",
            registry: "false",
            // Throwaway vault: without purge protection it can be purged after the test.
            purgeProtection: "false",
            maxNodes: "1",
            jobInstanceCount: "1",
            submitJob: "true",
            // A job that ends at once: what matters is its properties after a refresh.
            jobCommand: "echo ok > ${{outputs.model}}/done.txt",
        });
        const log = { onOutput: (line: string) => process.stdout.write(line) };
        try {
            const first = await stack.up(log);
            const clusterId = String(first.outputs.clusterId.value);
            const clusterName = String(first.outputs.clusterName.value);

            // 1. The same program and config again: nothing to do.
            assert.deepEqual(await previewChanges(stack), {}, "a second deployment changes nothing");

            // 2. The service fills in and normalises the job's properties; a refresh must not resubmit it.
            await stack.refresh(log);
            const afterRefresh = await previewChanges(stack);
            assert.equal(
                afterRefresh.replace ?? 0,
                0,
                `nothing replaced after a refresh: ${JSON.stringify(afterRefresh)}`,
            );
            assert.equal(
                afterRefresh.create ?? 0,
                0,
                `nothing created after a refresh: ${JSON.stringify(afterRefresh)}`,
            );

            // 3. What ARM reports.
            const workspace = await armGet(String(first.outputs.workspaceId.value), AML_API);
            assert.equal(workspace.properties.provisioningState, "Succeeded");
            const cluster = await armGet(clusterId, AML_API);
            assert.equal(cluster.properties.computeType, "AmlCompute");
            assert.equal(cluster.properties.properties.scaleSettings.minNodeCount, 0);
            assert.equal(cluster.properties.properties.scaleSettings.maxNodeCount, 1);
            assert.equal(clusterName.length, 24, `the default cluster name is 24 characters: ${clusterName}`);

            // 4. Destroyed means gone: azure-native's delete sends no underlyingResourceAction.
            await stack.destroy(log);
            assert.equal(await armStatus(clusterId, AML_API), 404, "the cluster is gone, not detached");

            // 5. The same stack again, with its vault and workspace names held by their soft-deleted selves.
            const second = await stack.up(log);
            assert.notEqual(
                String(second.outputs.workspaceName.value),
                String(first.outputs.workspaceName.value),
                "a new deployment gets a new workspace name",
            );
        } finally {
            await destroyStack(stack);
        }
    });
});
