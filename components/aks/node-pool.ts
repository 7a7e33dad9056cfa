/**
 * User node pools of an AKS cluster, and where a workload lands on them. Pure:
 * the rules on a pool (name, size, bounds, taints, labels, Spot, GPU driver),
 * the taints and labels AKS and this package put on its nodes, and the
 * tolerations and node selector a pod needs to run there. The Kubernetes
 * components and the programs use `nodePoolPlacement` so that a pool's taints
 * are written once.
 */
import { nameIssues } from "../common/naming";
import { ValidationIssue, Validator, isIntInRange, isRecord } from "../common/validation";
import { DEFAULT_GPU_VM_SIZE, classifyVmSize, vmSizeIssues } from "../common/vm-sizes";
import {
    GPU_POOL_TOLERATION,
    isLabelKey,
    isLabelValue,
    SPOT_TOLERATION,
    TAINT_EFFECTS,
    TaintEffect,
    taintOf,
    Toleration,
} from "../kubernetes/pod-spec";

export { DEFAULT_GPU_VM_SIZE };

/**
 * Whether AKS installs the NVIDIA driver on a GPU pool's nodes (`Install`), or
 * leaves the nodes without one (`None`) for the NVIDIA GPU Operator to manage.
 * The AgentPool property is `gpuProfile.driver` (azure-native 3.x,
 * containerservice `GPUProfileArgs`; values `Install` and `None`, AKS's
 * default `Install`): "Use GPUs on AKS", https://learn.microsoft.com/azure/aks/use-nvidia-gpu.
 */
export type GpuDriver = "Install" | "None";
export const GPU_DRIVERS: readonly GpuDriver[] = ["Install", "None"];

/**
 * The taint this package puts on GPU pools, so that only pods asking for a GPU
 * land on the expensive nodes (the taint "Use GPUs on AKS" recommends).
 */
export const GPU_TAINT = taintOf(GPU_POOL_TOLERATION);
/** The label this package puts on GPU pools' nodes, for node selectors and affinities. */
export const GPU_LABEL = { key: "accelerator", value: "nvidia" } as const;

/**
 * The taint AKS itself puts on every node of a Spot pool, and the label it
 * sets: "Add an Azure Spot node pool to an AKS cluster"
 * (https://learn.microsoft.com/azure/aks/spot-node-pool, limitations). The
 * pool is not sent these: AKS adds them, and its `kubernetes.azure.com/`
 * prefix is reserved to AKS.
 */
export const SPOT_TAINT = taintOf(SPOT_TOLERATION);
export const SPOT_LABEL = { key: "kubernetes.azure.com/scalesetpriority", value: "spot" } as const;

/**
 * The label AKS sets on every node with the name of its pool, one of AKS's
 * reserved system labels ("Use labels in an AKS cluster",
 * https://learn.microsoft.com/azure/aks/use-labels#reserved-system-labels).
 */
export const AGENT_POOL_LABEL = "kubernetes.azure.com/agentpool";

/**
 * Label and taint key prefixes AKS reserves: a node pool may not set them
 * (https://learn.microsoft.com/azure/aks/use-labels#reserved-prefixes).
 */
export const RESERVED_PREFIXES: readonly string[] = ["kubernetes.azure.com/", "kubernetes.io/"];

/**
 * AKS's bounds on a user pool's node count: 0 to 1000 (the azure-native
 * `AgentPool.count` documentation: "0 to 1000 (inclusive) for user pools").
 */
export const MAX_POOL_NODES = 1000;

/** Spot's "pay up to the on-demand price", never evicted for price (spot-node-pool docs). */
export const SPOT_PRICE_ON_DEMAND = -1;

/** A user node pool: scaled by the cluster autoscaler between `minCount` and `maxCount`. */
export interface NodePoolArgs {
    /** Required. Pool name: 1-12 lowercase letters and digits, starting with a letter (AKS's rule for Linux pools). */
    readonly name: string;
    /** Required. VM size of the nodes, CPU or a current GPU family; retired sizes are refused. */
    readonly vmSize: string;
    /** Optional. Nodes kept when idle; 0 lets an idle pool cost nothing. @default 0 */
    readonly minCount?: number;
    /** Required. Upper bound of the autoscaler (1-1000). */
    readonly maxCount: number;
    /**
     * Optional. Run on Azure Spot capacity (eviction policy Delete): much
     * cheaper, evicted when Azure needs the capacity back. AKS taints Spot
     * nodes (`SPOT_TAINT`); `nodePoolPlacement` tolerates it. Fixed once
     * created: a change replaces the pool. @default false
     */
    readonly spot?: boolean;
    /**
     * Optional. Highest hourly price in US dollars paid for a Spot node, or -1
     * for up to the on-demand price; only with `spot`. Fixed once created.
     * @default -1
     */
    readonly spotMaxPrice?: number;
    /**
     * Optional. Extra taints, `key=value:Effect` or `key:Effect`. GPU pools
     * also get `sku=gpu:NoSchedule` unless a taint with key `sku` is given here.
     * @default []
     */
    readonly taints?: readonly string[];
    /** Optional. Extra node labels; GPU pools also get `accelerator=nvidia`. @default {} */
    readonly labels?: Readonly<Record<string, string>>;
    /**
     * Optional. GPU sizes only: `Install` lets AKS install the NVIDIA driver,
     * `None` leaves it to the NVIDIA GPU Operator. Chosen when the pool is
     * created: a change replaces the pool. @default "Install" on GPU sizes
     */
    readonly gpuDriver?: GpuDriver;
}

