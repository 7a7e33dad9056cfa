/**
 * The Kubernetes objects of event consumers that sign in with Microsoft Entra
 * Workload ID: their arguments, defaults and checks, and pure builders of the
 * ServiceAccount and the Deployment. The EventConsumer component creates them,
 * with the KEDA objects of keda-scaler-spec.ts.
 *
 * Workload identity, as its webhook documents it ("Service Account Labels and
 * Annotations", azure.github.io/azure-workload-identity/docs/topics/
 * service-account-labels-and-annotations.html): only pods labelled
 * `azure.workload.identity/use: "true"` get the Azure environment variables
 * and the projected token, and the service account's
 * `azure.workload.identity/client-id` annotation names the identity.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { nameIssues } from "../common/naming";
import { Validator, isGuid, isIntInRange, isNonEmptyString } from "../common/validation";
import { ScalingSettings, scalingIssues } from "./keda-scaler-spec";
import {
    DEFAULT_RUN_AS_USER,
    imageIssues,
    Placement,
    placementIssues,
    requestLimitIssues,
    restrictedContainerSecurityContext,
    restrictedPodSecurityContext,
    rfc1123LabelIssues,
    skipAwaitAnnotations,
    TMP_MOUNT_PATH,
    TMP_VOLUME,
    tmpVolume,
} from "./pod-spec";

export const WORKLOAD_IDENTITY_USE_LABEL = "azure.workload.identity/use";
export const WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

export const DEFAULT_CONSUMER_NAME = "event-consumer";
export const DEFAULT_CONSUMER_NAMESPACE = "event-scoring";
/** CPU and memory of one consumer: scoring a batch of events with the sample model is light. */
export const DEFAULT_CONSUMER_RESOURCES = {
    cpuRequest: "250m",
    cpuLimit: "1",
    memoryRequest: "256Mi",
    memoryLimit: "512Mi",
} as const;
/** Scratch space of a consumer's /tmp (Python's temporary files; the root file system is read-only). */
export const CONSUMER_TMP_SIZE = "64Mi";

/**
 * The environment the sample consumer (automation/sample/event_consumer.py)
 * reads; a consumer of your own reads the same names.
 */
export const CONSUMER_ENV = {
    fullyQualifiedNamespace: "EVENTHUB_FULLY_QUALIFIED_NAMESPACE",
    eventHubName: "EVENTHUB_NAME",
    consumerGroup: "EVENTHUB_CONSUMER_GROUP",
    blobEndpoint: "CHECKPOINT_BLOB_ENDPOINT",
    checkpointContainer: "CHECKPOINT_CONTAINER",
} as const;

/** A namespace's host in the public cloud: its name (6-50 lowercase characters), then Event Hubs' suffix. */
const EVENT_HUBS_HOST = /^([a-z][a-z0-9-]{4,48}[a-z0-9])\.servicebus\.windows\.net$/;

/** Where the consumers read events and keep checkpoints. Plain strings or outputs of the Azure side. */
export interface EventSource {
    /** Required. Host of the Event Hubs namespace, `<namespace>.servicebus.windows.net` (lowercase). */
    readonly fullyQualifiedNamespace: pulumi.Input<string>;
    /** Required. The event hub (lowercase, as the checkpoints' blob names are). */
    readonly eventHubName: pulumi.Input<string>;
    /** Required. The consumer group the consumers read with. */
    readonly consumerGroup: pulumi.Input<string>;
    /** Required. Name of the storage account of the checkpoints. */
    readonly storageAccountName: pulumi.Input<string>;
    /** Optional. Its blob endpoint. @default - `https://<storageAccountName>.blob.core.windows.net/` */
    readonly blobEndpoint?: pulumi.Input<string>;
    /** Required. Container of the checkpoints. */
    readonly checkpointContainer: pulumi.Input<string>;
}

/** The CPU and memory of a consumer container (Kubernetes quantities). */
export interface ConsumerResources {
    /** Optional. @default "250m" */
    readonly cpuRequest?: string;
    /** Optional. @default "1" */
    readonly cpuLimit?: string;
    /** Optional. @default "256Mi" */
    readonly memoryRequest?: string;
    /** Optional. @default "512Mi" */
    readonly memoryLimit?: string;
}

