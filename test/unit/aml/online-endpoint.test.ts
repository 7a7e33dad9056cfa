import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    CodeAsset,
    contentVersion,
    datastoreAssetUri,
    deploymentAzureName,
    EnvironmentAsset,
    instanceTypeIssues,
    ModelAsset,
    modelAssetIssues,
    OnlineDeployment,
    OnlineDeploymentArgs,
    OnlineEndpoint,
    trafficIssues,
    validateOnlineDeploymentArgs,
    validateOnlineEndpointArgs,
} from "../../../components/aml";
import {
    EndpointTrafficState,
    endpointTrafficProvider,
    trafficPutBody,
} from "../../../components/aml/endpoint-traffic";
import { NAME_RULES } from "../../../components/common/naming";
import { ValidationError } from "../../../components/common/validation";
import { fakeEndpointArm } from "../../harness/fake-endpoint-arm";
import { MOCK_RESOURCE_GROUP, MockRecorder, isSecret, settle, useMocks, valueOf } from "../../harness/mocks";

const ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint";
const DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment";
const AUTOSCALE = "azure-native:monitor:AutoscaleSetting";
const TRAFFIC = "pulumi-nodejs:dynamic/customai:EndpointTraffic";
const BLOB_FILES = "pulumi-nodejs:dynamic/customai-azure:BlobFiles";
const WS_ID = "/subscriptions/s1/resourceGroups/rg-test/providers/Microsoft.MachineLearningServices/workspaces/mlw-x";
const SAMPLE_MODEL = path.join(__dirname, "../../../automation/sample/model/model.json");

const wiring = { resourceGroupName: MOCK_RESOURCE_GROUP, workspaceName: "mlw-x" };
const assets = { modelId: "azureml:m:1", environmentId: "azureml:e:1", codeId: "/code/1" };
const upload = {
    blobEndpoint: "https://stx.blob.core.windows.net/",
    container: "azureml-blobstore-1",
    datastore: "workspaceblobstore",
    workspaceId: WS_ID,
};

function deployment(name: string, endpoint: OnlineEndpoint, extra: Partial<OnlineDeploymentArgs> = {}) {
    return new OnlineDeployment(`ep-${name}`, {
        ...wiring,
        ...assets,
        endpointName: endpoint.endpointName,
        endpointId: endpoint.endpointId,
        name,
        ...extra,
    });
}

const fields = (fn: () => unknown): string[] => {
    try {
        fn();
        return [];
    } catch (err) {
        assert.ok(err instanceof ValidationError, String(err));
        return [...err.fields];
    }
};

