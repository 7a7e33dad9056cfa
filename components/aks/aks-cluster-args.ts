/**
 * The arguments of an AksCluster, their defaults and their rules. Pure: a
 * program validates the settings it read from config before any resource
 * (or resource group) exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues } from "../common/tags";
import { ValidationIssue, Validator, isGuid, isIntInRange, principalIdIssues } from "../common/validation";
import { DEFAULT_CPU_VM_SIZE, classifyVmSize, vmSizeIssues } from "../common/vm-sizes";
import { KUBECONFIG_LOGINS, KubeconfigLogin } from "./kubeconfig";
import { MAX_POOL_NODES, NodePoolArgs, nodePoolIssues } from "./node-pool";

/**
 * Pod networking: `azure` is Azure CNI in overlay mode (pods get addresses
 * from a private range apart from the nodes' subnet; the model AKS
 * recommends), `kubenet` the legacy basic model, `none` no CNI at all (bring
 * your own, e.g. Cilium): "Azure CNI Overlay networking in AKS" and "AKS
 * Legacy Container Networking Interfaces" (https://learn.microsoft.com/azure/aks/concepts-network-legacy-cni).
 * azure-native 3.x `NetworkPlugin` values `azure`, `kubenet`, `none`;
 * `NetworkPluginMode` `overlay`.
 */
export type NetworkPlugin = "azure" | "kubenet" | "none";
export const NETWORK_PLUGINS: readonly NetworkPlugin[] = ["azure", "kubenet", "none"];

export type PrincipalType = "User" | "Group" | "ServicePrincipal";
/** Who runs `pulumi up`, for its grant on the cluster; `none` for no grant. */
export type DeployerAccess = "User" | "ServicePrincipal" | "none";
export const DEPLOYER_ACCESS: readonly DeployerAccess[] = ["User", "ServicePrincipal", "none"];

/** Name of the system pool, the only pool defined inside the ManagedCluster. */
export const SYSTEM_POOL_NAME = "system";
/**
 * A current general-purpose size with 4 vCPUs: "System node pools require a
 * VM SKU of at least 4 vCPUs and 4 GB of memory" and no B-series ("Manage
 * system node pools in AKS", https://learn.microsoft.com/azure/aks/use-system-pools).
 */
export const DEFAULT_SYSTEM_VM_SIZE = DEFAULT_CPU_VM_SIZE;
export const MIN_SYSTEM_VCPUS = 4;
/**
 * Two system nodes: the least that page calls production-worthy (three
 * recommended); one node is accepted by the API (a system pool counts 1-1000,
 * azure-native's `count` documentation) and suits a throwaway dev cluster.
 */
export const DEFAULT_SYSTEM_NODE_COUNT = 2;

/** The system pool, defined in the cluster itself: it runs AKS's own pods (CoreDNS, metrics-server, add-ons). */
export interface SystemPoolArgs {
    /** Optional. Node size: at least 4 vCPUs, no B-series; fixed once created. @default "Standard_D4s_v5" */
    readonly vmSize?: string;
    /** Optional. Nodes (1-1000; 2 or more for production). @default 2 */
    readonly count?: number;
}

export interface AksClusterArgs extends CommonArgs {
    /**
     * Optional. Cluster name (1-63 letters, digits, '_' and '-', starting and ending with a letter or digit).
     * @default - `aks-<component>-<suffix>`
     */
    readonly clusterName?: string;
    /**
     * Optional. Kubernetes version, `<major>.<minor>` (AKS picks the latest
     * patch) or `<major>.<minor>.<patch>`. @default - AKS's default version
     */
    readonly kubernetesVersion?: string;
    /** Optional. The system pool. @default { vmSize: "Standard_D4s_v5", count: 2 } */
    readonly systemPool?: SystemPoolArgs;
    /** Optional. User pools for the workloads, each its own AgentPool, autoscaled. @default [] */
    readonly userPools?: readonly NodePoolArgs[];
    /** Optional. Pod networking; fixed once created (a change is refused at preview). @default "azure" */
    readonly networkPlugin?: NetworkPlugin;
    /**
     * Optional. Keep AKS's local accounts (the static admin kubeconfig). Off,
     * every access goes through Entra ID and Azure RBAC. @default false
     */
    readonly localAccounts?: boolean;
    /**
     * Optional. Entra object ids given Azure Kubernetes Service RBAC Cluster
     * Admin and Cluster User (to download the kubeconfig) on the cluster.
     * @default []
     */
    readonly clusterAdminPrincipalIds?: readonly pulumi.Input<string>[];
    /** Optional. What the `clusterAdminPrincipalIds` are. @default "User" */
    readonly clusterAdminPrincipalType?: PrincipalType;
    /**
     * Optional. Give the identity running `pulumi up` RBAC Cluster Admin on
     * the cluster, so the Kubernetes objects of the same stack can be created
     * (with Azure RBAC on, nobody else may): what that identity is, or `none`.
     * @default "none"
     */
    readonly deployerAccess?: DeployerAccess;
    /** Optional. A container registry the nodes pull from: the kubelet identity gets AcrPull on it. @default - none */
    readonly registryId?: pulumi.Input<string>;
    /**
     * Optional. Log Analytics workspace for Container Insights (container
     * logs, inventory, performance) with managed identity authentication.
     * @default - no Container Insights
     */
    readonly logAnalyticsWorkspaceId?: pulumi.Input<string>;
    /**
     * Optional. Region of that workspace, where the data collection rule goes.
     * @default - the cluster's `location`
     */
    readonly logAnalyticsWorkspaceLocation?: pulumi.Input<string>;
    /** Optional. The AKS KEDA add-on (event-driven pod autoscaling). @default false */
    readonly keda?: boolean;
    /**
     * Optional. How the exported kubeconfig (and this component's Kubernetes
     * provider) gets tokens: `azurecli` (the signed-in `az` account),
     * `workloadidentity` (federated credentials in CI), `msi` (a managed
     * identity), `devicecode` (interactive). `kubelogin` must be on the PATH.
     * @default "azurecli"
     */
    readonly kubeconfigLogin?: KubeconfigLogin;
    /** Optional. `msi` only: client id of the user-assigned identity to log in with. @default - the only identity */
    readonly kubeconfigLoginClientId?: string;
    /**
     * Optional. Let the Kubernetes provider drop from the stack the objects of
     * a cluster it cannot reach: only to clean up a stack whose cluster was
     * deleted outside Pulumi. @default false
     */
    readonly deleteUnreachable?: boolean;
}

