/**
 * Path 2-3, real-time scoring with high data parallelism: left unfinished in
 * the 2018 material, so the design is this project's. Events go into an Event
 * Hubs event hub whose partition count is the most consumers that read at
 * once; consumers on AKS score them with the sample model, checkpoint in Blob
 * storage, and KEDA (the AKS add-on) scales them between `minConsumers` (0 by
 * default) and `maxConsumers` (the partitions by default) on the backlog the
 * checkpoints leave.
 *
 * Identities, all without secrets: the consumers sign in as a user-assigned
 * identity through workload identity, federated with their service account
 * and with KEDA's operator (which reads the hub and the checkpoints as that
 * identity); a producer identity, federated with an `event-producer` service
 * account, may send; so may the people in `senderPrincipalIds`.
 *
 * The program is split in two: the Azure half (platform, cluster, Event Hubs,
 * identities, grants) and `consumerWorkloads`, the Kubernetes half, which
 * takes plain values and a provider, so it also runs against a plain
 * Kubernetes API server. The rules are the components'; each key names the
 * argument it becomes, so their checks are reported under the key.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KEDA_OPERATOR_SERVICE_ACCOUNT, nodePoolPlacement } from "../../components/aks";
import {
    ConfigChecks,
    ConfigSpec,
    ConfigValues,
    issuesOf,
    principalIdIssues,
    readProgramConfig,
    Settings,
    ValidationIssue,
    Validator,
} from "../../components/common";
import { EventStream, EventStreamArgs, EventStreamSku, validateEventStreamArgs } from "../../components/eventhub";
import { WorkloadIdentity } from "../../components/identity";
import { EventConsumer } from "../../components/kubernetes/event-consumer";
import {
    DEFAULT_CONSUMER_NAME,
    DEFAULT_CONSUMER_NAMESPACE,
    EventConsumerArgs,
    validateEventConsumerArgs,
    WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION,
} from "../../components/kubernetes/event-consumer-spec";
import { aksConfigSpec, aksIssues, aksPool, createPathAks, imageKeyIssues, workloadImage } from "../shared-aks";
import {
    baseConfigSpec,
    pathGroupAndPlatform,
    pathPlatformIssues,
    pathTags,
    platformConfigSpec,
    platformKeyIssues,
    platformStackConfigSpec,
    ProgramOptions,
    unusedKeyIssues,
} from "../shared";

/** The consumer image's repository and tag in the platform's registry, when `image` is unset. */
export const CONSUMER_IMAGE = "event-consumer:1";
/** The service account a producer in the cluster runs as, federated with the producer identity. */
export const PRODUCER_SERVICE_ACCOUNT = "event-producer";
/** Where the sample's consumer and producer live, and the Dockerfile that packs them. */
export const SAMPLE_DOCKERFILE = "automation/sample/Dockerfile.event-consumer";

