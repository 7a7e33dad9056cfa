import * as assert from "node:assert/strict";
import {
    AGENT_POOL_LABEL,
    DEFAULT_GPU_VM_SIZE,
    GPU_TAINT,
    SPOT_TAINT,
    isGpuVmSize,
    isSpotMaxPrice,
    nodePoolIssues,
    nodePoolPlacement,
    parseTaint,
    resolveNodePool,
} from "../../../components/aks/node-pool";
import { isLabelKey } from "../../../components/kubernetes/pod-spec";

describe("AKS node pools (pure)", () => {
    describe("isGpuVmSize", () => {
        it("knows current GPU families and refuses CPU, retired and malformed sizes", () => {
            assert.equal(DEFAULT_GPU_VM_SIZE, "Standard_NC4as_T4_v3");
            for (const size of ["Standard_NC4as_T4_v3", "Standard_NC24ads_A100_v4", "Standard_NC40ads_H100_v5"]) {
                assert.equal(isGpuVmSize(size), true, size);
            }
            for (const size of ["Standard_D4s_v5", "Standard_NC6s_v3", "Standard_NC6", "nonsense"]) {
                assert.equal(isGpuVmSize(size), false, size);
            }
        });
    });

    describe("parseTaint", () => {
        it("splits key=value:Effect and key:Effect", () => {
            assert.deepEqual(parseTaint("sku=gpu:NoSchedule"), { key: "sku", value: "gpu", effect: "NoSchedule" });
            assert.deepEqual(parseTaint("dedicated:NoExecute"), { key: "dedicated", effect: "NoExecute" });
            assert.deepEqual(parseTaint("example.com/team=ml:PreferNoSchedule"), {
                key: "example.com/team",
                value: "ml",
                effect: "PreferNoSchedule",
            });
        });

        it("refuses unknown effects, bad keys and bad values", () => {
            for (const bad of [
                "sku=gpu",
                "sku=gpu:Never",
                "=gpu:NoSchedule",
                "-sku=gpu:NoSchedule",
                "sku=g pu:NoSchedule",
            ]) {
                assert.equal(parseTaint(bad), undefined, bad);
            }
            assert.equal(isLabelKey("a".repeat(64)), false, "names are at most 63 characters");
            assert.equal(isLabelKey("Example.com/x"), false, "prefixes are lowercase DNS subdomains");
        });
    });

    describe("resolveNodePool", () => {
        it("gives GPU pools the GPU taint, the accelerator label and the AKS driver", () => {
            const r = resolveNodePool({
                name: "gpu",
                vmSize: DEFAULT_GPU_VM_SIZE,
                maxCount: 2,
                labels: { team: "ml" },
            });
            assert.equal(r.gpu, true);
            assert.equal(r.minCount, 0);
            assert.equal(r.gpuDriver, "Install");
            assert.deepEqual(r.nodeTaints, [GPU_TAINT]);
            assert.deepEqual(r.nodeLabels, { accelerator: "nvidia", team: "ml" });
            assert.equal(r.spot, false);
            assert.equal(r.spotMaxPrice, undefined);
        });

        it("keeps the user's own sku taint instead of adding a second one", () => {
            const r = resolveNodePool({
                name: "gpu",
                vmSize: DEFAULT_GPU_VM_SIZE,
                maxCount: 2,
                taints: ["sku=a100:NoSchedule"],
            });
            assert.deepEqual(r.nodeTaints, ["sku=a100:NoSchedule"]);
        });

        it("never sends the Spot taint AKS adds itself, and defaults the Spot price to on-demand", () => {
            const r = resolveNodePool({ name: "spot", vmSize: "Standard_D4s_v5", maxCount: 3, spot: true });
            assert.deepEqual(r.nodeTaints, []);
            assert.equal(r.spotMaxPrice, -1);
            assert.equal(r.gpu, false);
            assert.equal(r.gpuDriver, undefined);
            assert.deepEqual(r.nodeLabels, {});
        });
    });

    describe("nodePoolIssues", () => {
        it("accepts a valid GPU Spot pool", () => {
            assert.deepEqual(
                nodePoolIssues({
                    name: "gpuspot",
                    vmSize: DEFAULT_GPU_VM_SIZE,
                    minCount: 0,
                    maxCount: 4,
                    spot: true,
                    spotMaxPrice: 0.12345,
                    taints: ["workload=scoring:NoSchedule"],
                    labels: { "example.com/team": "ml" },
                    gpuDriver: "None",
                }),
                [],
            );
        });

        it("names the field, the rule and the value of every problem", () => {
            const issues = nodePoolIssues(
                {
                    name: "GPU-pool-too-long",
                    vmSize: "Standard_NC6s_v3",
                    minCount: 5,
                    maxCount: 1001,
                    spotMaxPrice: 0.5,
                    taints: ["sku=gpu", "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"],
                    labels: { "kubernetes.io/role": "x", ok: "bad value!" },
                    gpuDriver: "Skip" as "None",
                },
                "userPools[0]",
            );
            const byField = (f: string) => issues.filter((i) => i.field === f);
            assert.equal(byField("userPools[0].name").length, 2, "too long and not lowercase alphanumeric");
            assert.match(byField("userPools[0].name")[0].rule, /1-12/);
            assert.equal(byField("userPools[0].name")[0].value, "GPU-pool-too-long");
            assert.match(byField("userPools[0].vmSize")[0].rule, /NCv3.*retired.*2025-09-30/);
            assert.match(byField("userPools[0].maxCount")[0].rule, /1 to 1000/);
            assert.equal(byField("userPools[0].maxCount")[0].value, 1001);
            assert.equal(byField("userPools[0].minCount").length, 0, "min is not compared with an invalid max");
            assert.match(byField("userPools[0].spotMaxPrice")[0].rule, /only used with spot: true/);
            assert.match(byField("userPools[0].taints[0]")[0].rule, /key=value:Effect/);
            assert.match(byField("userPools[0].taints[1]")[0].rule, /reserved prefixes.*AKS taints Spot nodes itself/);
            assert.match(byField("userPools[0].labels.kubernetes.io/role")[0].rule, /reserved prefixes/);
            assert.match(byField("userPools[0].labels.ok")[0].rule, /label value/);
            assert.equal(byField("userPools[0].labels.ok")[0].value, "bad value!");
            assert.match(byField("userPools[0].gpuDriver")[0].rule, /"Install", "None"/);
        });

        it("refuses min above max, bad Spot prices, and a GPU driver on a CPU size", () => {
            const issues = nodePoolIssues({
                name: "cpu",
                vmSize: "Standard_D4s_v5",
                minCount: 3,
                maxCount: 2,
                spot: true,
                spotMaxPrice: 0.123456,
                gpuDriver: "Install",
            });
            assert.deepEqual(
                issues.map((i) => [i.field, i.value]),
                [
                    ["minCount", 3],
                    ["spotMaxPrice", 0.123456],
                    ["gpuDriver", "Install"],
                ],
            );
            assert.match(issues[0].rule, /at most maxCount \(2\)/);
            assert.match(issues[2].rule, /only for GPU sizes \(Standard_D4s_v5 has no GPU\)/);
        });

        it("checks Spot prices as AKS does: -1, or positive with at most five decimals", () => {
            for (const ok of [-1, 0.00001, 0.29, 0.12345, 1, 2.5]) assert.equal(isSpotMaxPrice(ok), true, String(ok));
            for (const bad of [0, -2, 0.000001, Number.NaN, "1"]) assert.equal(isSpotMaxPrice(bad), false, String(bad));
        });
    });

    describe("nodePoolPlacement", () => {
        it("targets the pool by AKS's agentpool label and tolerates the GPU taint", () => {
            assert.equal(AGENT_POOL_LABEL, "kubernetes.azure.com/agentpool");
            assert.deepEqual(nodePoolPlacement({ name: "gpu", vmSize: DEFAULT_GPU_VM_SIZE, maxCount: 1 }), {
                tolerations: [{ key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" }],
                nodeSelector: { "kubernetes.azure.com/agentpool": "gpu" },
            });
        });

        it("tolerates every taint of a Spot pool: its own, the GPU taint and the one AKS adds", () => {
            const placement = nodePoolPlacement({
                name: "gpuspot",
                vmSize: DEFAULT_GPU_VM_SIZE,
                maxCount: 2,
                spot: true,
                taints: ["dedicated:NoExecute"],
            });
            assert.deepEqual(placement.tolerations, [
                { key: "dedicated", operator: "Exists", effect: "NoExecute" },
                { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" },
                {
                    key: "kubernetes.azure.com/scalesetpriority",
                    operator: "Equal",
                    value: "spot",
                    effect: "NoSchedule",
                },
            ]);
            assert.equal(SPOT_TAINT, "kubernetes.azure.com/scalesetpriority=spot:NoSchedule");
        });

        it("needs no toleration on an untainted CPU pool", () => {
            assert.deepEqual(
                nodePoolPlacement({ name: "cpu", vmSize: "Standard_D4s_v5", maxCount: 3 }).tolerations,
                [],
            );
        });
    });
});
