/**
 * The arguments of a ScoringService, their defaults and rules, and the specs
 * of the objects it creates (Deployment, Service, HorizontalPodAutoscaler,
 * PodDisruptionBudget). Pure: the component only sends these to the cluster.
 * The spec builders pass the namespace through as given (a string, or the
 * Output of a Namespace the objects must wait for).
 */
import type * as pulumi from "@pulumi/pulumi";
import { ValidationIssue, Validator, isIntInRange, isOpenToInternet, isIpv4Cidr, isRecord } from "../common/validation";
import {
    DEFAULT_RUN_AS_USER,
    GPU_RESOURCE,
    httpGetProbe,
    imageIssues,
    parseQuantity,
    Placement,
    placementIssues,
    portIssues,
    ProbeTiming,
    requestLimitIssues,
    restrictedContainerSecurityContext,
    restrictedPodSecurityContext,
    rfc1035LabelIssues,
    rfc1123LabelIssues,
    skipAwaitAnnotations,
    TMP_MOUNT_PATH,
    TMP_VOLUME,
    tmpVolume,
    Toleration,
} from "./pod-spec";

/**
 * Who can reach the scoring service: `ClusterIP`, pods of the cluster only;
 * `Internal`, an Azure internal load balancer with a private IP in the
 * cluster's virtual network; `Public`, a load balancer with a public IP,
 * limited to `allowedSourceRanges`.
 */
export type ServiceExposure = "ClusterIP" | "Internal" | "Public";
export const SERVICE_EXPOSURES: readonly ServiceExposure[] = ["ClusterIP", "Internal", "Public"];

/**
 * The annotation that makes AKS put a LoadBalancer Service behind an internal
 * load balancer ("Use an internal load balancer with AKS",
 * https://learn.microsoft.com/azure/aks/internal-lb).
 */
export const INTERNAL_LB_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal";

export const DEFAULT_CONTAINER_PORT = 8080;
export const DEFAULT_SERVICE_PORT = 80;
export const DEFAULT_MIN_REPLICAS = 1;
export const DEFAULT_MAX_REPLICAS = 3;
export const DEFAULT_CPU_TARGET = 70;
export const DEFAULT_CPU_REQUEST = "500m";
export const DEFAULT_CPU_LIMIT = "2";
export const DEFAULT_MEMORY_REQUEST = "1Gi";
export const DEFAULT_MEMORY_LIMIT = "4Gi";
export const DEFAULT_TMP_SIZE = "1Gi";
export const DEFAULT_READINESS_PATH = "/ready";
export const DEFAULT_LIVENESS_PATH = "/healthz";
/** Long enough for a large model's imports before the server listens; liveness waits for it. */
export const DEFAULT_STARTUP_SECONDS = 300;
/**
 * Long enough for a GPU pool at zero nodes to add one (a new VM, its driver,
 * the image pull) before the Deployment counts as failed; Pulumi's own
 * default is 10 minutes.
 */
export const DEFAULT_READY_TIMEOUT_MINUTES = 30;
/** The most replicas the component lets an autoscaler reach: a guard against typos that would buy GPUs. */
export const MAX_REPLICAS = 100;

/** The checks between polls; the startup probe takes over the first minutes. */
export const READINESS_TIMING: ProbeTiming = {
    initialDelaySeconds: 0,
    periodSeconds: 5,
    timeoutSeconds: 2,
    failureThreshold: 3,
};
export const LIVENESS_TIMING: ProbeTiming = {
    initialDelaySeconds: 0,
    periodSeconds: 15,
    timeoutSeconds: 3,
    failureThreshold: 4,
};
const STARTUP_PERIOD_SECONDS = 5;