/** A pool with its defaults applied and the taints and labels it is created with. */
export interface ResolvedNodePool {
    readonly name: string;
    readonly vmSize: string;
    readonly minCount: number;
    readonly maxCount: number;
    readonly spot: boolean;
    /** Undefined unless `spot`. */
    readonly spotMaxPrice?: number;
    readonly gpu: boolean;
    /** Undefined unless a GPU size. */
    readonly gpuDriver?: GpuDriver;
    /** What the pool sends AKS: the user's taints plus the GPU taint; never the Spot taint AKS adds. */
    readonly nodeTaints: readonly string[];
    /** What the pool sends AKS: the user's labels plus the GPU label. */
    readonly nodeLabels: Readonly<Record<string, string>>;
}

/** True for a VM size of a current GPU family (the families components/common/vm-sizes.ts lists). Pure. */
export function isGpuVmSize(size: string): boolean {
    return classifyVmSize(size).kind === "gpu";
}

/** A taint split into its parts. */
export interface Taint {
    readonly key: string;
    readonly value?: string;
    readonly effect: TaintEffect;
}

/** `key=value:Effect` or `key:Effect` as its parts; undefined when malformed. Pure. */
export function parseTaint(taint: string): Taint | undefined {
    if (typeof taint !== "string") return undefined;
    const colon = taint.lastIndexOf(":");
    if (colon < 0) return undefined;
    const effect = taint.slice(colon + 1) as TaintEffect;
    const head = taint.slice(0, colon);
    const eq = head.indexOf("=");
    const key = eq < 0 ? head : head.slice(0, eq);
    const value = eq < 0 ? undefined : head.slice(eq + 1);
    if (!TAINT_EFFECTS.includes(effect) || !isLabelKey(key)) return undefined;
    if (value !== undefined && !isLabelValue(value)) return undefined;
    return value === undefined ? { key, effect } : { key, value, effect };
}

const isReserved = (key: string) => RESERVED_PREFIXES.some((p) => key.startsWith(p));

/** The pool with its defaults applied; assumes `nodePoolIssues` found nothing. Pure. */
export function resolveNodePool(pool: NodePoolArgs): ResolvedNodePool {
    const gpu = isGpuVmSize(pool.vmSize);
    const spot = pool.spot ?? false;
    const userTaints = pool.taints ?? [];
    const hasSkuTaint = userTaints.some((t) => parseTaint(t)?.key === "sku");
    return {
        name: pool.name,
        vmSize: pool.vmSize,
        minCount: pool.minCount ?? 0,
        maxCount: pool.maxCount,
        spot,
        spotMaxPrice: spot ? (pool.spotMaxPrice ?? SPOT_PRICE_ON_DEMAND) : undefined,
        gpu,
        gpuDriver: gpu ? (pool.gpuDriver ?? "Install") : undefined,
        nodeTaints: gpu && !hasSkuTaint ? [...userTaints, GPU_TAINT] : [...userTaints],
        nodeLabels: gpu ? { [GPU_LABEL.key]: GPU_LABEL.value, ...(pool.labels ?? {}) } : { ...(pool.labels ?? {}) },
    };
}

