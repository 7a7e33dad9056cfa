/**
 * The KEDA objects that scale event consumers on the backlog of an Azure
 * event hub: a TriggerAuthentication that signs in with a workload identity,
 * and a ScaledObject with KEDA's `azure-eventhub` trigger. Pure builders and
 * checks; the EventConsumer component creates the objects.
 *
 * Sources: KEDA's scaler docs ("Azure Event Hubs", keda.sh/docs/2.21/scalers/
 * azure-event-hub), its ScaledObject specification
 * (keda.sh/docs/2.21/reference/scaledobject-spec), its workload identity
 * provider ("Azure AD Workload Identity", keda.sh/docs/2.21/
 * authentication-providers/azure-ad-workload-identity), and the scaler's source
 * (kedacore/keda, pkg/scalers/azure_eventhub_scaler.go and
 * pkg/scalers/azure/azure_eventhub*.go).
 */
import * as pulumi from "@pulumi/pulumi";
import { ValidationIssue, Validator, isIntInRange } from "../common/validation";

/** API group and version of KEDA's custom resources (ScaledObject, TriggerAuthentication). */
export const KEDA_API_VERSION = "keda.sh/v1alpha1";
export const SCALED_OBJECT_KIND = "ScaledObject";
export const TRIGGER_AUTHENTICATION_KIND = "TriggerAuthentication";
/** KEDA's trigger type for Event Hubs. */
export const EVENT_HUB_TRIGGER = "azure-eventhub";
/** KEDA's pod identity provider for Microsoft Entra Workload ID. */
export const WORKLOAD_IDENTITY_PROVIDER = "azure-workload";
/**
 * The checkpoint layout of the current Event Hubs SDKs (Python azure-eventhub
 * v5 with its blob checkpoint store among them): the sequence number is blob
 * metadata under `<host>/<hub>/<group>/checkpoint/<partition>`. Without a
 * strategy KEDA reads the legacy layout, finds nothing, and counts every
 * retained event as unprocessed.
 */
export const CHECKPOINT_STRATEGY = "blobMetadata";

/** KEDA's defaults (scaler docs and ScaledObject specification), used unless the caller says otherwise. */
export const DEFAULT_UNPROCESSED_EVENT_THRESHOLD = 64;
export const DEFAULT_ACTIVATION_THRESHOLD = 0;
export const DEFAULT_POLLING_INTERVAL_SECONDS = 30;
export const DEFAULT_COOLDOWN_PERIOD_SECONDS = 300;
/** Scale to zero when the hub has no backlog: KEDA's own default minimum. */
export const DEFAULT_MIN_CONSUMERS = 0;

/** How KEDA scales the consumers: bounds, the backlog per replica, and how often it looks. */
export interface ScalingSettings {
    /** Optional. Replicas kept without backlog; 0 stops every consumer when the hub is drained. @default 0 */
    readonly minReplicas?: number;
    /**
     * Optional. Most replicas, at most the hub's partitions: within a consumer
     * group each partition has one reader at a time, so more replicas would
     * sit idle (KEDA itself never asks for more than the partition count).
     * @default - the partition count
     */
    readonly maxReplicas?: number;
    /** Optional. Target backlog per replica: unprocessed events (across partitions) each replica should have. @default 64 */
    readonly unprocessedEventThreshold?: number;
    /** Optional. Backlog above which KEDA wakes the consumers from zero. @default 0 */
    readonly activationUnprocessedEventThreshold?: number;
    /** Optional. Seconds between KEDA's looks at the backlog. @default 30 */
    readonly pollingIntervalSeconds?: number;
    /** Optional. Seconds without backlog before KEDA scales to zero (only to zero; above, the HPA decides). @default 300 */
    readonly cooldownPeriodSeconds?: number;
}

export interface ResolvedScalingSettings {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly unprocessedEventThreshold: number;
    readonly activationUnprocessedEventThreshold: number;
    readonly pollingIntervalSeconds: number;
    readonly cooldownPeriodSeconds: number;
}

/** The settings with KEDA's defaults, and `maxReplicas` defaulting to the partitions. Pure. */
export function resolveScalingSettings(s: ScalingSettings, partitions: number): ResolvedScalingSettings {
    return {
        minReplicas: s.minReplicas ?? DEFAULT_MIN_CONSUMERS,
        maxReplicas: s.maxReplicas ?? partitions,
        unprocessedEventThreshold: s.unprocessedEventThreshold ?? DEFAULT_UNPROCESSED_EVENT_THRESHOLD,
        activationUnprocessedEventThreshold: s.activationUnprocessedEventThreshold ?? DEFAULT_ACTIVATION_THRESHOLD,
        pollingIntervalSeconds: s.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS,
        cooldownPeriodSeconds: s.cooldownPeriodSeconds ?? DEFAULT_COOLDOWN_PERIOD_SECONDS,
    };
}

/**
 * Every problem with the scaling settings of consumers of a hub with
 * `partitions` partitions. Pure.
 */
