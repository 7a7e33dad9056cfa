/**
 * AksCluster: the AKS cluster the Kubernetes paths (2-3, 2-5, 2-6) build on.
 * Secure by default: Entra ID sign-in with Azure RBAC for Kubernetes
 * authorization, local accounts off, an OIDC issuer and workload identity so
 * pods reach Azure without secrets. A small system pool runs AKS's own pods;
 * workloads go to user pools (GPU, Spot) that the cluster autoscaler grows
 * from zero. The kubeconfig is exported as a secret and drives an explicit
 * Kubernetes provider, never the ambient `~/.kube/config`.
 *
 * The class wires; the functions below build.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as authorization from "@pulumi/azure-native/authorization";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { applyRoleAssignments, diagnosticSetting, grantRole } from "../common/access";
import { BUILT_IN_ROLES } from "../common/roles";
import { azureName } from "../common/component";
import { SettingsLock } from "../common/settings-lock";
import { withManagedBy } from "../common/tags";
import {
    AksClusterArgs,
    ResolvedAksClusterArgs,
    SYSTEM_POOL_NAME,
    dnsPrefixFor,
    validateAksClusterArgs,
} from "./aks-cluster-args";
import { decodeKubeconfig, kubeconfigWithLogin } from "./kubeconfig";
import { NodePoolArgs, resolveNodePool } from "./node-pool";
import {
    CONTAINER_INSIGHTS_ASSOCIATION,
    containerInsightsAddon,
    containerInsightsRule,
    containerInsightsRuleName,
} from "./container-insights";
import {
    FederatedCredentialSpec,
    WORKLOAD_IDENTITY_AUDIENCE,
    federatedCredentialName,
    identityOfId,
    serviceAccountSubject,
} from "./workload-identity";

/**
 * AgentPool settings AKS fixes when a pool is created, so a change replaces
 * the pool (deleting it first: the name stays). The size and the Spot
 * settings: "Add an Azure Spot node pool" (ScaleSetPriority and SpotMaxPrice
 * can't be changed after creation) and "Resize node pools in AKS" (a new
 * size is a new pool); the GPU driver choice: "Use GPUs on AKS" (skipping
 * the driver is set when the pool is created). Paths of AgentPool inputs.
 */
export const POOL_REPLACE_ON_CHANGES: readonly string[] = [
    "vmSize",
    "scaleSetPriority",
    "scaleSetEvictionPolicy",
    "spotMaxPrice",
    "gpuProfile",
];

/**
 * What the autoscaler changes on a running pool: the node count. The pool is
 * created with `minCount` nodes; after that the count is the autoscaler's,
 * and a deployment must not set it back.
 */
export const POOL_IGNORE_CHANGES: readonly string[] = ["count"];

/** The ManagedCluster: identity, Entra ID and Azure RBAC, OIDC and workload identity, the inline system pool. */
export function createManagedCluster(
    name: string,
    args: AksClusterArgs,
    r: ResolvedAksClusterArgs,
    opts: pulumi.CustomResourceOptions,
): containerservice.ManagedCluster {
    const clusterName = azureName("aksCluster", name, args.clusterName, "clusterName");
    return new containerservice.ManagedCluster(
        `${name}-aks`,
        {
            resourceName: clusterName,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            dnsPrefix: dnsPrefixFor(clusterName),
            kubernetesVersion: args.kubernetesVersion,
            // System-assigned: AKS creates and rotates it, and creates the kubelet's own user-assigned identity
            // in the node resource group ("Use a managed identity in AKS"). A user-assigned control-plane
            // identity only pays off with a bring-your-own VNet or DNS zone granted before the cluster exists,
            // which this component does not take.
            identity: { type: "SystemAssigned" },
            // Only the system pool is inline: AKS does not update `agentPoolProfiles` through the cluster, and
            // pools both inline and as AgentPool resources fight over the same pools on every deployment (the
            // azure-native ManagedCluster documentation: add further pools as AgentPool resources).
            agentPoolProfiles: [
                {
                    name: SYSTEM_POOL_NAME,
                    mode: "System",
                    osType: "Linux",
                    type: "VirtualMachineScaleSets",
                    vmSize: r.systemVmSize,
                    count: r.systemNodeCount,
                    enableAutoScaling: false,
                },
            ],
            enableRBAC: true,
            // Entra ID sign-in, and Kubernetes authorization by Azure role assignments ("Use Azure RBAC for
            // Kubernetes authorization", https://learn.microsoft.com/azure/aks/manage-azure-rbac).
            aadProfile: { managed: true, enableAzureRBAC: true },
            // Needs Entra ID, which is always on here (azure-native `disableLocalAccounts`).
            disableLocalAccounts: !r.localAccounts,
            // The issuer workload identity federates with ("Deploy and configure workload identity on AKS",
            // https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster).
            oidcIssuerProfile: { enabled: true },
            securityProfile: { workloadIdentity: { enabled: true } },
            networkProfile:
                r.networkPlugin === "azure"
                    ? { networkPlugin: "azure", networkPluginMode: "overlay" }
                    : { networkPlugin: r.networkPlugin },
            addonProfiles:
                args.logAnalyticsWorkspaceId === undefined
                    ? undefined
                    : containerInsightsAddon(args.logAnalyticsWorkspaceId),
            // Sent either way, so turning KEDA off after it was on reaches AKS ("Install the KEDA add-on",
            // https://learn.microsoft.com/azure/aks/keda-deploy-add-on-arm: workloadAutoScalerProfile.keda.enabled).
            workloadAutoScalerProfile: { keda: { enabled: r.keda } },
            tags: withManagedBy(args.tags),
        },
        opts,
    );
}

