import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { DEVICE_PLUGIN_IMAGE } from "../../../components/kubernetes";
import {
    buildCommand,
    CONFIG_CHECKS,
    CONFIG_SPEC,
    portForwardCommand,
    program,
    SCORING_IMAGE_REPOSITORY,
    scoringWorkloads,
} from "../../../programs/2-5/program";
import { SAMPLE_CODE_DIR } from "../../../programs/shared";
import { MANAGED_CLUSTER as CLUSTER, mockAksCluster as aks } from "../../harness/aks";
import { settle, useMocks, valueOf } from "../../harness/mocks";
import { BASE_OUTPUTS, withBaseStack } from "../../harness/platform-stack";
import { configFaults, loadExampleConfig, rejectsConfig, runProgram, unquoted } from "../../harness/programs";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/2-5");
const POOL = "azure-native:containerservice:AgentPool";
const ROLE = "azure-native:authorization:RoleAssignment";
const DAEMONSET = "kubernetes:apps/v1:DaemonSet";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const K8S_OBJECTS = [NAMESPACE, DAEMONSET, DEPLOYMENT, SERVICE, HPA, PDB];
const GPU_TOLERATION = { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" };
const SPOT_TOLERATION = {
    key: "kubernetes.azure.com/scalesetpriority",
    operator: "Equal",
    value: "spot",
    effect: "NoSchedule",
};

describe("programs/2-5 (real-time deep-learning scoring on GPUs)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example: a GPU pool from 0 nodes, the device plugin, and a GPU scorer on it", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {}, aks);
        const rg = recorder.one("azure-native:resources:ResourceGroup");
        assert.equal(rg.inputs.resourceGroupName, "rg-gpuscore-dev");
        assert.equal(recorder.count("azure-native:machinelearningservices:Workspace"), 1, "its own platform");

        // The cluster, and its GPU pool: tainted, autoscaled from zero, with AKS's driver.
        const cluster = recorder.one(CLUSTER);
        assert.equal(cluster.inputs.resourceGroupName, "rg-gpuscore-dev");
        const pool = recorder.one(POOL).inputs;
        assert.equal(pool.agentPoolName, "gpu");
        assert.equal(pool.vmSize, "Standard_NC4as_T4_v3");
        assert.deepEqual([pool.minCount, pool.maxCount, pool.enableAutoScaling], [0, 2, true]);
        assert.deepEqual(pool.nodeTaints, ["sku=gpu:NoSchedule"]);
        assert.deepEqual(pool.gpuProfile, { driver: "Install" });
        // The kubelet pulls from the platform's registry by its identity.
        const registry = recorder.one("azure-native:containerregistry:Registry");
        const pull = recorder
            .ofType(ROLE)
            .find((r) => r.inputs.roleDefinitionId.endsWith(BUILT_IN_ROLES.AcrPull) && r.inputs.scope === registry.id);
        assert.equal(pull?.inputs.principalId, "kubelet-object-id");

        // Every Kubernetes object goes through the cluster's provider.
        for (const type of K8S_OBJECTS) {
            for (const r of recorder.ofType(type))
                assert.match(r.provider, /pulumi:providers:kubernetes::gpuscore-dev-aks-k8s::/);
        }
        // ...and waits for the deployer's grant to create it.
        const grant = recorder.named("gpuscore-dev-aks-deployer-admin").inputs;
        assert.equal(grant.scope, cluster.id);
        assert.equal(grant.principalId, "mock-object", "the identity running pulumi up");
        assert.equal(grant.principalType, "User");
        assert.equal(grant.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.AksRbacClusterAdmin);
        assert.ok(
            recorder
                .one("pulumi:providers:kubernetes")
                .options.dependencies.some((u) => u.endsWith("::gpuscore-dev-aks-deployer-admin")),
            "the provider, and so every object, waits for the grant",
        );
        const ns = recorder.one(NAMESPACE);
        assert.equal(ns.inputs.metadata.name, "scoring");
        assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");

        // The device plugin, on the GPU pool only.
        const plugin = recorder.one(DAEMONSET).inputs;
        assert.equal(plugin.metadata.namespace, "kube-system");
        assert.equal(plugin.spec.template.spec.containers[0].image, DEVICE_PLUGIN_IMAGE);
        assert.deepEqual(plugin.spec.template.spec.nodeSelector, { "kubernetes.azure.com/agentpool": "gpu" });
        assert.ok(plugin.spec.template.spec.tolerations.some((t: object) => isDeepStrictEqual(t, GPU_TOLERATION)));

        // The scorer: one GPU, on the GPU pool, tolerating its taint, from the registry's sample image.
        const deployment = recorder.one(DEPLOYMENT).inputs;
        assert.equal(deployment.metadata.namespace, "scoring");
        const pod = deployment.spec.template.spec;
        assert.equal(pod.containers[0].resources.limits["nvidia.com/gpu"], "1");
        assert.deepEqual(pod.tolerations, [GPU_TOLERATION]);
        assert.deepEqual(pod.nodeSelector, { "kubernetes.azure.com/agentpool": "gpu" });
        const loginServer = registry.inputs.registryName + ".azurecr.io";
        assert.equal(pod.containers[0].image, `${loginServer}/${SCORING_IMAGE_REPOSITORY}:1.0.0`);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        // The example's first deploy does not wait for pods whose image is not built yet.
        assert.deepEqual(deployment.metadata.annotations, { "pulumi.com/skipAwait": "true" });
        const hpa = recorder.one(HPA).inputs.spec;
        assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [1, 2]);
        assert.equal(hpa.metrics[0].resource.target.averageUtilization, 70);
        const service = recorder.one(SERVICE).inputs;
        assert.equal(service.spec.type, "ClusterIP", "cluster-only unless told otherwise");
        assert.equal(recorder.one(PDB).inputs.spec.maxUnavailable, 1);

        // Outputs: the URL, the cluster, a secret kubeconfig, and how to build and reach the scorer.
        assert.equal(outputs.scoringUrl, "http://scorer.scoring.svc.cluster.local/score");
        assert.equal(outputs.clusterName, cluster.inputs.resourceName);
        assert.match(String(outputs.kubeconfig), /kubelogin/);
        assert.deepEqual(secretOutputs, ["kubeconfig"]);
        assert.equal(outputs.devicePlugin, true);
        assert.equal(
            outputs.buildCommand,
            `az acr build --registry ${registry.inputs.registryName} --image ${SCORING_IMAGE_REPOSITORY}:1.0.0 automation/sample`,
        );
        assert.equal(outputs.portForwardCommand, "kubectl port-forward --namespace scoring service/scorer 8080:80");
        assert.match(
            String(outputs.getCredentialsCommand),
            /^az aks get-credentials --resource-group rg-gpuscore-dev --name /,
        );
    });

    it("leaves the device plugin to the GPU Operator with gpuDriver None, and waits for the rollout when asked", async () => {
        const { recorder } = await runProgram(program, example, { gpuDriver: "None", awaitRollout: "true" }, aks);
        assert.equal(recorder.count(DAEMONSET), 0);
        assert.deepEqual(recorder.one(POOL).inputs.gpuProfile, { driver: "None" });
        assert.equal(recorder.one(DEPLOYMENT).inputs.metadata.annotations, undefined);
    });

    it("serves on Spot nodes and through a public load balancer limited to the ranges given", async () => {
        const { recorder } = await runProgram(
            program,
            example,
            {
                poolSpot: "true",
                exposure: "Public",
                allowedSourceRanges: '["203.0.113.7/32"]',
                maxReplicas: "3",
                poolMaxCount: "3",
            },
            aks,
        );
        const pod = recorder.one(DEPLOYMENT).inputs.spec.template.spec;
        assert.deepEqual(pod.tolerations, [GPU_TOLERATION, SPOT_TOLERATION]);
        assert.ok(
            recorder
                .one(DAEMONSET)
                .inputs.spec.template.spec.tolerations.some((t: object) => isDeepStrictEqual(t, SPOT_TOLERATION)),
        );
        const service = recorder.one(SERVICE).inputs;
        assert.equal(service.spec.type, "LoadBalancer");
        assert.deepEqual(service.spec.loadBalancerSourceRanges, ["203.0.113.7/32"]);
        assert.equal(recorder.one(HPA).inputs.spec.maxReplicas, 3);
    });

    it("scores on CPU with gpusPerPod 0 on a CPU pool: no GPU limit, no device plugin", async () => {
        const { recorder } = await runProgram(
            program,
            example,
            { poolVmSize: "Standard_D4s_v5", gpusPerPod: "0", image: "docker.io/library/scorer:2.0" },
            aks,
        );
        assert.equal(recorder.count(DAEMONSET), 0);
        const c = recorder.one(DEPLOYMENT).inputs.spec.template.spec.containers[0];
        assert.equal(c.resources.limits["nvidia.com/gpu"], undefined);
        assert.equal(c.image, "docker.io/library/scorer:2.0");
    });

    it("builds on a platform stack: the cluster in a group of its own, pulling the image from the base registry", async () => {
        const { recorder, outputs } = await runProgram(
            program,
            example,
            { platformStack: "org/customai-platform/prod", deployerAccess: "none" },
            (r) => {
                aks(r);
                withBaseStack()(r);
            },
        );
        for (const type of [
            "azure-native:machinelearningservices:Workspace",
            "azure-native:containerregistry:Registry",
        ]) {
            assert.equal(recorder.count(type), 0, `${type} comes from the base stack`);
        }
        assert.equal(recorder.one("azure-native:resources:ResourceGroup").inputs.resourceGroupName, "rg-gpuscore-dev");
        const pull = recorder.ofType(ROLE).find((r) => r.inputs.scope === BASE_OUTPUTS.registryId);
        assert.equal(pull?.inputs.principalId, "kubelet-object-id");
        assert.equal(
            recorder.one(CLUSTER).inputs.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID,
            BASE_OUTPUTS.logAnalyticsWorkspaceId,
        );
        const image = `${BASE_OUTPUTS.registryLoginServer}/${SCORING_IMAGE_REPOSITORY}:1.0.0`;
        assert.equal(recorder.one(DEPLOYMENT).inputs.spec.template.spec.containers[0].image, image);
        assert.equal(outputs.image, image);
        assert.equal(recorder.ofType(ROLE).filter((r) => r.name.endsWith("-deployer-admin")).length, 0);
    });

    const withPublic = { exposure: "Public" };
    rejectsConfig(
        CONFIG_SPEC,
        CONFIG_CHECKS,
        [
            ["poolVmSize", "Standard_NC6s_v3", /retired/],
            ["poolMinCount", "3", /at most maxCount \(2\)/],
            ["gpuDriver", "Maybe", /one of "Install", "None"/],
            ["gpusPerPod", "1", /0 on a CPU pool/, { poolVmSize: "Standard_D4s_v5" }],
            ["gpusPerPod", "9", /0 \(CPU only\) to 8/],
            ["minReplicas", "0", /keeps at least one pod/],
            ["minReplicas", "3", /at most maxReplicas \(2\)/],
            ["maxReplicas", "101", /1 to 100/],
            ["targetCpuUtilization", "0", /1 to 1000/],
            ["cpuRequest", "3", /at most the cpu limit \(2\)/],
            ["memoryLimit", "4GB", /Kubernetes quantity/],
            ["exposure", "Everyone", /one of "ClusterIP", "Internal", "Public"/],
            ["allowedSourceRanges", '["0.0.0.0/0"]', /whole internet/, withPublic, "0.0.0.0/0"],
            ["allowedSourceRanges", '["203.0.113.7/32"]', /only used with exposure/, {}, "203.0.113.7/32"],
            ["allowedSourceRanges", "[]", /at least one CIDR/, withPublic],
            ["image", "myregistry.azurecr.io/scorer", /pinned by a tag other than latest/],
            ["image", "myregistry.azurecr.io/scorer:latest", /pinned/],
            ["namespace", "kube-system", /a namespace of its own/],
            ["namespace", "Scoring", /lowercase letters/],
            ["networkIsolation", "true", /false on path 2-5/],
            ["imageTag", "2.0.0", /only used without image/, { image: "reg.io/scorer:1" }],
        ],
        { shown: unquoted },
    );

    it("refuses a sample image without a registry, and platform keys beside platformStack", () => {
        const faults = configFaults(CONFIG_SPEC, CONFIG_CHECKS);
        assert.deepEqual(faults({ registry: "false" }), ["image"]);
        assert.deepEqual(faults({ registry: "false", image: "reg.io/scorer:1" }), []);
        assert.deepEqual(faults({ platformStack: "org/customai-platform/prod", registry: "false" }), ["registry"]);
        assert.deepEqual(faults({ minReplicas: "2", maxReplicas: "2", poolMaxCount: "2" }), [], "defaults are fine");
    });

    it("spells out the build and port-forward commands", () => {
        assert.equal(
            buildCommand("crabc.azurecr.io", "crabc.azurecr.io/customai-http-score:1.2.0"),
            "az acr build --registry crabc --image customai-http-score:1.2.0 automation/sample",
        );
        assert.equal(
            portForwardCommand("team-a", 9000),
            "kubectl port-forward --namespace team-a service/scorer 9000:80",
        );
    });
});

