import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import { EventConsumer } from "../../../components/kubernetes/event-consumer";
import {
    CONSUMER_ENV,
    EventConsumerArgs,
    blobEndpointOf,
    namespaceOfHost,
    validateEventConsumerArgs,
} from "../../../components/kubernetes/event-consumer-spec";
import { ValidationError } from "../../../components/common/validation";
import { MockRecorder, RecordedResource, settle, unwrapSecrets, useMocks, valueOf } from "../../harness/mocks";

const SA = "kubernetes:core/v1:ServiceAccount";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const TRIGGER_AUTH = "kubernetes:keda.sh/v1alpha1:TriggerAuthentication";
const CLIENT_ID = "33333333-3333-3333-3333-333333333333";

const settings = (provider: k8s.Provider): EventConsumerArgs => ({
    provider,
    image: "crscore.azurecr.io/event-consumer:1",
    identityClientId: CLIENT_ID,
    fullyQualifiedNamespace: "evhns-score-dev-abc123.servicebus.windows.net",
    eventHubName: "events",
    consumerGroup: "scoring",
    storageAccountName: "stscoredev123456",
    checkpointContainer: "checkpoints-evhns-score-dev-abc123",
    partitions: 4,
});

/** The fields a ValidationError names, or [] when `fn` passes. */
function faults(fn: () => unknown): string[] {
    try {
        fn();
        return [];
    } catch (err) {
        assert.ok(err instanceof ValidationError, String(err));
        return [...err.fields];
    }
}

describe("EventConsumer arguments (pure)", () => {
    const base = { ...settings(undefined as unknown as k8s.Provider) };

    it("accepts the plain settings of a deployed stream", () => {
        assert.deepEqual(
            faults(() => validateEventConsumerArgs(base)),
            [],
        );
    });

    it("refuses a bad value of each kind, naming the field", () => {
        assert.deepEqual(
            faults(() =>
                validateEventConsumerArgs({
                    ...base,
                    name: "Event_Consumer",
                    maxReplicas: 5,
                    image: "crscore.azurecr.io/event-consumer:latest",
                    identityClientId: "not-a-guid",
                    fullyQualifiedNamespace: "evhns-score.servicebus.chinacloudapi.cn",
                    eventHubName: "Events",
                    checkpointContainer: "Checkpoints",
                    runAsUser: 0,
                    resources: { cpuRequest: "2", cpuLimit: "1" },
                    env: { [CONSUMER_ENV.eventHubName]: "other", "BAD-NAME": "x" },
                    tolerations: [{ operator: "Equal" }],
                }),
            ),
            [
                "name",
                "maxReplicas",
                "runAsUser",
                "resources.cpuRequest",
                "tolerations[0]",
                "image",
                "identityClientId",
                "fullyQualifiedNamespace",
                "eventHubName",
                "checkpointContainer",
                "env.EVENTHUB_NAME",
                "env.BAD-NAME",
            ],
        );
        assert.throws(
            () => validateEventConsumerArgs({ ...base, maxReplicas: 5 }),
            /EventConsumer: maxReplicas: an integer from 1 to the hub's partitions \(4\).*\(got 5\)/,
        );
    });

    it("derives the namespace name KEDA wants from the host, and the public blob endpoint", () => {
        assert.equal(namespaceOfHost("evhns-score-dev-abc123.servicebus.windows.net"), "evhns-score-dev-abc123");
        assert.equal(namespaceOfHost("evhns-Score.servicebus.windows.net"), undefined);
        assert.equal(namespaceOfHost("sb://evhns-score.servicebus.windows.net/"), undefined);
        assert.equal(blobEndpointOf("stscore"), "https://stscore.blob.core.windows.net/");
    });
});

