/**
 * Batch runs on the `aml` target end to end: the driver creates a run stack
 * (AmlCompute cluster from 0 + a command job) on a deployed platform base
 * stack, waits for the job over ARM, collects the output URIs, and destroys
 * the run stack. Needs Azure credentials and CUSTOMAI_AML_BASE_STACK (the
 * `org/project/stack` of a deployed programs/platform stack on the same
 * backend, PULUMI_BACKEND_URL).
 *
 * The second run is made as a service principal that holds only the roles
 * programs/platform grants to `runnerPrincipalIds` (AzureML Data Scientist
 * and AzureML Compute Operator on the workspace, Storage Blob Data
 * Contributor on the storage account): it needs that principal's
 * CUSTOMAI_RUNNER_CLIENT_ID, CUSTOMAI_RUNNER_CLIENT_SECRET and
 * CUSTOMAI_RUNNER_OBJECT_ID (tenant from AZURE_TENANT_ID or ARM_TENANT_ID),
 * with the object id listed in the base stack's `runnerPrincipalIds`. Before
 * the run, the test reads the principal's role assignments in the
 * subscription and requires exactly those three roles (direct assignments:
 * keep the principal out of groups that hold roles), so a success shows that
 * they are enough.
 */
import { ClientSecretCredential } from "@azure/identity";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ArmClient } from "../../automation/azure/arm";
import { Driver, DriverOptions } from "../../automation/run/driver";
import { generateSample, sampleWorkload } from "../../automation/sample/sample";
import { createAmlTarget } from "../../automation/targets/aml";
import { BUILT_IN_ROLES } from "../../components/common/roles";
import { armList, AzureAccess, requireAzure } from "./azure-env";

function requireBaseStack(ctx: Mocha.Context): string {
    const baseStack = process.env.CUSTOMAI_AML_BASE_STACK;
    if (!baseStack) {
        console.log("      skipped: set CUSTOMAI_AML_BASE_STACK to a deployed programs/platform stack");
        ctx.skip();
    }
    return baseStack as string;
}

/** Scores the sample on the aml target with `options`; asserts the run succeeded and kept no stack. */
async function scoreSampleOnAml(access: AzureAccess, baseStack: string, options: DriverOptions): Promise<void> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "customai-aml-"));
    try {
        const sample = await generateSample(scratch, { rows: 200 });
        const driver = new Driver({ runsDir: path.join(scratch, "runs"), ...options });
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
}

const backend = process.env.PULUMI_BACKEND_URL;

describe("batch run on the aml target", function () {
    it("scores the sample on an Azure ML cluster and leaves no run stack", async function () {
        const access = requireAzure(this);
        const baseStack = requireBaseStack(this);
        await scoreSampleOnAml(access, baseStack, { engine: backend ? { backendUrl: backend } : undefined });
    });

    it("runs as a principal holding only the runner roles the platform grants", async function () {
        const access = requireAzure(this);
        const baseStack = requireBaseStack(this);
        const clientId = process.env.CUSTOMAI_RUNNER_CLIENT_ID;
        const clientSecret = process.env.CUSTOMAI_RUNNER_CLIENT_SECRET;
        const objectId = process.env.CUSTOMAI_RUNNER_OBJECT_ID;
        const tenantId = process.env.AZURE_TENANT_ID ?? process.env.ARM_TENANT_ID;
        if (!clientId || !clientSecret || !objectId || !tenantId) {
            console.log(
                "      skipped: set CUSTOMAI_RUNNER_CLIENT_ID, CUSTOMAI_RUNNER_CLIENT_SECRET, CUSTOMAI_RUNNER_OBJECT_ID " +
                    "and AZURE_TENANT_ID for a service principal listed in the base stack's runnerPrincipalIds",
            );
            this.skip();
        }
        // The principal holds the runner roles and nothing else, at, above or below the subscription (`principalId eq`
        // lists direct assignments only: a group the principal belongs to is not seen, so keep it in none).
        const assignments = await armList(
            `/subscriptions/${access.subscriptionId}/providers/Microsoft.Authorization/roleAssignments` +
                `?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${objectId}'`)}`,
        );
        const roles = assignments.map((a) => String(a.properties.roleDefinitionId).split("/").pop()).sort();
        assert.deepEqual(
            roles,
            [
                BUILT_IN_ROLES.AzureMLComputeOperator,
                BUILT_IN_ROLES.AzureMLDataScientist,
                BUILT_IN_ROLES.StorageBlobDataContributor,
            ].sort(),
            "the principal holds exactly the runner roles (no Contributor, nothing from elsewhere)",
        );
        // The same principal everywhere a run authenticates: the azure-native provider (ARM_*), the blob
        // upload in the dynamic provider (AZURE_*, DefaultAzureCredential) and the driver's job watch.
        const principalEnv = {
            ARM_CLIENT_ID: clientId,
            ARM_CLIENT_SECRET: clientSecret,
            ARM_TENANT_ID: tenantId,
            AZURE_CLIENT_ID: clientId,
            AZURE_CLIENT_SECRET: clientSecret,
            AZURE_TENANT_ID: tenantId,
        } as Record<string, string>;
        const credential = new ClientSecretCredential(tenantId, clientId, clientSecret);
        await scoreSampleOnAml(access, baseStack, {
            engine: { ...(backend ? { backendUrl: backend } : {}), env: principalEnv },
            targets: { aml: createAmlTarget({ arm: new ArmClient({ credential }) }) },
        });
    });
});