export interface EventConsumerArgs extends ScalingSettings, EventSource, Placement {
    /** Required. The cluster's provider: every object goes to that cluster, never to the ambient kubeconfig's. */
    readonly provider: k8s.Provider;
    /** Required. Image of the consumer, e.g. `<registry>.azurecr.io/event-consumer:1`. */
    readonly image: pulumi.Input<string>;
    /** Required. Client id of the user-assigned identity the consumers (and KEDA, for them) sign in as. */
    readonly identityClientId: pulumi.Input<string>;
    /** Required. Partitions of the hub: the upper bound of `maxReplicas`, and its default. */
    readonly partitions: number;
    /**
     * Optional. Name of the ServiceAccount, Deployment and ScaledObject (a DNS label). The identity's federated
     * credential names the ServiceAccount, so a change needs a new credential. @default "event-consumer"
     */
    readonly name?: string;
    /** Optional. Kubernetes namespace (a DNS label). @default "event-scoring" */
    readonly namespace?: string;
    /** Optional. Create the namespace; turn off when it exists already. @default true */
    readonly createNamespace?: boolean;
    /** Optional. Non-root user (and group) the container runs as. @default 10001 */
    readonly runAsUser?: number;
    /** Optional. CPU and memory requests and limits of the container. @default - 250m and 256Mi requested, 1 CPU and 512Mi at most */
    readonly resources?: ConsumerResources;
    /** Optional. More environment variables of the consumer (e.g. `MAX_BATCH_SIZE`). @default {} */
    readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** The arguments with their defaults applied. */
export interface ResolvedConsumerArgs {
    readonly name: string;
    readonly namespace: string;
    readonly createNamespace: boolean;
    readonly runAsUser: number;
    readonly resources: Required<ConsumerResources>;
}

export function resolveEventConsumerArgs(args: Omit<EventConsumerArgs, "provider">): ResolvedConsumerArgs {
    return {
        name: args.name ?? DEFAULT_CONSUMER_NAME,
        namespace: args.namespace ?? DEFAULT_CONSUMER_NAMESPACE,
        createNamespace: args.createNamespace ?? true,
        runAsUser: args.runAsUser ?? DEFAULT_RUN_AS_USER,
        resources: { ...DEFAULT_CONSUMER_RESOURCES, ...(args.resources ?? {}) },
    };
}

/** Environment variable names the shell accepts (Kubernetes allows more; a script should find them all). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The namespace's name in its host, `<name>.servicebus.windows.net`; undefined for another host. Pure. */
export function namespaceOfHost(host: string): string | undefined {
    return EVENT_HUBS_HOST.exec(host)?.[1];
}

/** A storage account's blob endpoint in the public cloud. Pure. */
export function blobEndpointOf(accountName: string): string {
    return `https://${accountName}.blob.core.windows.net/`;
}

/**
 * Checks the arguments; throws one ValidationError listing every problem.
 * Values only known once the Azure side exists (outputs) are not checked
 * here; plain strings are.
 */
export function validateEventConsumerArgs(args: Omit<EventConsumerArgs, "provider">): ResolvedConsumerArgs {
    const r = resolveEventConsumerArgs(args);
    const v = new Validator("EventConsumer");
    v.merge(rfc1123LabelIssues("name", r.name));
    v.merge(rfc1123LabelIssues("namespace", r.namespace));
    v.merge(scalingIssues(args, args.partitions));
    v.check("runAsUser", isIntInRange(r.runAsUser, 1, 2147483647), "a user id above 0 (not root)", r.runAsUser);
    v.merge(
        requestLimitIssues(
            "cpu",
            { field: "resources.cpuRequest", value: r.resources.cpuRequest },
            { field: "resources.cpuLimit", value: r.resources.cpuLimit },
        ),
    );
    v.merge(
        requestLimitIssues(
            "memory",
            { field: "resources.memoryRequest", value: r.resources.memoryRequest },
            { field: "resources.memoryLimit", value: r.resources.memoryLimit },
        ),
    );
    v.merge(placementIssues(args));
    const plain = (value: pulumi.Input<string> | undefined): value is string => typeof value === "string";
    if (plain(args.image)) v.merge(imageIssues("image", args.image));
    if (plain(args.identityClientId)) {
        v.check("identityClientId", isGuid(args.identityClientId), "a client id (GUID)", args.identityClientId);
    }
    if (plain(args.fullyQualifiedNamespace)) {
        v.check(
            "fullyQualifiedNamespace",
            namespaceOfHost(args.fullyQualifiedNamespace) !== undefined,
            "<namespace>.servicebus.windows.net in lowercase (KEDA derives the host from the namespace's name)",
            args.fullyQualifiedNamespace,
        );
    }
    if (plain(args.eventHubName)) {
        v.check(
            "eventHubName",
            nameIssues("eventHub", args.eventHubName).length === 0 &&
                args.eventHubName === args.eventHubName.toLowerCase(),
            "an event hub name in lowercase (the checkpoint store lowercases its blob names; KEDA does not)",
            args.eventHubName,
        );
    }
    if (plain(args.consumerGroup)) {
        v.check("consumerGroup", isNonEmptyString(args.consumerGroup), "a consumer group name", args.consumerGroup);
    }
    if (plain(args.storageAccountName)) {
        v.merge(nameIssues("storageAccount", args.storageAccountName, "storageAccountName"));
    }
    if (plain(args.blobEndpoint)) {
        v.check(
            "blobEndpoint",
            /^https:\/\/[^\s/]+\/?$/.test(args.blobEndpoint),
            "an https:// blob endpoint",
            args.blobEndpoint,
        );
    }
    if (plain(args.checkpointContainer)) {
        v.merge(nameIssues("blobContainer", args.checkpointContainer, "checkpointContainer"));
    }
    for (const key of Object.keys(args.env ?? {})) {
        v.check(`env.${key}`, ENV_NAME.test(key), "an environment variable name (letters, digits, '_')", key);
        const taken = (Object.values(CONSUMER_ENV) as string[]).includes(key);
        v.check(`env.${key}`, !taken, "a name the component sets itself from the event source", key);
    }
    v.throwIfAny();
    return r;
}

/** The labels of every object, and the pods' selector. Pure. */
export function consumerLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/component": "event-consumer" };
}