describe("OnlineEndpoint and OnlineDeployment under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("creates the endpoint with Entra token auth, a system identity, and no traffic of its own", async () => {
        const ep = new OnlineEndpoint("ep", { ...wiring, tags: { team: "ai" } });
        await settle(recorder);
        const { inputs, options } = recorder.one(ENDPOINT);
        assert.equal(inputs.properties.authMode, "AADToken");
        assert.equal(inputs.properties.publicNetworkAccess, "Enabled");
        assert.equal(inputs.properties.traffic, undefined, "traffic is never set at creation");
        assert.equal(inputs.properties.mirrorTraffic, undefined);
        assert.deepEqual(inputs.identity, { type: "SystemAssigned" });
        assert.deepEqual(inputs.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });
        assert.deepEqual([...options.ignoreChanges].sort(), ["properties.mirrorTraffic", "properties.traffic"]);
        assert.match(inputs.endpointName, /^ep-[a-z0-9]{6}$/);
        assert.ok(NAME_RULES.mlEndpoint.pattern.test(inputs.endpointName));
        assert.equal(ep.authMode, "AADToken");
        assert.throws(() => ep.keys(), /keys exist only with authMode "Key"/);
    });

    it("with key auth, reads the keys after the endpoint exists and hands them out as secrets", async () => {
        recorder.onCall("azure-native:machinelearningservices:listOnlineEndpointKeys", (inputs) => {
            assert.equal(inputs.workspaceName, "mlw-x");
            return { primaryKey: "pk-1", secondaryKey: "sk-1" };
        });
        const ep = new OnlineEndpoint("ep", { ...wiring, authMode: "Key", networkIsolation: true });
        const keys = ep.keys();
        assert.equal(await valueOf(keys.primaryKey), "pk-1");
        assert.equal(await valueOf(keys.secondaryKey), "sk-1");
        assert.equal(await isSecret(keys.primaryKey), true);
        assert.equal(await isSecret(keys.secondaryKey), true);
        await settle(recorder);
        const inputs = recorder.one(ENDPOINT).inputs;
        assert.equal(inputs.properties.authMode, "Key");
        assert.equal(inputs.properties.publicNetworkAccess, "Disabled");
        const call = recorder.calls.find((c) => c.token.endsWith("listOnlineEndpointKeys"))!;
        assert.equal(call.inputs.endpointName, inputs.endpointName);
    });

    it("deploys the model, code and environment on the instance type and count, probes and request limits set, App Insights on", async () => {
        const ep = new OnlineEndpoint("ep", wiring);
        const blue = deployment("blue", ep, {
            instanceType: "Standard_F4s_v2",
            instanceCount: 3,
            requestTimeoutMs: 1500,
            livenessProbe: { initialDelaySeconds: 30 },
            readinessProbe: { periodSeconds: 5, successThreshold: 2 },
        });
        await settle(recorder);
        const { inputs, options } = recorder.one(DEPLOYMENT);
        const p = inputs.properties;
        assert.equal(inputs.deploymentName, blue.azureName);
        assert.match(blue.azureName, /^blue-[a-z0-9]{6}$/);
        assert.equal(inputs.endpointName, recorder.one(ENDPOINT).inputs.endpointName);
        assert.deepEqual(inputs.sku, { name: "Default", capacity: 3 });
        assert.equal(p.endpointComputeType, "Managed");
        assert.equal(p.instanceType, "Standard_F4s_v2");
        assert.equal(p.model, "azureml:m:1");
        assert.equal(p.environmentId, "azureml:e:1");
        assert.deepEqual(p.codeConfiguration, { codeId: "/code/1", scoringScript: "score.py" });
        assert.equal(p.appInsightsEnabled, true);
        assert.equal(p.egressPublicNetworkAccess, "Enabled");
        assert.deepEqual(p.requestSettings, { maxConcurrentRequestsPerInstance: 1, requestTimeout: "PT1.5S" });
        assert.deepEqual(p.livenessProbe, {
            initialDelay: "PT30S",
            period: "PT10S",
            timeout: "PT2S",
            failureThreshold: 30,
            successThreshold: 1,
        });
        assert.equal(p.readinessProbe.period, "PT5S");
        assert.equal(p.readinessProbe.successThreshold, 2);
        assert.deepEqual(options.ignoreChanges, [], "without autoscale the count is the program's");
        assert.equal(recorder.count(AUTOSCALE), 0);
    });

    it("names a deployment by the settings Azure refuses to change in place: a new instance type is a new deployment", () => {
        const r = (instanceType: string, instanceCount = 1) =>
            validateOnlineDeploymentArgs({ name: "blue", instanceType, instanceCount });
        const ds2 = deploymentAzureName("blue", r("Standard_DS2_v2"));
        assert.equal(deploymentAzureName("blue", r("Standard_DS2_v2", 5)), ds2, "the count changes in place");
        assert.equal(deploymentAzureName("blue", r("standard_ds2_v2")), ds2, "Azure's sizes ignore case");
        assert.notEqual(deploymentAzureName("blue", r("Standard_F4s_v2")), ds2);
        for (const name of [ds2, deploymentAzureName("a-very-long-name-of-25-ch", r("Standard_F4s_v2"))]) {
            assert.ok(NAME_RULES.mlDeployment.pattern.test(name) && name.length <= 32, name);
        }
    });

    it("sets the traffic after the deployments exist, by their Azure names; a deployment is created before its predecessor goes", async () => {
        const ep = new OnlineEndpoint("ep", wiring);
        const blue = deployment("blue", ep);
        const green = deployment("green", ep, { instanceType: "Standard_F4s_v2" });
        ep.route({ blue, green }, { traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 20 } });
        await settle(recorder);
        const traffic = recorder.one(TRAFFIC);
        assert.deepEqual(traffic.inputs.traffic, { [blue.azureName]: 100, [green.azureName]: 0 });
        assert.deepEqual(traffic.inputs.mirrorTraffic, { [green.azureName]: 20 });
        assert.equal(traffic.inputs.endpointId, recorder.one(ENDPOINT).id);
        assert.equal(traffic.inputs.revision, ep.revision);
        // A new Azure name is a replacement: created first (no delete-before-replace), the old one deleted last.
        for (const d of recorder.ofType(DEPLOYMENT)) assert.equal(d.options.deleteBeforeReplace, false);
        const deploymentUrns = recorder.ofType(DEPLOYMENT).map((d) => d.name);
        for (const name of deploymentUrns) {
            assert.ok(
                traffic.options.dependencies.some((urn) => urn.endsWith(`::${name}`)),
                `the traffic waits for ${name}: ${traffic.options.dependencies.join(", ")}`,
            );
        }
    });

    it("refuses a traffic split Azure ML refuses, naming the deployment and the rule", () => {
        const names = ["blue", "green"];
        assert.deepEqual(trafficIssues({ traffic: { blue: 90, green: 10 } }, names), []);
        const cases: [Parameters<typeof trafficIssues>[0], string, RegExp][] = [
            [{ traffic: { blue: 90 } }, "traffic", /summing to 100/],
            [{ traffic: { blue: 100, red: 0 } }, "traffic.red", /one of the deployments \(blue, green\)/],
            [{ traffic: { blue: 101 } }, "traffic.blue", /0 to 100/],
            [{ traffic: { blue: 100 }, mirrorTraffic: { green: 60 } }, "mirrorTraffic.green", /0 to 50/],
            [
                { traffic: { blue: 50, green: 50 }, mirrorTraffic: { green: 10 } },
                "mirrorTraffic.green",
                /live or mirrored/,
            ],
            [
                { traffic: { blue: 100 }, mirrorTraffic: { green: 10, blue: 10 } },
                "mirrorTraffic",
                /at most one deployment/,
            ],
        ];
        for (const [spec, field, rule] of cases) {
            const issues = trafficIssues(spec, names);
            const hit = issues.find((i) => i.field === field);
            assert.ok(hit, `${JSON.stringify(spec)}: expected an issue on ${field}, got ${JSON.stringify(issues)}`);
            assert.match(hit.rule, rule);
        }
        const ep = new OnlineEndpoint("ep", wiring);
        const blue = deployment("blue", ep);
        assert.throws(() => ep.route({ blue }, { traffic: { blue: 50 } }), /traffic: percents summing to 100/);
    });

    it("autoscales on the deployment's CPU between the bounds, leaving the instance count to Azure Monitor", async () => {
        const ep = new OnlineEndpoint("ep", wiring);
        const blue = deployment("blue", ep, { instanceCount: 2, autoscale: { minInstances: 2, maxInstances: 6 } });
        await settle(recorder);
        const dep = recorder.one(DEPLOYMENT);
        assert.deepEqual(dep.options.ignoreChanges, ["sku.capacity"]);
        const scale = recorder.one(AUTOSCALE).inputs;
        assert.equal(scale.targetResourceUri, dep.id);
        assert.equal(scale.enabled, true);
        assert.equal(
            scale.autoscaleSettingName,
            `autoscale-${recorder.one(ENDPOINT).inputs.endpointName}-${blue.azureName}`,
        );
        const [profile] = scale.profiles;
        assert.deepEqual(profile.capacity, { minimum: "2", maximum: "6", default: "2" });
        const [out, inward] = profile.rules;
        assert.equal(out.metricTrigger.metricName, "CpuUtilizationPercentage");
        assert.equal(out.metricTrigger.metricResourceUri, dep.id);
        assert.equal(out.metricTrigger.operator, "GreaterThan");
        assert.equal(out.metricTrigger.threshold, 70);
        assert.deepEqual(out.scaleAction, { direction: "Increase", type: "ChangeCount", value: "1", cooldown: "PT5M" });
        assert.equal(inward.metricTrigger.operator, "LessThan");
        assert.equal(inward.metricTrigger.threshold, 30);
        assert.equal(inward.scaleAction.direction, "Decrease");
    });

    it("autoscales on the endpoint's request latency when asked", async () => {
        const ep = new OnlineEndpoint("ep", wiring);
        deployment("blue", ep, {
            autoscale: { minInstances: 1, maxInstances: 4, metric: "latency", scaleOutAbove: 400 },
        });
        await settle(recorder);
        const [out, inward] = recorder.one(AUTOSCALE).inputs.profiles[0].rules;
        assert.equal(out.metricTrigger.metricName, "RequestLatency");
        assert.equal(out.metricTrigger.metricResourceUri, recorder.one(ENDPOINT).id);
        assert.equal(out.metricTrigger.threshold, 400);
        assert.equal(inward.metricTrigger.threshold, 200);
    });

    it("grants scoring on the endpoint only, and sends logs to Log Analytics", async () => {
        const ep = new OnlineEndpoint("ep", {
            ...wiring,
            diagnostics: { logAnalyticsWorkspaceId: "/law" },
        });
        ep.grantScoring("app", "00000000-0000-0000-0000-00000000a001");
        await settle(recorder);
        const grant = recorder.one("azure-native:authorization:RoleAssignment").inputs;
        assert.equal(grant.scope, recorder.one(ENDPOINT).id);
        assert.match(grant.roleDefinitionId, /f6c7c914-8db3-469d-8ca1-694a8f32e121$/, "AzureML Data Scientist");
        const diag = recorder.one("azure-native:monitor:DiagnosticSetting").inputs;
        assert.equal(diag.resourceUri, recorder.one(ENDPOINT).id);
        assert.deepEqual(
            diag.logs.map((l: { category: string }) => l.category),
            ["AmlOnlineEndpointConsoleLog", "AmlOnlineEndpointEventLog", "AmlOnlineEndpointTrafficLog"],
        );
        assert.deepEqual(diag.metrics, [{ category: "AllMetrics", enabled: true }]);
    });

    it("rejects bad deployment settings, every problem at once, before creating anything", () => {
        assert.deepEqual(
            fields(() =>
                validateOnlineDeploymentArgs({
                    name: "Blue_1",
                    instanceType: "Standard_D4s_v5",
                    instanceCount: 0,
                    requestTimeoutMs: 200_000,
                    livenessProbe: { successThreshold: 2 },
                    readinessProbe: { timeoutSeconds: 0 },
                    autoscale: { minInstances: 3, maxInstances: 2, metric: "latency" },
                }),
            ),
            [
                "name",
                "instanceType",
                "instanceCount",
                "requestTimeoutMs",
                "livenessProbe.successThreshold",
                "readinessProbe.timeoutSeconds",
                "autoscale.maxInstances",
                "instanceCount",
                "endpointId",
            ],
        );
        assert.match(instanceTypeIssues("Standard_NC6s_v3")[0].rule, /retired/);
        assert.deepEqual(instanceTypeIssues("STANDARD_DS3_V2"), []);
        assert.deepEqual(
            fields(() => validateOnlineEndpointArgs({ endpointName: "9bad", authMode: "AMLToken" as "Key" })),
            ["endpointName", "authMode"],
        );
        assert.deepEqual(
            fields(() =>
                validateOnlineDeploymentArgs({
                    name: "blue",
                    autoscale: { minInstances: 1, maxInstances: 2, scaleOutAbove: 30, scaleInBelow: 40 },
                }),
            ),
            ["autoscale.scaleInBelow"],
        );
        assert.equal(recorder.count(DEPLOYMENT), 0);
    });
});