describe("programs/2-5 Kubernetes half on its own (scoringWorkloads)", () => {
    it("creates the namespace, the device plugin and the scorer with only a Kubernetes provider and plain settings", async () => {
        const recorder = await useMocks("customai-2-5", "test");
        const provider = new k8s.Provider("kind", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
        const { service, devicePlugin } = scoringWorkloads(
            "engine",
            {
                namespace: "scoring",
                service: { image: "localhost:5000/customai-http-score:1.0.0", gpusPerPod: 0, skipAwait: true },
                devicePlugin: { placement: { nodeSelector: { gpu: "true" } }, skipAwait: true },
            },
            provider,
        );
        await settle(recorder);
        assert.ok(devicePlugin);
        assert.deepEqual(
            recorder.resources.filter((r) => r.type.startsWith("azure-native:")).map((r) => r.type),
            [],
            "no Azure resource",
        );
        for (const type of K8S_OBJECTS) assert.match(recorder.one(type).provider, /::kind::/, type);
        assert.equal(await valueOf(service.scoringUrl), "http://scorer.scoring.svc.cluster.local/score");
        assert.deepEqual(recorder.calls, [], "no invokes");
    });

    it("refuses a namespace the cluster owns before creating anything", async () => {
        const recorder = await useMocks("customai-2-5", "test");
        const provider = new k8s.Provider("kind", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
        assert.throws(
            () => scoringWorkloads("engine", { namespace: "default", service: { image: "reg.io/s:1" } }, provider),
            /namespace: a namespace of its own/,
        );
        await settle(recorder);
        assert.equal(recorder.count(NAMESPACE), 0);
    });
});

/** The sample server, started on a free port; resolves once it listens. */
function startServer(args: string[] = []): Promise<{ child: ChildProcess; url: string; output: () => string }> {
    const child = spawn(
        "python3",
        [path.join(SAMPLE_CODE_DIR, "http_score.py"), "--port", "0", "--host", "127.0.0.1", ...args],
        {
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    let text = "";
    child.stderr!.on("data", (d) => (text += d));
    return new Promise((resolve, reject) => {
        child.stdout!.on("data", (d) => {
            text += d;
            const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(text);
            if (m) resolve({ child, url: m[1], output: () => text });
        });
        child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${text}`)));
    });
}

/** What score.py gives for rows in the model's feature order (predict, rounded as the scorers round). */
function scorePyPredictions(rows: number[][]): [number, number][] {
    const driver = [
        "import json, sys",
        `sys.path.insert(0, ${JSON.stringify(SAMPLE_CODE_DIR)})`,
        "import score",
        `model = score.load_model(${JSON.stringify(path.join(SAMPLE_CODE_DIR, "model", "model.json"))})`,
        "rows = json.load(sys.stdin)",
        "print(json.dumps([[round(s, 6), p] for s, p in (score.predict(model, r) for r in rows)]))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", driver], { input: JSON.stringify(rows), encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as [number, number][];
}

describe("programs/2-5 sample scoring server (http_score.py)", function () {
    this.timeout(60_000);
    let server: Awaited<ReturnType<typeof startServer>> | undefined;

    before(async function () {
        if (spawnSync("python3", ["--version"]).status !== 0) {
            console.log("      skipped: python3 is not on PATH");
            this.skip();
        }
        server = await startServer();
        // Ready once the model is loaded (in the background).
        for (let i = 0; i < 50; i++) {
            if ((await fetch(`${server.url}/ready`)).status === 200) return;
            await new Promise((r) => setTimeout(r, 100));
        }
        assert.fail(`never ready: ${server.output()}`);
    });
    after(() => {
        server?.child.kill("SIGTERM");
    });

    it("answers liveness and readiness", async () => {
        assert.deepEqual(await (await fetch(`${server!.url}/healthz`)).json(), { status: "alive" });
        assert.deepEqual(await (await fetch(`${server!.url}/ready`)).json(), {
            status: "ready",
            model: "churn-sample",
        });
    });

    it("scores rows as score.py does, echoing ids", async () => {
        const rows = [
            [12, 50.5, 1, 0],
            [2, 99.9, 6, 3],
            [60, 20, 0, 0],
        ];
        const features = ["tenure_months", "monthly_charges", "support_calls", "late_payments"];
        const body = {
            data: rows.map((r, i) => ({ id: `r${i}`, ...Object.fromEntries(features.map((f, j) => [f, r[j]])) })),
        };
        const response = await fetch(`${server!.url}/score`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
        });
        assert.equal(response.status, 200);
        const answer = (await response.json()) as {
            model: string;
            predictions: { id: string; score: number; prediction: number }[];
        };
        assert.equal(answer.model, "churn-sample");
        assert.deepEqual(
            answer.predictions.map((p) => [p.score, p.prediction]),
            scorePyPredictions(rows),
        );
        assert.deepEqual(
            answer.predictions.map((p) => p.id),
            ["r0", "r1", "r2"],
        );
    });

    it("refuses bad JSON, bad rows, unknown paths and oversized bodies with a clear status", async () => {
        const post = (body: string, url = `${server!.url}/score`) => fetch(url, { method: "POST", body });
        const bad = await post("{not json");
        assert.equal(bad.status, 400);
        assert.match(((await bad.json()) as { error: string }).error, /not JSON/);
        const missing = await post(JSON.stringify({ data: [{ id: "x", tenure_months: 1 }] }));
        assert.equal(missing.status, 400);
        assert.match(
            ((await missing.json()) as { error: string }).error,
            /data\[0\]: missing feature\(s\) monthly_charges/,
        );
        const empty = await post(JSON.stringify({ rows: [] }));
        assert.equal(empty.status, 400);
        assert.equal((await post("{}", `${server!.url}/predict`)).status, 404);
        const big = await post(JSON.stringify({ data: [], pad: "x".repeat(2 * 1024 * 1024) }));
        assert.equal(big.status, 413);
    });

    it("stops with exit code 2 when the model cannot be loaded", async () => {
        const child = spawn(
            "python3",
            [path.join(SAMPLE_CODE_DIR, "http_score.py"), "--port", "0", "--model", "/no/such/model"],
            {
                stdio: "ignore",
            },
        );
        const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        assert.equal(code, 2);
    });
});
