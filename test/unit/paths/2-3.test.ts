import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import {
    buildCommand,
    CONFIG_CHECKS,
    CONFIG_SPEC,
    consumerWorkloads,
    program,
    sendCommand,
} from "../../../programs/2-3/program";
import { SAMPLE_CODE_DIR } from "../../../programs/shared";
import { RecordedResource, unwrapSecrets } from "../../harness/mocks";
import { BASE_OUTPUTS, withBaseStack } from "../../harness/platform-stack";
import { configFaults, loadExampleConfig, rejectsConfig, runProgram } from "../../harness/programs";
import { MANAGED_CLUSTER as CLUSTER, mockAksCluster as azure, OIDC_ISSUER as ISSUER } from "../../harness/aks";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/2-3");
const ROOT = path.join(__dirname, "../../..");
const UAMI = "azure-native:managedidentity:UserAssignedIdentity";
const CREDENTIAL = "azure-native:managedidentity:FederatedIdentityCredential";
const ROLE = "azure-native:authorization:RoleAssignment";
const NAMESPACE = "azure-native:eventhub:Namespace";
const HUB = "azure-native:eventhub:EventHub";
const CONTAINER = "azure-native:storage:BlobContainer";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const TRIGGER_AUTH = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication";
const K8S_PROVIDER = "pulumi:providers:kubernetes";
const ALICE = "11111111-2222-3333-4444-555555555555";

const spec = (r: RecordedResource) => unwrapSecrets(r.inputs);