/** The settings `validateAksClusterArgs` checks: the arguments without the resource group. */
export type AksClusterSettings = Settings<AksClusterArgs>;

export interface ResolvedAksClusterArgs {
    readonly systemVmSize: string;
    readonly systemNodeCount: number;
    readonly networkPlugin: NetworkPlugin;
    readonly localAccounts: boolean;
    readonly keda: boolean;
    readonly kubeconfigLogin: KubeconfigLogin;
    readonly clusterAdminPrincipalType: PrincipalType;
    readonly deployerAccess: DeployerAccess;
    readonly userPools: readonly NodePoolArgs[];
    readonly deleteUnreachable: boolean;
}

export function resolveAksClusterArgs(args: AksClusterSettings): ResolvedAksClusterArgs {
    return {
        systemVmSize: args.systemPool?.vmSize ?? DEFAULT_SYSTEM_VM_SIZE,
        systemNodeCount: args.systemPool?.count ?? DEFAULT_SYSTEM_NODE_COUNT,
        networkPlugin: args.networkPlugin ?? "azure",
        localAccounts: args.localAccounts ?? false,
        keda: args.keda ?? false,
        kubeconfigLogin: args.kubeconfigLogin ?? "azurecli",
        clusterAdminPrincipalType: args.clusterAdminPrincipalType ?? "User",
        deployerAccess: args.deployerAccess ?? "none",
        userPools: args.userPools ?? [],
        deleteUnreachable: args.deleteUnreachable ?? false,
    };
}

/**
 * The vCPU count an Azure size name states, e.g. 4 for `Standard_D4s_v5` and
 * 2 for the constrained `Standard_E4-2s_v5` ("Azure virtual machine sizes
 * naming conventions": family, sub-family, vCPUs, constrained vCPUs, …).
 * Undefined when the name does not follow the convention. Pure.
 */
export function vcpusOf(size: string): number | undefined {
    const match = /^Standard_[A-Za-z]+?(\d+)(?:-(\d+))?[a-z]*(_|$)/.exec(size);
    if (!match) return undefined;
    return Number(match[2] ?? match[1]);
}

/** A Kubernetes version as AKS takes it: `1.33` or `1.33.2`. */
const KUBERNETES_VERSION = /^\d+\.\d+(\.\d+)?$/;

/** The system pool's problems, under `systemPool.`. Pure. */
function systemPoolIssues(vmSize: string, count: number): ValidationIssue[] {
    const v = new Validator();
    const sizeIssues = vmSizeIssues(vmSize, "systemPool.vmSize");
    v.merge(sizeIssues);
    if (sizeIssues.length === 0) {
        v.check(
            "systemPool.vmSize",
            !/^Standard_B/i.test(vmSize),
            "not a B-series size (AKS refuses them for system pools)",
            vmSize,
        );
        v.check(
            "systemPool.vmSize",
            classifyVmSize(vmSize).kind === "cpu",
            "a CPU size: the system pool runs AKS's own pods; put GPUs in a user pool",
            vmSize,
        );
        const vcpus = vcpusOf(vmSize);
        v.check(
            "systemPool.vmSize",
            vcpus === undefined || vcpus >= MIN_SYSTEM_VCPUS,
            `a size with at least ${MIN_SYSTEM_VCPUS} vCPUs (AKS's minimum for system pools)`,
            vmSize,
        );
    }
    v.check(
        "systemPool.count",
        isIntInRange(count, 1, MAX_POOL_NODES),
        `an integer from 1 to ${MAX_POOL_NODES}`,
        count,
    );
    return [...v.issues];
}