/** What the consumer's ServiceAccount and Deployment are made of. */
export interface ConsumerObjects {
    readonly resolved: ResolvedConsumerArgs;
    readonly image: pulumi.Input<string>;
    readonly identityClientId: pulumi.Input<string>;
    /** The consumer's environment: its source, and any extra variables. */
    readonly env: Readonly<Record<string, pulumi.Input<string>>>;
    readonly placement: Placement;
}

/** The environment of the sample consumer for a source (blob endpoint resolved). Pure. */
export function consumerEnv(
    source: Required<EventSource>,
    extra: Readonly<Record<string, pulumi.Input<string>>> = {},
): Record<string, pulumi.Input<string>> {
    return {
        [CONSUMER_ENV.fullyQualifiedNamespace]: source.fullyQualifiedNamespace,
        [CONSUMER_ENV.eventHubName]: source.eventHubName,
        [CONSUMER_ENV.consumerGroup]: source.consumerGroup,
        [CONSUMER_ENV.blobEndpoint]: source.blobEndpoint,
        [CONSUMER_ENV.checkpointContainer]: source.checkpointContainer,
        ...extra,
    };
}

/** The ServiceAccount the pods run as, annotated with the identity's client id. Pure. */
export function consumerServiceAccountArgs(o: ConsumerObjects) {
    return {
        metadata: {
            name: o.resolved.name,
            namespace: o.resolved.namespace,
            labels: consumerLabels(o.resolved.name),
            annotations: { [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: o.identityClientId },
        },
    };
}

/**
 * The Deployment of the consumers. No `replicas`: KEDA's HPA owns the count,
 * and a count in the manifest would reset it on every update (Kubernetes,
 * "Horizontal Pod Autoscaling", migrating Deployments to horizontal
 * autoscaling). Locked down as pod-spec.ts's restricted contexts are: a
 * fixed non-root uid, no privilege escalation, no capabilities, a read-only
 * root file system with a small writable /tmp, the runtime's default seccomp
 * profile. The pods keep the default service account token: the workload
 * identity webhook adds its own projected token beside it. Pure.
 */
export function consumerDeploymentArgs(o: ConsumerObjects) {
    const labels = consumerLabels(o.resolved.name);
    const uid = o.resolved.runAsUser;
    const res = o.resolved.resources;
    const selector = o.placement.nodeSelector ?? {};
    return {
        metadata: {
            name: o.resolved.name,
            namespace: o.resolved.namespace,
            labels,
            // Never waited for: the replica count is KEDA's, 0 while the hub is drained, and the image is
            // often pushed after the stack is up.
            annotations: skipAwaitAnnotations(true),
        },
        spec: {
            selector: { matchLabels: labels },
            template: {
                metadata: { labels: { ...labels, [WORKLOAD_IDENTITY_USE_LABEL]: "true" } },
                spec: {
                    serviceAccountName: o.resolved.name,
                    securityContext: restrictedPodSecurityContext(uid),
                    containers: [
                        {
                            name: "consumer",
                            image: o.image,
                            env: Object.entries(o.env).map(([name, value]) => ({ name, value })),
                            resources: {
                                requests: { cpu: res.cpuRequest, memory: res.memoryRequest },
                                limits: { cpu: res.cpuLimit, memory: res.memoryLimit },
                            },
                            securityContext: restrictedContainerSecurityContext(uid),
                            volumeMounts: [{ name: TMP_VOLUME, mountPath: TMP_MOUNT_PATH }],
                        },
                    ],
                    volumes: [tmpVolume(CONSUMER_TMP_SIZE)],
                    tolerations: (o.placement.tolerations ?? []).map((t) => ({ ...t })),
                    nodeSelector: Object.keys(selector).length > 0 ? { ...selector } : undefined,
                },
            },
        },
    };
}
