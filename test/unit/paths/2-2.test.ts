import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createAmlTarget, ResolvedAmlSection } from "../../../automation/targets/aml";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { CONFIG_CHECKS, CONFIG_SPEC, program } from "../../../programs/2-2/program";
import { MockRecorder, settle, useMocks } from "../../harness/mocks";
import { BASE_OUTPUTS, STACK_REF, withBaseStack } from "../../harness/platform-stack";
import { loadExampleConfig, rejectsConfig, runProgram } from "../../harness/programs";
import { BLOB_FILES, mockDatastore, specOfFile, targetContext } from "../../harness/run-targets";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/2-2");
const SAMPLE_DIR = path.join(__dirname, "../../../automation/sample");
const COMPUTE = "azure-native:machinelearningservices:Compute";
const ENDPOINT = "azure-native:machinelearningservices:BatchEndpoint";
const DEPLOYMENT = "azure-native:machinelearningservices:BatchDeployment";
const ROUTING = "pulumi-nodejs:dynamic/customai:EndpointRouting";
const ROLE = "azure-native:authorization:RoleAssignment";
const CONTAINER = "azureml-blobstore-0000";

/** What Azure ML answers for the default datastore and the endpoint's URI; uploads answer with their URLs. */
function azureMl(recorder: MockRecorder): void {
    mockDatastore(recorder, { accountName: "stbatchdev", container: CONTAINER });
    recorder.outputsFor(ENDPOINT, (inputs) => ({
        properties: { scoringUri: `https://${inputs.endpointName}.westeurope.inference.ml.azure.com/jobs` },
    }));
}

