/**
 * What the AKS paths (2-3, 2-5) share: the config keys of their cluster and
 * of its one workload pool, the cluster's checks reported under those keys,
 * and the cluster itself, pulling from the platform's registry and sending
 * Container Insights to the platform's Log Analytics. The rules are the
 * AksCluster's; each key names the argument it becomes (`aks.…`).
 */
import * as pulumi from "@pulumi/pulumi";
import {
    AksCluster,
    AksClusterSettings,
    DeployerAccess,
    DEFAULT_SYSTEM_NODE_COUNT,
    DEFAULT_SYSTEM_VM_SIZE,
    GpuDriver,
    KubeconfigLogin,
    NetworkPlugin,
    NodePoolArgs,
    aksClusterIssues,
} from "../components/aks";
import { ConfigValues, ValidationError, ValidationIssue, Validator } from "../components/common";
import { PathBase, PathPlatform } from "./shared";

/** Defaults of the workload pool that differ between paths (GPU scoring, CPU consumers…). */
export interface AksDefaults {
    readonly pool: {
        readonly name: string;
        readonly vmSize: string;
        readonly minCount: number;
        readonly maxCount: number;
    };
}

/** The keys of a path's AKS cluster and workload pool (`aks.*` arguments); spread into a program's CONFIG_SPEC. */
export function aksConfigSpec(defaults: AksDefaults) {
    return {
        kubernetesVersion: {
            type: "string",
            description: "Kubernetes version, e.g. 1.33 (unset: AKS's default version).",
            arg: "aks.kubernetesVersion",
        },
        systemVmSize: {
            type: "string",
            default: DEFAULT_SYSTEM_VM_SIZE,
            description:
                "Size of the system pool's nodes (AKS's own pods): 4 vCPUs or more, no B-series; fixed once deployed.",
            arg: "aks.systemPool.vmSize",
        },
        systemNodeCount: {
            type: "integer",
            default: DEFAULT_SYSTEM_NODE_COUNT,
            description: "Nodes of the system pool (2 or more for production).",
            arg: "aks.systemPool.count",
        },
        networkPlugin: {
            type: "string",
            default: "azure",
            description: "Pod networking: azure (Azure CNI overlay), kubenet (legacy) or none (bring your own CNI).",
            arg: "aks.networkPlugin",
        },
        localAccounts: {
            type: "boolean",
            default: false,
            description: "Keep AKS's local admin account; off, every access is by Entra ID and Azure RBAC.",
            arg: "aks.localAccounts",
        },
        clusterAdminPrincipalIds: {
            type: "string[]",
            default: [] as string[],
            description: "Entra object ids of people given Azure Kubernetes Service RBAC Cluster Admin on the cluster.",
            hint: "your object id: az ad signed-in-user show --query id -o tsv",
            arg: "aks.clusterAdminPrincipalIds",
        },
        deployerAccess: {
            type: "string",
            default: "User",
            description:
                "Grant the identity running pulumi up RBAC Cluster Admin, so it can create the path's Kubernetes objects: User, ServicePrincipal (a pipeline's identity) or none.",
            arg: "aks.deployerAccess",
        },
        kubeconfigLogin: {
            type: "string",
            default: "azurecli",
            description:
                "How the kubeconfig's kubelogin gets tokens: azurecli, workloadidentity (CI), msi or devicecode.",
            arg: "aks.kubeconfigLogin",
        },
        poolName: {
            type: "string",
            default: defaults.pool.name,
            description: "Name of the workload pool (1-12 lowercase letters and digits).",
            arg: "aks.userPools[0].name",
        },
        poolVmSize: {
            type: "string",
            default: defaults.pool.vmSize,
            description: "Size of the workload pool's nodes: CPU, or a current GPU size such as Standard_NC4as_T4_v3.",
            arg: "aks.userPools[0].vmSize",
        },
        poolMinCount: {
            type: "integer",
            default: defaults.pool.minCount,
            description: "Nodes the workload pool keeps when idle (0: no cost between loads).",
            arg: "aks.userPools[0].minCount",
        },
        poolMaxCount: {
            type: "integer",
            default: defaults.pool.maxCount,
            description: "Upper bound of the workload pool's autoscaler.",
            arg: "aks.userPools[0].maxCount",
        },
        poolSpot: {
            type: "boolean",
            default: false,
            description: "Run the workload pool on Spot capacity (cheaper, may be evicted); fixed once deployed.",
            arg: "aks.userPools[0].spot",
        },
        gpuDriver: {
            type: "string",
            description:
                "GPU pool sizes only: Install (AKS installs the NVIDIA driver) or None (for the NVIDIA GPU Operator); unset: Install.",
            arg: "aks.userPools[0].gpuDriver",
        },
    } as const;
}

