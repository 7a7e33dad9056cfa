/**
 * The parts of a pod spec the Kubernetes components share, and the rules on
 * the values that go into them. Pure: plain objects in, plain objects or
 * issues out, so they are tested without Pulumi and checked before any object
 * is sent to a cluster.
 *
 * Secure by default: a workload container runs as a fixed non-root user,
 * without privilege escalation or capabilities, on a read-only root
 * filesystem with an emptyDir for /tmp, under the runtime's default seccomp
 * profile, which is what the Pod Security Standards' `restricted` profile
 * requires (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
 */
import { ValidationIssue, Validator, isIntInRange, isRecord } from "../common/validation";

/**
 * Tells the Pulumi Kubernetes provider not to wait for an object to be ready
 * (a Deployment rolled out, a Service with endpoints or a load balancer), nor
 * for a DaemonSet or Namespace to be gone on delete (pulumi/pulumi-kubernetes#417).
 */
export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/** The skip-await annotation when `skip`, else nothing. Pure. */
export function skipAwaitAnnotations(skip: boolean): Record<string, string> | undefined {
    return skip ? { [SKIP_AWAIT_ANNOTATION]: "true" } : undefined;
}

/** The extended resource the NVIDIA device plugin advertises, one unit per GPU. */
export const GPU_RESOURCE = "nvidia.com/gpu";

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";
export const TAINT_EFFECTS: readonly TaintEffect[] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** A pod toleration as Kubernetes takes it; `Exists` without a key tolerates every taint. */
export interface Toleration {
    readonly key?: string;
    readonly operator: "Equal" | "Exists";
    readonly value?: string;
    readonly effect?: TaintEffect;
}

/** Where pods may run: the taints they tolerate and the node labels they require. */
export interface Placement {
    /** Optional. Tolerations of the pods. @default [] */
    readonly tolerations?: readonly Toleration[];
    /** Optional. Node labels the pods require. @default {} */
    readonly nodeSelector?: Readonly<Record<string, string>>;
}

/** The taint a toleration of one key and value tolerates, as `key=value:Effect`. Pure. */
export function taintOf(t: Toleration & { key: string; value: string; effect: TaintEffect }): string {
    return `${t.key}=${t.value}:${t.effect}`;
}

/**
 * Tolerates the taint AKS's GPU guidance puts on GPU pools, `sku=gpu:NoSchedule`
 * ("Use GPUs on AKS", https://learn.microsoft.com/azure/aks/use-nvidia-gpu).
 */
export const GPU_POOL_TOLERATION = { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" } as const;

/**
 * Tolerates the taint AKS itself puts on every Spot node,
 * `kubernetes.azure.com/scalesetpriority=spot:NoSchedule`
 * (https://learn.microsoft.com/azure/aks/spot-node-pool).
 */
export const SPOT_TOLERATION = {
    key: "kubernetes.azure.com/scalesetpriority",
    operator: "Equal",
    value: "spot",
    effect: "NoSchedule",
} as const;

/**
 * The label that makes a namespace enforce the `restricted` Pod Security
 * Standard: the API server refuses pods that do not meet it
 * (https://kubernetes.io/docs/concepts/security/pod-security-admission/).
 * The workloads here meet it with the contexts below.
 */
export const RESTRICTED_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
    "pod-security.kubernetes.io/enforce": "restricted",
};

/** The uid (and gid) workload containers run as; the sample's Dockerfile creates this user. */
export const DEFAULT_RUN_AS_USER = 10001;

