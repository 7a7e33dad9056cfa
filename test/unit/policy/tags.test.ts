import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkPolicies } from "../../../automation/plan/policy-check";
import { PlannedResource } from "../../../automation/plan/resources";
import { azureStandardTags, takesTags } from "../../../policy/rules/tags";
import { LOCATION_WITHOUT_TAGS } from "../../../policy/rules/untaggable-types";

const AZURE_NATIVE = path.join(__dirname, "../../../node_modules/@pulumi/azure-native");
const TAGS = { "cost-center": "research", environment: "dev", "managed-by": "custom-ai-on-azure", path: "1-2" };

function planned(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:dev::customai::${type}::${name}`, type, name, custom: true, inputs, secretPaths: [] };
}

async function messages(...resources: PlannedResource[]): Promise<string[]> {
    const [result] = (await checkPolicies(resources, [azureStandardTags])).results;
    assert.equal(result.error, undefined);
    return result.violations.map((v) => v.message);
}

/**
 * Reads the SDK's declarations (text only: loading the modules takes seconds)
 * and lists the custom resources whose Args have a location but no tags.
 */
function locationWithoutTags(): string[] {
    const found: string[] = [];
    for (const dir of fs.readdirSync(AZURE_NATIVE, { withFileTypes: true })) {
        if (!dir.isDirectory() || ["types", "config", "node_modules"].includes(dir.name)) continue;
        for (const file of fs.readdirSync(path.join(AZURE_NATIVE, dir.name))) {
            if (!file.endsWith(".d.ts")) continue;
            const declaration = fs.readFileSync(path.join(AZURE_NATIVE, dir.name, file), "utf8");
            if (!declaration.includes("extends pulumi.CustomResource")) continue;
            const args = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(declaration)?.[1] ?? "";
            if (!/\n\s+location\??:/.test(args) || /\n\s+tags\??:/.test(args)) continue;
            const code = fs.readFileSync(path.join(AZURE_NATIVE, dir.name, file.replace(/\.d\.ts$/, ".js")), "utf8");
            const token = /__pulumiType = ['"]([^'"]+)['"]/.exec(code)?.[1];
            found.push(token ?? `(no token in ${dir.name}/${file})`);
        }
    }
    return found.sort();
}

describe("policy azure-standard-tags", () => {
    it("passes resources carrying the standard tags", async () => {
        const resources = [
            planned("azure-native:storage:StorageAccount", "st", { location: "westeurope", tags: TAGS }),
            planned("azure-native:containerservice:AgentPool", "pool", { tags: TAGS }),
        ];
        assert.deepEqual(await messages(...resources), []);
    });

    it("reports a located resource without tags, naming it and both tags", async () => {
        const [message] = await messages(planned("azure-native:keyvault:Vault", "kv", { location: "westeurope" }));
        assert.equal(message, 'Vault "kv" lacks the "managed-by" and "path" tags.');
    });

    it("reports a missing or empty tag among others, on a child resource that takes tags", async () => {
        const [message] = await messages(
            planned("azure-native:containerservice:AgentPool", "pool", { tags: { ...TAGS, path: "" } }),
        );
        assert.equal(message, 'AgentPool "pool" lacks the "path" tag.');
    });

    it("leaves proxy resources, schema exceptions, other providers and components alone", () => {
        assert.equal(takesTags("azure-native:storage:BlobContainer", { containerName: "data" }), false);
        assert.equal(takesTags("azure-native:authorization:PolicyAssignment", { location: "westeurope" }), false);
        assert.equal(takesTags("pulumi:providers:azure-native", { location: "westeurope" }), false);
        assert.equal(takesTags("kubernetes:core/v1:Namespace", { metadata: {} }), false);
        assert.equal(takesTags("customai:aml:MlPlatform", {}), false);
        assert.equal(takesTags("azure-native:compute:VirtualMachine", { location: "westeurope" }), true);
    });

    it("is advisory", () => assert.equal(azureStandardTags.enforcementLevel, "advisory"));

    it("knows every type of the installed azure-native that has a location but takes no tags", function () {
        this.timeout(20000);
        assert.deepEqual(locationWithoutTags(), [...LOCATION_WITHOUT_TAGS].sort());
    });
});
