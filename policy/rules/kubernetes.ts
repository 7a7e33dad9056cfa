/**
 * Kubernetes objects the AKS paths create: no load balancer open to the
 * internet, no privileged containers (both mandatory), and resource limits
 * on every container (advisory: a missing limit risks a noisy neighbour, not
 * a breach).
 *
 * - A Service of type LoadBalancer gets a public IP on AKS unless annotated
 *   `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`
 *   (https://learn.microsoft.com/azure/aks/internal-lb); a public one admits
 *   only `spec.loadBalancerSourceRanges`, or everyone when they are unset
 *   (https://learn.microsoft.com/azure/aks/load-balancer-standard#restrict-inbound-traffic-to-specific-ip-ranges).
 * - `privileged: true` gives a container the host's devices and capabilities,
 *   refused by the Baseline Pod Security Standard; privilege escalation is
 *   allowed unless `allowPrivilegeEscalation` is false, which the Restricted
 *   standard requires (https://kubernetes.io/docs/concepts/security/pod-security-standards/,
 *   https://kubernetes.io/docs/tasks/configure-pod-container/security-context/).
 * - Limits: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/.
 *
 * The NVIDIA device plugin DaemonSet (components/kubernetes/nvidia-device-plugin.ts)
 * needs a host directory, not privilege: like NVIDIA's static manifest it
 * sets `allowPrivilegeEscalation: false` and drops every capability, so it
 * passes the mandatory rule. It sets no limits, as upstream's manifest sets
 * none for this node-critical agent, so the advisory limits rule reports it;
 * that finding is expected. Agents that do need privilege (the NVIDIA GPU
 * Operator's driver installer) must have this rule set to advisory in the
 * pack's config for their stack.
 *
 * References: Checkov CKV_K8S_16 (PrivilegedContainers.py), CKV_K8S_20
 * (AllowPrivilegeEscalation.py), CKV_K8S_11 (CPULimits.py), CKV_K8S_13
 * (MemoryLimits.py), in checkov/kubernetes/checks/resource/k8s of
 * https://github.com/bridgecrewio/checkov. Checkov has no source-range check
 * for Services; PSRule for Azure does not read Kubernetes objects.
 */
import { isOpenToInternet } from "../../components/common/validation";
import { PolicyRule, Props, arrayOf, describeResource, isObject, validateType, valueAt } from "./rule";

/** Where each workload kind keeps its pod spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, string>> = {
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
    "kubernetes:core/v1:Pod": "spec",
};

export const INTERNAL_LB_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal";

/** A workload's containers and init containers, each with how a message names it. */
export function containersOf(props: Props, podSpecPath: string): { label: string; container: Props }[] {
    const spec = valueAt(props, podSpecPath);
    return ["containers", "initContainers"].flatMap((list) =>
        arrayOf(isObject(spec) ? spec[list] : undefined)
            .filter(isObject)
            .map((container) => ({
                label: `${list === "containers" ? "container" : "init container"} ${JSON.stringify(container.name)}`,
                container,
            })),
    );
}

/** One validation per workload kind, each running `check` on every container. */
function forEachContainer(check: (container: Props) => string[]) {
    return Object.entries(POD_SPEC_PATHS).map(([token, path]) =>
        validateType(token, (props, args, reportViolation) => {
            for (const { label, container } of containersOf(props, path)) {
                for (const problem of check(container))
                    reportViolation(`${describeResource(args)} ${label} ${problem}.`);
            }
        }),
    );
}

/** What makes a container privileged, in words. */
export function privilegeProblems(container: Props): string[] {
    const context = isObject(container.securityContext) ? container.securityContext : {};
    const problems: string[] = [];
    if (context.privileged === true) problems.push("runs privileged (securityContext.privileged)");
    if (context.allowPrivilegeEscalation !== false) {
        problems.push("allows privilege escalation: set securityContext.allowPrivilegeEscalation to false");
    }
    return problems;
}

/** The limits a container lacks, in words. */
export function limitProblems(container: Props): string[] {
    const limits = valueAt(container, "resources.limits");
    const missing = ["cpu", "memory"].filter((r) => !isObject(limits) || limits[r] === undefined);
    return missing.length === 0 ? [] : [`has no ${missing.join(" or ")} limit (resources.limits)`];
}

export const k8sNoOpenLoadBalancer: PolicyRule = {
    name: "k8s-no-open-load-balancer",
    description: "Public LoadBalancer Services must limit their callers with loadBalancerSourceRanges.",
    enforcementLevel: "mandatory",
    references: {},
    validateResource: validateType("kubernetes:core/v1:Service", (props, args, reportViolation) => {
        if (valueAt(props, "spec.type") !== "LoadBalancer") return;
        const annotations = valueAt(props, "metadata.annotations");
        if (isObject(annotations) && annotations[INTERNAL_LB_ANNOTATION] === "true") return;
        const ranges = arrayOf(valueAt(props, "spec.loadBalancerSourceRanges"));
        const open = ranges.filter((r) => typeof r === "string" && isOpenToInternet(r));
        if (ranges.length > 0 && open.length === 0) return;
        const why = ranges.length === 0 ? "sets no spec.loadBalancerSourceRanges" : `admits ${open.join(", ")}`;
        reportViolation(
            `${describeResource(args)} is a public load balancer that ${why}, so anyone can call it; ` +
                `list the callers' ranges, or make it internal with the ${INTERNAL_LB_ANNOTATION}: "true" annotation.`,
        );
    }),
};

export const k8sNoPrivilegedContainers: PolicyRule = {
    name: "k8s-no-privileged-containers",
    description: "Containers must not run privileged or allow privilege escalation.",
    enforcementLevel: "mandatory",
    references: { checkov: ["CKV_K8S_16", "CKV_K8S_20"] },
    validateResource: forEachContainer(privilegeProblems),
};

export const k8sContainerLimits: PolicyRule = {
    name: "k8s-container-limits",
    description: "Containers should set CPU and memory limits.",
    enforcementLevel: "advisory",
    references: { checkov: ["CKV_K8S_11", "CKV_K8S_13"] },
    validateResource: forEachContainer(limitProblems),
};
