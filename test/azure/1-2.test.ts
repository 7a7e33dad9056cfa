/**
 * Deploys path 1-2 small (one node at most, no registry, no job), checks the
 * workspace and the cluster through ARM, destroys.
 */
import * as assert from "node:assert/strict";
import { armGet, destroyStack, requireAzure, temporaryStack } from "./azure-env";

describe("path 1-2 on Azure", function () {
    it("deploys a workspace with a cluster that scales from zero, then destroys it", async function () {
        requireAzure(this);
        const stack = await temporaryStack("1-2", {
            location: process.env.AZURE_LOCATION ?? "westeurope",
            registry: "false",
            // Throwaway vault: without purge protection it can be purged after the test.
            purgeProtection: "false",
            maxNodes: "1",
            submitJob: "false",
        });
        try {
            const result = await stack.up({ onOutput: (line) => process.stdout.write(line) });
            const workspaceId = String(result.outputs.workspaceId.value);
            const clusterId = String(result.outputs.clusterId.value);

            const workspace = await armGet(workspaceId, "2025-12-01");
            assert.equal(workspace.properties.provisioningState, "Succeeded");
            const cluster = await armGet(clusterId, "2025-12-01");
            assert.equal(cluster.properties.computeType, "AmlCompute");
            assert.equal(cluster.properties.properties.scaleSettings.minNodeCount, 0);
            assert.equal(cluster.properties.properties.scaleSettings.maxNodeCount, 1);
            assert.match(String(result.outputs.studioUrl.value), /^https:\/\/ml\.azure\.com\/\?wsid=/);
        } finally {
            await destroyStack(stack);
        }
    });
});
