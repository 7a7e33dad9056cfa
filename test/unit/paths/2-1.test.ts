import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import {
    CONFIG_CHECKS,
    CONFIG_SPEC,
    DEFAULT_ENVIRONMENT,
    invokeCommand,
    program,
    SAMPLE_REQUEST,
} from "../../../programs/2-1/program";
import { SAMPLE_CODE_DIR, SAMPLE_MODEL } from "../../../programs/shared";
import { MockRecorder } from "../../harness/mocks";
import { withBaseStack } from "../../harness/platform-stack";
import { configFaults, loadExampleConfig, rejectsConfig, runProgram } from "../../harness/programs";
import { BLOB_FILES, mockDatastore } from "../../harness/run-targets";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/2-1");
const ROOT = path.join(__dirname, "../../..");
const ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint";
const DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment";
const AUTOSCALE = "azure-native:monitor:AutoscaleSetting";
const TRAFFIC = "pulumi-nodejs:dynamic/customai:EndpointTraffic";
const ROLE = "azure-native:authorization:RoleAssignment";
const SCORER = "00000000-0000-0000-0000-00000000b0b0";

/** What Azure ML answers for the default datastore and the endpoint's computed URIs. */
function azureMl(recorder: MockRecorder): void {
    mockDatastore(recorder, { accountName: "stscoredev", container: "azureml-blobstore-0000" });
    recorder.onCall("azure-native:machinelearningservices:listOnlineEndpointKeys", () => ({
        primaryKey: "primary-key-value",
        secondaryKey: "secondary-key-value",
    }));
    recorder.outputsFor(ENDPOINT, (inputs) => ({
        properties: {
            scoringUri: `https://${inputs.endpointName}.westeurope.inference.ml.azure.com/score`,
            swaggerUri: `https://${inputs.endpointName}.westeurope.inference.ml.azure.com/swagger.json`,
        },
    }));
}