describe("assets under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("uploads a code folder and registers it under a version that is the hash of its files", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "code-"));
        fs.writeFileSync(path.join(dir, "score.py"), "def init(): pass\n");
        const code = new CodeAsset("code", { ...wiring, assetName: "code-score", dir, upload });
        fs.rmSync(dir, { recursive: true });
        await settle(recorder);
        const files = recorder.one(BLOB_FILES).inputs;
        assert.equal(files.container, "azureml-blobstore-1");
        assert.equal(files.prefix, `customai-assets/code/code-score/${code.version}`);
        assert.deepEqual(Object.keys(files.files), ["code/score.py"]);
        const version = recorder.one("azure-native:machinelearningservices:CodeVersion");
        assert.equal(version.inputs.name, "code-score");
        assert.equal(version.inputs.version, code.version);
        assert.equal(
            version.inputs.properties.codeUri,
            `https://stx.blob.core.windows.net/azureml-blobstore-1/customai-assets/code/code-score/${code.version}/code/`,
        );
        assert.deepEqual(version.options.replaceOnChanges, ["properties"]);
        assert.ok(
            version.options.dependencies.some((u) => u.endsWith("::code-upload")),
            "registered after the upload",
        );
    });

    it("registers a local model by its datastore URI, a storage path as given, and uses an existing asset as is", async () => {
        const local = new ModelAsset("m1", {
            ...wiring,
            assetName: "churn",
            source: { localPath: SAMPLE_MODEL },
            upload,
        });
        new ModelAsset("m2", { ...wiring, assetName: "churn2", source: { storagePath: "models/v2/model.json" } });
        const existing = new ModelAsset("m3", { ...wiring, source: { assetId: "azureml:churn:7" } });
        await settle(recorder);
        const versions = recorder.ofType("azure-native:machinelearningservices:ModelVersion");
        assert.equal(versions.length, 2, "an existing asset registers nothing");
        const [v1, v2] = ["m1-version", "m2-version"].map((n) => recorder.named(n).inputs);
        assert.equal(v1.properties.modelType, "custom_model");
        assert.equal(
            v1.properties.modelUri,
            `azureml://subscriptions/s1/resourcegroups/rg-test/workspaces/mlw-x/datastores/workspaceblobstore/paths/customai-assets/models/churn/${local.version}/model.json`,
        );
        assert.equal(local.version, contentVersion([fs.readFileSync(SAMPLE_MODEL)]));
        assert.equal(v2.properties.modelUri, "azureml://datastores/workspaceblobstore/paths/models/v2/model.json");
        assert.equal(await valueOf(existing.modelId), "azureml:churn:7");
    });

    it("uses a curated environment as is, or registers an image with its conda file's content", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "env-"));
        const conda = path.join(dir, "conda.yml");
        fs.writeFileSync(conda, "dependencies:\n  - python=3.11\n");
        const curated = new EnvironmentAsset("e1", {
            ...wiring,
            source: {
                environmentId: "azureml://registries/azureml/environments/minimal-py311-inference/labels/latest",
            },
        });
        const built = new EnvironmentAsset("e2", {
            ...wiring,
            assetName: "env-score",
            source: { image: "mcr.microsoft.com/azureml/minimal-py311-inference:latest", condaFile: conda },
        });
        await settle(recorder);
        const env = recorder.one("azure-native:machinelearningservices:EnvironmentVersion").inputs;
        assert.equal(env.properties.image, "mcr.microsoft.com/azureml/minimal-py311-inference:latest");
        assert.equal(env.properties.condaFile, "dependencies:\n  - python=3.11\n");
        assert.equal(env.version, built.version);
        assert.match(await valueOf(curated.environmentId), /minimal-py311-inference/);
        fs.writeFileSync(conda, "dependencies:\n  - python=3.12\n");
        assert.notEqual(
            new EnvironmentAsset("e3", {
                ...wiring,
                assetName: "env-score",
                source: { image: env.properties.image, condaFile: conda },
            }).version,
            built.version,
            "a changed conda file is a new version",
        );
        fs.rmSync(dir, { recursive: true });
    });

    it("rejects a model given twice, missing files and bad ids, naming the field", () => {
        const issues = (s: Parameters<typeof modelAssetIssues>[0]) => modelAssetIssues(s).map((i) => i.field);
        assert.deepEqual(issues({ assetName: "m", source: { assetId: "azureml:m:1", storagePath: "x" } }), ["source"]);
        assert.deepEqual(issues({ assetName: "m", source: { localPath: "/no/such/file" } }), ["source.localPath"]);
        assert.deepEqual(issues({ assetName: "m", source: { storagePath: "../up" } }), ["source.storagePath"]);
        assert.deepEqual(issues({ source: { assetId: "churn" } }), ["source.assetId"]);
        assert.deepEqual(issues({ assetName: "9m", source: { storagePath: "models/x" } }), ["assetName"]);
        assert.throws(
            () => datastoreAssetUri("/subscriptions/x", "ds", "p"),
            /not the ARM id of an Azure ML workspace/,
        );
    });
});

