import * as assert from "node:assert/strict";
import { checkPolicies } from "../../../automation/plan/policy-check";
import { PlannedResource } from "../../../automation/plan/resources";
import {
    devicePluginDaemonSet,
    resolveNvidiaDevicePluginArgs,
} from "../../../components/kubernetes/nvidia-device-plugin";
import {
    INTERNAL_LB_ANNOTATION,
    k8sContainerLimits,
    k8sNoOpenLoadBalancer,
    k8sNoPrivilegedContainers,
} from "../../../policy/rules/kubernetes";
import { PolicyRule } from "../../../policy/rules/rule";

function planned(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:dev::customai::${type}::${name}`, type, name, custom: true, inputs, secretPaths: [] };
}

async function messages(rule: PolicyRule, ...resources: PlannedResource[]): Promise<string[]> {
    const [result] = (await checkPolicies(resources, [rule])).results;
    assert.equal(result.error, undefined);
    return result.violations.map((v) => v.message);
}

/** The scorer's container as ScoringService declares it. */
const SCORER = {
    name: "scorer",
    image: "cr.azurecr.io/customai-http-score:1.0.0",
    resources: { limits: { cpu: "2", memory: "4Gi", "nvidia.com/gpu": "1" }, requests: { cpu: "500m", memory: "1Gi" } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true },
};
const deployment = (containers: unknown[], initContainers: unknown[] = []) =>
    planned("kubernetes:apps/v1:Deployment", "scorer-deployment", {
        metadata: { name: "scorer" },
        spec: { template: { spec: { containers, initContainers } } },
    });

describe("policy k8s-no-privileged-containers", () => {
    it("passes the scorer", async () => {
        assert.deepEqual(await messages(k8sNoPrivilegedContainers, deployment([SCORER])), []);
    });

    it("refuses a privileged container, naming the workload and the container", async () => {
        const privileged = { ...SCORER, securityContext: { privileged: true, allowPrivilegeEscalation: false } };
        const [message] = await messages(k8sNoPrivilegedContainers, deployment([privileged]));
        assert.equal(
            message,
            'Deployment "scorer-deployment" container "scorer" runs privileged (securityContext.privileged).',
        );
    });

    it("refuses privilege escalation allowed, or not said off (the kernel allows it then)", async () => {
        for (const securityContext of [{ allowPrivilegeEscalation: true }, {}, undefined]) {
            const [message] = await messages(k8sNoPrivilegedContainers, deployment([{ ...SCORER, securityContext }]));
            assert.match(message, /container "scorer" allows privilege escalation/);
        }
    });

    it("checks init containers and every workload kind", async () => {
        const init = { name: "setup", image: "busybox:1.36" };
        const [message] = await messages(k8sNoPrivilegedContainers, deployment([SCORER], [init]));
        assert.match(message, /init container "setup" allows privilege escalation/);
        const job = planned("kubernetes:batch/v1:CronJob", "nightly", {
            spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "run", image: "x:1" }] } } } } },
        });
        assert.match((await messages(k8sNoPrivilegedContainers, job))[0], /^CronJob "nightly" container "run"/);
        const pod = planned("kubernetes:core/v1:Pod", "p", { spec: { containers: [{ name: "c", image: "x:1" }] } });
        assert.equal((await messages(k8sNoPrivilegedContainers, pod)).length, 1);
    });

    it("passes the NVIDIA device plugin: it needs a host directory, not privilege", async () => {
        const daemonSet = planned(
            "kubernetes:apps/v1:DaemonSet",
            "gpuscore-dev-nvidia-ds",
            devicePluginDaemonSet(resolveNvidiaDevicePluginArgs({})),
        );
        assert.deepEqual(await messages(k8sNoPrivilegedContainers, daemonSet), []);
        // Like upstream's manifest it sets no limits: the advisory rule reports it, as expected.
        const [limits] = await messages(k8sContainerLimits, daemonSet);
        assert.match(limits, /container "nvidia-device-plugin-ctr" has no cpu or memory limit/);
    });
});

describe("policy k8s-container-limits", () => {
    it("passes the scorer, which limits CPU and memory", async () => {
        assert.deepEqual(await messages(k8sContainerLimits, deployment([SCORER])), []);
    });

    it("advises on a missing memory limit", async () => {
        const [message] = await messages(
            k8sContainerLimits,
            deployment([{ ...SCORER, resources: { limits: { cpu: "1" } } }]),
        );
        assert.equal(
            message,
            'Deployment "scorer-deployment" container "scorer" has no memory limit (resources.limits).',
        );
        assert.equal(k8sContainerLimits.enforcementLevel, "advisory");
    });
});

describe("policy k8s-no-open-load-balancer", () => {
    const service = (spec: Record<string, unknown>, annotations: Record<string, string> = {}) =>
        planned("kubernetes:core/v1:Service", "scorer-service", {
            metadata: { name: "scorer", annotations },
            spec: { ports: [{ port: 80 }], ...spec },
        });

    it("passes ClusterIP, internal and range-limited load balancers (the scorer's three exposures)", async () => {
        const fine = [
            service({ type: "ClusterIP" }),
            service({ type: "LoadBalancer" }, { [INTERNAL_LB_ANNOTATION]: "true" }),
            service({ type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24"] }),
        ];
        assert.deepEqual(await messages(k8sNoOpenLoadBalancer, ...fine), []);
    });

    it("refuses a public load balancer without source ranges, naming the Service", async () => {
        const [message] = await messages(k8sNoOpenLoadBalancer, service({ type: "LoadBalancer" }));
        assert.match(
            message,
            /^Service "scorer-service" is a public load balancer that sets no spec\.loadBalancerSourceRanges/,
        );
    });

    it('refuses source ranges that admit everyone, and an internal annotation that is not "true"', async () => {
        const [open] = await messages(
            k8sNoOpenLoadBalancer,
            service({ type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8", "0.0.0.0/0"] }),
        );
        assert.match(open, /admits 0\.0\.0\.0\/0/);
        const notInternal = service({ type: "LoadBalancer" }, { [INTERNAL_LB_ANNOTATION]: "false" });
        assert.equal((await messages(k8sNoOpenLoadBalancer, notInternal)).length, 1);
    });
});