describe("programs/2-1 (real-time ML scoring)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example: a token-auth endpoint, the sample model on one blue instance, all traffic on it once it exists", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {}, azureMl);
        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-score-dev");
        assert.equal(recorder.count("azure-native:machinelearningservices:Workspace"), 1, "its own platform");

        const endpoint = recorder.one(ENDPOINT);
        assert.equal(endpoint.inputs.properties.authMode, "AADToken");
        assert.equal(endpoint.inputs.properties.traffic, undefined, "no traffic before the deployments exist");
        assert.deepEqual(endpoint.inputs.identity, { type: "SystemAssigned" });
        assert.equal(
            endpoint.inputs.workspaceName,
            recorder.one("azure-native:machinelearningservices:Workspace").inputs.workspaceName,
        );

        const deployment = recorder.one(DEPLOYMENT);
        const p = deployment.inputs.properties;
        assert.equal(p.instanceType, "Standard_DS2_v2");
        assert.deepEqual(deployment.inputs.sku, { name: "Default", capacity: 1 });
        assert.equal(p.appInsightsEnabled, true);
        assert.equal(p.environmentId, DEFAULT_ENVIRONMENT);
        assert.equal(p.codeConfiguration.scoringScript, "online_score.py");
        assert.equal(p.codeConfiguration.codeId, recorder.one("azure-native:machinelearningservices:CodeVersion").id);
        assert.equal(p.model, recorder.one("azure-native:machinelearningservices:ModelVersion").id);
        assert.equal(
            recorder.count("azure-native:machinelearningservices:EnvironmentVersion"),
            0,
            "curated, not registered",
        );
        assert.equal(recorder.count(AUTOSCALE), 0);
        for (const r of [endpoint, deployment]) assert.equal(r.inputs.tags.path, "2-1");

        const traffic = recorder.one(TRAFFIC);
        assert.deepEqual(traffic.inputs.traffic, { [deployment.inputs.deploymentName]: 100 });
        assert.deepEqual(traffic.inputs.mirrorTraffic, {});
        assert.ok(
            traffic.options.dependencies.some((urn) => urn.endsWith(`::${deployment.name}`)),
            "the traffic is set only after the deployment exists",
        );

        // The sample code and model go to the default datastore's container, uploaded by the deployer it grants.
        const uploads = recorder.ofType(BLOB_FILES);
        assert.equal(uploads.length, 2);
        for (const u of uploads) assert.equal(u.inputs.container, "azureml-blobstore-0000");
        const grant = recorder.named("score-dev-upload-grant");
        assert.equal(grant.inputs.principalId, "mock-object", "the identity running pulumi up");
        assert.equal(grant.inputs.principalType, "User", "deployerPrincipalType's default");
        assert.equal(
            grant.inputs.scope,
            `${recorder.one("azure-native:storage:StorageAccount").id}/blobServices/default/containers/azureml-blobstore-0000`,
            "the datastore's container only",
        );
        assert.equal(grant.inputs.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.StorageBlobDataContributor);
        for (const u of uploads) {
            assert.ok(
                u.options.dependencies.some((urn) => urn.endsWith("::score-dev-upload-grant")),
                `${u.name} waits for the grant: ${u.options.dependencies.join(", ")}`,
            );
        }

        const diag = recorder
            .ofType("azure-native:monitor:DiagnosticSetting")
            .find((d) => d.inputs.resourceUri === endpoint.id);
        assert.ok(diag, "the endpoint's logs go to Log Analytics");

        assert.equal(outputs.authMode, "AADToken");
        assert.equal(
            outputs.scoringUri,
            `https://${endpoint.inputs.endpointName}.westeurope.inference.ml.azure.com/score`,
        );
        assert.match(String(outputs.swaggerUri), /swagger\.json$/);
        assert.deepEqual(outputs.deployments, { blue: deployment.inputs.deploymentName });
        assert.match(String(outputs.invokeCommand), /az account get-access-token --resource https:\/\/ml\.azure\.com/);
        assert.ok(String(outputs.invokeCommand).includes(String(outputs.scoringUri)));
        assert.equal(outputs.primaryKey, undefined, "no keys with token auth");
        assert.deepEqual(secretOutputs, ["appInsightsConnectionString"]);
    });

    it("with key auth, exports the keys as secrets only", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(
            program,
            example,
            { authMode: "Key", deployerPrincipalType: "ServicePrincipal" },
            azureMl,
        );
        assert.equal(recorder.named("score-dev-upload-grant").inputs.principalType, "ServicePrincipal");
        assert.equal(recorder.one(ENDPOINT).inputs.properties.authMode, "Key");
        assert.equal(outputs.primaryKey, "primary-key-value");
        assert.deepEqual([...secretOutputs].sort(), ["appInsightsConnectionString", "primaryKey", "secondaryKey"]);
        assert.match(String(outputs.invokeCommand), /pulumi stack output primaryKey --show-secrets/);
        assert.equal(outputs.tokenCommand, undefined);
    });

    it("runs blue/green with a split, mirrors traffic to green, autoscales both and lets scorers call it", async () => {
        const { recorder, outputs } = await runProgram(
            program,
            example,
            {
                greenDeployment: "true",
                greenSettings: '{"instanceType": "Standard_F4s_v2", "modelPath": "models/churn-v2/model.json"}',
                traffic: '{"blue": 100, "green": 0}',
                mirrorTraffic: '{"green": 20}',
                autoscale: "true",
                autoscaleMinInstances: "1",
                autoscaleMaxInstances: "4",
                scorerPrincipalIds: `["${SCORER}"]`,
            },
            azureMl,
        );
        const deployments = Object.fromEntries(recorder.ofType(DEPLOYMENT).map((d) => [d.name, d]));
        const blue = deployments["score-dev-blue-deployment"];
        const green = deployments["score-dev-green-deployment"];
        assert.equal(green.inputs.properties.instanceType, "Standard_F4s_v2");
        assert.notEqual(green.inputs.deploymentName.split("-").pop(), blue.inputs.deploymentName.split("-").pop());
        const models = recorder.ofType("azure-native:machinelearningservices:ModelVersion");
        assert.equal(models.length, 2, "green serves its own model");
        assert.equal(green.inputs.properties.model, recorder.named("score-dev-green-model-version").id);

        const traffic = recorder.one(TRAFFIC);
        assert.deepEqual(traffic.inputs.traffic, {
            [blue.inputs.deploymentName]: 100,
            [green.inputs.deploymentName]: 0,
        });
        assert.deepEqual(traffic.inputs.mirrorTraffic, { [green.inputs.deploymentName]: 20 });
        for (const d of [blue, green]) assert.ok(traffic.options.dependencies.some((u) => u.endsWith(`::${d.name}`)));
        assert.deepEqual(outputs.mirrorTraffic, { [green.inputs.deploymentName]: 20 });

        const scales = recorder.ofType(AUTOSCALE).map((s) => s.inputs);
        assert.deepEqual(scales.map((s) => s.targetResourceUri).sort(), [blue.id, green.id].sort());
        for (const s of scales) {
            assert.deepEqual(s.profiles[0].capacity, { minimum: "1", maximum: "4", default: "1" });
            assert.equal(s.profiles[0].rules[0].metricTrigger.metricName, "CpuUtilizationPercentage");
        }
        for (const d of [blue, green]) assert.deepEqual(d.options.ignoreChanges, ["sku.capacity"]);

        const scorer = recorder.ofType(ROLE).find((r) => r.inputs.principalId === SCORER)!;
        assert.equal(scorer.inputs.scope, recorder.one(ENDPOINT).id, "scoring on this endpoint only");
        assert.equal(scorer.inputs.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.AzureMLDataScientist);
    });

    it("builds on an existing platform stack, serving a registered model", async () => {
        const { recorder, outputs } = await runProgram(
            program,
            example,
            {
                platformStack: "org/customai-platform/prod",
                modelAssetId: "azureml:churn:4",
                grantDeployerUpload: "false",
            },
            (r) => {
                azureMl(r);
                withBaseStack()(r);
            },
        );
        for (const type of ["azure-native:resources:ResourceGroup", "azure-native:machinelearningservices:Workspace"]) {
            assert.equal(recorder.count(type), 0, `${type} comes from the base stack`);
        }
        const endpoint = recorder.one(ENDPOINT).inputs;
        assert.equal(endpoint.resourceGroupName, "rg-ml-prod");
        assert.equal(endpoint.workspaceName, "mlw-ml-prod-abc123");
        assert.equal(endpoint.location, "northeurope");
        assert.equal(recorder.one(DEPLOYMENT).inputs.properties.model, "azureml:churn:4");
        assert.equal(recorder.count("azure-native:machinelearningservices:ModelVersion"), 0);
        assert.equal(recorder.count(BLOB_FILES), 1, "only the code is uploaded");
        assert.equal(recorder.count(ROLE), 0, "no upload grant when turned off");
        assert.equal(outputs.workspaceName, "mlw-ml-prod-abc123");
    });

    it("makes a new instance type a new deployment name, so the traffic follows it", async () => {
        const run = async (instanceType: string) =>
            (await runProgram(program, example, { instanceType }, azureMl)).recorder.one(TRAFFIC).inputs.traffic;
        const before = Object.keys(await run("Standard_DS2_v2"));
        const after = Object.keys(await run("Standard_DS3_v2"));
        assert.equal(before.length, 1);
        assert.notDeepEqual(after, before, "the traffic names the new deployment");
        assert.match(after[0], /^blue-/);
    });

    // The value as the message shows it: the given text unless the fifth column names the part at fault.
    const withGreen = { greenDeployment: "true" };
    const withAutoscale = { autoscale: "true" };
    rejectsConfig(CONFIG_SPEC, CONFIG_CHECKS, [
        ["authMode", "AMLToken", /one of "AADToken", "Key"/],
        ["instanceType", "Standard_D4s_v5", /managed online endpoints SKU list/],
        ["instanceType", "Standard_NC6s_v3", /retired/],
        ["instanceCount", "0", /1 to 50/],
        ["requestTimeoutMs", "200000", /1 to 180000/],
        ["traffic", '{"blue": 90}', /summing to 100/, {}, '{"blue":90}'],
        ["traffic", '{"blue": 90, "green": 10}', /one of the deployments \(blue\)/, {}, '"green"'],
        ["mirrorTraffic", '{"green": 60}', /0 to 50/, withGreen, "60"],
        ["mirrorTraffic", '{"blue": 10}', /live or mirrored/, {}, '"blue"'],
        ["livenessProbe", '{"successThreshold": 2}', /fixes it for liveness/, {}, "2"],
        ["readinessProbe", '{"periodSecs": 5}', /did you mean "periodSeconds"/, {}, "5"],
        ["autoscaleMaxInstances", "0", /1 to 50/, withAutoscale],
        ["autoscaleMetric", "memory", /one of "cpu", "latency"/, withAutoscale],
        ["autoscaleScaleInBelow", "80", /below scaleOutAbove \(70\)/, withAutoscale],
        ["autoscaleMinInstances", "2", /only used with autoscale: true/],
        [
            "greenSettings",
            '{"instanceTyp": "Standard_F4s_v2"}',
            /did you mean "instanceType"/,
            withGreen,
            '"Standard_F4s_v2"',
        ],
        ["greenSettings", '{"instanceType": "Standard_B2s"}', /SKU list/, withGreen, '"Standard_B2s"'],
        ["modelAssetId", "churn", /azureml:<name>:<version>/],
        ["modelPath", "../models/x.json", /no '\.\.'/],
        ["scorerPrincipalIds", '["alice"]', /Entra object id/, {}, '"alice"'],
        ["scorerPrincipalIds", `["${SCORER}"]`, /only used with authMode "AADToken"/, { authMode: "Key" }, SCORER],
        [
            "environmentCondaFile",
            "/no/such/conda.yml",
            /existing local conda file/,
            { environmentImage: "mcr.microsoft.com/azureml/x:1" },
        ],
        ["codeDir", "/no/such/folder", /existing local folder/],
        ["deployerPrincipalType", "Group", /one of "User", "ServicePrincipal"/],
        [
            "deployerPrincipalType",
            "ServicePrincipal",
            /only used with grantDeployerUpload: true/,
            { grantDeployerUpload: "false" },
        ],
    ]);

    it("refuses both model keys at once, and green's keys without greenDeployment", () => {
        const fieldsOf = configFaults(CONFIG_SPEC, CONFIG_CHECKS);
        assert.deepEqual(fieldsOf({ modelAssetId: "azureml:m:1", modelPath: "models/m" }), [
            "modelAssetId",
            "modelPath",
        ]);
        assert.deepEqual(fieldsOf({ greenSettings: '{"instanceCount": 2}' }), ["greenSettings"]);
        assert.deepEqual(
            fieldsOf({ traffic: '{"blue": 100}', autoscaleMinInstances: "1" }),
            [],
            "defaults are fine anywhere",
        );
        assert.deepEqual(fieldsOf({ platformStack: "org/customai-platform/prod", registry: "false" }), ["registry"]);
    });

    it("builds the call with a token or a key", () => {
        assert.equal(
            invokeCommand("https://ep.westeurope.inference.ml.azure.com/score", "AADToken"),
            'curl -sS -X POST "https://ep.westeurope.inference.ml.azure.com/score" -H "Authorization: Bearer ' +
                '$(az account get-access-token --resource https://ml.azure.com --query accessToken -o tsv)" ' +
                '-H "Content-Type: application/json" -d @sample-request.json',
        );
    });
});

