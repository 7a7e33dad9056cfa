/**
 * Arguments of the EventStream, their defaults and their validation, and the
 * names its consumers and KEDA derive from it. Pure: everything here runs
 * before any resource exists, and is tested without the engine.
 *
 * The limits are Azure's, from "Azure Event Hubs quotas and limits"
 * (https://learn.microsoft.com/azure/event-hubs/event-hubs-quotas, the tier
 * table): partitions per event hub 32 (Standard) and 100 (Premium); retention
 * 7 days (Standard) and 90 days (Premium); 40 throughput units (Standard) and
 * 16 processing units (Premium); 20 consumer groups per hub on Standard.
 */
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues } from "../common/tags";
import { ValidationIssue, Validator, isIntInRange } from "../common/validation";

/** The namespace tiers this package builds on: Basic allows only the `$Default` consumer group and one day of retention. */
export type EventStreamSku = "Standard" | "Premium";
export const EVENT_STREAM_SKUS: readonly EventStreamSku[] = ["Standard", "Premium"];

export const DEFAULT_EVENT_STREAM_SKU: EventStreamSku = "Standard";
/** Partitions of the hub: the most consumers that read it at once (one per partition and consumer group). */
export const DEFAULT_PARTITIONS = 4;
export const DEFAULT_RETENTION_DAYS = 1;
export const DEFAULT_CAPACITY = 1;
export const DEFAULT_EVENT_HUB_NAME = "events";
export const DEFAULT_CONSUMER_GROUP = "scoring";
/** The consumer group every event hub has; it cannot be created or deleted. */
export const DEFAULT_GROUP_OF_EVERY_HUB = "$Default";

/** Per tier: partitions per hub, retention days, and capacity units (throughput units or processing units). */
export const TIER_LIMITS: Readonly<
    Record<EventStreamSku, { readonly partitions: number; readonly retentionDays: number; readonly capacity: number }>
> = {
    Standard: { partitions: 32, retentionDays: 7, capacity: 40 },
    Premium: { partitions: 100, retentionDays: 90, capacity: 16 },
};

/**
 * Processing units a Premium namespace takes: 1, 2, 4, 8 or 16
 * ("Configure processing units for a premium namespace",
 * https://learn.microsoft.com/azure/event-hubs/configure-processing-units-premium-namespace).
 */
export const PREMIUM_PROCESSING_UNITS: readonly number[] = [1, 2, 4, 8, 16];

/**
 * Consumer group names: 1-50 letters, digits, '.', '-' and '_', starting and
 * ending with a letter or digit ("Naming rules and restrictions for Azure
 * resources", Microsoft.EventHub, namespaces/eventhubs/consumergroups; 50 is
 * also the AMQP limit of "Event Hubs quotas and limits").
 */
const CONSUMER_GROUP_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$/;

/**
 * The public cloud's Event Hubs host suffix: clients connect to
 * `<namespace>.servicebus.windows.net`, and KEDA's scaler builds that host
 * from the namespace name (kedacore/keda, pkg/scalers/azure/azure_eventhub.go,
 * `GetEventHubClient` with workload identity).
 */
export const EVENT_HUBS_HOST_SUFFIX = "servicebus.windows.net";

/** Where the checkpoints go: a storage account (typically the platform's) in which the stream creates its container. */
export interface CheckpointStorage {
    /** Required. ARM id of the storage account. */
    readonly accountId: pulumi.Input<string>;
    /** Required. Name of the storage account. */
    readonly accountName: pulumi.Input<string>;
    /** Required. Resource group of the storage account. */
    readonly resourceGroupName: pulumi.Input<string>;
}