/** The pod-level security context of a workload: non-root, fixed uid/gid, default seccomp profile. Pure. */
export function restrictedPodSecurityContext(uid: number) {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The container-level security context of a workload: no escalation, no capabilities, read-only root. Pure. */
export function restrictedContainerSecurityContext(uid: number) {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** The writable scratch space a read-only root filesystem still needs (Python writes temp files there). */
export const TMP_VOLUME = "tmp";
export const TMP_MOUNT_PATH = "/tmp";

/** An emptyDir for /tmp, capped at `sizeLimit` so a runaway writer cannot fill the node's disk. Pure. */
export function tmpVolume(sizeLimit: string) {
    return { name: TMP_VOLUME, emptyDir: { sizeLimit } };
}

/** How often and how patiently a probe checks. */
export interface ProbeTiming {
    readonly initialDelaySeconds: number;
    readonly periodSeconds: number;
    readonly timeoutSeconds: number;
    readonly failureThreshold: number;
}

/** An HTTP GET probe of `path` on the container's port. Pure. */
export function httpGetProbe(path: string, port: number, timing: ProbeTiming) {
    return { httpGet: { path, port }, ...timing };
}

// Kubernetes quantities: a decimal number and an optional suffix, binary (Ki…Ei), decimal (m, k…E) or an
// exponent (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/).
const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX_FACTORS: Readonly<Record<string, number>> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity such as `500m`, `2`, `1.5Gi` or `1e3`; undefined when malformed. Pure. */
export function parseQuantity(quantity: string): number | undefined {
    if (typeof quantity !== "string") return undefined;
    const match = QUANTITY.exec(quantity.trim());
    if (!match) return undefined;
    const suffix = match[2] ?? "";
    const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX_FACTORS[suffix];
    return Number(match[1]) * factor;
}

/**
 * Problems with a request and a limit of one resource: each a quantity above
 * zero, and the request at most the limit (the API server refuses a request
 * above its limit: kubernetes/kubernetes, pkg/apis/core/validation,
 * "must be less than or equal to … limit"). Pure.
 */
export function requestLimitIssues(
    resource: string,
    request: { field: string; value: string },
    limit: { field: string; value: string },
): ValidationIssue[] {
    const v = new Validator();
    const example = resource === "cpu" ? "500m or 2" : "512Mi or 4Gi";
    const parsed = [request, limit].map((q) => {
        const n = parseQuantity(q.value);
        return v.check(q.field, n !== undefined && n > 0, `a Kubernetes quantity above zero, e.g. ${example}`, q.value)
            ? n
            : undefined;
    });
    const [req, lim] = parsed;
    if (req !== undefined && lim !== undefined) {
        v.check(request.field, req <= lim, `at most the ${resource} limit (${limit.value})`, request.value);
    }
    return [...v.issues];
}

// The grammar of image references (distribution/reference, reference.go): [domain/]path[:tag][@digest].
const DOMAIN_PART = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?)`;
const PATH_PART = "[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** An image reference split into what the rules look at. */
export interface ImageReference {
    readonly tag?: string;
    readonly digest?: string;
}

/** The tag and digest of an image reference; undefined when it is not one. Pure. */
export function parseImageReference(image: string): ImageReference | undefined {
    if (typeof image !== "string" || image.length > 512) return undefined;
    const match = IMAGE_REFERENCE.exec(image);
    return match ? { tag: match[1], digest: match[2] } : undefined;
}

/**
 * Problems with an image reference: well formed, and pinned by a tag other
 * than `latest` or by a digest, so every node runs the same build and a
 * rollout can be repeated. Pure.
 */
export function imageIssues(field: string, image: string): ValidationIssue[] {
    const ref = parseImageReference(image);
    if (!ref) {
        return [
            {
                field,
                rule: "an image reference [registry/]repository[:tag][@digest] in lowercase, e.g. myregistry.azurecr.io/scorer:1.0",
                value: image,
            },
        ];
    }
    if (ref.digest === undefined && (ref.tag === undefined || ref.tag === "latest")) {
        return [{ field, rule: "pinned by a tag other than latest, or by a digest", value: image }];
    }
    return [];
}

// RFC 1123 and RFC 1035 labels, the names most Kubernetes objects take
// (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).
const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RFC1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Problems with an object name that must be an RFC 1123 label (namespaces). Pure. */
export function rfc1123LabelIssues(field: string, name: string): ValidationIssue[] {
    const ok = typeof name === "string" && name.length <= 63 && RFC1123_LABEL.test(name);
    return ok
        ? []
        : [{ field, rule: "1-63 lowercase letters, digits and '-', starting and ending alphanumeric", value: name }];
}

/** Problems with an object name that must be an RFC 1035 label (Services, and what is named after them). Pure. */
export function rfc1035LabelIssues(field: string, name: string, maxLength: number = 63): ValidationIssue[] {
    const ok = typeof name === "string" && name.length <= maxLength && RFC1035_LABEL.test(name);
    return ok
        ? []
        : [
              {
                  field,
                  rule: `1-${maxLength} lowercase letters, digits and '-', starting with a letter and ending alphanumeric`,
                  value: name,
              },
          ];
}

/** Problems with a TCP port: a whole number from `min` to 65535. Pure. */
export function portIssues(field: string, port: number, min: number = 1): ValidationIssue[] {
    return isIntInRange(port, min, 65535) ? [] : [{ field, rule: `a port from ${min} to 65535`, value: port }];
}

// Label keys are [prefix/]name, the name 1-63 characters; values 0-63
// (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/**
 * True for a label (or taint) key: an optional DNS-subdomain prefix and '/', then 1-63 characters
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set). Pure.
 */
export function isLabelKey(key: string): boolean {
    if (typeof key !== "string") return false;
    const slash = key.lastIndexOf("/");
    if (slash < 0) return LABEL_NAME.test(key);
    const prefix = key.slice(0, slash);
    return prefix.length <= 253 && LABEL_PREFIX.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}

/** True for a label value: empty, or up to 63 letters, digits, '-', '_', '.' between alphanumerics. Pure. */
export function isLabelValue(value: string): boolean {
    return typeof value === "string" && LABEL_VALUE.test(value);
}

/**
 * Problems with a placement under `tolerations[i]` and `nodeSelector.<key>`
 * (prefixed with `prefix`): tolerations as the API server accepts them (an
 * `Exists` toleration has no value; one without a key must be `Exists`), and
 * node selector labels that could exist. Pure.
 */
export function placementIssues(placement: Placement, prefix: string = ""): ValidationIssue[] {
    const v = new Validator();
    (placement.tolerations ?? []).forEach((t, i) => {
        const field = `${prefix}tolerations[${i}]`;
        if (!v.check(field, isRecord(t), "a toleration {key, operator, value, effect}", t)) return;
        v.check(field, t.operator === "Equal" || t.operator === "Exists", 'operator "Equal" or "Exists"', t);
        if (t.key !== undefined) v.check(field, isLabelKey(t.key), "a key that is a Kubernetes label key", t);
        v.check(field, t.key !== undefined || t.operator === "Exists", 'a key, unless operator is "Exists"', t);
        if (t.operator === "Exists") v.check(field, t.value === undefined, 'no value with operator "Exists"', t);
        else v.check(field, isLabelValue(t.value ?? ""), "a value that is a Kubernetes label value", t);
        if (t.effect !== undefined) {
            v.check(field, TAINT_EFFECTS.includes(t.effect), `effect one of ${TAINT_EFFECTS.join(", ")}`, t);
        }
    });
    const selector = placement.nodeSelector ?? {};
    if (v.check(`${prefix}nodeSelector`, isRecord(selector), "an object of node labels", selector)) {
        for (const [key, value] of Object.entries(selector)) {
            const field = `${prefix}nodeSelector.${key}`;
            v.check(field, isLabelKey(key), "a Kubernetes label key ([prefix/]name)", key);
            v.check(field, isLabelValue(value), "a Kubernetes label value (at most 63 characters)", value);
        }
    }
    return [...v.issues];
}
