/**
 * NvidiaDevicePlugin: the NVIDIA device plugin for Kubernetes as a DaemonSet.
 * It advertises each node's GPUs as the `nvidia.com/gpu` resource, without
 * which no pod asking for a GPU is ever scheduled.
 *
 * Deploy it on AKS GPU pools whose driver AKS installs (`gpuDriver:
 * "Install"`): there AKS installs only the driver, and the device plugin is
 * the user's to run ("Use GPUs on AKS", self-managed setup,
 * https://learn.microsoft.com/azure/aks/use-nvidia-gpu). Pools created with
 * `gpuDriver: "None"` are for the NVIDIA GPU Operator, which installs its own
 * device plugin, so this one must not run there
 * (https://learn.microsoft.com/azure/aks/nvidia-gpu-operator).
 *
 * The settings follow NVIDIA's static manifest at the pinned release
 * (NVIDIA/k8s-device-plugin, deployments/static/nvidia-device-plugin.yml,
 * tag v0.20.0): the host's device-plugin socket directory mounted, no
 * privilege escalation, no capabilities, the node-critical priority class.
 * Added here: tolerations for the AKS GPU-pool and Spot taints, and a node
 * selector, so it runs on GPU nodes only.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Validator } from "../common/validation";
import {
    GPU_POOL_TOLERATION,
    GPU_RESOURCE,
    imageIssues,
    Placement,
    placementIssues,
    rfc1123LabelIssues,
    skipAwaitAnnotations,
    SPOT_TOLERATION,
    Toleration,
} from "./pod-spec";

/** The upstream release this component deploys (nvcr.io/nvidia/k8s-device-plugin, tag of NVIDIA/k8s-device-plugin). */
export const DEVICE_PLUGIN_IMAGE = "nvcr.io/nvidia/k8s-device-plugin:v0.20.0";
/** The upstream manifest's DaemonSet name, kept so a second copy applied by hand collides instead of running twice. */
export const DEVICE_PLUGIN_NAME = "nvidia-device-plugin-daemonset";
export const DEFAULT_DEVICE_PLUGIN_NAMESPACE = "kube-system";
/**
 * The label AKS sets on nodes with NVIDIA GPUs, one of its reserved system
 * labels (https://learn.microsoft.com/azure/aks/use-labels#reserved-system-labels).
 */
export const AKS_NVIDIA_NODE_SELECTOR: Readonly<Record<string, string>> = {
    "kubernetes.azure.com/accelerator": "nvidia",
};
/** Where the kubelet listens for device plugins; the plugin registers through a socket in it. */
export const DEVICE_PLUGIN_SOCKET_DIR = "/var/lib/kubelet/device-plugins";

/**
 * What the DaemonSet tolerates whatever the caller adds: upstream's
 * `nvidia.com/gpu` taint, the AKS GPU-pool taint and the Spot taint AKS adds.
 */
export const DEVICE_PLUGIN_TOLERATIONS: readonly Toleration[] = [
    { key: GPU_RESOURCE, operator: "Exists", effect: "NoSchedule" },
    GPU_POOL_TOLERATION,
    SPOT_TOLERATION,
];

/** The plugin's settings, without the provider: what `validateNvidiaDevicePluginArgs` checks. */
export interface NvidiaDevicePluginSettings {
    /** Optional. Namespace of the DaemonSet; it must exist. @default "kube-system" */
    readonly namespace?: string;
    /** Optional. Device plugin image; a tag other than latest, or a digest. @default DEVICE_PLUGIN_IMAGE */
    readonly image?: string;
    /**
     * Optional. Where the plugin runs: node labels, and tolerations added to
     * DEVICE_PLUGIN_TOLERATIONS (e.g. `nodePoolPlacement` of the GPU pool).
     * @default { nodeSelector: AKS_NVIDIA_NODE_SELECTOR, tolerations: [] }
     */
    readonly placement?: Placement;
    /**
     * Optional. Register the DaemonSet without waiting for its pods to be
     * ready (Pulumi's `pulumi.com/skipAwait` annotation, pulumi/pulumi-kubernetes#417);
     * for clusters without GPU nodes yet, or an API server without nodes.
     * @default false
     */
    readonly skipAwait?: boolean;
}

export interface NvidiaDevicePluginArgs extends NvidiaDevicePluginSettings {
    /** Required. The cluster's provider; the ambient kubeconfig is never used. */
    readonly provider: k8s.Provider;
}