export interface EventStreamArgs extends CommonArgs {
    /**
     * Optional. Namespace name: 6-50 lowercase letters, digits and '-', starting with a letter, globally unique.
     * Lowercase because the consumers' checkpoint store lowercases the blob names it writes while KEDA reads
     * them under the namespace name as given. @default - `evhns-<component>-<suffix>`
     */
    readonly namespaceName?: string;
    /**
     * Optional. Event hub name: lowercase letters, digits, '.', '_' and '-' (lowercase for the same reason as
     * the namespace). @default "events"
     */
    readonly eventHubName?: string;
    /** Optional. Namespace tier: Standard, or Premium (dedicated resources, more partitions, longer retention). @default "Standard" */
    readonly sku?: EventStreamSku;
    /**
     * Optional. Throughput units (Standard, 1-40) or processing units (Premium: 1, 2, 4, 8 or 16) the namespace
     * starts with. @default 1
     */
    readonly capacity?: number;
    /**
     * Optional. Standard only: let Event Hubs add throughput units under load, up to `maxThroughputUnits`. It
     * never removes them again ("Automatically scale up throughput units", event-hubs-auto-inflate). @default false
     */
    readonly autoInflate?: boolean;
    /** Conditional. Required with `autoInflate`: the most throughput units it may reach (`capacity` to 40). @default - none */
    readonly maxThroughputUnits?: number;
    /**
     * Optional. Partitions of the hub: the most consumers of one consumer group that read at once. Fixed at
     * creation on Standard (a change is refused before anything is sent). @default 4
     */
    readonly partitions?: number;
    /** Optional. Days events are kept (1-7 on Standard, 1-90 on Premium). @default 1 */
    readonly retentionDays?: number;
    /**
     * Optional. Consumer group the consumers read with; created unless `$Default`. One group per independent
     * reader of the stream (each keeps its own checkpoints). @default "scoring"
     */
    readonly consumerGroup?: string;
    /** Required. The storage account that holds the checkpoint container. */
    readonly checkpointStorage: CheckpointStorage;
    /**
     * Optional. Name of the checkpoint container (3-63 lowercase letters, digits and single '-'). One container
     * per consumer group, as Event Hubs recommends. @default - `checkpoints-<namespace name>`, unique per stream
     */
    readonly checkpointContainer?: string;
}

/** Defaults applied once; the result is what the component builds from. */
export interface ResolvedEventStreamArgs {
    readonly sku: EventStreamSku;
    readonly capacity: number;
    readonly autoInflate: boolean;
    readonly maxThroughputUnits?: number;
    readonly partitions: number;
    readonly retentionDays: number;
    readonly eventHubName: string;
    readonly consumerGroup: string;
    readonly networkIsolation: boolean;
}

export function resolveEventStreamArgs(args: Settings<EventStreamArgs>): ResolvedEventStreamArgs {
    const autoInflate = args.autoInflate ?? false;
    return {
        sku: args.sku ?? DEFAULT_EVENT_STREAM_SKU,
        capacity: args.capacity ?? DEFAULT_CAPACITY,
        autoInflate,
        maxThroughputUnits: args.maxThroughputUnits,
        partitions: args.partitions ?? DEFAULT_PARTITIONS,
        retentionDays: args.retentionDays ?? DEFAULT_RETENTION_DAYS,
        eventHubName: args.eventHubName ?? DEFAULT_EVENT_HUB_NAME,
        consumerGroup: args.consumerGroup ?? DEFAULT_CONSUMER_GROUP,
        networkIsolation: args.networkIsolation ?? false,
    };
}

/** Problems with a consumer group name (`$Default` is always valid). Pure. */
export function consumerGroupIssues(name: unknown, field: string = "consumerGroup"): ValidationIssue[] {
    if (name === DEFAULT_GROUP_OF_EVERY_HUB) return [];
    return typeof name === "string" && CONSUMER_GROUP_NAME.test(name)
        ? []
        : [
              {
                  field,
                  rule: "$Default, or 1-50 letters, digits, '.', '-' and '_', starting and ending with a letter or digit",
                  value: name,
              },
          ];
}

/** The rule the consumers' checkpoints impose on the names KEDA reads them under. */
const LOWERCASE_RULE =
    "lowercase: the Python checkpoint store lowercases the blob names it writes, and KEDA looks them up under the name as given";