/** A user pool as its own AgentPool, autoscaled between its bounds. */
export function createUserPool(
    name: string,
    pool: NodePoolArgs,
    cluster: containerservice.ManagedCluster,
    args: AksClusterArgs,
    opts: pulumi.CustomResourceOptions,
): containerservice.AgentPool {
    const p = resolveNodePool(pool);
    return new containerservice.AgentPool(
        `${name}-pool-${p.name}`,
        {
            resourceGroupName: args.resourceGroupName,
            resourceName: cluster.name,
            agentPoolName: p.name,
            mode: "User",
            osType: "Linux",
            type: "VirtualMachineScaleSets",
            vmSize: p.vmSize,
            enableAutoScaling: true,
            count: p.minCount,
            minCount: p.minCount,
            maxCount: p.maxCount,
            scaleSetPriority: p.spot ? "Spot" : "Regular",
            // Delete, not Deallocate: a deallocated Spot node still holds its disk (and quota) while evicted.
            scaleSetEvictionPolicy: p.spot ? "Delete" : undefined,
            spotMaxPrice: p.spotMaxPrice,
            nodeTaints: [...p.nodeTaints],
            nodeLabels: { ...p.nodeLabels },
            gpuProfile: p.gpuDriver === undefined ? undefined : { driver: p.gpuDriver },
            tags: withManagedBy(args.tags),
        },
        {
            ...opts,
            replaceOnChanges: [...POOL_REPLACE_ON_CHANGES],
            deleteBeforeReplace: true,
            ignoreChanges: [...POOL_IGNORE_CHANGES],
        },
    );
}

/**
 * Container Insights with managed identity authentication: the monitoring
 * add-on (on the cluster) sends to a data collection rule, which the cluster
 * is associated with. What `az aks enable-addons -a monitoring` creates.
 */
export function createContainerInsights(
    name: string,
    clusterName: pulumi.Input<string>,
    clusterId: pulumi.Input<string>,
    args: AksClusterArgs & { readonly logAnalyticsWorkspaceId: pulumi.Input<string> },
    opts: pulumi.CustomResourceOptions,
): { rule: monitor.DataCollectionRule; association: monitor.DataCollectionRuleAssociation } {
    const rule = new monitor.DataCollectionRule(
        `${name}-ci-rule`,
        {
            resourceGroupName: args.resourceGroupName,
            dataCollectionRuleName: pulumi.output(clusterName).apply(containerInsightsRuleName),
            location: args.logAnalyticsWorkspaceLocation ?? args.location,
            ...containerInsightsRule(args.logAnalyticsWorkspaceId),
            tags: withManagedBy(args.tags),
        },
        opts,
    );
    const association = new monitor.DataCollectionRuleAssociation(
        `${name}-ci-association`,
        {
            associationName: CONTAINER_INSIGHTS_ASSOCIATION,
            resourceUri: clusterId,
            dataCollectionRuleId: rule.id,
            description: "Sends the cluster's Container Insights data to its Log Analytics workspace.",
        },
        opts,
    );
    return { rule, association };
}

