import * as assert from "node:assert/strict";
import {
    checkpointContainerName,
    consumerGroupIssues,
    DEFAULT_PARTITIONS,
    EventStream,
    EventStreamArgs,
    fullyQualifiedNamespace,
    resolveEventStreamArgs,
    validateEventStreamArgs,
} from "../../../components/eventhub";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const NAMESPACE = "azure-native:eventhub:Namespace";
const HUB = "azure-native:eventhub:EventHub";
const GROUP = "azure-native:eventhub:ConsumerGroup";
const CONTAINER = "azure-native:storage:BlobContainer";
const ROLE = "azure-native:authorization:RoleAssignment";
const LOCK = "pulumi-nodejs:dynamic/customai:SettingsLock";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data/providers";
const STORAGE = {
    accountId: `${SUB}/Microsoft.Storage/storageAccounts/stdata123456`,
    accountName: "stdata123456",
    resourceGroupName: "rg-data",
};
const LAW = `${SUB}/Microsoft.OperationalInsights/workspaces/log`;
const CONSUMER = "11111111-1111-1111-1111-111111111111";
const PRODUCER = "22222222-2222-2222-2222-222222222222";

const minimal: Omit<EventStreamArgs, "resourceGroupName"> = { checkpointStorage: STORAGE };

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

describe("EventStream arguments (pure)", () => {
    it("defaults to Standard, 1 throughput unit without auto-inflate, 4 partitions, 1 day, group scoring", () => {
        assert.deepEqual(resolveEventStreamArgs(minimal), {
            sku: "Standard",
            capacity: 1,
            autoInflate: false,
            maxThroughputUnits: undefined,
            partitions: DEFAULT_PARTITIONS,
            retentionDays: 1,
            eventHubName: "events",
            consumerGroup: "scoring",
            networkIsolation: false,
        });
        assert.doesNotThrow(() => validateEventStreamArgs(minimal));
    });

    it("holds each tier to its limits: 32 partitions and 7 days on Standard, 100 and 90 on Premium", () => {
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, partitions: 33, retentionDays: 8 })),
            ["partitions", "retentionDays"],
        );
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, sku: "Premium", partitions: 100, retentionDays: 90 })),
            [],
        );
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, sku: "Premium", partitions: 101, retentionDays: 91 })),
            ["partitions", "retentionDays"],
        );
        assert.throws(
            () => validateEventStreamArgs({ ...minimal, partitions: 0 }),
            /partitions: an integer from 1 to 32 \(the Standard tier's partitions per event hub\) \(got 0\)/,
        );
    });

    it("takes throughput units 1-40 on Standard, processing units 1/2/4/8/16 on Premium", () => {
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, capacity: 41 })),
            ["capacity"],
        );
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, sku: "Premium", capacity: 3 })),
            ["capacity"],
        );
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, sku: "Premium", capacity: 16 })),
            [],
        );
    });

    it("needs maxThroughputUnits from capacity to 40 with auto-inflate, and only on Standard", () => {
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, autoInflate: true, maxThroughputUnits: 10 })),
            [],
        );
        assert.throws(
            () => validateEventStreamArgs({ ...minimal, autoInflate: true }),
            /maxThroughputUnits: an integer from capacity \(1\) to 40, required with autoInflate \(got \(not set\)\)/,
        );
        assert.deepEqual(
            faults(() =>
                validateEventStreamArgs({ ...minimal, capacity: 4, autoInflate: true, maxThroughputUnits: 2 }),
            ),
            ["maxThroughputUnits"],
        );
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, maxThroughputUnits: 10 })),
            ["maxThroughputUnits"],
        );
        assert.deepEqual(
            faults(() =>
                validateEventStreamArgs({ ...minimal, sku: "Premium", autoInflate: true, maxThroughputUnits: 2 }),
            ),
            ["autoInflate"],
        );
    });

    it("wants lowercase namespace and hub names, so KEDA finds the checkpoints the Python store writes", () => {
        assert.throws(
            () => validateEventStreamArgs({ ...minimal, namespaceName: "evhns-Scoring-01" }),
            /namespaceName: lowercase: the Python checkpoint store lowercases/,
        );
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, eventHubName: "Events" })),
            ["eventHubName"],
        );
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, namespaceName: "evhns-scoring-sb" })),
            ["namespaceName"],
        );
        assert.deepEqual(
            faults(() => validateEventStreamArgs({ ...minimal, namespaceName: "evh" })),
            ["namespaceName"],
        );
    });

    it("checks the consumer group and the container names, and reports every problem at once", () => {
        assert.deepEqual(consumerGroupIssues("$Default"), []);
        assert.deepEqual(consumerGroupIssues("scoring.v2_blue-1"), []);
        assert.equal(consumerGroupIssues("-scoring").length, 1);
        assert.equal(consumerGroupIssues("x".repeat(51)).length, 1);
        assert.deepEqual(
            faults(() =>
                validateEventStreamArgs({
                    ...minimal,
                    consumerGroup: "bad group",
                    checkpointContainer: "Checkpoints",
                    tags: { "a/b": "c" },
                }),
            ),
            ["consumerGroup", "checkpointContainer", "tags.a/b"],
        );
    });

    it("derives the host and a checkpoint container unique to the namespace", () => {
        assert.equal(
            fullyQualifiedNamespace("evhns-score-dev-abc123"),
            "evhns-score-dev-abc123.servicebus.windows.net",
        );
        assert.equal(checkpointContainerName("evhns-score-dev-abc123"), "checkpoints-evhns-score-dev-abc123");
        // The longest namespace name still gives a valid container name (63 at most).
        assert.ok(checkpointContainerName(`e${"x".repeat(49)}`).length <= 63);
    });
});