/** Checks the arguments; throws one ValidationError listing every problem. */
export function validateEventStreamArgs(args: Settings<EventStreamArgs>): ResolvedEventStreamArgs {
    const r = resolveEventStreamArgs(args);
    const v = new Validator("EventStream");
    if (args.namespaceName !== undefined) {
        const nameProblems = nameIssues("eventHubsNamespace", args.namespaceName, "namespaceName");
        v.merge(nameProblems);
        if (nameProblems.length === 0) {
            v.check(
                "namespaceName",
                args.namespaceName === args.namespaceName.toLowerCase(),
                LOWERCASE_RULE,
                args.namespaceName,
            );
            // Event Hubs refuses these endings ("Create an event hub using the Azure portal", event-hubs-create, the
            // namespace name rules).
            v.check(
                "namespaceName",
                !/-(sb|mgmt)$/.test(args.namespaceName),
                "not ending in -sb or -mgmt (reserved by Event Hubs)",
                args.namespaceName,
            );
        }
    }
    const hubProblems = nameIssues("eventHub", r.eventHubName, "eventHubName");
    v.merge(hubProblems);
    if (hubProblems.length === 0) {
        v.check("eventHubName", r.eventHubName === r.eventHubName.toLowerCase(), LOWERCASE_RULE, r.eventHubName);
    }
    if (v.check("sku", EVENT_STREAM_SKUS.includes(r.sku), `one of ${EVENT_STREAM_SKUS.join(", ")}`, r.sku)) {
        const limits = TIER_LIMITS[r.sku];
        v.check(
            "partitions",
            isIntInRange(r.partitions, 1, limits.partitions),
            `an integer from 1 to ${limits.partitions} (the ${r.sku} tier's partitions per event hub)`,
            r.partitions,
        );
        v.check(
            "retentionDays",
            isIntInRange(r.retentionDays, 1, limits.retentionDays),
            `an integer from 1 to ${limits.retentionDays} (the ${r.sku} tier's longest retention)`,
            r.retentionDays,
        );
        if (r.sku === "Premium") {
            v.check(
                "capacity",
                PREMIUM_PROCESSING_UNITS.includes(r.capacity),
                `processing units, one of ${PREMIUM_PROCESSING_UNITS.join(", ")}`,
                r.capacity,
            );
            // Auto-inflate exists on the Standard tier only (event-hubs-auto-inflate).
            v.check("autoInflate", !r.autoInflate, "only on the Standard tier", r.autoInflate);
        } else {
            v.check(
                "capacity",
                isIntInRange(r.capacity, 1, limits.capacity),
                `throughput units, an integer from 1 to ${limits.capacity}`,
                r.capacity,
            );
        }
    }
    if (r.autoInflate) {
        const floor = isIntInRange(r.capacity, 1, TIER_LIMITS.Standard.capacity) ? r.capacity : 1;
        v.check(
            "maxThroughputUnits",
            isIntInRange(r.maxThroughputUnits, floor, TIER_LIMITS.Standard.capacity),
            `an integer from capacity (${floor}) to ${TIER_LIMITS.Standard.capacity}, required with autoInflate`,
            r.maxThroughputUnits,
        );
    } else if (r.maxThroughputUnits !== undefined) {
        v.check("maxThroughputUnits", false, "only used with autoInflate: true", r.maxThroughputUnits);
    }
    v.merge(consumerGroupIssues(r.consumerGroup));
    if (args.checkpointContainer !== undefined) {
        v.merge(nameIssues("blobContainer", args.checkpointContainer, "checkpointContainer"));
    }
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

/** The host name clients connect to: `<namespace>.servicebus.windows.net`. Pure. */
export function fullyQualifiedNamespace(namespaceName: string): string {
    return `${namespaceName}.${EVENT_HUBS_HOST_SUFFIX}`;
}

/**
 * The default checkpoint container of a namespace: `checkpoints-<namespace>`.
 * Namespace names are globally unique, so two streams never share a
 * container (each stack owns its own), and at most 50 characters, so the name
 * stays within a container's 63. Pure.
 */
export function checkpointContainerName(namespaceName: string): string {
    return `checkpoints-${namespaceName}`;
}