export const CONFIG_SPEC = {
    ...baseConfigSpec("stream"),
    ...platformStackConfigSpec(),
    ...platformConfigSpec(),
    ...aksConfigSpec({ pool: { name: "cpu", vmSize: "Standard_D4s_v5", minCount: 0, maxCount: 3 } }),
    eventHubsSku: {
        type: "string",
        default: "Standard",
        description: "Event Hubs tier: Standard, or Premium (more partitions, longer retention, dedicated resources).",
        arg: "stream.sku",
    },
    partitions: {
        type: "integer",
        default: 4,
        description:
            "Partitions of the event hub: the most consumers that read at once (1-32 on Standard, 1-100 on Premium); fixed once deployed on Standard.",
        arg: "stream.partitions",
    },
    retentionDays: {
        type: "integer",
        default: 1,
        description: "Days events are kept (1-7 on Standard, 1-90 on Premium).",
        arg: "stream.retentionDays",
    },
    throughputUnits: {
        type: "integer",
        default: 1,
        description: "Throughput units (Standard, 1-40) or processing units (Premium: 1, 2, 4, 8, 16) to start with.",
        arg: "stream.capacity",
    },
    autoInflate: {
        type: "boolean",
        default: false,
        description: "Standard only: let Event Hubs add throughput units under load, up to maxThroughputUnits.",
        arg: "stream.autoInflate",
    },
    maxThroughputUnits: {
        type: "integer",
        description: "With autoInflate: the most throughput units (throughputUnits to 40).",
        arg: "stream.maxThroughputUnits",
    },
    consumerGroup: {
        type: "string",
        default: "scoring",
        description: "Consumer group the consumers read with (created unless $Default).",
        arg: "stream.consumerGroup",
    },
    image: {
        type: "string",
        description: `Consumer image (unset: ${CONSUMER_IMAGE} in the platform's registry, built from ${SAMPLE_DOCKERFILE}).`,
        arg: "consumer.image",
    },
    kubernetesNamespace: {
        type: "string",
        default: DEFAULT_CONSUMER_NAMESPACE,
        description: "Kubernetes namespace of the consumers (and of the producer's service account).",
        arg: "consumer.namespace",
    },
    minConsumers: {
        type: "integer",
        default: 0,
        description: "Consumers kept without backlog (0: none run while the hub is drained).",
        arg: "consumer.minReplicas",
    },
    maxConsumers: {
        type: "integer",
        description: "Most consumers, at most the partitions (unset: the partitions); more would sit idle.",
        arg: "consumer.maxReplicas",
    },
    unprocessedEventThreshold: {
        type: "integer",
        default: 64,
        description: "Backlog per consumer KEDA aims for: unprocessed events across partitions per replica.",
        arg: "consumer.unprocessedEventThreshold",
    },
    cooldownSeconds: {
        type: "integer",
        default: 300,
        description: "Seconds without backlog before KEDA stops the last consumers (with minConsumers 0).",
        arg: "consumer.cooldownPeriodSeconds",
    },
    maxBatchSize: {
        type: "integer",
        default: 100,
        description: "Events a consumer scores and checkpoints together (1-1000).",
    },
    senderPrincipalIds: {
        type: "string[]",
        default: [] as string[],
        description:
            "Entra object ids of people who may send events, e.g. with the sample producer (Data Sender on the hub).",
        hint: "your object id: az ad signed-in-user show --query id -o tsv",
    },
    senderPrincipalType: {
        type: "string",
        default: "User",
        oneOf: ["User", "ServicePrincipal"],
        description: "What senderPrincipalIds are: User (people), or ServicePrincipal (a pipeline's identity).",
    },
} as const satisfies ConfigSpec;

type Config = ConfigValues<typeof CONFIG_SPEC>;

/** The event stream's settings from the config (the program adds where it goes and the checkpoint account). Pure. */
export function streamSettings(
    c: Config,
    tags: Record<string, string>,
): Omit<Settings<EventStreamArgs>, "checkpointStorage"> {
    return {
        tags,
        sku: c.eventHubsSku as EventStreamSku,
        partitions: c.partitions,
        retentionDays: c.retentionDays,
        capacity: c.throughputUnits,
        autoInflate: c.autoInflate,
        maxThroughputUnits: c.maxThroughputUnits,
        consumerGroup: c.consumerGroup,
    };
}

/**
 * The Kubernetes half's settings: plain values, or outputs of the Azure half.
 * Everything a plain Kubernetes API server needs to accept the objects: the
 * identities' client ids, where the events and checkpoints are, the image.
 */
export interface ConsumerWorkloadSettings extends Omit<EventConsumerArgs, "provider"> {
    /**
     * Optional. Client id of the producer identity: creates the `event-producer` service account annotated
     * with it, for a producer that runs in the cluster. @default - no producer service account
     */
    readonly producerClientId?: pulumi.Input<string>;
}

/** What `consumerWorkloads` creates. */
export interface ConsumerWorkloads {
    readonly consumer: EventConsumer;
    /** The producer's service account, when `producerClientId` is given. */
    readonly producerServiceAccount?: k8s.core.v1.ServiceAccount;
}

/**
 * The Kubernetes half of the path, given a provider: the EventConsumer
 * (namespace, ServiceAccount, Deployment, KEDA TriggerAuthentication and
 * ScaledObject, the last two `keda.sh/v1alpha1`) and, with a producer client
 * id, the producer's service account. Kubernetes objects only: it runs
 * against any API server that knows KEDA's resource types, a test server
 * included. `program` calls it with the Azure half's outputs.
 */
export function consumerWorkloads(
    name: string,
    settings: ConsumerWorkloadSettings,
    provider: k8s.Provider,
    opts: pulumi.ComponentResourceOptions = {},
): ConsumerWorkloads {
    const { producerClientId, ...consumerArgs } = settings;
    const consumer = new EventConsumer(`${name}-consumer`, { ...consumerArgs, provider }, opts);
    const producerServiceAccount =
        producerClientId === undefined
            ? undefined
            : new k8s.core.v1.ServiceAccount(
                  `${name}-producer-sa`,
                  {
                      metadata: {
                          name: PRODUCER_SERVICE_ACCOUNT,
                          namespace: consumer.namespaceName,
                          labels: { "app.kubernetes.io/name": PRODUCER_SERVICE_ACCOUNT },
                          annotations: { [WORKLOAD_IDENTITY_CLIENT_ID_ANNOTATION]: producerClientId },
                      },
                  },
                  // After the consumer: its namespace, and what it waits for (a component's dependsOn stays its own).
                  { provider, dependsOn: [consumer] },
              );
    return { consumer, producerServiceAccount };
}