/** The user pools' problems, under `userPools[i].`: each pool's own, and names used twice or taken by the system pool. Pure. */
export function userPoolsIssues(pools: readonly NodePoolArgs[]): ValidationIssue[] {
    const v = new Validator();
    const names = pools.map((p) => p?.name);
    pools.forEach((pool, i) => {
        v.merge(nodePoolIssues(pool, `userPools[${i}]`));
        const name = names[i];
        if (typeof name !== "string") return;
        v.check(
            `userPools[${i}].name`,
            name !== SYSTEM_POOL_NAME,
            `not "${SYSTEM_POOL_NAME}", the system pool's name`,
            name,
        );
        v.check(`userPools[${i}].name`, names.indexOf(name) === i, "unique among the user pools", name);
    });
    return [...v.issues];
}

/** Every problem with an AksCluster's settings, fields named as the arguments. Pure. */
export function aksClusterIssues(args: AksClusterSettings): ValidationIssue[] {
    const r = resolveAksClusterArgs(args);
    const v = new Validator();
    if (args.clusterName !== undefined) v.merge(nameIssues("aksCluster", args.clusterName, "clusterName"));
    if (args.kubernetesVersion !== undefined) {
        v.check(
            "kubernetesVersion",
            typeof args.kubernetesVersion === "string" && KUBERNETES_VERSION.test(args.kubernetesVersion),
            "<major>.<minor> or <major>.<minor>.<patch>, e.g. 1.33",
            args.kubernetesVersion,
        );
    }
    v.merge(systemPoolIssues(r.systemVmSize, r.systemNodeCount));
    v.merge(userPoolsIssues(r.userPools));
    v.check(
        "networkPlugin",
        NETWORK_PLUGINS.includes(r.networkPlugin),
        'one of "azure", "kubenet", "none"',
        r.networkPlugin,
    );
    v.check("localAccounts", typeof r.localAccounts === "boolean", "true or false", r.localAccounts);
    v.check("keda", typeof r.keda === "boolean", "true or false", r.keda);
    v.check(
        "kubeconfigLogin",
        KUBECONFIG_LOGINS.includes(r.kubeconfigLogin),
        `one of ${KUBECONFIG_LOGINS.map((l) => `"${l}"`).join(", ")}`,
        r.kubeconfigLogin,
    );
    if (args.kubeconfigLoginClientId !== undefined) {
        if (
            v.check(
                "kubeconfigLoginClientId",
                r.kubeconfigLogin === "msi",
                'only used with kubeconfigLogin "msi"',
                args.kubeconfigLoginClientId,
            )
        ) {
            v.check(
                "kubeconfigLoginClientId",
                isGuid(args.kubeconfigLoginClientId),
                "a client id (GUID)",
                args.kubeconfigLoginClientId,
            );
        }
    }
    v.check(
        "clusterAdminPrincipalType",
        ["User", "Group", "ServicePrincipal"].includes(r.clusterAdminPrincipalType),
        'one of "User", "Group", "ServicePrincipal"',
        r.clusterAdminPrincipalType,
    );
    v.check(
        "deployerAccess",
        DEPLOYER_ACCESS.includes(r.deployerAccess),
        'one of "User", "ServicePrincipal", "none"',
        r.deployerAccess,
    );
    // Ids known only at deployment (outputs) are Azure's to check; plain strings are checked here.
    const ids = args.clusterAdminPrincipalIds ?? [];
    if (ids.every((id) => typeof id === "string")) v.merge(principalIdIssues(ids, "clusterAdminPrincipalIds"));
    v.check(
        "networkIsolation",
        !args.networkIsolation,
        "not supported for AKS yet: a private API server needs a network path from wherever Pulumi runs",
        args.networkIsolation,
    );
    v.merge(componentTagIssues(args.tags));
    return [...v.issues];
}

/** Throws every problem with an AksCluster's settings as one ValidationError; returns the settings resolved. */
export function validateAksClusterArgs(args: AksClusterSettings): ResolvedAksClusterArgs {
    const v = new Validator("AksCluster");
    v.merge(aksClusterIssues(args));
    v.throwIfAny();
    return resolveAksClusterArgs(args);
}

/**
 * The DNS prefix of the API server's name, from the cluster's name: AKS
 * needs one (or an FQDN subdomain) and keeps it for the cluster's life
 * (azure-native `dnsPrefix`: "cannot be updated once the Managed Cluster has
 * been created"). Letters, digits and '-', at most 54. Pure.
 */
export function dnsPrefixFor(clusterName: string): string {
    const cleaned = clusterName.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 54);
    return cleaned.replace(/^-+|-+$/g, "") || "aks";
}
