import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ValidationError } from "../../../components/common/validation";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { PLATFORM_STACK_OUTPUTS } from "../../../components/aml";
import { CONFIG_CHECKS, CONFIG_SPEC, program } from "../../../programs/platform/program";
import { loadExampleConfig, runProgram } from "../../harness/programs";
import { readConfig } from "../../../components/common/config";

const ALICE = "11111111-2222-3333-4444-555555555555";
const BOB = "66666666-7777-8888-9999-000000000000";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/platform");

describe("programs/platform (base stack)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the whole platform from the example config", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example);

        const group = recorder.one("azure-native:resources:ResourceGroup").inputs;
        assert.equal(group.resourceGroupName, "rg-ml-dev");
        assert.equal(group.location, "westeurope");
        assert.deepEqual(group.tags, {
            "cost-center": "research",
            path: "platform",
            environment: "dev",
            "managed-by": "custom-ai-on-azure",
        });
        for (const type of [
            "azure-native:operationalinsights:Workspace",
            "azure-native:applicationinsights:Component",
            "azure-native:storage:StorageAccount",
            "azure-native:keyvault:Vault",
            "azure-native:containerregistry:Registry",
            "azure-native:machinelearningservices:Workspace",
        ]) {
            assert.equal(recorder.count(type), 1, type);
            assert.equal(recorder.one(type).inputs.tags.path, "platform", `${type} carries the path tag`);
        }

        // The workspace is wired to the platform's own storage, vault, insights and registry.
        const ws = recorder.one("azure-native:machinelearningservices:Workspace").inputs;
        assert.equal(ws.storageAccount, recorder.one("azure-native:storage:StorageAccount").id);
        assert.equal(ws.keyVault, recorder.one("azure-native:keyvault:Vault").id);
        assert.equal(ws.applicationInsights, recorder.one("azure-native:applicationinsights:Component").id);
        assert.equal(ws.containerRegistry, recorder.one("azure-native:containerregistry:Registry").id);

        // Every diagnosable resource sends to the one Log Analytics workspace.
        const law = recorder.one("azure-native:operationalinsights:Workspace").id;
        const diags = recorder.ofType("azure-native:monitor:DiagnosticSetting");
        assert.equal(diags.length, 5, "storage account + blob service + vault + registry + workspace");
        assert.ok(diags.every((d) => d.inputs.workspaceId === law));

        // Parts are named once each: kv-ml-dev-…, not kv-ml-dev-kv-….
        assert.match(recorder.one("azure-native:keyvault:Vault").inputs.vaultName, /^kv-ml-dev-[a-z0-9]{6}$/);
        assert.match(
            recorder.one("azure-native:machinelearningservices:Workspace").inputs.workspaceName,
            /^mlw-ml-dev-[a-z0-9]{6}$/,
        );
        assert.match(recorder.one("azure-native:storage:StorageAccount").inputs.accountName, /^stmldev[a-z0-9]{6}$/);
        // The example names no person: only the user knows who.
        assert.equal(recorder.count("azure-native:authorization:RoleAssignment"), 0);

        // Every output of the platform contract, so the stacks that read it find what they need.
        assert.deepEqual(Object.keys(outputs).sort(), [...PLATFORM_STACK_OUTPUTS].sort());
        assert.equal(outputs.resourceGroupName, "rg-ml-dev");
        assert.match(String(outputs.studioUrl), /^https:\/\/ml\.azure\.com\/\?wsid=\/subscriptions\//);
        assert.match(String(outputs.registryLoginServer), /\.azurecr\.io$/);
        assert.deepEqual(secretOutputs, ["appInsightsConnectionString"]);
    });

    it("grants people and batch runners what a run needs, named after the principal, so reordering changes nothing", async () => {
        const RUNNER = "77777777-8888-9999-aaaa-bbbbbbbbbbbb";
        const grantsFor = async (people: string[]) => {
            const { recorder } = await runProgram(program, example, {
                dataScientistPrincipalIds: JSON.stringify(people),
                runnerPrincipalIds: JSON.stringify([RUNNER]),
            });
            return recorder.ofType("azure-native:authorization:RoleAssignment");
        };
        const grants = await grantsFor([ALICE, BOB]);
        const rolesOf = (principal: string) =>
            grants
                .filter((g) => g.inputs.principalId === principal)
                .map((g) => [g.inputs.roleDefinitionId.split("/").pop(), g.inputs.principalType])
                .sort();
        // Data Scientist excludes creating and deleting compute, which every aml batch run does.
        assert.deepEqual(
            rolesOf(ALICE),
            [
                [BUILT_IN_ROLES.AzureMLDataScientist, "User"],
                [BUILT_IN_ROLES.AzureMLComputeOperator, "User"],
                [BUILT_IN_ROLES.StorageBlobDataContributor, "User"],
                [BUILT_IN_ROLES.StorageFileDataPrivilegedContributor, "User"],
            ].sort(),
        );
        assert.deepEqual(
            rolesOf(RUNNER),
            [
                [BUILT_IN_ROLES.AzureMLDataScientist, "ServicePrincipal"],
                [BUILT_IN_ROLES.AzureMLComputeOperator, "ServicePrincipal"],
                [BUILT_IN_ROLES.StorageBlobDataContributor, "ServicePrincipal"],
            ].sort(),
        );
        const reordered = await grantsFor([BOB, ALICE]);
        const identity = (list: typeof grants) =>
            list.map((g) => `${g.name}=${g.inputs.principalId}:${g.inputs.roleAssignmentName}`).sort();
        assert.deepEqual(identity(reordered), identity(grants));
        assert.ok(
            grants.every((g) => g.name.includes(g.inputs.principalId)),
            "each grant is named after its principal",
        );
    });

    it("uses Premium registry and closes endpoints when isolated", async () => {
        const { recorder } = await runProgram(program, example, { networkIsolation: "true" });
        assert.deepEqual(recorder.one("azure-native:containerregistry:Registry").inputs.sku, { name: "Premium" });
        assert.equal(recorder.one("azure-native:storage:StorageAccount").inputs.publicNetworkAccess, "Disabled");
        assert.equal(
            recorder.one("azure-native:machinelearningservices:Workspace").inputs.publicNetworkAccess,
            "Disabled",
        );
    });

    it("skips the registry when asked", async () => {
        const { recorder, outputs } = await runProgram(program, example, { registry: "false" });
        assert.equal(recorder.count("azure-native:containerregistry:Registry"), 0);
        assert.equal(
            recorder.one("azure-native:machinelearningservices:Workspace").inputs.containerRegistry,
            undefined,
        );
        assert.equal(outputs.registryLoginServer, undefined);
    });

    const badInputs: [string, string, string][] = [
        ["environment", "Prod!", "environment"],
        ["workload", "my--ml", "workload"],
        ["tags", "[1,2]", "tags"],
        ["tags", '{"a<b":"x"}', "tags"],
        ["networkIsolation", "yes", "networkIsolation"],
        ["registry", "1", "registry"],
        ["logRetentionDays", "7", "logRetentionDays"],
        ["logRetentionDays", "30.5", "logRetentionDays"],
        ["logDailyQuotaGb", "-1", "logDailyQuotaGb"],
        ["dataScientistPrincipalIds", '["alice"]', "dataScientistPrincipalIds[0]"],
        ["dataScientistPrincipalIds", "alice", "dataScientistPrincipalIds[0]"],
        ["dataScientistPrincipalIds", `["${ALICE}","${ALICE.toUpperCase()}"]`, "dataScientistPrincipalIds[1]"],
        ["runnerPrincipalIds", '["bot"]', "runnerPrincipalIds[0]"],
    ];
    for (const [key, value, field] of badInputs) {
        it(`rejects ${key}=${value}, naming the key`, () => {
            assert.throws(
                () => readConfig((k) => (k === key ? value : undefined), CONFIG_SPEC, CONFIG_CHECKS),
                (err: unknown) =>
                    err instanceof ValidationError && err.fields.includes(field) && err.message.includes(field),
            );
        });
    }

    it("refuses a principal in both lists: one grant, one owner", () => {
        const raw: Record<string, string> = {
            dataScientistPrincipalIds: `["${ALICE}"]`,
            runnerPrincipalIds: `["${ALICE}"]`,
        };
        assert.throws(
            () => readConfig((k) => raw[k], CONFIG_SPEC, CONFIG_CHECKS),
            (err: unknown) =>
                err instanceof ValidationError &&
                err.fields.join() === "runnerPrincipalIds[0]" &&
                /not also in dataScientistPrincipalIds/.test(err.message),
        );
    });

    it("reports every bad key at once", () => {
        const raw: Record<string, string> = { environment: "x y", logRetentionDays: "1", registry: "maybe" };
        assert.throws(
            () => readConfig((k) => raw[k], CONFIG_SPEC, CONFIG_CHECKS),
            (err: unknown) =>
                err instanceof ValidationError &&
                ["environment", "logRetentionDays", "registry"].every((f) => err.fields.includes(f)),
        );
    });
});