/** Where the consumers are told to read, for the checks: the Azure half fills in the real values. */
const CHECK_STAND_INS = {
    identityClientId: "00000000-0000-0000-0000-000000000000",
    fullyQualifiedNamespace: "evhns-to-be-created.servicebus.windows.net",
    eventHubName: "events",
    storageAccountName: "sttobecreated",
    checkpointContainer: "checkpoints-to-be-created",
    image: `registry.invalid/${CONSUMER_IMAGE}`,
};

/** The consumers' settings from the config and the values of the Azure half. Pure. */
export function consumerSettings(
    c: Config,
    azure: Pick<
        ConsumerWorkloadSettings,
        | "identityClientId"
        | "producerClientId"
        | "fullyQualifiedNamespace"
        | "eventHubName"
        | "storageAccountName"
        | "blobEndpoint"
        | "checkpointContainer"
        | "image"
    >,
): ConsumerWorkloadSettings {
    return {
        ...azure,
        consumerGroup: c.consumerGroup,
        partitions: c.partitions,
        namespace: c.kubernetesNamespace,
        name: DEFAULT_CONSUMER_NAME,
        minReplicas: c.minConsumers,
        maxReplicas: c.maxConsumers,
        unprocessedEventThreshold: c.unprocessedEventThreshold,
        cooldownPeriodSeconds: c.cooldownSeconds,
        ...nodePoolPlacement(aksPool(c)),
        env: { MAX_BATCH_SIZE: String(c.maxBatchSize) },
    };
}

/** Rules across keys that no component owns. */
export function crossKeyIssues(c: Config): ValidationIssue[] {
    const v = new Validator();
    v.merge(platformKeyIssues(c, CONFIG_SPEC));
    v.merge(principalIdIssues(c.senderPrincipalIds, "senderPrincipalIds"));
    if (c.senderPrincipalIds.length === 0) {
        v.merge(unusedKeyIssues(c, CONFIG_SPEC, ["senderPrincipalType"], "with senderPrincipalIds"));
    }
    v.check(
        "maxBatchSize",
        c.maxBatchSize >= 1 && c.maxBatchSize <= 1000,
        "a whole number from 1 to 1000",
        c.maxBatchSize,
    );
    // This path builds no private endpoints: the consumers reach the checkpoints over the account's public endpoint.
    v.check(
        "networkIsolation",
        !c.networkIsolation,
        "false on this path: the consumers on AKS reach the checkpoint storage over its public endpoint",
        c.networkIsolation,
    );
    v.merge(imageKeyIssues(c));
    return [...v.issues];
}

/** The checks of every part the config feeds, under the argument names the keys name. */
function componentIssues(c: Config): ValidationIssue[] {
    const tags = pathTags("2-3", c);
    const v = new Validator();
    v.merge(aksIssues(c, tags));
    v.merge(
        issuesOf(() =>
            validateEventStreamArgs({
                ...streamSettings(c, tags),
                checkpointStorage: { accountId: "", accountName: "", resourceGroupName: "" },
            }),
        ),
        "stream",
    );
    const consumer = consumerSettings(c, { ...CHECK_STAND_INS, image: c.image ?? CHECK_STAND_INS.image });
    // The partitions are the stream's to check; the pool's placement is the cluster's.
    v.merge(
        issuesOf(() => validateEventConsumerArgs(consumer)).filter(
            (i) =>
                i.field !== "partitions" && !i.field.startsWith("tolerations") && !i.field.startsWith("nodeSelector"),
        ),
        "consumer",
    );
    v.merge(pathPlatformIssues(c, tags));
    return [...v.issues];
}

/** Every rule on the config besides each key's type: the program's own and its components'. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    crossChecks: crossKeyIssues,
    components: componentIssues,
};

/** The command that builds the sample consumer image in a registry. Pure. */
export function buildCommand(registryName: string): string {
    return `az acr build -r ${registryName} -t ${CONSUMER_IMAGE} -f ${SAMPLE_DOCKERFILE} automation/sample`;
}