/** The settings of a scoring service: what `validateScoringServiceArgs` checks (no provider, a plain namespace). */
export interface ScoringServiceSettings {
    /**
     * Required. Container image of the scoring server, pinned by a tag other
     * than latest or by a digest; checked before anything is created when it
     * is a string, once known when it is an Output (e.g. built from a
     * registry's login server).
     */
    readonly image: pulumi.Input<string>;
    /**
     * Optional. Name of the Deployment, Service, autoscaler and budget, and
     * the host name in the cluster URL: an RFC 1035 label of at most 50
     * characters (the pods are named after it). @default - the component's name
     */
    readonly serviceName?: string;
    /** Optional. Port the server listens on (1024-65535: the container runs unprivileged). @default 8080 */
    readonly containerPort?: number;
    /** Optional. Port of the Service (1-65535). @default 80 */
    readonly servicePort?: number;
    /** Optional. `nvidia.com/gpu` per pod; 0 runs on CPU. @default 1 */
    readonly gpusPerPod?: number;
    /** Optional. CPU request; the autoscaler's target is a percentage of it. @default "500m" */
    readonly cpuRequest?: string;
    /** Optional. CPU limit. @default "2" */
    readonly cpuLimit?: string;
    /** Optional. Memory request. @default "1Gi" */
    readonly memoryRequest?: string;
    /** Optional. Memory limit; the container is killed above it. @default "4Gi" */
    readonly memoryLimit?: string;
    /** Optional. Fewest pods (1 or more: the service is always up). @default 1 */
    readonly minReplicas?: number;
    /** Optional. Most pods the autoscaler runs (up to 100). @default 3 */
    readonly maxReplicas?: number;
    /** Optional. Average CPU use the autoscaler keeps, in percent of the request (1-1000). @default 70 */
    readonly targetCpuUtilization?: number;
    /**
     * Optional. Who can reach the service. Cluster-only by default: the
     * scoring server does not authenticate callers, and `kubectl
     * port-forward` reaches it with the caller's own cluster access.
     * @default "ClusterIP"
     */
    readonly exposure?: ServiceExposure;
    /**
     * Conditional. IPv4 CIDRs allowed to reach a load balancer; required
     * with `Public` (none open to the whole internet), optional with
     * `Internal`, unused with `ClusterIP`. @default []
     */
    readonly allowedSourceRanges?: readonly string[];
    /** Optional. Where the pods run (e.g. `nodePoolPlacement` of a GPU pool). @default {} */
    readonly placement?: Placement;
    /** Optional. Environment variables of the container. @default {} */
    readonly env?: Readonly<Record<string, string>>;
    /** Optional. HTTP path of the readiness probe (the model is loaded). @default "/ready" */
    readonly readinessPath?: string;
    /** Optional. HTTP path of the liveness probe (the process answers). @default "/healthz" */
    readonly livenessPath?: string;
    /** Optional. Seconds a new container may take to answer its liveness probe (10-3600). @default 300 */
    readonly startupSeconds?: number;
    /** Optional. uid and gid the container runs as; the image must work as that user. @default 10001 */
    readonly runAsUser?: number;
    /** Optional. Size limit of the writable /tmp. @default "1Gi" */
    readonly tmpSizeLimit?: string;
    /** Optional. Minutes `pulumi up` waits for the pods to be ready (1-120). @default 30 */
    readonly readyTimeoutMinutes?: number;
    /**
     * Optional. Register the objects without waiting for pods or a load
     * balancer address (Pulumi's `pulumi.com/skipAwait` annotation); for an
     * API server without nodes. @default false
     */
    readonly skipAwait?: boolean;
}

export interface ResolvedScoringServiceArgs {
    readonly serviceName: string;
    readonly image: pulumi.Input<string>;
    readonly containerPort: number;
    readonly servicePort: number;
    readonly gpusPerPod: number;
    readonly cpuRequest: string;
    readonly cpuLimit: string;
    readonly memoryRequest: string;
    readonly memoryLimit: string;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly targetCpuUtilization: number;
    readonly exposure: ServiceExposure;
    readonly allowedSourceRanges: readonly string[];
    readonly tolerations: readonly Toleration[];
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly env: Readonly<Record<string, string>>;
    readonly readinessPath: string;
    readonly livenessPath: string;
    readonly startupSeconds: number;
    readonly runAsUser: number;
    readonly tmpSizeLimit: string;
    readonly readyTimeoutMinutes: number;
    readonly skipAwait: boolean;
}