/** Runs the sample scoring script as the inference server would: init() once, run(body) per request. */
function score(modelDir: string, body: string): { status: number; out: string; err: string } {
    const driver = [
        "import json, os, sys",
        `sys.path.insert(0, ${JSON.stringify(SAMPLE_CODE_DIR)})`,
        "import online_score",
        "online_score.init()",
        "print(json.dumps(online_score.run(sys.stdin.read())))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", driver], {
        input: body,
        encoding: "utf8",
        env: { ...process.env, AZUREML_MODEL_DIR: modelDir },
    });
    return { status: run.status ?? -1, out: run.stdout, err: run.stderr };
}

interface LogRegModel {
    features: string[];
    coefficients: number[];
    intercept: number;
    threshold: number;
}

describe("programs/2-1 sample scoring script", function () {
    this.timeout(60_000);
    let dir: string;
    let model: LogRegModel;
    let rows: Record<string, string>[];

    before(function () {
        if (spawnSync("python3", ["--version"]).status !== 0) {
            console.log("      skipped: python3 is not on PATH");
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "score-2-1-"));
        const gen = spawnSync(
            "python3",
            [path.join(ROOT, "automation/sample/generate.py"), "--out", dir, "--rows", "40", "--seed", "11"],
            { encoding: "utf8" },
        );
        assert.equal(gen.status, 0, gen.stderr);
        model = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8")) as LogRegModel;
        const [header, ...lines] = fs.readFileSync(path.join(dir, "data.csv"), "utf8").trim().split("\n");
        const names = header.split(",");
        rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [names[i], v])));
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    const expected = (row: Record<string, string>) => {
        const z =
            model.intercept + model.features.reduce((sum, f, i) => sum + model.coefficients[i] * Number(row[f]), 0);
        return 1 / (1 + Math.exp(-z));
    };

    it("scores generated rows as the logistic regression says, with predictions that match the labels mostly", () => {
        const data = rows.map((r) => ({
            id: r.id,
            ...Object.fromEntries(model.features.map((f) => [f, Number(r[f])])),
        }));
        const result = score(dir, JSON.stringify({ data }));
        assert.equal(result.status, 0, result.err);
        const answer = JSON.parse(result.out.trim().split("\n").pop()!) as {
            model: string;
            predictions: { id: string; score: number; prediction: number }[];
        };
        assert.equal(answer.model, "churn-sample");
        assert.equal(answer.predictions.length, rows.length);
        let agree = 0;
        answer.predictions.forEach((p, i) => {
            assert.equal(p.id, rows[i].id);
            assert.ok(Math.abs(p.score - expected(rows[i])) < 1e-6, `${p.id}: ${p.score} vs ${expected(rows[i])}`);
            assert.equal(p.prediction, p.score >= model.threshold ? 1 : 0);
            if (String(p.prediction) === rows[i].label) agree++;
        });
        // The labels follow the model plus noise: most, not all, agree.
        assert.ok(agree / rows.length > 0.7, `agreement ${agree}/${rows.length}`);
        assert.ok(new Set(answer.predictions.map((p) => p.prediction)).size === 2, "both classes occur");
    });

    it("takes rows as lists in the model's feature order, and finds the model in a nested folder", () => {
        const nested = path.join(dir, "nested", "churn", "1");
        fs.mkdirSync(nested, { recursive: true });
        fs.copyFileSync(path.join(dir, "model.json"), path.join(nested, "model.json"));
        const row = rows[0];
        const result = score(
            path.join(dir, "nested"),
            JSON.stringify({ data: [model.features.map((f) => Number(row[f]))] }),
        );
        assert.equal(result.status, 0, result.err);
        const answer = JSON.parse(result.out.trim().split("\n").pop()!) as { predictions: { score: number }[] };
        assert.ok(Math.abs(answer.predictions[0].score - expected(row)) < 1e-6);
    });

    it("fails a bad request with a message naming the row and the field", () => {
        const result = score(dir, JSON.stringify({ data: [{ id: "x", tenure_months: "twelve" }] }));
        assert.notEqual(result.status, 0);
        assert.match(result.err, /data\[0\]: missing feature\(s\) monthly_charges, support_calls, late_payments/);
        const bad = score(
            dir,
            JSON.stringify({
                data: [{ ...Object.fromEntries(model.features.map((f) => [f, 1])), support_calls: "x" }],
            }),
        );
        assert.match(bad.err, /data\[0\]: support_calls: a finite number, got 'x'/);
    });

    it("serves the committed sample model, which is generate.py's, and the sample request scores", () => {
        const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "gen-2-1-"));
        const gen = spawnSync("python3", [
            path.join(ROOT, "automation/sample/generate.py"),
            "--out",
            fresh,
            "--rows",
            "1",
        ]);
        assert.equal(gen.status, 0);
        assert.deepEqual(
            JSON.parse(fs.readFileSync(SAMPLE_MODEL, "utf8")),
            JSON.parse(fs.readFileSync(path.join(fresh, "model.json"), "utf8")),
        );
        fs.rmSync(fresh, { recursive: true });
        const result = score(path.dirname(SAMPLE_MODEL), fs.readFileSync(SAMPLE_REQUEST, "utf8"));
        assert.equal(result.status, 0, result.err);
        const ids = (
            JSON.parse(result.out.trim().split("\n").pop()!) as { predictions: { id: string }[] }
        ).predictions.map((p) => p.id);
        assert.deepEqual(ids, ["c000000", "c000001", "c000002"]);
    });
});