/** The command that sends sample events from this machine with the sample producer. Pure. */
export function sendCommand(fullyQualifiedNamespace: string, eventHubName: string): string {
    return `python3 automation/sample/event_producer.py --namespace ${fullyQualifiedNamespace} --hub ${eventHubName} --rows 5000`;
}

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const tags = pathTags("2-3", config);
    const name = `${config.workload}-${config.environment}`;
    const { base, where } = await pathGroupAndPlatform("2-3", config, name);
    const { platform } = where;
    const inGroup = { resourceGroupName: base.resourceGroup.name, location: base.resourceGroup.location, tags };

    const aks = createPathAks(`${name}-aks`, base, where, config, { keda: true });
    const stream = new EventStream(
        `${name}-evhns`,
        {
            ...inGroup,
            ...streamSettings(config, tags),
            checkpointStorage: {
                accountId: platform.storageAccountId,
                accountName: platform.storageAccountName,
                resourceGroupName: platform.resourceGroupName,
            },
            diagnostics: { logAnalyticsWorkspaceId: platform.logAnalyticsWorkspaceId },
        },
        { dependsOn: where.ready },
    );

    const consumers = new WorkloadIdentity(`${name}-consumer-id`, inGroup);
    const producer = new WorkloadIdentity(`${name}-producer-id`, inGroup);
    const namespace = config.kubernetesNamespace;
    // One identity signs in the consumers and, through the TriggerAuthentication's identityId, KEDA's operator
    // ("Securely scale your applications using the KEDA add-on and workload identity": a credential for the
    // workload's service account and one for kube-system/keda-operator). The cluster creates the credentials
    // of one identity one after the other: Entra refuses concurrent writes under one identity.
    const credentials = [
        aks.federatedCredential("consumer", {
            identityId: consumers.identityId,
            namespace,
            serviceAccount: DEFAULT_CONSUMER_NAME,
        }),
        aks.federatedCredential("keda", { identityId: consumers.identityId, ...KEDA_OPERATOR_SERVICE_ACCOUNT }),
        aks.federatedCredential("producer", {
            identityId: producer.identityId,
            namespace,
            serviceAccount: PRODUCER_SERVICE_ACCOUNT,
        }),
    ];
    const grants = [
        ...stream.grantConsumer("consumers", consumers.principalId),
        stream.grantSend("producer", producer.principalId),
        ...config.senderPrincipalIds.map((id) =>
            stream.grantSend(id, id, config.senderPrincipalType as "User" | "ServicePrincipal"),
        ),
    ];

    const image = workloadImage(config, where, (server) => `${server}/${CONSUMER_IMAGE}`);
    const workloads = consumerWorkloads(
        name,
        consumerSettings(config, {
            image,
            identityClientId: consumers.clientId,
            producerClientId: producer.clientId,
            fullyQualifiedNamespace: stream.fullyQualifiedNamespace,
            eventHubName: stream.eventHubName,
            storageAccountName: stream.checkpointAccountName,
            blobEndpoint: platform.blobEndpoint,
            checkpointContainer: stream.checkpointContainerName,
        }),
        aks.provider,
        // The pods and KEDA sign in as soon as they start: let the trust and the roles exist first.
        { dependsOn: [...credentials, ...grants] },
    );

    return {
        resourceGroupName: base.resourceGroup.name,
        clusterName: aks.clusterName,
        kubeconfig: aks.kubeconfig,
        eventHubsNamespace: stream.namespaceName,
        fullyQualifiedNamespace: stream.fullyQualifiedNamespace,
        eventHubName: stream.eventHubName,
        consumerGroup: stream.consumerGroupName,
        partitions: stream.partitions,
        checkpointStorageAccount: stream.checkpointAccountName,
        checkpointContainer: stream.checkpointContainerName,
        kubernetesNamespace: workloads.consumer.namespaceName,
        consumerImage: image,
        consumerClientId: consumers.clientId,
        producerClientId: producer.clientId,
        minConsumers: workloads.consumer.minReplicas,
        maxConsumers: workloads.consumer.maxReplicas,
        getCredentialsCommand: pulumi.interpolate`az aks get-credentials -g ${base.resourceGroup.name} -n ${aks.clusterName}`,
        buildCommand: where.hasRegistry
            ? pulumi.output(platform.registryLoginServer).apply((server) => buildCommand(String(server).split(".")[0]))
            : undefined,
        sendCommand: pulumi
            .all([stream.fullyQualifiedNamespace, stream.eventHubName])
            .apply(([host, hub]) => sendCommand(host, hub)),
    };
}