/** The settings with their defaults; `componentName` names the objects unless `serviceName` does. Pure. */
export function resolveScoringServiceArgs(
    args: ScoringServiceSettings,
    componentName: string,
): ResolvedScoringServiceArgs {
    return {
        serviceName: args.serviceName ?? componentName,
        image: args.image,
        containerPort: args.containerPort ?? DEFAULT_CONTAINER_PORT,
        servicePort: args.servicePort ?? DEFAULT_SERVICE_PORT,
        gpusPerPod: args.gpusPerPod ?? 1,
        cpuRequest: args.cpuRequest ?? DEFAULT_CPU_REQUEST,
        cpuLimit: args.cpuLimit ?? DEFAULT_CPU_LIMIT,
        memoryRequest: args.memoryRequest ?? DEFAULT_MEMORY_REQUEST,
        memoryLimit: args.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
        minReplicas: args.minReplicas ?? DEFAULT_MIN_REPLICAS,
        maxReplicas: args.maxReplicas ?? DEFAULT_MAX_REPLICAS,
        targetCpuUtilization: args.targetCpuUtilization ?? DEFAULT_CPU_TARGET,
        exposure: args.exposure ?? "ClusterIP",
        allowedSourceRanges: args.allowedSourceRanges ?? [],
        tolerations: args.placement?.tolerations ?? [],
        nodeSelector: args.placement?.nodeSelector ?? {},
        env: args.env ?? {},
        readinessPath: args.readinessPath ?? DEFAULT_READINESS_PATH,
        livenessPath: args.livenessPath ?? DEFAULT_LIVENESS_PATH,
        startupSeconds: args.startupSeconds ?? DEFAULT_STARTUP_SECONDS,
        runAsUser: args.runAsUser ?? DEFAULT_RUN_AS_USER,
        tmpSizeLimit: args.tmpSizeLimit ?? DEFAULT_TMP_SIZE,
        readyTimeoutMinutes: args.readyTimeoutMinutes ?? DEFAULT_READY_TIMEOUT_MINUTES,
        skipAwait: args.skipAwait ?? false,
    };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HTTP_PATH = /^\/[A-Za-z0-9\-._~/%]*$/;

/** Problems with the replica bounds and the CPU target. Pure. */
function scalingIssues(r: ResolvedScoringServiceArgs): ValidationIssue[] {
    const v = new Validator();
    const maxOk = v.check(
        "maxReplicas",
        isIntInRange(r.maxReplicas, 1, MAX_REPLICAS),
        `an integer from 1 to ${MAX_REPLICAS}`,
        r.maxReplicas,
    );
    // At least one pod: the autoscaler cannot bring a service back from zero on CPU use it cannot measure.
    if (
        v.check(
            "minReplicas",
            isIntInRange(r.minReplicas, 1, MAX_REPLICAS),
            `an integer from 1 to ${MAX_REPLICAS} (a scoring service keeps at least one pod)`,
            r.minReplicas,
        ) &&
        maxOk
    ) {
        v.check("minReplicas", r.minReplicas <= r.maxReplicas, `at most maxReplicas (${r.maxReplicas})`, r.minReplicas);
    }
    v.check(
        "targetCpuUtilization",
        isIntInRange(r.targetCpuUtilization, 1, 1000),
        "a whole percent of the CPU request from 1 to 1000",
        r.targetCpuUtilization,
    );
    return [...v.issues];
}

/** Problems with who may reach the service. Pure. */
function exposureIssues(r: ResolvedScoringServiceArgs): ValidationIssue[] {
    const v = new Validator();
    if (
        !v.check(
            "exposure",
            SERVICE_EXPOSURES.includes(r.exposure),
            'one of "ClusterIP", "Internal", "Public"',
            r.exposure,
        )
    )
        return [...v.issues];
    const ranges = r.allowedSourceRanges;
    ranges.forEach((cidr, i) => {
        const field = `allowedSourceRanges[${i}]`;
        if (v.check(field, typeof cidr === "string" && isIpv4Cidr(cidr), "an IPv4 CIDR such as 203.0.113.0/24", cidr)) {
            v.check(field, !isOpenToInternet(cidr), "must not open the service to the whole internet", cidr);
        }
    });
    if (r.exposure === "ClusterIP") {
        v.check("allowedSourceRanges", ranges.length === 0, 'only used with exposure "Internal" or "Public"', ranges);
    }
    // The sample server has no authentication of its own: a public address is only for callers named here.
    if (r.exposure === "Public") {
        v.check(
            "allowedSourceRanges",
            ranges.length > 0,
            'at least one CIDR with exposure "Public" (the scoring server does not authenticate callers)',
            ranges,
        );
    }
    return [...v.issues];
}

/**
 * Every problem with the settings, before anything is sent to the cluster;
 * returns them resolved. `namespace` is checked when it is known. Pure.
 */
export function validateScoringServiceArgs(
    args: ScoringServiceSettings,
    componentName: string,
    namespace?: string,
): ResolvedScoringServiceArgs {
    const r = resolveScoringServiceArgs(args, componentName);
    const v = new Validator("ScoringService");
    if (namespace !== undefined) v.merge(rfc1123LabelIssues("namespace", namespace));
    v.merge(rfc1035LabelIssues("serviceName", r.serviceName, 50));
    if (typeof r.image === "string") v.merge(imageIssues("image", r.image));
    v.merge(portIssues("containerPort", r.containerPort, 1024));
    v.merge(portIssues("servicePort", r.servicePort));
    // 8: the most GPUs one current Azure size has (ND H100/H200 v5, components/common/vm-sizes.ts).
    v.check("gpusPerPod", isIntInRange(r.gpusPerPod, 0, 8), "an integer from 0 (CPU only) to 8", r.gpusPerPod);
    v.merge(
        requestLimitIssues(
            "cpu",
            { field: "cpuRequest", value: r.cpuRequest },
            { field: "cpuLimit", value: r.cpuLimit },
        ),
    );
    v.merge(
        requestLimitIssues(
            "memory",
            { field: "memoryRequest", value: r.memoryRequest },
            { field: "memoryLimit", value: r.memoryLimit },
        ),
    );
    v.merge(scalingIssues(r));
    v.merge(exposureIssues(r));
    v.merge(placementIssues(args.placement ?? {}, "placement."));
    if (v.check("env", isRecord(r.env), "an object of variable names to values", r.env)) {
        for (const [key, value] of Object.entries(r.env)) {
            v.check(
                `env.${key}`,
                ENV_NAME.test(key),
                "a variable name: letters, digits and '_', not starting with a digit",
                key,
            );
            v.check(`env.${key}`, typeof value === "string", "a string value", value);
            v.check(`env.${key}`, key !== "PORT", "not PORT, which the component sets from containerPort", key);
        }
    }
    for (const key of ["readinessPath", "livenessPath"] as const) {
        v.check(key, typeof r[key] === "string" && HTTP_PATH.test(r[key]), "an HTTP path starting with '/'", r[key]);
    }
    v.check("startupSeconds", isIntInRange(r.startupSeconds, 10, 3600), "an integer from 10 to 3600", r.startupSeconds);
    v.check("runAsUser", isIntInRange(r.runAsUser, 1, 2 ** 31 - 1), "a uid above 0 (never root)", r.runAsUser);
    const tmp = parseQuantity(r.tmpSizeLimit);
    v.check("tmpSizeLimit", tmp !== undefined && tmp > 0, "a Kubernetes quantity above zero, e.g. 1Gi", r.tmpSizeLimit);
    v.check(
        "readyTimeoutMinutes",
        isIntInRange(r.readyTimeoutMinutes, 1, 120),
        "an integer from 1 to 120",
        r.readyTimeoutMinutes,
    );
    v.throwIfAny();
    return r;
}

/** The labels that tie the pods to their Deployment, Service, autoscaler and budget. Pure. */
export function scoringLabels(r: Pick<ResolvedScoringServiceArgs, "serviceName">): Record<string, string> {
    return { "app.kubernetes.io/name": r.serviceName, "app.kubernetes.io/component": "scoring" };
}

/** The container's requests and limits; a GPU is a limit only, which Kubernetes also takes as the request. Pure. */
export function scoringResources(r: ResolvedScoringServiceArgs) {
    const limits: Record<string, string> = { cpu: r.cpuLimit, memory: r.memoryLimit };
    // Extended resources go in limits (https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/).
    if (r.gpusPerPod > 0) limits[GPU_RESOURCE] = String(r.gpusPerPod);
    return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits };
}

