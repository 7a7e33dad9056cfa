/**
 * Path 1-2 on Azure, small (one node at most, no registry), through the life
 * a stack has, checking after each step what only Azure can tell:
 *   1. up, then a second preview of the same stack: every step `same`;
 *   2. a job submitted, `pulumi refresh`, then a preview: the job's step is
 *      `same` (the service's normalised properties never resubmit it) and
 *      nothing is replaced or created;
 *   3. the workspace and the cluster as ARM reports them, the cluster's name
 *      24 characters long (the limit the Azure ML docs give);
 *   4. a new vmSize: the cluster is replaced (the old one deleted first, the
 *      name kept) and ARM reports the new size. A delete that only detached
 *      the compute would leave Azure ML the old cluster under that name, the
 *      failure terraform-provider-azurerm met (azure-rest-api-specs#18889);
 *   5. destroy: the cluster is gone (ARM 404 where it answered 200);
 *   6. up again under the same stack name: the soft-deleted vault and
 *      workspace do not collide with the new ones; then destroy.
 */
import * as assert from "node:assert/strict";
import {
    armGet,
    armStatus,
    changingSteps,
    destroyStack,
    previewSteps,
    requireAzure,
    STACK_LOG,
    temporaryStack,
} from "./azure-env";

const AML_API = "2025-12-01";
const JOB = "azure-native:machinelearningservices:Job";

describe("path 1-2 on Azure", function () {
    it("deploys, stays unchanged across a second deploy and a refresh, replaces a resized cluster, destroys cleanly, and comes back", async function () {
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
        try {
            const first = await stack.up(STACK_LOG);
            const clusterId = String(first.outputs.clusterId.value);
            const clusterName = String(first.outputs.clusterName.value);

            // 1. The same program and config again: nothing to do.
            const again = await previewSteps(stack);
            assert.ok(again.length > 0, "the preview saw the stack's resources");
            assert.deepEqual(changingSteps(again), [], "a second deployment changes nothing");

            // 2. The service fills in and normalises the job's properties; a refresh must not resubmit it.
            await stack.refresh(STACK_LOG);
            const afterRefresh = await previewSteps(stack);
            const jobSteps = afterRefresh.filter((s) => s.type === JOB);
            assert.equal(jobSteps.length, 1, "the preview saw the job");
            assert.equal(jobSteps[0].op, "same", "after a refresh the job stays as it is");
            const replacedOrCreated = changingSteps(afterRefresh).filter((s) => /^(replace|create)/.test(s));
            assert.deepEqual(replacedOrCreated, [], "nothing replaced or created after a refresh");

            // 3. What ARM reports.
            const workspace = await armGet(String(first.outputs.workspaceId.value), AML_API);
            assert.equal(workspace.properties.provisioningState, "Succeeded");
            const cluster = await armGet(clusterId, AML_API);
            assert.equal(cluster.properties.computeType, "AmlCompute");
            assert.equal(cluster.properties.properties.vmSize.toLowerCase(), "standard_d4s_v5");
            assert.equal(cluster.properties.properties.scaleSettings.minNodeCount, 0);
            assert.equal(cluster.properties.properties.scaleSettings.maxNodeCount, 1);
            assert.equal(clusterName.length, 24, `the default cluster name is 24 characters: ${clusterName}`);

            // 4. A size Azure ML does not change in place: replaced, and the new cluster really has it.
            await stack.setConfig("vmSize", { value: "Standard_D2s_v5" });
            const resized = await stack.up(STACK_LOG);
            assert.equal(resized.summary.resourceChanges?.replace, 1, "the cluster was replaced");
            assert.equal(String(resized.outputs.clusterName.value), clusterName, "under the same name");
            const after = await armGet(clusterId, AML_API);
            assert.equal(after.properties.properties.vmSize.toLowerCase(), "standard_d2s_v5");

            // 5. Destroyed means gone.
            assert.equal(await armStatus(clusterId, AML_API), 200, "the cluster exists before the destroy");
            await stack.destroy(STACK_LOG);
            assert.equal(await armStatus(clusterId, AML_API), 404, "the cluster is gone after the destroy");

            // 6. The same stack again, with its vault and workspace names held by their soft-deleted selves.
            const second = await stack.up(STACK_LOG);
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