export interface ResolvedNvidiaDevicePluginArgs {
    readonly namespace: string;
    readonly image: string;
    readonly tolerations: readonly Toleration[];
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly skipAwait: boolean;
}

const sameToleration = (a: Toleration, b: Toleration) => JSON.stringify(a) === JSON.stringify(b);

/** The settings with their defaults; the caller's tolerations come after the built-in ones, without repeats. Pure. */
export function resolveNvidiaDevicePluginArgs(args: NvidiaDevicePluginSettings): ResolvedNvidiaDevicePluginArgs {
    const extra = (args.placement?.tolerations ?? []).filter(
        (t) => !DEVICE_PLUGIN_TOLERATIONS.some((d) => sameToleration(d, t)),
    );
    return {
        namespace: args.namespace ?? DEFAULT_DEVICE_PLUGIN_NAMESPACE,
        image: args.image ?? DEVICE_PLUGIN_IMAGE,
        tolerations: [...DEVICE_PLUGIN_TOLERATIONS, ...extra],
        nodeSelector: args.placement?.nodeSelector ?? AKS_NVIDIA_NODE_SELECTOR,
        skipAwait: args.skipAwait ?? false,
    };
}

export function validateNvidiaDevicePluginArgs(args: NvidiaDevicePluginSettings): ResolvedNvidiaDevicePluginArgs {
    const r = resolveNvidiaDevicePluginArgs(args);
    const v = new Validator("NvidiaDevicePlugin");
    v.merge(rfc1123LabelIssues("namespace", r.namespace));
    v.merge(imageIssues("image", r.image));
    v.merge(placementIssues(args.placement ?? {}, "placement."));
    // Without a node selector the plugin would run on every node, CPU nodes included, where it finds no GPU.
    v.check(
        "placement.nodeSelector",
        Object.keys(r.nodeSelector).length > 0,
        "at least one node label, so the plugin runs on GPU nodes only",
        r.nodeSelector,
    );
    v.throwIfAny();
    return r;
}

const POD_LABELS = { name: "nvidia-device-plugin-ds" };

/** The DaemonSet's metadata and spec as the API server takes them. Pure. */
export function devicePluginDaemonSet(r: ResolvedNvidiaDevicePluginArgs) {
    return {
        metadata: {
            name: DEVICE_PLUGIN_NAME,
            namespace: r.namespace,
            labels: { ...POD_LABELS, "app.kubernetes.io/name": "nvidia-device-plugin" },
            annotations: skipAwaitAnnotations(r.skipAwait),
        },
        spec: {
            selector: { matchLabels: POD_LABELS },
            updateStrategy: { type: "RollingUpdate" },
            template: {
                metadata: { labels: POD_LABELS },
                spec: {
                    tolerations: r.tolerations.map((t) => ({ ...t })),
                    nodeSelector: { ...r.nodeSelector },
                    // As upstream: the plugin is what makes a GPU node usable, so it must not be evicted first.
                    priorityClassName: "system-node-critical",
                    containers: [
                        {
                            name: "nvidia-device-plugin-ctr",
                            image: r.image,
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                            volumeMounts: [{ name: "kubelet-device-plugins-dir", mountPath: DEVICE_PLUGIN_SOCKET_DIR }],
                        },
                    ],
                    volumes: [
                        {
                            name: "kubelet-device-plugins-dir",
                            hostPath: { path: DEVICE_PLUGIN_SOCKET_DIR, type: "Directory" },
                        },
                    ],
                },
            },
        },
    };
}

export class NvidiaDevicePlugin extends pulumi.ComponentResource {
    readonly daemonSet: k8s.apps.v1.DaemonSet;
    /** The DaemonSet's name and namespace. */
    readonly daemonSetName: pulumi.Output<string>;
    readonly namespace: string;

    constructor(name: string, args: NvidiaDevicePluginArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:kubernetes:NvidiaDevicePlugin", name, {}, opts);
        const r = validateNvidiaDevicePluginArgs(args);
        this.namespace = r.namespace;
        this.daemonSet = new k8s.apps.v1.DaemonSet(`${name}-ds`, devicePluginDaemonSet(r), {
            parent: this,
            provider: args.provider,
        });
        this.daemonSetName = this.daemonSet.metadata.name;
        this.registerOutputs({ daemonSetName: this.daemonSetName });
    }
}
