/**
 * EventStream: an Event Hubs namespace with one event hub, the consumer group
 * its consumers read with, and the blob container their checkpoints go to.
 * The hub's partitions bound the parallelism: within a consumer group each
 * partition is read by at most one consumer at a time ("Balance partition load
 * across multiple instances", event-processor-balance-partition-load).
 *
 * Secure by default: Entra ID only (`disableLocalAuth`, so no SAS keys or
 * connection strings exist to leak), TLS 1.2 at least. Access is handed out
 * with the `grant…` methods, each the narrowest built-in role on the
 * narrowest scope that works.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as eventhub from "@pulumi/azure-native/eventhub";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { applyRoleAssignments, diagnosticSetting, grantRole } from "../common/access";
import { azureName } from "../common/component";
import { publicNetworkAccess } from "../common/interface";
import { SettingsLock } from "../common/settings-lock";
import { withManagedBy } from "../common/tags";
import {
    checkpointContainerName,
    DEFAULT_GROUP_OF_EVERY_HUB,
    EventStreamArgs,
    fullyQualifiedNamespace,
    validateEventStreamArgs,
} from "./event-stream-args";

type PrincipalType = "ServicePrincipal" | "User" | "Group";

export class EventStream extends pulumi.ComponentResource {
    readonly namespace: eventhub.Namespace;
    readonly eventHub: eventhub.EventHub;
    /** Undefined when the consumers read with `$Default`, which every hub has. */
    readonly consumerGroup?: eventhub.ConsumerGroup;
    readonly checkpointContainer: storage.BlobContainer;

    readonly namespaceName: pulumi.Output<string>;
    readonly namespaceId: pulumi.Output<string>;
    /** Host clients connect to, `<namespace>.servicebus.windows.net`. */
    readonly fullyQualifiedNamespace: pulumi.Output<string>;
    readonly eventHubName: pulumi.Output<string>;
    readonly eventHubId: pulumi.Output<string>;
    readonly consumerGroupName: pulumi.Output<string>;
    readonly checkpointContainerName: pulumi.Output<string>;
    readonly checkpointContainerId: pulumi.Output<string>;
    /** Name of the storage account holding the checkpoints (KEDA's `storageAccountName`). */
    readonly checkpointAccountName: pulumi.Output<string>;
    /** Partitions of the hub: the most consumers of one group that read at once. */
    readonly partitions: number;
    private readonly componentName: string;

    constructor(name: string, args: EventStreamArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:eventhub:EventStream", name, {}, opts);
        this.componentName = name;
        const r = validateEventStreamArgs(args);
        const tags = withManagedBy(args.tags);
        const child = { parent: this };
        const namespaceName = azureName("eventHubsNamespace", name, args.namespaceName, "namespaceName");
        const containerName = args.checkpointContainer ?? checkpointContainerName(namespaceName);

        this.namespace = new eventhub.Namespace(
            `${name}-namespace`,
            {
                namespaceName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: r.sku, tier: r.sku, capacity: r.capacity },
                // Entra ID only: no shared access keys, so nothing can connect with a connection string.
                disableLocalAuth: true,
                minimumTlsVersion: "1.2",
                // Standard only; the property does not apply to Premium (event-hubs-auto-inflate).
                isAutoInflateEnabled: r.sku === "Standard" ? r.autoInflate : undefined,
                maximumThroughputUnits: r.autoInflate ? r.maxThroughputUnits : undefined,
                publicNetworkAccess: publicNetworkAccess(r.networkIsolation),
                tags,
            },
            child,
        );

        // A Standard hub keeps the partition count it was created with ("Configure properties for an event
        // hub": the count can be changed only on Premium and Dedicated), so a change is refused at preview.
        const lock =
            r.sku === "Standard"
                ? [
                      new SettingsLock(
                          `${name}-lock`,
                          {
                              partitions: {
                                  value: r.partitions,
                                  rule: "fixed",
                                  why: "a Standard event hub keeps the partition count it was created with",
                              },
                          },
                          child,
                      ),
                  ]
                : [];

        this.eventHub = new eventhub.EventHub(
            `${name}-hub`,
            {
                eventHubName: r.eventHubName,
                namespaceName: this.namespace.name,
                resourceGroupName: args.resourceGroupName,
                partitionCount: r.partitions,
                // Delete is the default cleanup policy: events go once their retention ends (Compact keeps the
                // latest event per key, which a scoring stream does not want).
                retentionDescription: { cleanupPolicy: "Delete", retentionTimeInHours: r.retentionDays * 24 },
            },
            { parent: this, dependsOn: lock },
        );

        if (r.consumerGroup !== DEFAULT_GROUP_OF_EVERY_HUB) {
            this.consumerGroup = new eventhub.ConsumerGroup(
                `${name}-group`,
                {
                    consumerGroupName: r.consumerGroup,
                    eventHubName: this.eventHub.name,
                    namespaceName: this.namespace.name,
                    resourceGroupName: args.resourceGroupName,
                },
                child,
            );
        }

        this.checkpointContainer = new storage.BlobContainer(
            `${name}-checkpoints`,
            {
                accountName: args.checkpointStorage.accountName,
                resourceGroupName: args.checkpointStorage.resourceGroupName,
                containerName,
                publicAccess: "None",
            },
            child,
        );

        applyRoleAssignments(name, this.namespace.id, args.roleAssignments, this);
        if (args.diagnostics) diagnosticSetting(`${name}-diag`, this.namespace.id, args.diagnostics, child);

        // Names are this component's own (plain strings), returned once the resource exists so that whoever
        // reads them waits for it; the provider's `name` outputs would say the same.
        const once = <T>(resource: pulumi.CustomResource, value: T) => resource.id.apply(() => value);
        this.namespaceName = once(this.namespace, namespaceName);
        this.namespaceId = this.namespace.id;
        this.fullyQualifiedNamespace = once(this.namespace, fullyQualifiedNamespace(namespaceName));
        this.eventHubName = once(this.eventHub, r.eventHubName);
        this.eventHubId = this.eventHub.id;
        this.consumerGroupName = once(this.consumerGroup ?? this.eventHub, r.consumerGroup);
        this.checkpointContainerName = once(this.checkpointContainer, containerName);
        this.checkpointContainerId = this.checkpointContainer.id;
        this.checkpointAccountName = pulumi.output(args.checkpointStorage.accountName);
        this.partitions = r.partitions;
        this.registerOutputs({
            namespaceName: this.namespaceName,
            fullyQualifiedNamespace: this.fullyQualifiedNamespace,
            eventHubName: this.eventHubName,
            consumerGroupName: this.consumerGroupName,
            checkpointContainerName: this.checkpointContainerName,
        });
    }

    /**
     * Receive events (Azure Event Hubs Data Receiver) from this hub only. The
     * hub is the narrowest scope the portal offers that covers all the
     * clients read: the consumer group's partitions, and the hub's runtime
     * properties (partition ids, each partition's last sequence number), which
     * KEDA's scaler reads through GetEventHubProperties and
     * GetPartitionProperties (kedacore/keda, azure_eventhub_scaler.go). A
     * consumer-group scope is documented ("Authorize access to Event Hubs
     * resources using Microsoft Entra ID", resource scope) but not used here,
     * since those reads are of the hub.
     */
    grantReceive(label: string, principalId: pulumi.Input<string>, principalType?: PrincipalType) {
        return grantRole(
            `${this.componentName}-receive-${label}`,
            { scope: this.eventHub.id, principalId, role: "EventHubsDataReceiver", principalType },
            { parent: this },
        );
    }

    /** Send events (Azure Event Hubs Data Sender) to this hub only. */
    grantSend(label: string, principalId: pulumi.Input<string>, principalType?: PrincipalType) {
        return grantRole(
            `${this.componentName}-send-${label}`,
            { scope: this.eventHub.id, principalId, role: "EventHubsDataSender", principalType },
            { parent: this },
        );
    }

    /**
     * Read and write checkpoints and partition ownership (Storage Blob Data
     * Contributor) in the checkpoint container only, not the account: the
     * consumers' checkpoint store writes blobs there, and KEDA reads them
     * (its docs ask for Storage Blob Data Reader at least).
     */
    grantCheckpoints(label: string, principalId: pulumi.Input<string>, principalType?: PrincipalType) {
        return grantRole(
            `${this.componentName}-checkpoints-${label}`,
            { scope: this.checkpointContainer.id, principalId, role: "StorageBlobDataContributor", principalType },
            { parent: this },
        );
    }

    /**
     * What a consumer needs, and KEDA when it scales with the consumer's
     * identity: receive from the hub, and read and write the checkpoints.
     */
    grantConsumer(label: string, principalId: pulumi.Input<string>): authorization.RoleAssignment[] {
        return [this.grantReceive(label, principalId), this.grantCheckpoints(label, principalId)];
    }
}