/** The user kubeconfig of the cluster, its exec plugin set to `r.kubeconfigLogin`, as a secret. */
export function clusterKubeconfig(
    cluster: containerservice.ManagedCluster,
    args: AksClusterArgs,
    r: ResolvedAksClusterArgs,
    opts: pulumi.InvokeOutputOptions,
): pulumi.Output<string> {
    // `exec` asks for the kubelogin format; the user credential carries no key, only how to get an Entra token,
    // yet it is a secret all the same: it names the cluster's endpoint and certificate authority.
    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
        { resourceGroupName: args.resourceGroupName, resourceName: cluster.name, format: "exec" },
        opts,
    );
    return pulumi.secret(
        credentials.kubeconfigs.apply((k) =>
            kubeconfigWithLogin(decodeKubeconfig(k), r.kubeconfigLogin, { clientId: args.kubeconfigLoginClientId }),
        ),
    );
}

export class AksCluster extends pulumi.ComponentResource {
    readonly cluster: containerservice.ManagedCluster;
    /** The user pools by pool name. */
    readonly pools: Record<string, containerservice.AgentPool>;
    readonly clusterName: pulumi.Output<string>;
    readonly clusterId: pulumi.Output<string>;
    /** URL of the cluster's OIDC issuer, for federated identity credentials. */
    readonly oidcIssuerUrl: pulumi.Output<string>;
    /** Object id of the kubelet identity (what pulls images), for role assignments. */
    readonly kubeletPrincipalId: pulumi.Output<string>;
    /** The user kubeconfig (Entra sign-in through kubelogin), always a secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** A Kubernetes provider for this cluster, built from `kubeconfig`. */
    readonly provider: k8s.Provider;
    /** The resource group AKS keeps the nodes in (`MC_…`). */
    readonly nodeResourceGroup: pulumi.Output<string>;
    /** Container Insights' data collection rule, when `logAnalyticsWorkspaceId` is given. */
    readonly containerInsightsRule?: monitor.DataCollectionRule;
    private readonly componentName: string;
    /** The last federated credential created on each identity: Entra refuses concurrent writes under one identity. */
    private readonly lastCredential = new Map<unknown, managedidentity.FederatedIdentityCredential>();

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aks:AksCluster", name, {}, opts);
        this.componentName = name;
        const r = validateAksClusterArgs(args);
        const child = { parent: this };

        // Changes AKS refuses on a running cluster, refused at preview instead of mid-update: the inline system
        // pool's size (the cluster does not update its `agentPoolProfiles`) and the pod networking.
        const lock = new SettingsLock(
            `${name}-lock`,
            {
                systemVmSize: {
                    value: r.systemVmSize,
                    rule: "fixed",
                    why: "AKS cannot resize the system pool defined in the cluster",
                },
                networkPlugin: {
                    value: r.networkPlugin,
                    rule: "fixed",
                    why: "a cluster's pod networking is chosen when it is created",
                },
            },
            child,
        );
        this.cluster = createManagedCluster(name, args, r, { parent: this, dependsOn: [lock] });

        this.pools = Object.fromEntries(
            r.userPools.map((pool) => [pool.name, createUserPool(name, pool, this.cluster, args, child)]),
        );