/** The Deployment's metadata and spec. Pure. */
export function scoringDeployment<N = string>(r: ResolvedScoringServiceArgs, namespace: N) {
    const labels = scoringLabels(r);
    const port = r.containerPort;
    return {
        metadata: { name: r.serviceName, namespace, labels, annotations: skipAwaitAnnotations(r.skipAwait) },
        spec: {
            // No `replicas`: the autoscaler owns the count, and a value here would reset it on every update
            // (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling).
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    // The server calls nothing in the cluster, so it gets no API token to leak.
                    automountServiceAccountToken: false,
                    securityContext: restrictedPodSecurityContext(r.runAsUser),
                    tolerations: r.tolerations.map((t) => ({ ...t })),
                    nodeSelector: Object.keys(r.nodeSelector).length > 0 ? { ...r.nodeSelector } : undefined,
                    containers: [
                        {
                            name: "scorer",
                            image: r.image,
                            ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
                            env: [
                                { name: "PORT", value: String(port) },
                                ...Object.entries(r.env).map(([name, value]) => ({ name, value })),
                            ],
                            resources: scoringResources(r),
                            securityContext: restrictedContainerSecurityContext(r.runAsUser),
                            startupProbe: httpGetProbe(r.livenessPath, port, {
                                initialDelaySeconds: 0,
                                periodSeconds: STARTUP_PERIOD_SECONDS,
                                timeoutSeconds: 2,
                                failureThreshold: Math.ceil(r.startupSeconds / STARTUP_PERIOD_SECONDS),
                            }),
                            readinessProbe: httpGetProbe(r.readinessPath, port, READINESS_TIMING),
                            livenessProbe: httpGetProbe(r.livenessPath, port, LIVENESS_TIMING),
                            volumeMounts: [{ name: TMP_VOLUME, mountPath: TMP_MOUNT_PATH }],
                        },
                    ],
                    volumes: [tmpVolume(r.tmpSizeLimit)],
                },
            },
        },
    };
}