describe("EndpointTraffic provider against a fake ARM", () => {
    const id =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/ep";
    const deployed = {
        id,
        name: "ep",
        location: "westeurope",
        tags: { "managed-by": "custom-ai-on-azure" },
        identity: { type: "SystemAssigned", principalId: "p", tenantId: "t" },
        properties: {
            authMode: "AADToken",
            publicNetworkAccess: "Enabled",
            provisioningState: "Succeeded",
            scoringUri: "https://ep.westeurope.inference.ml.azure.com/score",
            swaggerUri: "https://ep.westeurope.inference.ml.azure.com/swagger.json",
            traffic: {},
        },
    };
    const state: EndpointTrafficState = {
        endpointId: id,
        traffic: { "blue-abc123": 90, "green-def456": 10 },
        mirrorTraffic: {},
        revision: "r1",
    };
    const provider = (http: ReturnType<typeof fakeEndpointArm>["http"]) =>
        endpointTrafficProvider({ token: async () => "tok", http, pollMs: 1, timeoutMs: 5_000 });

    it("reads the endpoint and PUTs it back whole, only the traffic changed, then waits for the operation", async () => {
        const arm = fakeEndpointArm(structuredClone(deployed));
        await provider(arm.http).create!(state);
        assert.deepEqual(
            arm.requests.map((r) => r.method + " " + r.url.split("?")[0]),
            [`GET https://management.azure.com${id}`, `PUT https://management.azure.com${id}`, "GET https://op/1"],
        );
        assert.match(arm.requests[1].url, /api-version=2025-12-01$/);
        const body = arm.requests[1].body!;
        assert.deepEqual(body, {
            location: "westeurope",
            tags: { "managed-by": "custom-ai-on-azure" },
            identity: { type: "SystemAssigned" },
            properties: {
                authMode: "AADToken",
                publicNetworkAccess: "Enabled",
                traffic: { "blue-abc123": 90, "green-def456": 10 },
                mirrorTraffic: {},
            },
        });
    });

    it("retries while the endpoint is busy (409), and fails on a missing endpoint", async () => {
        const arm = fakeEndpointArm(structuredClone(deployed), { conflicts: 2 });
        await provider(arm.http).update!(id, state, { ...state, traffic: { "green-def456": 100 } });
        assert.equal(arm.requests.filter((r) => r.method === "PUT").length, 3);
        assert.deepEqual((arm.current()!.properties as { traffic: object }).traffic, { "green-def456": 100 });
        await assert.rejects(provider(fakeEndpointArm(undefined).http).create!(state), /not found/);
    });

    it("on delete, takes every deployment out of live and mirrored traffic, and accepts an endpoint already gone", async () => {
        const arm = fakeEndpointArm(structuredClone(deployed));
        await provider(arm.http).delete!(id, { ...state, mirrorTraffic: { "green-def456": 10 } });
        const props = arm.current()!.properties as { traffic: object; mirrorTraffic: object };
        assert.deepEqual(props.traffic, { "blue-abc123": 0, "green-def456": 0 });
        assert.deepEqual(props.mirrorTraffic, {});
        await provider(fakeEndpointArm(undefined).http).delete!(id, state);
    });

    it("diffs: a new split or a new endpoint revision rewrites it; a new endpoint replaces it", async () => {
        const p = provider(fakeEndpointArm(deployed).http);
        assert.deepEqual(await p.diff!(id, state, state), { changes: false, replaces: [] });
        assert.deepEqual(await p.diff!(id, state, { ...state, revision: "r2" }), { changes: true, replaces: [] });
        assert.deepEqual(await p.diff!(id, state, { ...state, endpointId: `${id}2` }), {
            changes: true,
            replaces: ["endpointId"],
        });
        const body = trafficPutBody(
            {
                location: "l",
                identity: { type: "UserAssigned", userAssignedIdentities: { "/uai": { principalId: "x" } } },
            },
            {},
            {},
        );
        assert.deepEqual(body.identity, { type: "UserAssigned", userAssignedIdentities: { "/uai": {} } });
    });
});