/** The values of `aksConfigSpec()` once read. */
export type AksConfig = ConfigValues<ReturnType<typeof aksConfigSpec>>;

/** The workload pool a path's config asks for. Pure. */
export function aksPool(c: AksConfig): NodePoolArgs {
    return {
        name: c.poolName,
        vmSize: c.poolVmSize,
        minCount: c.poolMinCount,
        maxCount: c.poolMaxCount,
        spot: c.poolSpot,
        gpuDriver: c.gpuDriver as GpuDriver | undefined,
    };
}

/** The cluster's settings from a path's config (the program adds where it goes and what it connects to). Pure. */
export function aksSettings(
    c: AksConfig,
    tags: Record<string, string>,
    options: { readonly keda?: boolean } = {},
): AksClusterSettings {
    return {
        tags,
        kubernetesVersion: c.kubernetesVersion,
        systemPool: { vmSize: c.systemVmSize, count: c.systemNodeCount },
        userPools: [aksPool(c)],
        networkPlugin: c.networkPlugin as NetworkPlugin,
        localAccounts: c.localAccounts,
        clusterAdminPrincipalIds: c.clusterAdminPrincipalIds,
        deployerAccess: c.deployerAccess as DeployerAccess,
        kubeconfigLogin: c.kubeconfigLogin as KubeconfigLogin,
        keda: options.keda,
    };
}

/** The cluster's checks on a path's config, under `aks.` (each key's `arg`). Pure. */
export function aksIssues(c: AksConfig, tags: Record<string, string>): ValidationIssue[] {
    const v = new Validator();
    v.merge(aksClusterIssues(aksSettings(c, tags)), "aks");
    return [...v.issues];
}

/**
 * The path's AKS cluster in its resource group, configured by
 * `aksConfigSpec()` keys: the kubelet identity pulls from the platform's
 * registry (when it has one), Container Insights sends to the platform's Log
 * Analytics workspace. The path's stack owns the AcrPull grant.
 */
export function createPathAks(
    name: string,
    base: PathBase,
    { platform, hasRegistry, ready }: PathPlatform,
    c: AksConfig,
    options: { readonly keda?: boolean } = {},
): AksCluster {
    return new AksCluster(
        name,
        {
            ...aksSettings(c, base.tags, options),
            resourceGroupName: base.resourceGroup.name,
            location: base.resourceGroup.location,
            registryId: hasRegistry ? (platform.registryId as pulumi.Output<string>) : undefined,
            logAnalyticsWorkspaceId: platform.logAnalyticsWorkspaceId,
            logAnalyticsWorkspaceLocation: platform.location,
        },
        { dependsOn: ready },
    );
}

/** What decides where a path's workload image comes from. */
export interface ImageConfig {
    /** The image the user named, if any. */
    readonly image?: string;
    readonly platformStack?: string;
    /** Whether the stack's own platform gets a registry. */
    readonly registry: boolean;
}

/**
 * `image` is required when the stack's own platform has no registry for the
 * sample image to go to. (A base stack's registry is known only when the
 * stack runs: `workloadImage` checks that.) Pure.
 */
export function imageKeyIssues(c: ImageConfig): ValidationIssue[] {
    const v = new Validator();
    if (c.platformStack === undefined && !c.registry) {
        v.check(
            "image",
            c.image !== undefined,
            "required with registry: false (the sample image goes to the platform's registry)",
            c.image,
        );
    }
    return [...v.issues];
}

/**
 * The image the workload runs: `image`, or `inRegistry(loginServer)` in the
 * platform's registry. Throws, naming `image`, when the platform is a base
 * stack without a registry.
 */
export function workloadImage(
    c: ImageConfig,
    { platform, hasRegistry }: PathPlatform,
    inRegistry: (loginServer: string) => string,
): pulumi.Input<string> {
    if (c.image !== undefined) return c.image;
    if (!hasRegistry) {
        throw new ValidationError(
            [
                {
                    field: "image",
                    rule: `required: platform stack ${c.platformStack} has no container registry for the sample image`,
                    value: undefined,
                },
            ],
            "invalid configuration",
        );
    }
    return pulumi.output(platform.registryLoginServer).apply((server) => inRegistry(String(server)));
}
