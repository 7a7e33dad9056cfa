/**
 * EventConsumer: consumers of an Azure event hub on Kubernetes, scaled by
 * KEDA on the hub's backlog. A ServiceAccount federated with a user-assigned
 * identity (workload identity), a locked-down Deployment, a KEDA
 * TriggerAuthentication that signs in as the same identity, and a KEDA
 * ScaledObject with the `azure-eventhub` trigger.
 *
 * Kubernetes objects only: the identity, its federated credentials and its
 * roles are the caller's (the Azure side), so the component runs against any
 * Kubernetes API server that knows KEDA's resource types. Every object goes
 * to the cluster of the provider passed in, never to the ambient kubeconfig's.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    blobEndpointOf,
    consumerDeploymentArgs,
    consumerEnv,
    consumerLabels,
    consumerServiceAccountArgs,
    EventConsumerArgs,
    namespaceOfHost,
    validateEventConsumerArgs,
} from "./event-consumer-spec";
import { resolveScalingSettings, scaledObjectArgs, triggerAuthenticationArgs } from "./keda-scaler-spec";
import { RESTRICTED_NAMESPACE_LABELS } from "./pod-spec";

/** The resources of a `dependsOn` option, as a list (a single resource, or a list of them). */
function dependencies(dependsOn: pulumi.ResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] {
    if (dependsOn === undefined) return [];
    return Array.isArray(dependsOn) ? dependsOn : [dependsOn as pulumi.Input<pulumi.Resource>];
}

export class EventConsumer extends pulumi.ComponentResource {
    readonly namespace?: k8s.core.v1.Namespace;
    readonly serviceAccount: k8s.core.v1.ServiceAccount;
    readonly deployment: k8s.apps.v1.Deployment;
    readonly triggerAuthentication: k8s.apiextensions.CustomResource;
    readonly scaledObject: k8s.apiextensions.CustomResource;
    /** Kubernetes namespace of the consumers. */
    readonly namespaceName: string;
    readonly serviceAccountName: string;
    /** The subject of the consumers' federated credential, `system:serviceaccount:<namespace>:<name>`. */
    readonly serviceAccountSubject: string;
    readonly minReplicas: number;
    readonly maxReplicas: number;

    constructor(name: string, args: EventConsumerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:kubernetes:EventConsumer", name, {}, opts);
        const r = validateEventConsumerArgs(args);
        const scaling = resolveScalingSettings(args, args.partitions);
        const child = { parent: this, provider: args.provider };
        const labels = consumerLabels(r.name);

        // A component's dependsOn does not reach its children's registrations: pass it on, so that no object is
        // sent before what the caller waits for (e.g. the identity's federation and roles).
        const waitFor = dependencies(opts?.dependsOn);
        this.namespace = r.createNamespace
            ? new k8s.core.v1.Namespace(
                  `${name}-ns`,
                  { metadata: { name: r.namespace, labels: { ...labels, ...RESTRICTED_NAMESPACE_LABELS } } },
                  { ...child, dependsOn: waitFor },
              )
            : undefined;
        // The objects name the namespace as a string and wait for it: a new namespace must exist first.
        const inNamespace = { ...child, dependsOn: [...waitFor, ...(this.namespace ? [this.namespace] : [])] };

        const blobEndpoint = args.blobEndpoint ?? pulumi.output(args.storageAccountName).apply(blobEndpointOf);
        const objects = {
            resolved: r,
            image: args.image,
            identityClientId: args.identityClientId,
            env: consumerEnv(
                {
                    fullyQualifiedNamespace: args.fullyQualifiedNamespace,
                    eventHubName: args.eventHubName,
                    consumerGroup: args.consumerGroup,
                    storageAccountName: args.storageAccountName,
                    blobEndpoint,
                    checkpointContainer: args.checkpointContainer,
                },
                args.env,
            ),
            placement: { tolerations: args.tolerations, nodeSelector: args.nodeSelector },
        };

        this.serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            consumerServiceAccountArgs(objects),
            inNamespace,
        );
        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, consumerDeploymentArgs(objects), {
            ...inNamespace,
            dependsOn: [...inNamespace.dependsOn, this.serviceAccount],
        });

        const authName = `${r.name}-keda-auth`;
        this.triggerAuthentication = new k8s.apiextensions.CustomResource(
            `${name}-keda-auth`,
            triggerAuthenticationArgs({ name: authName, namespace: r.namespace, labels }, args.identityClientId),
            inNamespace,
        );
        // KEDA wants the namespace's name and builds the host itself; a host of another cloud is refused here.
        const eventHubNamespace = pulumi.output(args.fullyQualifiedNamespace).apply((host) => {
            const namespace = namespaceOfHost(host);
            if (namespace === undefined) {
                throw new Error(
                    `EventConsumer ${name}: fullyQualifiedNamespace must be <namespace>.servicebus.windows.net, got ${host}`,
                );
            }
            return namespace;
        });
        this.scaledObject = new k8s.apiextensions.CustomResource(
            `${name}-scaler`,
            scaledObjectArgs(
                { name: r.name, namespace: r.namespace, labels },
                r.name,
                authName,
                {
                    eventHubNamespace,
                    eventHubName: args.eventHubName,
                    consumerGroup: args.consumerGroup,
                    storageAccountName: args.storageAccountName,
                    checkpointContainer: args.checkpointContainer,
                },
                scaling,
            ),
            { ...inNamespace, dependsOn: [...inNamespace.dependsOn, this.deployment, this.triggerAuthentication] },
        );

        this.namespaceName = r.namespace;
        this.serviceAccountName = r.name;
        this.serviceAccountSubject = `system:serviceaccount:${r.namespace}:${r.name}`;
        this.minReplicas = scaling.minReplicas;
        this.maxReplicas = scaling.maxReplicas;
        this.registerOutputs({
            namespaceName: this.namespaceName,
            serviceAccountName: this.serviceAccountName,
            serviceAccountSubject: this.serviceAccountSubject,
        });
    }
}