describe("EventConsumer under mocks", () => {
    let recorder: MockRecorder;
    let provider: k8s.Provider;
    let providerUrn: string;
    beforeEach(async () => {
        recorder = await useMocks();
        provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        providerUrn = await valueOf(provider.urn);
    });

    const spec = (r: RecordedResource) => unwrapSecrets(r.inputs);

    it("runs the consumers as a workload identity, scaled by KEDA between 0 and the partitions", async () => {
        // GIVEN a consumer of a hub with 4 partitions
        const consumer = new EventConsumer("consumer", settings(provider));
        await settle(recorder);

        // THEN the ServiceAccount names the identity's client id
        const sa = spec(recorder.one(SA));
        assert.equal(sa.metadata.name, "event-consumer");
        assert.equal(sa.metadata.namespace, "event-scoring");
        assert.equal(sa.metadata.annotations["azure.workload.identity/client-id"], CLIENT_ID);
        assert.equal(consumer.serviceAccountSubject, "system:serviceaccount:event-scoring:event-consumer");

        // AND the pods are labelled for the webhook, run as that ServiceAccount, locked down
        const deployment = spec(recorder.one(DEPLOYMENT));
        assert.equal(deployment.spec.replicas, undefined, "KEDA's HPA owns the replica count");
        assert.equal(deployment.metadata.annotations["pulumi.com/skipAwait"], "true");
        const pod = deployment.spec.template;
        assert.equal(pod.metadata.labels["azure.workload.identity/use"], "true");
        assert.equal(pod.spec.serviceAccountName, "event-consumer");
        assert.deepEqual(pod.spec.securityContext, {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            seccompProfile: { type: "RuntimeDefault" },
        });
        const container = pod.spec.containers[0];
        assert.equal(container.image, "crscore.azurecr.io/event-consumer:1");
        assert.equal(container.securityContext.runAsNonRoot, true);
        assert.equal(container.securityContext.runAsUser, 10001);
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"] });
        assert.deepEqual(container.resources, {
            requests: { cpu: "250m", memory: "256Mi" },
            limits: { cpu: "1", memory: "512Mi" },
        });
        assert.deepEqual(container.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
        assert.deepEqual(pod.spec.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }]);
        // AND the consumer is told where to read and checkpoint
        assert.deepEqual(
            Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])),
            {
                EVENTHUB_FULLY_QUALIFIED_NAMESPACE: "evhns-score-dev-abc123.servicebus.windows.net",
                EVENTHUB_NAME: "events",
                EVENTHUB_CONSUMER_GROUP: "scoring",
                CHECKPOINT_BLOB_ENDPOINT: "https://stscoredev123456.blob.core.windows.net/",
                CHECKPOINT_CONTAINER: "checkpoints-evhns-score-dev-abc123",
            },
        );

        // AND KEDA signs in as the same identity
        const auth = spec(recorder.one(TRIGGER_AUTH));
        assert.equal(auth.apiVersion, "keda.sh/v1alpha1");
        assert.equal(auth.metadata.namespace, "event-scoring");
        assert.deepEqual(auth.spec.podIdentity, { provider: "azure-workload", identityId: CLIENT_ID });

        // AND scales the Deployment from 0 to the partition count on the backlog
        const so = spec(recorder.one(SCALED_OBJECT));
        assert.equal(so.metadata.namespace, "event-scoring");
        assert.deepEqual(so.spec.scaleTargetRef, { name: "event-consumer" });
        assert.equal(so.spec.minReplicaCount, 0);
        assert.equal(so.spec.maxReplicaCount, 4);
        const trigger = so.spec.triggers[0];
        assert.equal(trigger.type, "azure-eventhub");
        assert.deepEqual(trigger.authenticationRef, { name: auth.metadata.name });
        assert.deepEqual(trigger.metadata, {
            eventHubNamespace: "evhns-score-dev-abc123",
            eventHubName: "events",
            consumerGroup: "scoring",
            unprocessedEventThreshold: "64",
            activationUnprocessedEventThreshold: "0",
            storageAccountName: "stscoredev123456",
            blobContainer: "checkpoints-evhns-score-dev-abc123",
            checkpointStrategy: "blobMetadata",
        });

        // AND the namespace is created first, and every object goes to the given cluster
        const ns = recorder.one(NAMESPACE);
        assert.equal(spec(ns).metadata.name, "event-scoring");
        for (const type of [SA, DEPLOYMENT, TRIGGER_AUTH, SCALED_OBJECT]) {
            assert.ok(
                recorder.one(type).options.dependencies.some((u) => u.endsWith(`::${ns.name}`)),
                `${type} waits for the namespace`,
            );
        }
        for (const r of recorder.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
            assert.ok(r.provider.startsWith(`${providerUrn}::`), `${r.type} ${r.name} uses the given provider`);
        }
        assert.deepEqual(recorder.calls, []);
    });

    it("places the pods on a pool, scales within the bounds given, and uses an existing namespace", async () => {
        new EventConsumer("consumer", {
            ...settings(provider),
            name: "scorer",
            namespace: "streams",
            createNamespace: false,
            minReplicas: 1,
            maxReplicas: 2,
            unprocessedEventThreshold: 200,
            blobEndpoint: "https://stscoredev123456.blob.core.windows.net/",
            tolerations: [
                {
                    key: "kubernetes.azure.com/scalesetpriority",
                    operator: "Equal",
                    value: "spot",
                    effect: "NoSchedule",
                },
            ],
            nodeSelector: { "kubernetes.azure.com/agentpool": "cpu" },
            env: { MAX_BATCH_SIZE: "50" },
        });
        await settle(recorder);
        assert.equal(recorder.count(NAMESPACE), 0);
        const pod = spec(recorder.one(DEPLOYMENT)).spec.template.spec;
        assert.deepEqual(pod.nodeSelector, { "kubernetes.azure.com/agentpool": "cpu" });
        assert.equal(pod.tolerations[0].value, "spot");
        assert.ok(pod.containers[0].env.some((e: { name: string }) => e.name === "MAX_BATCH_SIZE"));
        const so = spec(recorder.one(SCALED_OBJECT));
        assert.equal(so.metadata.namespace, "streams");
        assert.equal(so.spec.minReplicaCount, 1);
        assert.equal(so.spec.maxReplicaCount, 2);
        assert.equal(so.spec.triggers[0].metadata.unprocessedEventThreshold, "200");
        assert.equal(spec(recorder.one(SA)).metadata.name, "scorer");
    });

    it("refuses more consumers than partitions before creating anything", async () => {
        assert.throws(
            () => new EventConsumer("consumer", { ...settings(provider), maxReplicas: 8 }),
            /maxReplicas: an integer from 1 to the hub's partitions \(4\)/,
        );
        await settle(recorder);
        assert.equal(recorder.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0);
    });
});
