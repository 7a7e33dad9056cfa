import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import {
    AKS_NVIDIA_NODE_SELECTOR,
    DEVICE_PLUGIN_IMAGE,
    NvidiaDevicePlugin,
    validateNvidiaDevicePluginArgs,
} from "../../../components/kubernetes/nvidia-device-plugin";
import { GPU_POOL_TOLERATION, SPOT_TOLERATION } from "../../../components/kubernetes/pod-spec";
import { ValidationError } from "../../../components/common/validation";
import { MockRecorder, settle, useMocks } from "../../harness/mocks";

const DAEMONSET = "kubernetes:apps/v1:DaemonSet";
const GPU_POOL = { nodeSelector: { "kubernetes.azure.com/agentpool": "gpu" }, tolerations: [GPU_POOL_TOLERATION] };

describe("NvidiaDevicePlugin under mocks", () => {
    let recorder: MockRecorder;
    let provider: k8s.Provider;
    beforeEach(async () => {
        recorder = await useMocks();
        provider = new k8s.Provider("cluster", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
    });

    it("runs the pinned upstream plugin in kube-system on GPU nodes, through the given provider", async () => {
        // GIVEN the plugin placed on the GPU pool
        new NvidiaDevicePlugin("gpu-plugin", { provider, placement: GPU_POOL });
        await settle(recorder);

        // THEN one DaemonSet, sent through the cluster's provider, not the ambient kubeconfig
        const ds = recorder.one(DAEMONSET);
        assert.match(ds.provider, /pulumi:providers:kubernetes::cluster::/);
        assert.equal(ds.inputs.metadata.namespace, "kube-system");
        assert.equal(ds.inputs.metadata.annotations, undefined, "awaits its rollout by default");
        const pod = ds.inputs.spec.template.spec;
        const container = pod.containers[0];
        assert.equal(container.image, DEVICE_PLUGIN_IMAGE);
        assert.match(DEVICE_PLUGIN_IMAGE, /:v\d+\.\d+\.\d+$/, "pinned to a release");
        assert.equal(pod.priorityClassName, "system-node-critical");
        assert.deepEqual(container.securityContext, {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
        });
        assert.deepEqual(container.volumeMounts, [
            { name: "kubelet-device-plugins-dir", mountPath: "/var/lib/kubelet/device-plugins" },
        ]);
        assert.equal(pod.volumes[0].hostPath.path, "/var/lib/kubelet/device-plugins");
        // AND only on the GPU pool, tolerating its taint, the Spot taint and upstream's GPU taint, each once
        assert.deepEqual(pod.nodeSelector, { "kubernetes.azure.com/agentpool": "gpu" });
        assert.deepEqual(pod.tolerations, [
            { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
            GPU_POOL_TOLERATION,
            SPOT_TOLERATION,
        ]);
        assert.deepEqual(ds.inputs.spec.selector.matchLabels, ds.inputs.spec.template.metadata.labels);
    });

    it("defaults to the label AKS puts on NVIDIA nodes, and can skip waiting for pods", async () => {
        new NvidiaDevicePlugin("gpu-plugin", { provider, namespace: "gpu-resources", skipAwait: true });
        await settle(recorder);
        const ds = recorder.one(DAEMONSET);
        assert.deepEqual(ds.inputs.spec.template.spec.nodeSelector, AKS_NVIDIA_NODE_SELECTOR);
        assert.equal(ds.inputs.metadata.namespace, "gpu-resources");
        assert.deepEqual(ds.inputs.metadata.annotations, { "pulumi.com/skipAwait": "true" });
    });

    it("refuses bad settings before anything is created, naming each field", () => {
        assert.throws(
            () =>
                validateNvidiaDevicePluginArgs({
                    namespace: "Kube_System",
                    image: "nvcr.io/nvidia/k8s-device-plugin:latest",
                    placement: { nodeSelector: {}, tolerations: [{ operator: "Equal" }] },
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, [
                    "namespace",
                    "image",
                    "placement.tolerations[0]",
                    "placement.nodeSelector",
                ]);
                assert.match(err.message, /so the plugin runs on GPU nodes only/);
                return true;
            },
        );
        assert.equal(recorder.resources.filter((r) => r.type === DAEMONSET).length, 0);
    });
});