describe("programs/2-3 (real-time scoring with high data parallelism)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example: Entra-only Event Hubs, consumers federated with their identity and KEDA's, scaled 0 to the partitions", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {}, azure);
        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-stream-dev");
        assert.equal(recorder.count("azure-native:machinelearningservices:Workspace"), 1, "its own platform");

        // The cluster runs KEDA as AKS's add-on, with workload identity.
        const cluster = recorder.one(CLUSTER).inputs;
        assert.deepEqual(cluster.workloadAutoScalerProfile, { keda: { enabled: true } });

        // Event Hubs: Entra tokens only, 4 partitions.
        const ns = recorder.one(NAMESPACE).inputs;
        assert.equal(ns.disableLocalAuth, true);
        assert.equal(ns.minimumTlsVersion, "1.2");
        assert.equal(ns.tags.path, "2-3");
        const hub = recorder.one(HUB);
        assert.equal(hub.inputs.partitionCount, 4);

        // KEDA scales the consumers from 0 to one per partition, on checkpoints in the platform's storage.
        const so = spec(recorder.one(SCALED_OBJECT));
        assert.equal(so.spec.minReplicaCount, 0);
        assert.equal(so.spec.maxReplicaCount, hub.inputs.partitionCount);
        const metadata = so.spec.triggers[0].metadata;
        assert.equal(metadata.eventHubNamespace, ns.namespaceName);
        assert.equal(metadata.eventHubName, "events");
        assert.equal(metadata.consumerGroup, "scoring");
        assert.equal(metadata.checkpointStrategy, "blobMetadata");
        const container = recorder.named("stream-dev-evhns-checkpoints");
        const account = recorder.one("azure-native:storage:StorageAccount");
        assert.equal(container.inputs.accountName, account.inputs.accountName, "the platform's storage account");
        assert.equal(metadata.storageAccountName, account.inputs.accountName);
        assert.equal(metadata.blobContainer, container.inputs.containerName);

        // Two identities: the consumers' (their pods and KEDA's operator) and the producer's.
        const identities = Object.fromEntries(recorder.ofType(UAMI).map((r) => [r.name, r]));
        const consumer = identities["stream-dev-consumer-id-id"];
        const producer = identities["stream-dev-producer-id-id"];
        assert.ok(consumer && producer, Object.keys(identities).join(", "));
        const clientOf = (r: RecordedResource) => `client-${r.inputs.resourceName}`;
        const principalOf = (r: RecordedResource) => `principal-${r.inputs.resourceName}`;

        // Federated: the consumers' service account and KEDA's operator to the consumer identity, one after the other.
        const credentials = recorder.ofType(CREDENTIAL);
        const bySubject: Record<string, RecordedResource> = Object.fromEntries(
            credentials.map((c) => [c.inputs.subject, c]),
        );
        assert.deepEqual(Object.keys(bySubject).sort(), [
            "system:serviceaccount:event-scoring:event-consumer",
            "system:serviceaccount:event-scoring:event-producer",
            "system:serviceaccount:kube-system:keda-operator",
        ]);
        for (const c of credentials) {
            assert.equal(c.inputs.issuer, ISSUER);
            assert.deepEqual(c.inputs.audiences, ["api://AzureADTokenExchange"]);
        }
        const keda = bySubject["system:serviceaccount:kube-system:keda-operator"];
        const consumerCredential = bySubject["system:serviceaccount:event-scoring:event-consumer"];
        assert.equal(keda.inputs.resourceName, consumer.inputs.resourceName);
        assert.equal(consumerCredential.inputs.resourceName, consumer.inputs.resourceName);
        assert.equal(
            bySubject["system:serviceaccount:event-scoring:event-producer"].inputs.resourceName,
            producer.inputs.resourceName,
        );
        assert.ok(
            keda.options.dependencies.some((u) => u.endsWith(`::${consumerCredential.name}`)),
            "credentials of one identity are written one at a time",
        );

        // Roles: receive on the hub and blob access on the checkpoint container only, send for the producer.
        const rolesOf = (principal: string) =>
            Object.fromEntries(
                recorder
                    .ofType(ROLE)
                    .filter((r) => r.inputs.principalId === principal)
                    .map((r) => [r.inputs.roleDefinitionId.split("/").pop(), r.inputs.scope]),
            );
        assert.deepEqual(rolesOf(principalOf(consumer)), {
            [BUILT_IN_ROLES.EventHubsDataReceiver]: hub.id,
            [BUILT_IN_ROLES.StorageBlobDataContributor]: container.id,
        });
        assert.deepEqual(rolesOf(principalOf(producer)), { [BUILT_IN_ROLES.EventHubsDataSender]: hub.id });

        // The Kubernetes half: the identity's client id on the ServiceAccount and in KEDA's TriggerAuthentication.
        const accounts = Object.fromEntries(
            recorder.ofType(SERVICE_ACCOUNT).map((r) => [spec(r).metadata.name, spec(r)]),
        );
        assert.equal(
            accounts["event-consumer"].metadata.annotations["azure.workload.identity/client-id"],
            clientOf(consumer),
        );
        assert.equal(
            accounts["event-producer"].metadata.annotations["azure.workload.identity/client-id"],
            clientOf(producer),
        );
        const auth = spec(recorder.one(TRIGGER_AUTH));
        assert.deepEqual(auth.spec.podIdentity, { provider: "azure-workload", identityId: clientOf(consumer) });
        const pod = spec(recorder.one(DEPLOYMENT)).spec.template;
        assert.equal(pod.metadata.labels["azure.workload.identity/use"], "true");
        const env = Object.fromEntries(
            pod.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
        );
        assert.equal(env.EVENTHUB_FULLY_QUALIFIED_NAMESPACE, `${ns.namespaceName}.servicebus.windows.net`);
        assert.equal(env.CHECKPOINT_CONTAINER, container.inputs.containerName);
        assert.equal(env.MAX_BATCH_SIZE, "100");
        assert.match(pod.spec.containers[0].image, /^cr[a-z0-9]+\.azurecr\.io\/event-consumer:1$/);
        // On the consumers' pool only, and in the cluster of the path.
        assert.deepEqual(pod.spec.nodeSelector, { "kubernetes.azure.com/agentpool": "cpu" });
        const provider = recorder.one(K8S_PROVIDER);
        for (const r of recorder.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
            assert.ok(r.provider.includes(`::${provider.name}::`), `${r.type} ${r.name} uses the cluster's provider`);
        }
        // The workloads start only once their identities are trusted and granted.
        const deployment = recorder.one(DEPLOYMENT);
        for (const needed of [
            consumerCredential,
            keda,
            ...recorder.ofType(ROLE).filter((r) => r.inputs.principalId === principalOf(consumer)),
        ]) {
            assert.ok(
                deployment.options.dependencies.some((u) => u.endsWith(`::${needed.name}`)),
                `waits for ${needed.name}: ${deployment.options.dependencies.join(" ")}`,
            );
        }

        assert.equal(outputs.fullyQualifiedNamespace, `${ns.namespaceName}.servicebus.windows.net`);
        assert.equal(outputs.eventHubName, "events");
        assert.equal(outputs.consumerGroup, "scoring");
        assert.equal(outputs.partitions, 4);
        assert.equal(outputs.maxConsumers, 4);
        assert.equal(outputs.producerClientId, clientOf(producer));
        assert.match(String(outputs.buildCommand), /^az acr build -r cr[a-z0-9]+ -t event-consumer:1 /);
        assert.ok(secretOutputs.includes("kubeconfig"), `secret outputs: ${secretOutputs.join(", ")}`);
    });

    it("lets people send, and keeps the consumers within the bounds given", async () => {
        const { recorder } = await runProgram(
            program,
            example,
            {
                senderPrincipalIds: `["${ALICE}"]`,
                partitions: "8",
                minConsumers: "1",
                maxConsumers: "6",
                unprocessedEventThreshold: "200",
                image: "myregistry.azurecr.io/event-consumer:2",
            },
            azure,
        );
        const alice = recorder.ofType(ROLE).filter((r) => r.inputs.principalId === ALICE);
        assert.equal(alice.length, 1);
        assert.equal(alice[0].inputs.principalType, "User");
        assert.equal(alice[0].inputs.scope, recorder.one(HUB).id);
        assert.equal(alice[0].inputs.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.EventHubsDataSender);
        const so = spec(recorder.one(SCALED_OBJECT)).spec;
        assert.equal(so.minReplicaCount, 1);
        assert.equal(so.maxReplicaCount, 6);
        assert.equal(so.triggers[0].metadata.unprocessedEventThreshold, "200");
        assert.equal(recorder.one(HUB).inputs.partitionCount, 8);
        assert.equal(
            spec(recorder.one(DEPLOYMENT)).spec.template.spec.containers[0].image,
            "myregistry.azurecr.io/event-consumer:2",
        );
    });

    it("builds on a platform base stack: checkpoints in its storage, the image in its registry, the rest in the path's group", async () => {
        const { recorder, outputs } = await runProgram(
            program,
            example,
            { platformStack: "org/customai-platform/prod" },
            (r) => {
                azure(r);
                withBaseStack()(r);
            },
        );
        assert.equal(recorder.count("azure-native:machinelearningservices:Workspace"), 0);
        assert.equal(recorder.count("azure-native:storage:StorageAccount"), 0);
        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-stream-dev");
        const container = recorder.one(CONTAINER).inputs;
        assert.equal(container.accountName, BASE_OUTPUTS.storageAccountName);
        assert.equal(container.resourceGroupName, BASE_OUTPUTS.resourceGroupName);
        assert.equal(recorder.one(NAMESPACE).inputs.resourceGroupName, "rg-stream-dev");
        const blob = recorder
            .ofType(ROLE)
            .find((r) => r.inputs.roleDefinitionId.endsWith(BUILT_IN_ROLES.StorageBlobDataContributor))!;
        assert.equal(blob.inputs.scope, recorder.one(CONTAINER).id, "the container, never the base stack's account");
        const pod = spec(recorder.one(DEPLOYMENT)).spec.template.spec;
        assert.equal(pod.containers[0].image, `${BASE_OUTPUTS.registryLoginServer}/event-consumer:1`);
        const env = Object.fromEntries(
            pod.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
        );
        assert.equal(env.CHECKPOINT_BLOB_ENDPOINT, BASE_OUTPUTS.blobEndpoint);
        assert.equal(
            spec(recorder.one(SCALED_OBJECT)).spec.triggers[0].metadata.storageAccountName,
            BASE_OUTPUTS.storageAccountName,
        );
        assert.equal(outputs.checkpointStorageAccount, BASE_OUTPUTS.storageAccountName);
    });

    it("creates the Kubernetes half alone from plain values, for any API server", async () => {
        const { recorder } = await runProgram(async () => {
            const provider = new (await import("@pulumi/kubernetes")).Provider("plain", { kubeconfig: "{}" });
            const { consumer, producerServiceAccount } = consumerWorkloads(
                "local",
                {
                    image: "registry.local/event-consumer:1",
                    identityClientId: "33333333-3333-3333-3333-333333333333",
                    producerClientId: "44444444-4444-4444-4444-444444444444",
                    fullyQualifiedNamespace: "evhns-local-abc123.servicebus.windows.net",
                    eventHubName: "events",
                    consumerGroup: "scoring",
                    storageAccountName: "stlocal123456",
                    checkpointContainer: "checkpoints-evhns-local-abc123",
                    partitions: 2,
                },
                provider,
            );
            return { subject: consumer.serviceAccountSubject, producer: producerServiceAccount?.metadata.name };
        }, example);
        assert.equal(
            recorder.resources.filter((r) => r.type.startsWith("azure-native")).length,
            0,
            "no Azure resource",
        );
        assert.equal(spec(recorder.one(SCALED_OBJECT)).spec.maxReplicaCount, 2);
        assert.equal(recorder.count(SERVICE_ACCOUNT), 2);
    });

    // The value as the message shows it: the given text unless the fifth column names the part at fault.
    rejectsConfig(CONFIG_SPEC, CONFIG_CHECKS, [
        ["maxConsumers", "5", /1 to the hub's partitions \(4\).*sit idle/],
        ["maxConsumers", "9", /partitions \(8\)/, { partitions: "8" }],
        ["minConsumers", "3", /at most the maximum \(2\)/, { maxConsumers: "2" }],
        ["partitions", "33", /1 to 32 \(the Standard tier's partitions per event hub\)/],
        ["retentionDays", "8", /1 to 7/],
        ["throughputUnits", "41", /throughput units, an integer from 1 to 40/],
        ["throughputUnits", "3", /processing units, one of 1, 2, 4, 8, 16/, { eventHubsSku: "Premium" }],
        ["maxThroughputUnits", "50", /capacity \(1\) to 40/, { autoInflate: "true" }],
        ["maxThroughputUnits", "4", /only used with autoInflate: true/],
        ["autoInflate", "true", /only on the Standard tier/, { eventHubsSku: "Premium", maxThroughputUnits: "2" }],
        ["eventHubsSku", "Basic", /one of Standard, Premium/],
        ["consumerGroup", "-scoring", /\$Default, or 1-50 letters/],
        ["unprocessedEventThreshold", "0", /above 0/],
        ["cooldownSeconds", "-1", /whole seconds from 0/],
        ["kubernetesNamespace", "Event_Scoring", /lowercase letters, digits and '-'/],
        ["image", "myregistry.azurecr.io/event-consumer:latest", /pinned by a tag other than latest/],
        ["maxBatchSize", "0", /1 to 1000/],
        ["senderPrincipalIds", '["alice"]', /Entra object id/, {}, '"alice"'],
        ["networkIsolation", "true", /public endpoint/],
        ["senderPrincipalType", "Group", /one of "User", "ServicePrincipal"/],
        ["senderPrincipalType", "ServicePrincipal", /only used with senderPrincipalIds/],
    ]);

    it("needs an image without a registry, and refuses platform keys with a base stack", () => {
        const fieldsOf = configFaults(CONFIG_SPEC, CONFIG_CHECKS);
        assert.deepEqual(fieldsOf({ registry: "false" }), ["image"]);
        assert.deepEqual(fieldsOf({ registry: "false", image: "myregistry.azurecr.io/event-consumer:1" }), []);
        assert.deepEqual(fieldsOf({ platformStack: "org/customai-platform/prod", registry: "false" }), ["registry"]);
        assert.deepEqual(fieldsOf({ maxConsumers: "4", minConsumers: "0" }), [], "the defaults are fine anywhere");
    });

    it("builds the commands that build the image and send sample events", () => {
        assert.equal(
            buildCommand("crstreamdev123456"),
            "az acr build -r crstreamdev123456 -t event-consumer:1 -f automation/sample/Dockerfile.event-consumer automation/sample",
        );
        assert.equal(
            sendCommand("evhns-x.servicebus.windows.net", "events"),
            "python3 automation/sample/event_producer.py --namespace evhns-x.servicebus.windows.net --hub events --rows 5000",
        );
    });
});

/** Runs Python code with the sample folder on the path and every `azure` import refused. */
function python(code: string, input?: string): { status: number; out: string; err: string } {
    const driver = [
        "import importlib.abc, sys",
        "class NoAzure(importlib.abc.MetaPathFinder):",
        "    def find_spec(self, name, path=None, target=None):",
        "        if name == 'azure' or name.startswith('azure.'):",
        "            raise ImportError('the scoring part must not need ' + name)",
        "sys.meta_path.insert(0, NoAzure())",
        `sys.path.insert(0, ${JSON.stringify(SAMPLE_CODE_DIR)})`,
        code,
    ].join("\n");
    const run = spawnSync("python3", ["-c", driver], { input, encoding: "utf8" });
    return { status: run.status ?? -1, out: run.stdout, err: run.stderr };
}

describe("programs/2-3 sample consumer and producer", function () {
    this.timeout(60_000);
    let dir: string;

    before(function () {
        if (spawnSync("python3", ["--version"]).status !== 0) {
            console.log("      skipped: python3 is not on PATH");
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "score-2-3-"));
        const gen = spawnSync(
            "python3",
            [path.join(ROOT, "automation/sample/generate.py"), "--out", dir, "--rows", "50", "--seed", "7"],
            { encoding: "utf8" },
        );
        assert.equal(gen.status, 0, gen.stderr);
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    it("scores a batch of event bodies as score.py scores the same rows, without the Azure SDKs", () => {
        // score.py's own predictions of the CSV.
        const out = path.join(dir, "batch");
        const batch = spawnSync(
            "python3",
            [
                path.join(SAMPLE_CODE_DIR, "score.py"),
                "--model",
                path.join(dir, "model.json"),
                "--input",
                path.join(dir, "data.csv"),
                "--output-dir",
                out,
            ],
            { encoding: "utf8" },
        );
        assert.equal(batch.status, 0, batch.stderr);
        const expected = fs
            .readFileSync(path.join(out, "predictions.csv"), "utf8")
            .trim()
            .split("\n")
            .slice(1)
            .map((line) => line.split(","));

        // The same rows as events (what the producer sends), scored by the consumer's pure function.
        const result = python(
            [
                "import json, event_consumer, event_producer, score",
                `model = score.load_model(${JSON.stringify(path.join(dir, "model.json"))})`,
                `bodies = event_producer.bodies_from_csv(open(${JSON.stringify(path.join(dir, "data.csv"))}), model['features'])`,
                "print(json.dumps(event_consumer.score_events(model, bodies)))",
            ].join("\n"),
        );
        assert.equal(result.status, 0, result.err);
        const scored = JSON.parse(result.out) as {
            predictions: { id: string; score: number; prediction: number; index: number }[];
            bad: number;
        };
        assert.equal(scored.bad, 0);
        assert.equal(scored.predictions.length, expected.length);
        scored.predictions.forEach((p, i) => {
            const [id, score, prediction] = expected[i];
            assert.equal(p.id, id);
            assert.equal(p.index, i);
            assert.ok(Math.abs(p.score - Number(score)) < 1e-6, `${id}: ${p.score} vs ${score}`);
            assert.equal(p.prediction, Number(prediction));
        });
    });

    it("counts and skips bad events, scoring the rest of the batch", () => {
        const result = python(
            [
                "import json, event_consumer, score",
                `model = score.load_model(${JSON.stringify(path.join(dir, "model.json"))})`,
                "good = json.dumps({'id': 'ok', 'tenure_months': 12, 'monthly_charges': 50.0, 'support_calls': 1, 'late_payments': 0})",
                "bodies = [good, 'not json', b'\\xff\\xfe', None, json.dumps({'id': 'x', 'tenure_months': 'twelve'}),",
                "          json.dumps([1, 2, 3]), json.dumps([12, 50.0, 1, 0]), json.dumps({'tenure_months': True, 'monthly_charges': 1, 'support_calls': 1, 'late_payments': 1}), good]",
                "print(json.dumps(event_consumer.score_events(model, bodies)))",
            ].join("\n"),
        );
        assert.equal(result.status, 0, result.err);
        const scored = JSON.parse(result.out) as {
            predictions: { index: number; id?: string }[];
            bad: number;
            errors: string[];
        };
        assert.deepEqual(
            scored.predictions.map((p) => p.index),
            [0, 6, 8],
        );
        assert.equal(scored.predictions[0].id, "ok");
        assert.equal(scored.predictions[1].id, undefined, "a list has no id");
        assert.equal(scored.bad, 6);
        assert.deepEqual(
            scored.errors.map((e) => e.split(":")[0]),
            ["event 1", "event 2", "event 3", "event 4", "event 5", "event 7"],
        );
        assert.match(scored.errors[3], /event 4: missing feature\(s\) monthly_charges, support_calls, late_payments/);
        assert.match(scored.errors[4], /event 5: 3 values, the model has 4 features/);
        assert.match(scored.errors[5], /event 7: tenure_months: a finite number, got True/);
    });

    it("reports at most ten reasons for a flood of bad events, but counts them all", () => {
        const result = python(
            [
                "import json, event_consumer, score",
                `model = score.load_model(${JSON.stringify(path.join(dir, "model.json"))})`,
                "print(json.dumps(event_consumer.score_events(model, ['{}'] * 25)))",
            ].join("\n"),
        );
        assert.equal(result.status, 0, result.err);
        const scored = JSON.parse(result.out) as { bad: number; errors: string[]; predictions: unknown[] };
        assert.equal(scored.bad, 25);
        assert.equal(scored.errors.length, 10);
        assert.deepEqual(scored.predictions, []);
    });

    it("scores the producer's events end to end on the command line, with no Azure", () => {
        const produce = spawnSync(
            "python3",
            [path.join(SAMPLE_CODE_DIR, "event_producer.py"), "--rows", "5", "--seed", "7", "--dry-run"],
            { encoding: "utf8" },
        );
        assert.equal(produce.status, 0, produce.stderr);
        const lines = produce.stdout.trim().split("\n");
        assert.equal(lines.length, 5);
        // The generator's rows are the data.csv rows of the same seed.
        const firstRow = fs.readFileSync(path.join(dir, "data.csv"), "utf8").split("\n")[1].split(",");
        assert.equal((JSON.parse(lines[0]) as { id: string }).id, firstRow[0]);
        const consume = spawnSync(
            "python3",
            [path.join(SAMPLE_CODE_DIR, "event_consumer.py"), "--stdin", "--model", path.join(dir, "model.json")],
            { input: `${produce.stdout}garbage\n`, encoding: "utf8" },
        );
        assert.equal(consume.status, 0, consume.stderr);
        const scored = JSON.parse(consume.stdout) as { predictions: { id: string }[]; bad: number };
        assert.deepEqual(
            scored.predictions.map((p) => p.id),
            ["c000000", "c000001", "c000002", "c000003", "c000004"],
        );
        assert.equal(scored.bad, 1);
    });

    it("names the missing settings instead of starting without them", () => {
        const result = python(
            ["import event_consumer", "event_consumer.settings_from({'EVENTHUB_NAME': 'events'})"].join("\n"),
        );
        assert.notEqual(result.status, 0);
        assert.match(
            result.err,
            /set EVENTHUB_FULLY_QUALIFIED_NAMESPACE, EVENTHUB_CONSUMER_GROUP, CHECKPOINT_BLOB_ENDPOINT, CHECKPOINT_CONTAINER/,
        );
    });
});
