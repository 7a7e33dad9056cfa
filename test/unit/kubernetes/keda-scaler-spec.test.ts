import * as assert from "node:assert/strict";
import {
    CHECKPOINT_STRATEGY,
    KEDA_API_VERSION,
    resolveScalingSettings,
    scaledObjectArgs,
    scalingIssues,
    triggerAuthenticationArgs,
} from "../../../components/kubernetes/keda-scaler-spec";

const SOURCE = {
    eventHubNamespace: "evhns-score-dev-abc123",
    eventHubName: "events",
    consumerGroup: "scoring",
    storageAccountName: "stscoredev123456",
    checkpointContainer: "checkpoints-evhns-score-dev-abc123",
};

describe("KEDA scaler specs (pure)", () => {
    it("defaults to KEDA's own values, with at most one consumer per partition", () => {
        assert.deepEqual(resolveScalingSettings({}, 8), {
            minReplicas: 0,
            maxReplicas: 8,
            unprocessedEventThreshold: 64,
            activationUnprocessedEventThreshold: 0,
            pollingIntervalSeconds: 30,
            cooldownPeriodSeconds: 300,
        });
        assert.deepEqual(scalingIssues({}, 8), []);
    });

    it("refuses more consumers than partitions, a minimum above the maximum, and a threshold of 0", () => {
        const issues = scalingIssues({ maxReplicas: 5, unprocessedEventThreshold: 0 }, 4);
        assert.deepEqual(
            issues.map((i) => i.field),
            ["maxReplicas", "unprocessedEventThreshold"],
        );
        assert.match(issues[0].rule, /1 to the hub's partitions \(4\).*sit idle/);
        assert.deepEqual(
            scalingIssues({ minReplicas: 3, maxReplicas: 2 }, 4).map((i) => [i.field, i.rule]),
            [["minReplicas", "at most the maximum (2)"]],
        );
        assert.deepEqual(
            scalingIssues({ minReplicas: -1, pollingIntervalSeconds: 0, cooldownPeriodSeconds: 1.5 }, 4).map(
                (i) => i.field,
            ),
            ["minReplicas", "pollingIntervalSeconds", "cooldownPeriodSeconds"],
        );
        assert.deepEqual(
            scalingIssues({}, 0).map((i) => i.field),
            ["partitions"],
        );
    });

    it("builds a TriggerAuthentication with the workload identity provider and the identity's client id", () => {
        const auth = triggerAuthenticationArgs({ name: "consumer-keda-auth", namespace: "scoring" }, "client-1");
        assert.equal(auth.apiVersion, KEDA_API_VERSION);
        assert.equal(auth.apiVersion, "keda.sh/v1alpha1");
        assert.equal(auth.kind, "TriggerAuthentication");
        assert.deepEqual(auth.metadata, { name: "consumer-keda-auth", namespace: "scoring", labels: {} });
        assert.deepEqual(auth.spec, { podIdentity: { provider: "azure-workload", identityId: "client-1" } });
    });

    it("builds a ScaledObject on the azure-eventhub trigger with KEDA's metadata keys, as strings", () => {
        const scaling = resolveScalingSettings({ minReplicas: 1, unprocessedEventThreshold: 100 }, 4);
        const so = scaledObjectArgs(
            { name: "consumer", namespace: "scoring", labels: { app: "c" } },
            "consumer",
            "consumer-keda-auth",
            SOURCE,
            scaling,
        );
        assert.equal(so.apiVersion, "keda.sh/v1alpha1");
        assert.equal(so.kind, "ScaledObject");
        assert.deepEqual(so.metadata, { name: "consumer", namespace: "scoring", labels: { app: "c" } });
        assert.deepEqual(so.spec.scaleTargetRef, { name: "consumer" });
        assert.equal(so.spec.minReplicaCount, 1);
        assert.equal(so.spec.maxReplicaCount, 4);
        assert.equal(so.spec.pollingInterval, 30);
        assert.equal(so.spec.cooldownPeriod, 300);
        assert.equal(so.spec.triggers.length, 1);
        const trigger = so.spec.triggers[0];
        assert.equal(trigger.type, "azure-eventhub");
        assert.deepEqual(trigger.authenticationRef, { name: "consumer-keda-auth" });
        assert.deepEqual(trigger.metadata, {
            eventHubNamespace: "evhns-score-dev-abc123",
            eventHubName: "events",
            consumerGroup: "scoring",
            unprocessedEventThreshold: "100",
            activationUnprocessedEventThreshold: "0",
            storageAccountName: "stscoredev123456",
            blobContainer: "checkpoints-evhns-score-dev-abc123",
            checkpointStrategy: "blobMetadata",
        });
        assert.equal(CHECKPOINT_STRATEGY, "blobMetadata");
        for (const value of Object.values(trigger.metadata)) assert.equal(typeof value, "string");
    });
});