/** True for a Spot price AKS accepts: -1, or above 0 with at most five decimals (spot-node-pool docs). */
export function isSpotMaxPrice(price: unknown): price is number {
    if (price === SPOT_PRICE_ON_DEMAND) return true;
    if (typeof price !== "number" || !Number.isFinite(price) || price <= 0) return false;
    // Binary fractions: 0.29 * 1e5 is 28999.999999999996, so compare with a tolerance.
    const scaled = price * 1e5;
    return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/**
 * Every problem with one pool, its fields prefixed with `field` (e.g.
 * `userPools[0]`): name, size, bounds, Spot settings, taints, labels and the
 * GPU driver. Pure.
 */
export function nodePoolIssues(pool: NodePoolArgs, field: string = ""): ValidationIssue[] {
    const at = (name: string) => (field ? `${field}.${name}` : name);
    const v = new Validator();
    if (!isRecord(pool)) return [{ field: field || "pool", rule: "a node pool object", value: pool }];
    v.merge(nameIssues("aksNodePool", pool.name, at("name")));
    const sizeIssues = vmSizeIssues(pool.vmSize, at("vmSize"));
    v.merge(sizeIssues);
    const minCount = pool.minCount ?? 0;
    const maxOk = v.check(
        at("maxCount"),
        isIntInRange(pool.maxCount, 1, MAX_POOL_NODES),
        `an integer from 1 to ${MAX_POOL_NODES}`,
        pool.maxCount,
    );
    if (
        v.check(
            at("minCount"),
            isIntInRange(minCount, 0, MAX_POOL_NODES),
            `an integer from 0 to ${MAX_POOL_NODES}`,
            minCount,
        ) &&
        maxOk
    ) {
        v.check(at("minCount"), minCount <= pool.maxCount, `at most maxCount (${pool.maxCount})`, minCount);
    }
    if (pool.spot !== undefined) v.check(at("spot"), typeof pool.spot === "boolean", "true or false", pool.spot);
    if (pool.spotMaxPrice !== undefined) {
        if (v.check(at("spotMaxPrice"), pool.spot === true, "only used with spot: true", pool.spotMaxPrice)) {
            v.check(
                at("spotMaxPrice"),
                isSpotMaxPrice(pool.spotMaxPrice),
                "-1 (up to the on-demand price) or a price above 0 in US dollars with at most five decimals",
                pool.spotMaxPrice,
            );
        }
    }
    (pool.taints ?? []).forEach((taint, i) => {
        const parsed = parseTaint(taint);
        if (
            v.check(
                at(`taints[${i}]`),
                parsed !== undefined,
                `key=value:Effect or key:Effect, a Kubernetes key and value, Effect one of ${TAINT_EFFECTS.join(", ")}`,
                taint,
            )
        ) {
            v.check(
                at(`taints[${i}]`),
                !isReserved(parsed!.key),
                `a key outside AKS's reserved prefixes (${RESERVED_PREFIXES.join(", ")})${
                    parsed!.key === SPOT_LABEL.key ? "; AKS taints Spot nodes itself" : ""
                }`,
                taint,
            );
        }
    });
    if (pool.labels !== undefined) {
        if (v.check(at("labels"), isRecord(pool.labels), "an object of label names to values", pool.labels)) {
            for (const [key, value] of Object.entries(pool.labels)) {
                const labelField = at(`labels.${key}`);
                if (v.check(labelField, isLabelKey(key), "a Kubernetes label name ([prefix/]name)", key)) {
                    v.check(
                        labelField,
                        !isReserved(key),
                        `a name outside AKS's reserved prefixes (${RESERVED_PREFIXES.join(", ")})`,
                        key,
                    );
                }
                v.check(
                    labelField,
                    typeof value === "string" && isLabelValue(value),
                    "a Kubernetes label value (at most 63 letters, digits, '-', '_', '.')",
                    value,
                );
            }
        }
    }
    if (pool.gpuDriver !== undefined) {
        if (
            v.check(at("gpuDriver"), GPU_DRIVERS.includes(pool.gpuDriver), 'one of "Install", "None"', pool.gpuDriver)
        ) {
            // Only checked on a size that is otherwise valid: a retired GPU size already has its own issue.
            if (sizeIssues.length === 0) {
                v.check(
                    at("gpuDriver"),
                    isGpuVmSize(pool.vmSize),
                    `only for GPU sizes (${pool.vmSize} has no GPU)`,
                    pool.gpuDriver,
                );
            }
        }
    }
    return [...v.issues];
}

/** What a pod needs to run on one pool: tolerations for every taint its nodes carry, and a node selector for it. */
export interface NodePlacement {
    readonly tolerations: Toleration[];
    readonly nodeSelector: Record<string, string>;
}

/**
 * Tolerations for every taint the pool's nodes carry (its own, the GPU taint,
 * the Spot taint AKS adds) and a node selector on the pool's name label, so a
 * pod lands on this pool and nowhere else. Pure.
 */
export function nodePoolPlacement(pool: NodePoolArgs): NodePlacement {
    const resolved = resolveNodePool(pool);
    const taints = [...resolved.nodeTaints, ...(resolved.spot ? [SPOT_TAINT] : [])]
        .map(parseTaint)
        .filter((t): t is Taint => t !== undefined);
    const tolerations = taints.map((t): Toleration =>
        t.value === undefined
            ? { key: t.key, operator: "Exists", effect: t.effect }
            : { key: t.key, operator: "Equal", value: t.value, effect: t.effect },
    );
    return { tolerations, nodeSelector: { [AGENT_POOL_LABEL]: pool.name } };
}
