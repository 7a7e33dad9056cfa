/**
 * The Kubernetes half of paths 2-5 and 2-3 on a real Kubernetes API server
 * (etcd + kube-apiserver on 127.0.0.1, no nodes or controllers), deployed by
 * the real engine through the real Kubernetes provider plugin: each path's
 * example config goes up, the objects are read back through the API, a
 * config change is applied as an update, and destroy removes them. Mocks
 * cannot tell whether the API server accepts our objects; this can.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readProgramConfig } from "../../components/common";
import { DEVICE_PLUGIN_NAME } from "../../components/kubernetes";
import * as path23 from "../../programs/2-3/program";
import * as path25 from "../../programs/2-5/program";
import { kubeStack, KubeStack, PROVIDER_VERSION, providerPluginMissing } from "../harness/kube-stack";
import { KubeTestEnv, kubeTestEnvMissing, startKubeTestEnv } from "../harness/kube-testenv";
import { loadExampleConfig } from "../harness/programs";
import { KEDA_CRDS } from "./keda-crds";

const PROGRAMS = path.join(__dirname, "../../programs");
const REGISTRY = "crtest.azurecr.io";

/** What the Azure half hands 2-3's consumers; any well-formed values do for the API server. */
const STREAM = {
    identityClientId: "11111111-2222-3333-4444-555555555555",
    producerClientId: "66666666-7777-8888-9999-000000000000",
    fullyQualifiedNamespace: "evhns-test.servicebus.windows.net",
    eventHubName: "events",
    storageAccountName: "stcheckpoints",
    blobEndpoint: "https://stcheckpoints.blob.core.windows.net/",
    checkpointContainer: "checkpoints",
    image: `${REGISTRY}/event-consumer:1`,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KubeObject = any;

describe("the Kubernetes half of paths 2-5 and 2-3 (real API server, engine and provider)", function () {
    const missing = kubeTestEnvMissing() ?? providerPluginMissing();
    let env: KubeTestEnv;

    before(async function () {
        if (missing) {
            console.log(`      skipped: ${missing}`);
            this.skip();
        }
        env = await startKubeTestEnv();
    });
    after(async () => {
        await env?.stop();
    });

    /** The object at `apiPath`, which must exist. */
    async function read(apiPath: string): Promise<KubeObject> {
        const res = await env.get(apiPath);
        assert.equal(res.status, 200, `GET ${apiPath}: ${JSON.stringify(res.body).slice(0, 300)}`);
        return res.body;
    }

    /** Whether the API server admits a pod with `spec` in `namespace` (a dry run: nothing is stored). */
    async function admitsPod(namespace: string, spec: KubeObject): Promise<{ status: number; message: string }> {
        const res = await env.request("POST", `/api/v1/namespaces/${namespace}/pods?dryRun=All`, {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { generateName: "probe-" },
            spec,
        });
        return { status: res.status, message: String(res.body?.message ?? "") };
    }

    /** Whether the object is gone. */
    async function gone(apiPath: string): Promise<boolean> {
        return (await env.get(apiPath)).status === 404;
    }

    /**
     * Whether the namespace is being deleted: with no namespace controller to
     * empty it and lift its finalizer, a deleted namespace stays Terminating.
     */
    async function terminating(namespace: string): Promise<boolean> {
        const res = await env.get(`/api/v1/namespaces/${namespace}`);
        return res.status === 404 || (res.status === 200 && Boolean(res.body.metadata?.deletionTimestamp));
    }

    it("runs the pinned Kubernetes release (the version stamp clients read) and the SDK's provider version", async () => {
        const pinned = /^\s*k8s\.io\/kubernetes (v[\d.]+)/m.exec(
            fs.readFileSync(path.join(__dirname, "../../tools/kube-testenv/go.mod"), "utf8"),
        )![1];
        assert.equal((await read("/version")).gitVersion, pinned);
        const release = /^\/\/ provider release: (\S+)$/m.exec(
            fs.readFileSync(path.join(__dirname, "../../tools/kubernetes-provider/go.mod"), "utf8"),
        )![1];
        assert.equal(release, PROVIDER_VERSION, "the provider is built at the release of the npm SDK");
    });

    describe("2-5: real-time deep-learning scoring", () => {
        const example = loadExampleConfig(path.join(PROGRAMS, "2-5"));
        const key = (k: string) => `${example.project}:${k}`;
        let stack: KubeStack;

        before(async () => {
            stack = await kubeStack(example.project, env.kubeconfig, (provider) => {
                const c = readProgramConfig(path25.CONFIG_SPEC, path25.CONFIG_CHECKS);
                const w = path25.scoringWorkloads(
                    "score",
                    path25.workloadSettings(c, path25.imageOf(c, REGISTRY)),
                    provider,
                );
                return { scoringUrl: w.service.scoringUrl, devicePlugin: w.devicePlugin !== undefined };
            });
        });
        after(async () => {
            await stack?.cleanup();
        });

        const ns = example.values[key("namespace")];
        const deploymentPath = `/apis/apps/v1/namespaces/${ns}/deployments/${path25.SERVICE_NAME}`;
        const hpaPath = `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/${path25.SERVICE_NAME}`;
        const pdbPath = `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${path25.SERVICE_NAME}`;
        const servicePath = `/api/v1/namespaces/${ns}/services/${path25.SERVICE_NAME}`;
        const devicePluginPath = `/apis/apps/v1/namespaces/kube-system/daemonsets/${DEVICE_PLUGIN_NAME}`;

        it("the example goes up: GPU limit, tolerations, node selector, probes, non-root, HPA and PDB as configured", async () => {
            const up = await stack.up(example.values);
            assert.equal(up.summary.result, "succeeded");
            assert.equal(up.outputs.scoringUrl.value, `http://${path25.SERVICE_NAME}.${ns}.svc.cluster.local/score`);

            const namespace = await read(`/api/v1/namespaces/${ns}`);
            assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");

            const deployment = await read(deploymentPath);
            const pod = deployment.spec.template.spec;
            const [container] = pod.containers;
            assert.equal(container.image, `${REGISTRY}/${path25.SCORING_IMAGE_REPOSITORY}:1.0.0`);
            assert.equal(container.resources.limits["nvidia.com/gpu"], "1");
            assert.equal(container.resources.requests.cpu, "500m");
            assert.equal(container.resources.limits.memory, "4Gi");
            assert.deepEqual(
                pod.tolerations.map((t: KubeObject) => `${t.key}=${t.value}:${t.effect}`).sort(),
                ["sku=gpu:NoSchedule"],
                "the GPU pool's taint, and no Spot taint on an on-demand pool",
            );
            assert.equal(pod.nodeSelector["kubernetes.azure.com/agentpool"], example.values[key("poolName")]);
            assert.equal(container.readinessProbe.httpGet.path, "/ready");
            assert.equal(container.livenessProbe.httpGet.path, "/healthz");
            assert.equal(container.readinessProbe.httpGet.port, container.ports[0].containerPort);
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.equal(container.securityContext.allowPrivilegeEscalation, false);
            assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
            assert.equal(container.securityContext.readOnlyRootFilesystem, true);
            assert.equal(pod.automountServiceAccountToken, false, "the scorer needs no Kubernetes API token");

            const hpa = await read(hpaPath);
            assert.equal(hpa.spec.minReplicas, 1);
            assert.equal(hpa.spec.maxReplicas, 2);
            assert.equal(hpa.spec.scaleTargetRef.name, path25.SERVICE_NAME);
            assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
            const pdb = await read(pdbPath);
            assert.equal(pdb.spec.maxUnavailable, 1, "drains evict one scorer at a time");
            assert.deepEqual(
                pdb.spec.selector.matchLabels,
                deployment.spec.selector.matchLabels,
                "it covers the scorers",
            );
            assert.equal((await read(servicePath)).spec.type, "ClusterIP");

            assert.equal(up.outputs.devicePlugin.value, true, "the example's GPU pool takes the AKS-installed driver");
            const plugin = await read(devicePluginPath);
            assert.ok(
                plugin.spec.template.spec.tolerations.some((t: KubeObject) => t.key === "sku" && t.value === "gpu"),
                "the plugin runs on the tainted GPU nodes",
            );
        });

        it("the scoring pod passes the namespace's restricted Pod Security admission (a pod that does not is refused)", async () => {
            const template = (await read(deploymentPath)).spec.template.spec;
            const ours = await admitsPod(ns, template);
            assert.equal(ours.status, 201, ours.message);

            const rooted = {
                ...template,
                securityContext: {},
                containers: [{ ...template.containers[0], securityContext: {} }],
            };
            const refused = await admitsPod(ns, rooted);
            assert.equal(refused.status, 403, "the namespace enforces the restricted standard");
            assert.match(refused.message, /violates PodSecurity "restricted/);
        });

        it("a config change updates the objects in place: image, HPA bound, Spot nodes, an internal load balancer", async () => {
            const before = await read(deploymentPath);
            const up = await stack.up({
                ...example.values,
                [key("maxReplicas")]: "4",
                [key("imageTag")]: "1.1.0",
                [key("poolSpot")]: "true",
                [key("exposure")]: "Internal",
            });
            assert.equal(up.summary.result, "succeeded");
            assert.equal(up.summary.resourceChanges?.replace ?? 0, 0, "nothing replaced");
            assert.ok((up.summary.resourceChanges?.update ?? 0) >= 3, JSON.stringify(up.summary.resourceChanges));

            const after = await read(deploymentPath);
            assert.equal(after.metadata.uid, before.metadata.uid, "the same Deployment");
            const pod = after.spec.template.spec;
            assert.equal(pod.containers[0].image, `${REGISTRY}/${path25.SCORING_IMAGE_REPOSITORY}:1.1.0`);
            assert.deepEqual(
                pod.tolerations.map((t: KubeObject) => `${t.key}=${t.value}:${t.effect}`).sort(),
                ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule", "sku=gpu:NoSchedule"],
                "Spot nodes carry AKS's Spot taint too",
            );
            assert.equal((await read(hpaPath)).spec.maxReplicas, 4);
            const service = await read(servicePath);
            assert.equal(service.spec.type, "LoadBalancer");
            assert.equal(
                service.metadata.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"],
                "true",
            );
        });

        it("destroy removes every object", async () => {
            await stack.destroy();
            for (const p of [deploymentPath, hpaPath, pdbPath, servicePath, devicePluginPath]) {
                assert.ok(await gone(p), `${p} is still there`);
            }
            assert.ok(await terminating(ns), `namespace ${ns} is not being deleted`);
        });
    });

    describe("2-3: consumers autoscaled by KEDA on the event backlog", () => {
        const example = loadExampleConfig(path.join(PROGRAMS, "2-3"));
        const key = (k: string) => `${example.project}:${k}`;
        let stack: KubeStack;

        before(async () => {
            for (const crd of KEDA_CRDS) {
                const res = await env.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
                assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 300));
            }
            // A CRD serves its resource once the API server has established it.
            for (const name of ["scaledobjects.keda.sh", "triggerauthentications.keda.sh"]) {
                const deadline = Date.now() + 30000;
                for (;;) {
                    const crd = await read(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
                    const established = (crd.status?.conditions ?? []).some(
                        (c: KubeObject) => c.type === "Established" && c.status === "True",
                    );
                    if (established) break;
                    assert.ok(Date.now() < deadline, `${name} not established`);
                    await new Promise((r) => setTimeout(r, 200));
                }
            }
            stack = await kubeStack(example.project, env.kubeconfig, (provider) => {
                const c = readProgramConfig(path23.CONFIG_SPEC, path23.CONFIG_CHECKS);
                const w = path23.consumerWorkloads("stream", path23.consumerSettings(c, STREAM), provider);
                return { namespace: w.consumer.namespaceName, maxReplicas: w.consumer.maxReplicas };
            });
        });
        after(async () => {
            await stack?.cleanup();
        });

        const ns = example.values[key("kubernetesNamespace")];
        const name = "event-consumer";
        const deploymentPath = `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
        const accountPath = `/api/v1/namespaces/${ns}/serviceaccounts/${name}`;
        const scalerPath = `/apis/keda.sh/v1alpha1/namespaces/${ns}/scaledobjects/${name}`;
        const authPath = `/apis/keda.sh/v1alpha1/namespaces/${ns}/triggerauthentications/${name}-keda-auth`;

        it("the example goes up: workload identity on the pods, KEDA bounded by the partitions, reading the checkpoints", async () => {
            const up = await stack.up(example.values);
            assert.equal(up.summary.result, "succeeded");
            const partitions = Number(example.values[key("partitions")]);

            const account = await read(accountPath);
            assert.equal(account.metadata.annotations["azure.workload.identity/client-id"], STREAM.identityClientId);
            const producer = await read(`/api/v1/namespaces/${ns}/serviceaccounts/${path23.PRODUCER_SERVICE_ACCOUNT}`);
            assert.equal(producer.metadata.annotations["azure.workload.identity/client-id"], STREAM.producerClientId);

            const deployment = await read(deploymentPath);
            const pod = deployment.spec.template;
            assert.equal(pod.metadata.labels["azure.workload.identity/use"], "true");
            assert.equal(pod.spec.serviceAccountName, name);
            const envOf = Object.fromEntries(pod.spec.containers[0].env.map((e: KubeObject) => [e.name, e.value]));
            assert.ok(Object.values(envOf).includes(STREAM.fullyQualifiedNamespace), JSON.stringify(envOf));
            assert.ok(Object.values(envOf).includes(STREAM.checkpointContainer), JSON.stringify(envOf));
            assert.equal(pod.spec.securityContext.runAsNonRoot, true);
            assert.equal(pod.spec.containers[0].securityContext.readOnlyRootFilesystem, true);

            const auth = await read(authPath);
            assert.deepEqual(auth.spec.podIdentity, {
                provider: "azure-workload",
                identityId: STREAM.identityClientId,
            });

            const scaler = await read(scalerPath);
            assert.equal(scaler.spec.scaleTargetRef.name, name);
            assert.equal(scaler.spec.minReplicaCount, Number(example.values[key("minConsumers")]));
            assert.equal(scaler.spec.maxReplicaCount, partitions, "by default one consumer per partition at most");
            assert.equal(up.outputs.maxReplicas.value, partitions);
            const [trigger] = scaler.spec.triggers;
            assert.equal(trigger.type, "azure-eventhub");
            assert.equal(trigger.authenticationRef.name, `${name}-keda-auth`);
            assert.equal(trigger.metadata.eventHubNamespace, "evhns-test");
            assert.equal(trigger.metadata.eventHubName, STREAM.eventHubName);
            assert.equal(trigger.metadata.consumerGroup, example.values[key("consumerGroup")]);
            assert.equal(trigger.metadata.blobContainer, STREAM.checkpointContainer);
            assert.equal(trigger.metadata.storageAccountName, STREAM.storageAccountName);
            assert.equal(trigger.metadata.checkpointStrategy, "blobMetadata", "the Python SDK's blob checkpoints");
            assert.equal(trigger.metadata.unprocessedEventThreshold, example.values[key("unprocessedEventThreshold")]);
        });

        it("the consumer pod passes the namespace's restricted Pod Security admission", async () => {
            const namespace = await read(`/api/v1/namespaces/${ns}`);
            assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
            const template = (await read(deploymentPath)).spec.template.spec;
            const admitted = await admitsPod(ns, template);
            assert.equal(admitted.status, 201, admitted.message);
        });

        it("more partitions raise KEDA's bound in place", async () => {
            const before = await read(scalerPath);
            const up = await stack.up({ ...example.values, [key("partitions")]: "8" });
            assert.equal(up.summary.result, "succeeded");
            assert.equal(up.summary.resourceChanges?.replace ?? 0, 0, "nothing replaced");
            const after = await read(scalerPath);
            assert.equal(after.metadata.uid, before.metadata.uid, "the same ScaledObject");
            assert.equal(after.spec.maxReplicaCount, 8);
        });

        it("destroy removes every object", async () => {
            await stack.destroy();
            for (const p of [deploymentPath, accountPath, scalerPath, authPath]) {
                assert.ok(await gone(p), `${p} is still there`);
            }
            assert.ok(await terminating(ns), `namespace ${ns} is not being deleted`);
        });
    });
});
