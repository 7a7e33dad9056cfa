import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import { ValidationError } from "../../../components/common/validation";
import { GPU_POOL_TOLERATION, SPOT_TOLERATION } from "../../../components/kubernetes/pod-spec";
import { ScoringService } from "../../../components/kubernetes/scoring-service";
import {
    INTERNAL_LB_ANNOTATION,
    resolveScoringServiceArgs,
    scoringUrl,
    validateScoringServiceArgs,
} from "../../../components/kubernetes/scoring-service-args";
import { MockRecorder, settle, useMocks, valueOf } from "../../harness/mocks";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const IMAGE = "crscoredev.azurecr.io/customai-http-score:1.0.0";
const GPU_PLACEMENT = {
    tolerations: [GPU_POOL_TOLERATION, SPOT_TOLERATION],
    nodeSelector: { "kubernetes.azure.com/agentpool": "gpu" },
};

describe("ScoringService under mocks", () => {
    let recorder: MockRecorder;
    let provider: k8s.Provider;
    beforeEach(async () => {
        recorder = await useMocks();
        provider = new k8s.Provider("cluster", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
    });

    it("runs one GPU per pod on the GPU pool, locked down, behind an internal load balancer", async () => {
        // GIVEN a scoring service with the defaults, placed on a GPU pool
        recorder.outputsFor(SERVICE, () => ({ status: { loadBalancer: { ingress: [{ ip: "10.224.0.9" }] } } }));
        const svc = new ScoringService("churn-scorer", {
            provider,
            namespace: "scoring",
            image: IMAGE,
            placement: GPU_PLACEMENT,
            exposure: "Internal",
            env: { MODEL_PATH: "/app/model/model.json" },
        });
        await settle(recorder);

        // THEN every object goes through the cluster's provider, in the namespace given
        for (const type of [DEPLOYMENT, SERVICE, HPA, PDB]) {
            const r = recorder.one(type);
            assert.match(r.provider, /pulumi:providers:kubernetes::cluster::/, type);
            assert.equal(r.inputs.metadata.namespace, "scoring", type);
            assert.equal(r.inputs.metadata.name, "churn-scorer", type);
        }
        // AND the pods ask for one GPU (a limit only), run on the GPU pool and tolerate its taints
        const deployment = recorder.one(DEPLOYMENT).inputs;
        assert.equal(deployment.spec.replicas, undefined, "the autoscaler owns the count");
        const pod = deployment.spec.template.spec;
        const c = pod.containers[0];
        assert.deepEqual(c.resources, {
            requests: { cpu: "500m", memory: "1Gi" },
            limits: { cpu: "2", memory: "4Gi", "nvidia.com/gpu": "1" },
        });
        assert.deepEqual(pod.tolerations, [GPU_POOL_TOLERATION, SPOT_TOLERATION]);
        assert.deepEqual(pod.nodeSelector, { "kubernetes.azure.com/agentpool": "gpu" });
        // AND it is probed: started, live, ready on the server's paths
        assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: 8080 });
        assert.deepEqual(c.livenessProbe.httpGet, { path: "/healthz", port: 8080 });
        assert.deepEqual(c.startupProbe.httpGet, { path: "/healthz", port: 8080 });
        assert.equal(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold, 300);
        // AND locked down: non-root uid, no escalation, no capabilities, read-only root with a writable /tmp
        assert.equal(pod.automountServiceAccountToken, false);
        assert.deepEqual(pod.securityContext, {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
        assert.deepEqual(c.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
        assert.deepEqual(pod.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }]);
        assert.deepEqual(c.env, [
            { name: "PORT", value: "8080" },
            { name: "MODEL_PATH", value: "/app/model/model.json" },
        ]);
        assert.equal(c.image, IMAGE);
        // AND the Service is an internal load balancer on port 80, selecting the pods
        const service = recorder.one(SERVICE).inputs;
        assert.equal(service.spec.type, "LoadBalancer");
        assert.deepEqual(service.metadata.annotations, { [INTERNAL_LB_ANNOTATION]: "true" });
        assert.deepEqual(service.spec.selector, deployment.spec.template.metadata.labels);
        assert.deepEqual(service.spec.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
        assert.equal(service.spec.loadBalancerSourceRanges, undefined);
        // AND the autoscaler keeps 1-3 pods at 70% of the CPU request
        const hpa = recorder.one(HPA).inputs;
        assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "churn-scorer" });
        assert.equal(hpa.spec.minReplicas, 1);
        assert.equal(hpa.spec.maxReplicas, 3);
        assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
        // AND drains may evict one pod at a time, unhealthy ones always
        const pdb = recorder.one(PDB).inputs;
        assert.equal(pdb.spec.maxUnavailable, 1);
        assert.equal(pdb.spec.minAvailable, undefined);
        assert.equal(pdb.spec.unhealthyPodEvictionPolicy, "AlwaysAllow");
        assert.deepEqual(pdb.spec.selector.matchLabels, service.spec.selector);
        // AND the URL is the load balancer's
        assert.equal(await valueOf(svc.scoringUrl), "http://10.224.0.9/score");
        assert.equal(await valueOf(svc.serviceName), "churn-scorer");
    });

    it("runs on CPU with no GPU limit, cluster-only by default, with its own name, ports and bounds", async () => {
        const svc = new ScoringService("scorer", {
            provider,
            namespace: "team-a",
            image: IMAGE,
            serviceName: "churn",
            gpusPerPod: 0,
            containerPort: 9000,
            servicePort: 8000,
            minReplicas: 2,
            maxReplicas: 6,
            targetCpuUtilization: 50,
            skipAwait: true,
        });
        await settle(recorder);
        const deployment = recorder.one(DEPLOYMENT).inputs;
        const c = deployment.spec.template.spec.containers[0];
        assert.equal(c.resources.limits["nvidia.com/gpu"], undefined);
        assert.equal(deployment.spec.template.spec.nodeSelector, undefined);
        assert.deepEqual(deployment.spec.template.spec.tolerations, []);
        assert.deepEqual(c.ports, [{ name: "http", containerPort: 9000, protocol: "TCP" }]);
        const service = recorder.one(SERVICE).inputs;
        assert.equal(service.spec.type, "ClusterIP");
        assert.deepEqual(service.metadata.annotations, { "pulumi.com/skipAwait": "true" });
        assert.deepEqual(deployment.metadata.annotations, { "pulumi.com/skipAwait": "true" });
        const hpa = recorder.one(HPA).inputs.spec;
        assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [2, 6]);
        assert.equal(await valueOf(svc.scoringUrl), "http://churn.team-a.svc.cluster.local:8000/score");
    });

    it("opens a public load balancer only to the ranges given", async () => {
        new ScoringService("scorer", {
            provider,
            namespace: "scoring",
            image: IMAGE,
            exposure: "Public",
            allowedSourceRanges: ["203.0.113.0/24"],
        });
        await settle(recorder);
        const service = recorder.one(SERVICE).inputs;
        assert.equal(service.spec.type, "LoadBalancer");
        assert.equal(service.metadata.annotations, undefined, "no internal annotation");
        assert.deepEqual(service.spec.loadBalancerSourceRanges, ["203.0.113.0/24"]);
    });

    it("refuses bad settings all at once, naming each field, before any object exists", () => {
        assert.throws(
            () =>
                new ScoringService("Scorer", {
                    provider,
                    namespace: "scoring",
                    image: "scorer:latest",
                    containerPort: 80,
                    servicePort: 70000,
                    gpusPerPod: -1,
                    cpuRequest: "3",
                    cpuLimit: "2",
                    memoryRequest: "1GB",
                    minReplicas: 4,
                    maxReplicas: 3,
                    targetCpuUtilization: 0,
                    exposure: "Public",
                    env: { PORT: "1" },
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, [
                    "serviceName",
                    "image",
                    "containerPort",
                    "servicePort",
                    "gpusPerPod",
                    "cpuRequest",
                    "memoryRequest",
                    "minReplicas",
                    "targetCpuUtilization",
                    "allowedSourceRanges",
                    "env.PORT",
                ]);
                assert.match(err.message, /minReplicas: at most maxReplicas \(3\) \(got 4\)/);
                assert.match(err.message, /containerPort: a port from 1024 to 65535 \(got 80\)/);
                assert.match(err.message, /cpuRequest: at most the cpu limit \(2\) \(got "3"\)/);
                return true;
            },
        );
        assert.equal(recorder.count(DEPLOYMENT), 0);
    });
});

