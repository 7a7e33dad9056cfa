import * as assert from "node:assert/strict";
import { checkPolicies } from "../../../automation/plan/policy-check";
import { PlannedResource } from "../../../automation/plan/resources";
import {
    acrNoAdminUser,
    aksNoLocalAccounts,
    amlComputeNoLocalAuth,
    amlEndpointNoKeyAuth,
    eventHubNoLocalAuth,
} from "../../../policy/rules/local-auth";
import { PolicyRule } from "../../../policy/rules/rule";

function planned(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:dev::customai::${type}::${name}`, type, name, custom: true, inputs, secretPaths: [] };
}

async function messages(rule: PolicyRule, ...resources: PlannedResource[]): Promise<string[]> {
    const [result] = (await checkPolicies(resources, [rule])).results;
    assert.equal(result.error, undefined);
    return result.violations.map((v) => v.message);
}

/** Each rule with a resource as our components declare it, the same resource with the secret on, and what the message says. */
const CASES: {
    rule: PolicyRule;
    level: "mandatory" | "advisory";
    type: string;
    good: Record<string, unknown>;
    bad: Record<string, unknown>;
    expected: RegExp;
}[] = [
    {
        rule: acrNoAdminUser,
        level: "mandatory",
        type: "azure-native:containerregistry:Registry",
        good: { registryName: "crtraindev", adminUserEnabled: false, sku: { name: "Basic" } },
        bad: { registryName: "crtraindev", adminUserEnabled: true, sku: { name: "Basic" } },
        expected: /^Registry "subject" enables the admin user \(adminUserEnabled\)/,
    },
    {
        rule: aksNoLocalAccounts,
        level: "advisory",
        type: "azure-native:containerservice:ManagedCluster",
        good: { disableLocalAccounts: true, aadProfile: { managed: true, enableAzureRBAC: true } },
        // What `aks.localAccounts: true` makes AksCluster send.
        bad: { disableLocalAccounts: false, aadProfile: { managed: true, enableAzureRBAC: true } },
        expected: /^ManagedCluster "subject" keeps local accounts \(disableLocalAccounts is not true\)/,
    },
    {
        rule: eventHubNoLocalAuth,
        level: "mandatory",
        type: "azure-native:eventhub:Namespace",
        good: { disableLocalAuth: true, minimumTlsVersion: "1.2" },
        bad: { minimumTlsVersion: "1.2" },
        expected: /^Namespace "subject" accepts SAS keys: set disableLocalAuth to true/,
    },
    {
        rule: amlComputeNoLocalAuth,
        level: "mandatory",
        type: "azure-native:machinelearningservices:Compute",
        good: { properties: { computeType: "AmlCompute", disableLocalAuth: true } },
        bad: { properties: { computeType: "AmlCompute", disableLocalAuth: false } },
        expected: /^Compute "subject" allows local authentication: set properties\.disableLocalAuth to true/,
    },
    {
        rule: amlEndpointNoKeyAuth,
        level: "advisory",
        type: "azure-native:machinelearningservices:OnlineEndpoint",
        good: { properties: { authMode: "AADToken" } },
        // What `endpoint.authMode: Key` makes path 2-1 send.
        bad: { properties: { authMode: "Key" } },
        expected: /^OnlineEndpoint "subject" uses properties\.authMode "Key"/,
    },
];

describe("local-auth policies", () => {
    for (const { rule, level, type, good, bad, expected } of CASES) {
        describe(`policy ${rule.name}`, () => {
            it("passes the resource as our components declare it", async () => {
                assert.deepEqual(await messages(rule, planned(type, "subject", good)), []);
            });

            it(`reports the shared secret (${level}), naming the resource and the setting`, async () => {
                const [message, ...rest] = await messages(rule, planned(type, "subject", bad));
                assert.deepEqual(rest, []);
                assert.match(message, expected);
                assert.equal(rule.enforcementLevel, level);
            });
        });
    }

    it("aml-endpoint-no-key-auth accepts Azure ML tokens too", async () => {
        const endpoint = planned("azure-native:machinelearningservices:OnlineEndpoint", "e", {
            properties: { authMode: "AMLToken" },
        });
        assert.deepEqual(await messages(amlEndpointNoKeyAuth, endpoint), []);
    });
});
