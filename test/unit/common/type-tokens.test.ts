/**
 * Type tokens are `customai:<family>:<Component>`, the family being the folder
 * the component lives in; a token that changed keeps its former one as an
 * alias, so stacks created before adopt the component instead of replacing it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CommandJob, ComputeCluster, MlPlatform } from "../../../components/aml";
import { WorkloadIdentity } from "../../../components/identity";
import { DataScienceVm } from "../../../components/vm";
import { MOCK_RESOURCE_GROUP, settle, useMocks, valueOf } from "../../harness/mocks";

/** Current token → the token the component had before the families were named after Azure services. */
const FORMER_TYPES: Readonly<Record<string, string>> = {
    "customai:storage:DataStorage": "customai:platform:DataStorage",
    "customai:keyvault:SecretVault": "customai:platform:SecretVault",
    "customai:monitoring:Monitoring": "customai:platform:Monitoring",
    "customai:registry:ImageRegistry": "customai:platform:ImageRegistry",
    "customai:identity:WorkloadIdentity": "customai:platform:WorkloadIdentity",
    "customai:aml:MlWorkspace": "customai:platform:MlWorkspace",
    "customai:aml:MlPlatform": "customai:platform:MlPlatform",
    "customai:aml:ComputeCluster": "customai:training:TrainingCluster",
    "customai:aml:CommandJob": "customai:training:TrainingJob",
    "customai:vm:DataScienceVm": "customai:compute:DataScienceVm",
};

/** The alias URNs a resource registered with (the SDK keeps them on the resource). */
function aliasUrns(resource: pulumi.Resource): Promise<string[]> {
    const aliases = (resource as unknown as { __aliases?: pulumi.Input<string>[] }).__aliases ?? [];
    return Promise.all(aliases.map((a) => valueOf(pulumi.output(a))));
}

describe("component type tokens", () => {
    it("name the family folder, and keep the former token as an alias", async () => {
        const recorder = await useMocks();
        const common = { resourceGroupName: MOCK_RESOURCE_GROUP };
        const platform = new MlPlatform("ml", common);
        const cluster = new ComputeCluster("cpu", { ...common, workspaceName: platform.workspace.workspaceName });
        const job = new CommandJob("job", {
            ...common,
            workspaceName: platform.workspace.workspaceName,
            computeId: cluster.clusterId,
            environmentId: "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
            command: "python -c 'print(1)'",
            instanceCount: 1,
        });
        const identity = new WorkloadIdentity("app", common);
        const vm = new DataScienceVm("dsvm", { ...common, generateSshKey: true, allowedSshCidrs: ["203.0.113.7"] });
        await settle(recorder);

        const components: pulumi.ComponentResource[] = [
            platform,
            platform.monitoring,
            platform.storage,
            platform.vault,
            platform.registry!,
            platform.workspace,
            cluster,
            job,
            identity,
            vm,
        ];
        const seen = new Set<string>();
        for (const component of components) {
            const urn = await valueOf(component.urn);
            const type = urn.split("::")[2].split("$").pop()!;
            seen.add(type);
            const family = type.split(":")[1];
            assert.match(type, /^customai:[a-z]+:[A-Z][A-Za-z]+$/);
            const former = FORMER_TYPES[type];
            assert.ok(former, `${type} is listed with its former token`);
            const aliases = await aliasUrns(component);
            assert.ok(
                aliases.some((a) => a.endsWith(`${former}::${urn.split("::").pop()}`)),
                `${type} aliases ${former}; got ${aliases.join(", ")}`,
            );
            assert.ok(
                fs.existsSync(path.join(__dirname, "../../../components", family, "index.ts")),
                `family ${family} is a folder of components/`,
            );
        }
        assert.deepEqual([...seen].sort(), Object.keys(FORMER_TYPES).sort(), "every renamed component was checked");
    });
});

describe("every component's type token", () => {
    it("names the family folder its class lives in", () => {
        const root = path.join(__dirname, "../../../components");
        const tokens: string[] = [];
        for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
            if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
            const file = path.join(entry.parentPath, entry.name);
            const family = path.relative(root, file).split(path.sep)[0];
            for (const [, token] of fs.readFileSync(file, "utf8").matchAll(/super\(\s*"(customai:[^"]+)"/g)) {
                tokens.push(token);
                assert.equal(token.split(":")[1], family, `${token} in ${path.relative(root, file)}`);
            }
        }
        assert.ok(tokens.length >= 20, `found the components (${tokens.length})`);
    });
});