/** The Service's annotations: the internal load balancer's, and Pulumi's skip-await when asked. Pure. */
export function scoringServiceAnnotations(r: ResolvedScoringServiceArgs): Record<string, string> | undefined {
    const annotations = {
        ...(r.exposure === "Internal" ? { [INTERNAL_LB_ANNOTATION]: "true" } : {}),
        ...(skipAwaitAnnotations(r.skipAwait) ?? {}),
    };
    return Object.keys(annotations).length > 0 ? annotations : undefined;
}

/** The Service's metadata and spec. Pure. */
export function scoringService<N = string>(r: ResolvedScoringServiceArgs, namespace: N) {
    const loadBalanced = r.exposure !== "ClusterIP";
    return {
        metadata: {
            name: r.serviceName,
            namespace,
            labels: scoringLabels(r),
            annotations: scoringServiceAnnotations(r),
        },
        spec: {
            type: loadBalanced ? "LoadBalancer" : "ClusterIP",
            selector: scoringLabels(r),
            ports: [{ name: "http", port: r.servicePort, targetPort: "http", protocol: "TCP" }],
            // Enforced by AKS in the load balancer's NSG rules and on the nodes
            // (https://learn.microsoft.com/azure/aks/configure-load-balancer-standard).
            loadBalancerSourceRanges:
                loadBalanced && r.allowedSourceRanges.length > 0 ? [...r.allowedSourceRanges] : undefined,
        },
    };
}

/** The autoscaler (autoscaling/v2) on the Deployment's CPU use relative to its request. Pure. */
export function scoringAutoscaler<N = string>(r: ResolvedScoringServiceArgs, namespace: N) {
    return {
        metadata: { name: r.serviceName, namespace, labels: scoringLabels(r) },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: r.serviceName },
            minReplicas: r.minReplicas,
            maxReplicas: r.maxReplicas,
            // Utilization is measured against the CPU request, which the container always sets
            // (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/).
            metrics: [
                {
                    type: "Resource",
                    resource: {
                        name: "cpu",
                        target: { type: "Utilization", averageUtilization: r.targetCpuUtilization },
                    },
                },
            ],
        },
    };
}

/**
 * The disruption budget (policy/v1): one pod at a time may be evicted by a
 * node drain (upgrades, the cluster autoscaler's scale-down). `maxUnavailable:
 * 1` rather than `minAvailable: minReplicas`: with one replica the latter
 * allows no eviction at all and blocks every drain, which AKS warns against
 * (https://learn.microsoft.com/azure/aks/operator-best-practices-scheduler).
 * Pods that are not ready may always be evicted, so a crashing pod never
 * holds a drain up (`unhealthyPodEvictionPolicy: AlwaysAllow`,
 * https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy).
 * Pure.
 */
export function scoringDisruptionBudget<N = string>(r: ResolvedScoringServiceArgs, namespace: N) {
    return {
        metadata: { name: r.serviceName, namespace, labels: scoringLabels(r) },
        spec: {
            maxUnavailable: 1,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
            selector: { matchLabels: scoringLabels(r) },
        },
    };
}

/** What the Service's status says of its load balancer. */
export interface LoadBalancerIngress {
    readonly ip?: string;
    readonly hostname?: string;
}

/**
 * The URL of the scoring endpoint: through the load balancer's address when
 * it has one, otherwise the Service's cluster DNS name (a ClusterIP service,
 * or a load balancer not yet given an address, which only shows with
 * `skipAwait`). Pure.
 */
export function scoringUrl(
    r: Pick<ResolvedScoringServiceArgs, "serviceName" | "servicePort" | "exposure">,
    namespace: string,
    ingress: readonly LoadBalancerIngress[] | undefined,
): string {
    const port = r.servicePort === 80 ? "" : `:${r.servicePort}`;
    const address = r.exposure === "ClusterIP" ? undefined : (ingress?.[0]?.ip ?? ingress?.[0]?.hostname);
    const host = address ?? `${r.serviceName}.${namespace}.svc.cluster.local`;
    return `http://${host}${port}/score`;
}
