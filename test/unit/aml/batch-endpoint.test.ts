import * as assert from "node:assert/strict";
import {
    BatchEndpoint,
    BatchEndpointSettings,
    resolveBatchEndpointArgs,
    validateBatchEndpointArgs,
} from "../../../components/aml/batch-endpoint";
import { scoringScriptIssues } from "../../../components/aml/assets";
import { EndpointRoutingState, endpointRoutingProvider } from "../../../components/aml/endpoint-traffic";
import { ValidationError } from "../../../components/common/validation";
import { fakeEndpointArm } from "../../harness/fake-endpoint-arm";
import { settle, useMocks } from "../../harness/mocks";

const DEPLOYMENT = "azure-native:machinelearningservices:BatchDeployment";

describe("BatchEndpoint", () => {
    it("defaults: 10 files per mini-batch, 1 process on 1 node, 3 retries of 300 s, no failed file tolerated", () => {
        assert.deepEqual(resolveBatchEndpointArgs({}), {
            deploymentName: "score",
            scoringScript: "batch_score.py",
            miniBatchSize: 10,
            maxConcurrencyPerInstance: 1,
            instanceCount: 1,
            maxRetries: 3,
            miniBatchTimeoutSeconds: 300,
            errorThreshold: 0,
            outputAction: "AppendRow",
            outputFileName: "predictions.csv",
            loggingLevel: "Info",
        });
    });

    it("reports every bad setting at once, each with its rule and value", () => {
        const bad: BatchEndpointSettings = {
            deploymentName: "-x",
            miniBatchSize: 0,
            instanceCount: 4,
            clusterMaxNodes: 2,
            errorThreshold: -5,
            outputFileName: "../p.csv",
        };
        assert.throws(
            () => validateBatchEndpointArgs(bad),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual([...new Set(err.fields)].sort(), [
                    "deploymentName",
                    "errorThreshold",
                    "instanceCount",
                    "miniBatchSize",
                    "outputFileName",
                ]);
                assert.match(err.message, /instanceCount: at most the cluster's maxNodes \(2\) \(got 4\)/);
                return true;
            },
        );
    });

    it("creates the endpoint with token auth, then the deployment, then makes it the default", async () => {
        const recorder = await useMocks("p", "s");
        new BatchEndpoint("churn", {
            resourceGroupName: "rg",
            workspaceName: "mlw",
            location: "westeurope",
            computeId: "/compute/id",
            modelId: "azureml:m:1",
            codeId: "/code/id",
            environmentId: "azureml:env:1",
            endpointName: "churn-batch",
            deploymentName: "nightly-v2",
            environmentVariables: { LOG: "1" },
        });
        await settle(recorder);
        const endpoint = recorder.one("azure-native:machinelearningservices:BatchEndpoint");
        assert.equal(endpoint.inputs.endpointName, "churn-batch");
        assert.equal(endpoint.inputs.properties.authMode, "AADToken");
        const deployment = recorder.one(DEPLOYMENT);
        assert.equal(deployment.inputs.endpointName, "churn-batch");
        assert.equal(deployment.inputs.deploymentName, "nightly-v2");
        assert.deepEqual(deployment.inputs.properties.environmentVariables, { LOG: "1" });
        assert.ok(deployment.options.dependencies.some((u) => u.endsWith("::churn-endpoint")));
        const routing = recorder.one("pulumi-nodejs:dynamic/customai:EndpointRouting");
        assert.deepEqual(routing.inputs.routing, { defaults: { deploymentName: "nightly-v2" } });
        assert.ok(routing.options.dependencies.some((u) => u.endsWith("::churn-deployment")));
    });
});

describe("scoringScriptIssues (batch and online deployments)", () => {
    it("takes a .py path inside the code folder, and refuses paths out of it or to other files", () => {
        assert.deepEqual(scoringScriptIssues("scoring/batch_score.py"), []);
        for (const bad of ["/abs/score.py", "../score.py", "scoring/../../x.py", "score.txt", "", 3]) {
            const [issue] = scoringScriptIssues(bad);
            assert.equal(issue?.field, "scoringScript", String(bad));
            assert.equal(issue.value, bad);
        }
    });
});

describe("EndpointRouting provider against a fake ARM", () => {
    const id =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/batchEndpoints/b";
    const deployed = {
        id,
        name: "b",
        location: "westeurope",
        tags: { "managed-by": "custom-ai-on-azure" },
        properties: {
            authMode: "AADToken",
            provisioningState: "Succeeded",
            scoringUri: "https://b.westeurope.inference.ml.azure.com/jobs",
            defaults: {},
        },
    };
    const state: EndpointRoutingState = {
        endpointId: id,
        routing: { defaults: { deploymentName: "score" } },
        revision: "r1",
    };
    const provider = (http: ReturnType<typeof fakeEndpointArm>["http"]) =>
        endpointRoutingProvider({ token: async () => "tok", http, pollMs: 1, timeoutMs: 5_000 });

    it("PUTs the endpoint back whole with the default deployment set, without its read-only fields", async () => {
        const arm = fakeEndpointArm(structuredClone(deployed));
        await provider(arm.http).create!(state);
        assert.deepEqual(arm.requests[1].body, {
            location: "westeurope",
            tags: { "managed-by": "custom-ai-on-azure" },
            properties: { authMode: "AADToken", defaults: { deploymentName: "score" } },
        });
    });

    it("leaves the endpoint as it is on delete, and diffs only on routing, revision or endpoint", async () => {
        const arm = fakeEndpointArm(structuredClone(deployed));
        const p = provider(arm.http);
        await p.delete!(id, state);
        assert.equal(arm.requests.length, 0);
        const withEngineKeys = { ...state, __provider: "serialized" } as EndpointRoutingState;
        assert.deepEqual(await p.diff!(id, state, withEngineKeys), { changes: false, replaces: [] });
        assert.deepEqual(await p.diff!(id, state, { ...state, routing: { defaults: { deploymentName: "v2" } } }), {
            changes: true,
            replaces: [],
        });
        assert.deepEqual(await p.diff!(id, state, { ...state, endpointId: `${id}2` }), {
            changes: true,
            replaces: ["endpointId"],
        });
    });
});