        this.clusterName = this.cluster.name;
        this.clusterId = this.cluster.id;
        this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? "");
        this.kubeletPrincipalId = this.cluster.identityProfile.apply((p) => p?.["kubeletidentity"]?.objectId ?? "");
        this.nodeResourceGroup = this.cluster.nodeResourceGroup.apply((g) => g ?? "");

        if (args.logAnalyticsWorkspaceId !== undefined) {
            const monitoring = { ...args, logAnalyticsWorkspaceId: args.logAnalyticsWorkspaceId };
            this.containerInsightsRule = createContainerInsights(
                name,
                this.clusterName,
                this.clusterId,
                monitoring,
                child,
            ).rule;
        }
        if (args.registryId !== undefined) {
            grantRole(
                `${name}-acrpull`,
                { scope: args.registryId, principalId: this.kubeletPrincipalId, role: "AcrPull" },
                child,
            );
        }
        this.grantClusterAdmins(args.clusterAdminPrincipalIds ?? [], r.clusterAdminPrincipalType);
        const deployerGrant =
            r.deployerAccess === "none"
                ? []
                : [
                      grantRole(
                          `${name}-deployer-admin`,
                          {
                              scope: this.clusterId,
                              principalId: authorization.getClientConfigOutput(child).objectId,
                              role: BUILT_IN_ROLES.AksRbacClusterAdmin,
                              principalType: r.deployerAccess,
                          },
                          child,
                      ),
                  ];
        applyRoleAssignments(name, this.clusterId, args.roleAssignments, this);
        if (args.diagnostics) diagnosticSetting(`${name}-diag`, this.clusterId, args.diagnostics, child);

        this.kubeconfig = clusterKubeconfig(this.cluster, args, r, child);
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            {
                kubeconfig: this.kubeconfig,
                // Replace the provider (and so every object it manages) only when the cluster itself is
                // replaced, not when the kubeconfig's text changes (a rotated certificate, another login mode).
                clusterIdentifier: this.clusterId,
                // Server-side apply (the default since pulumi-kubernetes 4): field ownership instead of
                // client-side diffs, so AKS add-ons and controllers may own fields of the same objects.
                enableServerSideApply: true,
                // Off by default: an unreachable API server is more often a network or login problem than a
                // deleted cluster, and dropping objects from the stack on a network blip would orphan them.
                deleteUnreachable: r.deleteUnreachable,
            },
            // Objects placed on a user pool wait for it, and every object for the deployer's grant. Azure RBAC
            // grants take up to five minutes to reach the API server ("Use Azure RBAC for Kubernetes
            // authorization"): a first deployment may need a second `pulumi up`.
            { parent: this, dependsOn: [...Object.values(this.pools), ...deployerGrant] },
        );

        this.registerOutputs({
            clusterName: this.clusterName,
            clusterId: this.clusterId,
            oidcIssuerUrl: this.oidcIssuerUrl,
            kubeletPrincipalId: this.kubeletPrincipalId,
            nodeResourceGroup: this.nodeResourceGroup,
        });
    }

    /** RBAC Cluster Admin (every Kubernetes action) and Cluster User (download the kubeconfig) for each principal. */
    private grantClusterAdmins(
        ids: readonly pulumi.Input<string>[],
        principalType: ResolvedAksClusterArgs["clusterAdminPrincipalType"],
    ) {
        ids.forEach((principalId, i) => {
            // Named after the principal when it is known, so reordering the list changes nothing.
            const label = typeof principalId === "string" ? principalId.toLowerCase() : `${i}`;
            for (const [suffix, role] of [
                ["admin", BUILT_IN_ROLES.AksRbacClusterAdmin],
                ["user", BUILT_IN_ROLES.AksClusterUser],
            ] as const) {
                grantRole(
                    `${this.componentName}-${suffix}-${label}`,
                    { scope: this.clusterId, principalId, role, principalType },
                    { parent: this },
                );
            }
        });
    }

    /**
     * Lets pods running as a Kubernetes service account sign in as a
     * user-assigned identity: a federated credential on the identity trusting
     * the cluster's OIDC issuer for `system:serviceaccount:<namespace>:<name>`.
     * Credentials on the same identity are created one after another, since
     * Entra refuses concurrent writes under one identity.
     */
    federatedCredential(label: string, spec: FederatedCredentialSpec): managedidentity.FederatedIdentityCredential {
        const identity = pulumi.output(spec.identityId).apply(identityOfId);
        // A plain id by its value; an output (e.g. a WorkloadIdentity's `identityId`) by the output itself.
        const key = typeof spec.identityId === "string" ? spec.identityId.toLowerCase() : spec.identityId;
        const previous = this.lastCredential.get(key);
        const credential = new managedidentity.FederatedIdentityCredential(
            `${this.componentName}-fic-${label}`,
            {
                resourceGroupName: identity.resourceGroupName,
                resourceName: identity.identityName,
                federatedIdentityCredentialResourceName: federatedCredentialName(
                    spec.credentialName ?? `${this.componentName}-${label}`,
                ),
                issuer: this.oidcIssuerUrl,
                subject: serviceAccountSubject(spec.namespace, spec.serviceAccount),
                audiences: [WORKLOAD_IDENTITY_AUDIENCE],
            },
            { parent: this, dependsOn: previous ? [previous] : [] },
        );
        this.lastCredential.set(key, credential);
        return credential;
    }

    /** Pull images from a registry besides `registryId` (AcrPull for the kubelet identity). */
    grantPull(label: string, registryId: pulumi.Input<string>): authorization.RoleAssignment {
        return grantRole(
            `${this.componentName}-acrpull-${label}`,
            { scope: registryId, principalId: this.kubeletPrincipalId, role: "AcrPull" },
            { parent: this },
        );
    }
}