describe("EventStream under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("creates an Entra-only namespace, a hub with the partitions, the consumer group and the checkpoint container", async () => {
        // GIVEN a stream with the defaults in a given storage account
        const stream = new EventStream("score-dev", { resourceGroupName: MOCK_RESOURCE_GROUP, ...minimal });
        await settle(recorder);

        // THEN the namespace takes Entra tokens only, TLS 1.2, Standard with one throughput unit
        const ns = recorder.one(NAMESPACE).inputs;
        assert.equal(ns.disableLocalAuth, true);
        assert.equal(ns.minimumTlsVersion, "1.2");
        assert.deepEqual(ns.sku, { name: "Standard", tier: "Standard", capacity: 1 });
        assert.equal(ns.isAutoInflateEnabled, false);
        assert.equal(ns.maximumThroughputUnits, undefined);
        assert.equal(ns.publicNetworkAccess, "Enabled");
        assert.match(ns.namespaceName, /^evhns-score-dev-[a-z0-9]{6}$/);
        assert.deepEqual(ns.tags, { "managed-by": "custom-ai-on-azure" });
        // AND the hub has 4 partitions and a day of retention, deleted after
        const hub = recorder.one(HUB);
        assert.equal(hub.inputs.partitionCount, 4);
        assert.deepEqual(hub.inputs.retentionDescription, { cleanupPolicy: "Delete", retentionTimeInHours: 24 });
        assert.equal(hub.inputs.eventHubName, "events");
        // AND the partitions are locked: a Standard hub keeps its count
        const lock = recorder.one(LOCK);
        assert.deepEqual(lock.inputs.settings.partitions.value, 4);
        assert.ok(hub.options.dependencies.some((u) => u.endsWith(`::${lock.name}`)));
        // AND the consumer group and the checkpoint container exist, the container private in the given account
        assert.equal(recorder.one(GROUP).inputs.consumerGroupName, "scoring");
        const container = recorder.one(CONTAINER).inputs;
        assert.equal(container.accountName, "stdata123456");
        assert.equal(container.resourceGroupName, "rg-data");
        assert.equal(container.containerName, `checkpoints-${ns.namespaceName}`);
        assert.equal(container.publicAccess, "None");
        // AND the outputs name them as clients need them
        assert.equal(await valueOf(stream.fullyQualifiedNamespace), `${ns.namespaceName}.servicebus.windows.net`);
        assert.equal(await valueOf(stream.eventHubName), "events");
        assert.equal(await valueOf(stream.consumerGroupName), "scoring");
        assert.equal(await valueOf(stream.checkpointContainerName), container.containerName);
        assert.equal(stream.partitions, 4);
        // AND nothing more: no grants, no diagnostics, no invokes
        assert.equal(recorder.count(ROLE), 0);
        assert.equal(recorder.count("azure-native:monitor:DiagnosticSetting"), 0);
        assert.deepEqual(recorder.calls, []);
    });

    it("grants receive and send on the hub, and blob access on the checkpoint container only", async () => {
        const stream = new EventStream("score-dev", { resourceGroupName: MOCK_RESOURCE_GROUP, ...minimal });
        stream.grantConsumer("consumers", CONSUMER);
        stream.grantSend("producer", PRODUCER);
        await settle(recorder);

        const hubId = recorder.one(HUB).id;
        const containerId = recorder.one(CONTAINER).id;
        const byRole = (principal: string) =>
            Object.fromEntries(
                recorder
                    .ofType(ROLE)
                    .filter((r) => r.inputs.principalId === principal)
                    .map((r) => [r.inputs.roleDefinitionId.split("/").pop(), r.inputs.scope]),
            );
        assert.deepEqual(byRole(CONSUMER), {
            [BUILT_IN_ROLES.EventHubsDataReceiver]: hubId,
            [BUILT_IN_ROLES.StorageBlobDataContributor]: containerId,
        });
        assert.deepEqual(byRole(PRODUCER), { [BUILT_IN_ROLES.EventHubsDataSender]: hubId });
        assert.ok(!Object.values(byRole(CONSUMER)).includes(STORAGE.accountId), "never the whole account");
        for (const r of recorder.ofType(ROLE)) assert.equal(r.inputs.principalType, "ServicePrincipal");
    });

    it("auto-inflates up to the maximum, closes the public endpoint when isolated, and sends logs to Log Analytics", async () => {
        new EventStream("score-dev", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            ...minimal,
            capacity: 2,
            autoInflate: true,
            maxThroughputUnits: 8,
            networkIsolation: true,
            diagnostics: { logAnalyticsWorkspaceId: LAW },
        });
        await settle(recorder);
        const ns = recorder.one(NAMESPACE);
        assert.equal(ns.inputs.isAutoInflateEnabled, true);
        assert.equal(ns.inputs.maximumThroughputUnits, 8);
        assert.equal(ns.inputs.sku.capacity, 2);
        assert.equal(ns.inputs.publicNetworkAccess, "Disabled");
        const diag = recorder.one("azure-native:monitor:DiagnosticSetting").inputs;
        assert.equal(diag.resourceUri, ns.id);
        assert.equal(diag.workspaceId, LAW);
    });

    it("reads with $Default without creating a group, and has no partition lock on Premium", async () => {
        const stream = new EventStream("score-dev", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            ...minimal,
            sku: "Premium",
            partitions: 64,
            consumerGroup: "$Default",
            checkpointContainer: "ehcheckpoints",
            namespaceName: "evhns-scoring-prod",
        });
        await settle(recorder);
        assert.equal(recorder.count(GROUP), 0);
        assert.equal(recorder.count(LOCK), 0);
        const ns = recorder.one(NAMESPACE).inputs;
        assert.equal(ns.namespaceName, "evhns-scoring-prod");
        assert.equal(ns.isAutoInflateEnabled, undefined);
        assert.equal(recorder.one(HUB).inputs.partitionCount, 64);
        assert.equal(recorder.one(CONTAINER).inputs.containerName, "ehcheckpoints");
        assert.equal(await valueOf(stream.consumerGroupName), "$Default");
    });

    it("refuses bad arguments before creating anything", async () => {
        assert.throws(
            () => new EventStream("bad", { resourceGroupName: MOCK_RESOURCE_GROUP, ...minimal, partitions: 40 }),
            /EventStream: partitions: an integer from 1 to 32/,
        );
        await settle(recorder);
        assert.deepEqual(
            recorder.resources.filter((r) => r.type.startsWith("azure-native")),
            [],
        );
    });
});