describe("ScoringService settings", () => {
    const base = { image: IMAGE };

    it("states every default", () => {
        const r = resolveScoringServiceArgs(base, "scorer");
        assert.deepEqual(
            { ...r, tolerations: [...r.tolerations] },
            {
                serviceName: "scorer",
                image: IMAGE,
                containerPort: 8080,
                servicePort: 80,
                gpusPerPod: 1,
                cpuRequest: "500m",
                cpuLimit: "2",
                memoryRequest: "1Gi",
                memoryLimit: "4Gi",
                minReplicas: 1,
                maxReplicas: 3,
                targetCpuUtilization: 70,
                exposure: "ClusterIP",
                allowedSourceRanges: [],
                tolerations: [],
                nodeSelector: {},
                env: {},
                readinessPath: "/ready",
                livenessPath: "/healthz",
                startupSeconds: 300,
                runAsUser: 10001,
                tmpSizeLimit: "1Gi",
                readyTimeoutMinutes: 30,
                skipAwait: false,
            },
        );
    });

    it("keeps at least one replica, and public services off the open internet", () => {
        const fields = (settings: object) => {
            try {
                validateScoringServiceArgs({ ...base, ...settings }, "scorer");
                return [];
            } catch (err) {
                return (err as ValidationError).issues.map((i) => `${i.field}: ${i.rule}`);
            }
        };
        assert.deepEqual(fields({ minReplicas: 0 }), [
            "minReplicas: an integer from 1 to 100 (a scoring service keeps at least one pod)",
        ]);
        assert.deepEqual(fields({ exposure: "Public", allowedSourceRanges: ["0.0.0.0/0"] }), [
            "allowedSourceRanges[0]: must not open the service to the whole internet",
        ]);
        assert.deepEqual(fields({ exposure: "ClusterIP", allowedSourceRanges: ["203.0.113.0/24"] }), [
            'allowedSourceRanges: only used with exposure "Internal" or "Public"',
        ]);
        assert.deepEqual(fields({ exposure: "Internal", allowedSourceRanges: ["10.0.0.0/8"] }), []);
        assert.deepEqual(fields({ exposure: "Everyone" }), ['exposure: one of "ClusterIP", "Internal", "Public"']);
        assert.deepEqual(fields({ readinessPath: "ready" }), ["readinessPath: an HTTP path starting with '/'"]);
    });

    it("builds the URL from the load balancer's address, or the cluster DNS name", () => {
        const r = { serviceName: "churn", servicePort: 80, exposure: "Internal" as const };
        assert.equal(scoringUrl(r, "scoring", [{ ip: "10.0.0.4" }]), "http://10.0.0.4/score");
        assert.equal(scoringUrl(r, "scoring", [{ hostname: "lb.example" }]), "http://lb.example/score");
        assert.equal(scoringUrl(r, "scoring", undefined), "http://churn.scoring.svc.cluster.local/score");
        assert.equal(
            scoringUrl({ ...r, exposure: "ClusterIP", servicePort: 8080 }, "scoring", [{ ip: "10.0.0.4" }]),
            "http://churn.scoring.svc.cluster.local:8080/score",
        );
    });
});