describe("programs/2-2 (batch ML scoring)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example: a token-only batch endpoint on a CPU cluster from 0, its deployment made default once it exists", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {}, azureMl);
        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-batch-dev");
        const compute = recorder.one(COMPUTE);
        const cluster = compute.inputs.properties.properties;
        assert.equal(cluster.vmSize, "Standard_D4s_v5");
        assert.equal(cluster.vmPriority, "Dedicated");
        assert.equal(cluster.scaleSettings.minNodeCount, 0);

        const endpoint = recorder.one(ENDPOINT);
        assert.equal(endpoint.inputs.properties.authMode, "AADToken");
        assert.equal(endpoint.inputs.properties.defaults, undefined, "no default before the deployment exists");
        assert.ok(endpoint.options.ignoreChanges?.includes("properties.defaults"));
        assert.equal(endpoint.inputs.tags.path, "2-2");

        const deployment = recorder.one(DEPLOYMENT);
        const props = deployment.inputs.properties;
        assert.equal(deployment.inputs.endpointName, endpoint.inputs.endpointName);
        assert.equal(deployment.inputs.deploymentName, "score");
        assert.equal(props.compute, compute.id);
        assert.equal(props.miniBatchSize, 10);
        assert.equal(props.maxConcurrencyPerInstance, 1);
        assert.deepEqual(props.resources, { instanceCount: 1 });
        assert.deepEqual(props.retrySettings, { maxRetries: 3, timeout: "PT300S" });
        assert.equal(props.errorThreshold, 0);
        assert.equal(props.outputAction, "AppendRow");
        assert.equal(props.outputFileName, "predictions.csv");
        assert.equal(props.codeConfiguration.scoringScript, "batch_score.py");
        assert.equal(props.model.referenceType, "Id");
        assert.equal(props.model.assetId, recorder.one("azure-native:machinelearningservices:ModelVersion").id);
        assert.equal(
            props.codeConfiguration.codeId,
            recorder.one("azure-native:machinelearningservices:CodeVersion").id,
        );
        assert.equal(props.environmentId, "azureml://registries/azureml/environments/sklearn-1.5/labels/latest");

        // The default is written after the deployment, naming it.
        const routing = recorder.one(ROUTING);
        assert.deepEqual(routing.inputs.routing, { defaults: { deploymentName: "score" } });
        assert.equal(routing.inputs.endpointId, endpoint.id);
        assert.ok(
            routing.options.dependencies.some((urn) => urn.endsWith(`::${deployment.name}`)),
            "after the deployment",
        );

        // The sample's code folder and model went to the default datastore's container.
        const uploads = recorder.ofType(BLOB_FILES).map((r) => r.inputs);
        assert.ok(uploads.every((u) => u.container === CONTAINER));
        const code = uploads.find((u) => Object.keys(u.files).some((f) => f.endsWith("batch_score.py")));
        assert.deepEqual(
            Object.keys(code!.files).sort(),
            ["code/batch_score.py", "code/score.py"],
            "the script and score.py, which it imports; not the rest of the sample folder",
        );

        // Grants: the nodes' identity on storage and registry; the deployer on the upload container only.
        const principal = `principal-${compute.inputs.computeName}`;
        const grants = recorder.ofType(ROLE).map((r) => r.inputs);
        const storageId = recorder.one("azure-native:storage:StorageAccount").id;
        assert.deepEqual(
            grants
                .filter((g) => g.principalId === principal)
                .map((g) => [g.roleDefinitionId.split("/").pop(), g.scope])
                .sort(),
            [
                [BUILT_IN_ROLES.AcrPull, recorder.one("azure-native:containerregistry:Registry").id],
                [BUILT_IN_ROLES.StorageBlobDataContributor, storageId],
            ].sort(),
        );
        const deployer = grants.find((g) => g.principalId === "mock-object");
        assert.equal(deployer?.scope, `${storageId}/blobServices/default/containers/${CONTAINER}`);
        assert.equal(deployer?.principalType, "User");

        for (const key of Object.keys(BASE_OUTPUTS)) assert.ok(key in outputs, `exports ${key}`);
        assert.equal(outputs.deploymentName, "score");
        assert.match(String(outputs.invokeCommand), /^az ml batch-endpoint invoke --name \S+ -g rg-batch-dev -w /);
        assert.deepEqual(secretOutputs, ["appInsightsConnectionString"]);
    });

    it("builds on a platform stack, serving a registered model with a Spot cluster and no upload grant", async () => {
        const { recorder } = await runProgram(
            program,
            example,
            {
                platformStack: "org/customai-platform/prod",
                modelAssetId: "azureml:churn-model:3",
                vmPriority: "LowPriority",
                grantDeployerUpload: "false",
                miniBatchSize: "50",
                outputAction: "SummaryOnly",
            },
            (r) => {
                withBaseStack()(r);
                azureMl(r);
            },
        );
        assert.equal(recorder.one(STACK_REF).inputs.name, "org/customai-platform/prod");
        assert.equal(recorder.count("azure-native:machinelearningservices:Workspace"), 0);
        assert.equal(recorder.count("azure-native:machinelearningservices:ModelVersion"), 0, "the model exists");
        const props = recorder.one(DEPLOYMENT).inputs.properties;
        assert.equal(props.model.assetId, "azureml:churn-model:3");
        assert.equal(props.miniBatchSize, 50);
        assert.equal(props.outputAction, "SummaryOnly");
        assert.equal(recorder.one(COMPUTE).inputs.properties.properties.vmPriority, "LowPriority");
        assert.ok(!recorder.ofType(ROLE).some((r) => r.inputs.principalId === "mock-object"), "no deployer grant");
    });

    it("uploads a code folder of your own without what Python compiled there", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "code-"));
        try {
            fs.writeFileSync(path.join(dir, "batch_score.py"), "def init(): pass\n");
            fs.mkdirSync(path.join(dir, "__pycache__"));
            fs.writeFileSync(path.join(dir, "__pycache__", "batch_score.cpython-311.pyc"), "x");
            const { recorder } = await runProgram(program, example, { codeDir: dir }, azureMl);
            const uploads = recorder.ofType(BLOB_FILES).map((r) => r.inputs);
            const code = uploads.find((u) => Object.keys(u.files).some((f) => f.endsWith("batch_score.py")));
            assert.deepEqual(Object.keys(code!.files), ["code/batch_score.py"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    rejectsConfig(CONFIG_SPEC, CONFIG_CHECKS, [
        ["miniBatchSize", "0", /1 to 10000/],
        ["maxConcurrencyPerInstance", "100", /1 to 64/],
        ["instanceCount", "3", /at most the cluster's maxNodes \(2\)/],
        ["maxRetries", "11", /0 to 10/],
        ["miniBatchTimeoutSeconds", "10", /30 to 86400/],
        ["errorThreshold", "-2", /-1 \(tolerate every failure\)/],
        ["outputAction", "append_row", /one of AppendRow, SummaryOnly/],
        ["outputFileName", "out/predictions.csv", /a file name/],
        ["loggingLevel", "Verbose", /one of Warning, Info, Debug/],
        ["endpointName", "1-batch", /letter/],
        ["scoringScript", "../batch.py", /\.py path inside the code folder/],
        ["modelAssetId", "churn", /azureml:<name>:<version>/],
        ["vmSize", "Standard_NC6", /retired/],
        ["deployerPrincipalType", "Group", /one of "User", "ServicePrincipal"/],
    ]);
});

describe("the sample's batch scoring script (local python)", () => {
    it("scores every file of a mini-batch as score.py does, one line per row, with the file's name", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batch-score-"));
        try {
            execFileSync("python3", [
                path.join(SAMPLE_DIR, "generate.py"),
                "--out",
                dir,
                "--rows",
                "60",
                "--seed",
                "5",
            ]);
            const [header, ...rows] = fs.readFileSync(path.join(dir, "data.csv"), "utf8").trim().split("\n");
            fs.mkdirSync(path.join(dir, "in"));
            fs.writeFileSync(path.join(dir, "in", "a.csv"), [header, ...rows.slice(0, 25)].join("\n"));
            fs.writeFileSync(path.join(dir, "in", "b.csv"), [header, ...rows.slice(25)].join("\n"));
            fs.mkdirSync(path.join(dir, "model-dir", "nested"), { recursive: true });
            fs.copyFileSync(path.join(dir, "model.json"), path.join(dir, "model-dir", "nested", "model.json"));
            const lines = execFileSync(
                "python3",
                [
                    "-c",
                    "import json, sys, batch_score as b; b.init(); print(json.dumps(b.run(sys.argv[1:])))",
                    path.join(dir, "in", "a.csv"),
                    path.join(dir, "in", "b.csv"),
                ],
                {
                    cwd: SAMPLE_DIR,
                    env: {
                        ...process.env,
                        AZUREML_MODEL_DIR: path.join(dir, "model-dir"),
                        PYTHONDONTWRITEBYTECODE: "1",
                    },
                },
            ).toString();
            const returned = JSON.parse(lines) as string[];
            execFileSync("python3", [
                path.join(SAMPLE_DIR, "score.py"),
                "--model",
                path.join(dir, "model.json"),
                "--input",
                path.join(dir, "data.csv"),
                "--output-dir",
                path.join(dir, "out"),
            ]);
            const reference = fs
                .readFileSync(path.join(dir, "out", "predictions.csv"), "utf8")
                .trim()
                .split("\n")
                .slice(1);
            assert.equal(returned.length, 60);
            assert.deepEqual(
                returned.map((l) => l.split(",").slice(1).join(",")),
                reference,
                "the same scores as score.py",
            );
            assert.deepEqual([...new Set(returned.map((l) => l.split(",")[0]))], ["a.csv", "b.csv"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("programs/2-2 nightly.run.json on the aml target, under mocks of Azure", () => {
    it("is valid and makes a run stack of a CPU cluster and a job scoring the night's folder", async () => {
        const spec = specOfFile<ResolvedAmlSection>(path.join(PROGRAM_DIR, "nightly.run.json"));
        const stack = "nightly-batch-scoring-20261203t020000z";
        const recorder = await useMocks("customai-runs", stack);
        withBaseStack()(recorder);
        azureMl(recorder);
        await createAmlTarget().program(targetContext(spec, stack, "/tmp/unused"))();
        await settle(recorder);
        assert.equal(recorder.one(STACK_REF).inputs.name, "organization/customai-2-2/dev");
        const cluster = recorder.one(COMPUTE).inputs.properties.properties;
        assert.equal(cluster.vmSize, "Standard_D4s_v5");
        assert.equal(cluster.scaleSettings.maxNodeCount, 1);
        const job = recorder.one("azure-native:machinelearningservices:Job").inputs.properties;
        assert.equal(job.inputs.input.uri, "azureml://datastores/workspaceblobstore/paths/scoring/incoming/");
        assert.equal(job.inputs.model.uri, "azureml://datastores/workspaceblobstore/paths/models/sample/model.json");
        assert.match(job.command, /--input \$\{\{inputs\.input\}\} --output-dir \$\{\{outputs\.scores\}\}/);
    });
});