export function scalingIssues(s: ScalingSettings, partitions: number): ValidationIssue[] {
    const r = resolveScalingSettings(s, partitions);
    const v = new Validator();
    const partitionsOk = v.check(
        "partitions",
        isIntInRange(partitions, 1, 1024),
        "an integer from 1 to 1024",
        partitions,
    );
    const maxOk =
        partitionsOk &&
        v.check(
            "maxReplicas",
            isIntInRange(r.maxReplicas, 1, partitions),
            `an integer from 1 to the hub's partitions (${partitions}): each partition has one reader per consumer ` +
                "group at a time, so more consumers would sit idle",
            r.maxReplicas,
        );
    if (
        v.check(
            "minReplicas",
            isIntInRange(r.minReplicas, 0, 1024),
            "an integer from 0 (scale to zero)",
            r.minReplicas,
        ) &&
        maxOk
    ) {
        v.check("minReplicas", r.minReplicas <= r.maxReplicas, `at most the maximum (${r.maxReplicas})`, r.minReplicas);
    }
    // KEDA refuses a threshold that is not positive (azure_eventhub_scaler.go, eventHubMetadata.Validate).
    v.check(
        "unprocessedEventThreshold",
        isIntInRange(r.unprocessedEventThreshold, 1, Number.MAX_SAFE_INTEGER),
        "a whole number of events above 0",
        r.unprocessedEventThreshold,
    );
    v.check(
        "activationUnprocessedEventThreshold",
        isIntInRange(r.activationUnprocessedEventThreshold, 0, Number.MAX_SAFE_INTEGER),
        "a whole number of events, 0 or more",
        r.activationUnprocessedEventThreshold,
    );
    v.check(
        "pollingIntervalSeconds",
        isIntInRange(r.pollingIntervalSeconds, 1, 86400),
        "whole seconds from 1 to 86400",
        r.pollingIntervalSeconds,
    );
    v.check(
        "cooldownPeriodSeconds",
        isIntInRange(r.cooldownPeriodSeconds, 0, 86400),
        "whole seconds from 0 to 86400",
        r.cooldownPeriodSeconds,
    );
    return [...v.issues];
}

/** Where the trigger reads the backlog and the checkpoints. */
export interface EventHubTriggerSource {
    /** The namespace's name, not its host: KEDA appends `.servicebus.windows.net` itself. */
    readonly eventHubNamespace: pulumi.Input<string>;
    readonly eventHubName: pulumi.Input<string>;
    readonly consumerGroup: pulumi.Input<string>;
    /** The storage account of the checkpoints (its name, not its URL). */
    readonly storageAccountName: pulumi.Input<string>;
    readonly checkpointContainer: pulumi.Input<string>;
}

/** A Kubernetes object's name and namespace. */
export interface ObjectPlace {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The TriggerAuthentication KEDA signs in with: the workload identity
 * provider, with `identityId` naming the identity to use instead of KEDA's
 * own. KEDA's operator then exchanges its service account token for that
 * identity, so the identity needs a federated credential for the operator's
 * service account too (KEDA's "Considerations about Federations and
 * Overrides"). It must sit in the ScaledObject's namespace. Pure.
 */
export function triggerAuthenticationArgs(place: ObjectPlace, identityClientId: pulumi.Input<string>) {
    return {
        apiVersion: KEDA_API_VERSION,
        kind: TRIGGER_AUTHENTICATION_KIND,
        metadata: { name: place.name, namespace: place.namespace, labels: { ...(place.labels ?? {}) } },
        spec: { podIdentity: { provider: WORKLOAD_IDENTITY_PROVIDER, identityId: identityClientId } },
    };
}

/**
 * The `azure-eventhub` trigger's metadata, with KEDA's keys. Trigger metadata
 * is a map of strings, so the numbers are sent as text. Pure.
 */
export function eventHubTriggerMetadata(source: EventHubTriggerSource, scaling: ResolvedScalingSettings) {
    return {
        eventHubNamespace: source.eventHubNamespace,
        eventHubName: source.eventHubName,
        consumerGroup: source.consumerGroup,
        unprocessedEventThreshold: String(scaling.unprocessedEventThreshold),
        activationUnprocessedEventThreshold: String(scaling.activationUnprocessedEventThreshold),
        // With workload identity KEDA reads the checkpoints with the identity too, given the account's name.
        storageAccountName: source.storageAccountName,
        blobContainer: source.checkpointContainer,
        checkpointStrategy: CHECKPOINT_STRATEGY,
    };
}

/**
 * The ScaledObject that scales Deployment `target` between the bounds, on
 * the hub's backlog as the consumers' checkpoints measure it. Pure.
 */
export function scaledObjectArgs(
    place: ObjectPlace,
    target: string,
    triggerAuthentication: string,
    source: EventHubTriggerSource,
    scaling: ResolvedScalingSettings,
) {
    return {
        apiVersion: KEDA_API_VERSION,
        kind: SCALED_OBJECT_KIND,
        metadata: { name: place.name, namespace: place.namespace, labels: { ...(place.labels ?? {}) } },
        spec: {
            scaleTargetRef: { name: target },
            minReplicaCount: scaling.minReplicas,
            maxReplicaCount: scaling.maxReplicas,
            pollingInterval: scaling.pollingIntervalSeconds,
            cooldownPeriod: scaling.cooldownPeriodSeconds,
            triggers: [
                {
                    type: EVENT_HUB_TRIGGER,
                    metadata: eventHubTriggerMetadata(source, scaling),
                    authenticationRef: { name: triggerAuthentication },
                },
            ],
        },
    };
}
