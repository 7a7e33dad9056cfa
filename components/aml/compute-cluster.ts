/**
 * ComputeCluster: an Azure ML compute cluster (AmlCompute) for multi-node
 * training, the successor of the Batch AI clusters of the 2018 material. It
 * scales from zero and back after an idle period, so it costs nothing between
 * jobs; Spot nodes (`LowPriority`) cut the price further for jobs that can
 * restart. Remote login is off: jobs are submitted, not SSHed into.
 */
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { applyRoleAssignments, grantRole } from "../common/access";
import { CommonArgs, ManagedIdentities, identityType, identityWithList } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { Validator, isIntInRange } from "../common/validation";
import { DEFAULT_CPU_VM_SIZE, vmSizeIssues } from "../common/vm-sizes";
import { azureName, withFormerTypes } from "../common/component";

export const DEFAULT_MAX_NODES = 2;
export const DEFAULT_IDLE_SECONDS = 120;
/** AML's own ceiling for a cluster's node count. */
export const MAX_CLUSTER_NODES = 100;
export type VmPriority = "Dedicated" | "LowPriority";

/**
 * Settings of a cluster that Azure ML does not change on an existing
 * cluster: an update that changes them is accepted and not applied, so a
 * change replaces the cluster instead (deleting it first, since its name
 * stays the same). Paths of the Compute resource's inputs.
 */
export const CLUSTER_REPLACE_ON_CHANGES: readonly string[] = [
    "properties.properties.vmSize",
    "properties.properties.vmPriority",
    "properties.properties.subnet",
    "properties.properties.enableNodePublicIp",
    "properties.properties.remoteLoginPortPublicAccess",
];

export interface ComputeClusterArgs extends Omit<CommonArgs, "diagnostics"> {
    /** Required. Name of the Azure ML workspace the cluster belongs to. */
    readonly workspaceName: pulumi.Input<string>;
    /**
     * Optional. Cluster name: 3-24 letters, digits and '-', starting with a letter, with a letter after each '-'.
     * @default - `<component>-<suffix>`
     */
    readonly clusterName?: string;
    /** Optional. Node size, CPU or a current GPU family; retired sizes are refused. @default "Standard_D4s_v5" */
    readonly vmSize?: string;
    /** Optional. `LowPriority` runs on Spot capacity: much cheaper, may be preempted. @default "Dedicated" */
    readonly vmPriority?: VmPriority;
    /** Optional. Nodes kept running when idle; anything above 0 is billed around the clock. @default 0 */
    readonly minNodes?: number;
    /** Optional. Upper bound of the autoscaler (1-100); also the largest job's `instanceCount`. @default 2 */
    readonly maxNodes?: number;
    /** Optional. Seconds an idle node waits before it is released (60-86400). @default 120 */
    readonly idleSecondsBeforeScaleDown?: number;
    /** Optional. Subnet for the nodes (the workspace's VNet). @default - AML-managed networking */
    readonly subnetId?: pulumi.Input<string>;
    /**
     * Optional. Give nodes public IPs. Off needs a subnet with outbound access
     * or a workspace managed network. @default - true, false when `networkIsolation`
     */
    readonly enableNodePublicIp?: boolean;
    /** Optional. Identities of the nodes; jobs use them to reach storage and registries. @default { systemAssigned: true } */
    readonly managedIdentities?: ManagedIdentities;
}

/** The cluster's settings, without its workspace: what `validateComputeClusterArgs` checks. */
export type ComputeClusterSettings = Omit<ComputeClusterArgs, "resourceGroupName" | "workspaceName">;

export interface ResolvedComputeClusterArgs {
    readonly vmSize: string;
    readonly vmPriority: VmPriority;
    readonly minNodes: number;
    readonly maxNodes: number;
    readonly idleSecondsBeforeScaleDown: number;
    readonly enableNodePublicIp: boolean;
}

export function resolveComputeClusterArgs(args: ComputeClusterSettings): ResolvedComputeClusterArgs {
    return {
        vmSize: args.vmSize ?? DEFAULT_CPU_VM_SIZE,
        vmPriority: args.vmPriority ?? "Dedicated",
        minNodes: args.minNodes ?? 0,
        maxNodes: args.maxNodes ?? DEFAULT_MAX_NODES,
        idleSecondsBeforeScaleDown: args.idleSecondsBeforeScaleDown ?? DEFAULT_IDLE_SECONDS,
        enableNodePublicIp: args.enableNodePublicIp ?? !(args.networkIsolation ?? false),
    };
}

/** A duration in seconds as the ISO 8601 form Azure ML takes (idle time, job timeout), e.g. `PT120S`. Pure. */
export function isoSeconds(seconds: number): string {
    return `PT${seconds}S`;
}

export function validateComputeClusterArgs(args: ComputeClusterSettings): ResolvedComputeClusterArgs {
    const r = resolveComputeClusterArgs(args);
    const v = new Validator("ComputeCluster");
    if (args.clusterName !== undefined) v.merge(nameIssues("amlCompute", args.clusterName, "clusterName"));
    v.merge(vmSizeIssues(r.vmSize, "vmSize"));
    v.check(
        "vmPriority",
        r.vmPriority === "Dedicated" || r.vmPriority === "LowPriority",
        'one of "Dedicated", "LowPriority"',
        r.vmPriority,
    );
    v.check(
        "maxNodes",
        isIntInRange(r.maxNodes, 1, MAX_CLUSTER_NODES),
        `an integer from 1 to ${MAX_CLUSTER_NODES}`,
        r.maxNodes,
    );
    if (
        v.check(
            "minNodes",
            isIntInRange(r.minNodes, 0, MAX_CLUSTER_NODES),
            `an integer from 0 to ${MAX_CLUSTER_NODES}`,
            r.minNodes,
        )
    ) {
        v.check("minNodes", r.minNodes <= r.maxNodes, `at most maxNodes (${r.maxNodes})`, r.minNodes);
    }
    v.check(
        "idleSecondsBeforeScaleDown",
        isIntInRange(r.idleSecondsBeforeScaleDown, 60, 86400),
        "an integer from 60 to 86400 seconds",
        r.idleSecondsBeforeScaleDown,
    );
    v.check(
        "enableNodePublicIp",
        !(r.enableNodePublicIp && args.networkIsolation),
        "must be false with networkIsolation",
        r.enableNodePublicIp,
    );
    v.check(
        "managedIdentities",
        identityType(args.managedIdentities, true) !== "None",
        "at least one identity (system- or user-assigned): jobs use it to reach storage",
        args.managedIdentities,
    );
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

export class ComputeCluster extends pulumi.ComponentResource {
    readonly compute: machinelearningservices.Compute;
    readonly clusterName: pulumi.Output<string>;
    /** ARM id of the cluster, which jobs take as `computeId`. */
    readonly clusterId: pulumi.Output<string>;
    /** Object id of the system-assigned identity ("" when there is none). */
    readonly principalId: pulumi.Output<string>;
    readonly maxNodes: number;
    private readonly componentName: string;

    constructor(name: string, args: ComputeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:ComputeCluster", name, {}, withFormerTypes(opts, "customai:training:TrainingCluster"));
        this.componentName = name;
        const r = validateComputeClusterArgs(args);
        this.maxNodes = r.maxNodes;

        this.compute = new machinelearningservices.Compute(
            `${name}-compute`,
            {
                resourceGroupName: args.resourceGroupName,
                workspaceName: args.workspaceName,
                computeName: azureName("amlCompute", name, args.clusterName, "clusterName"),
                location: args.location,
                identity: identityWithList(args.managedIdentities, true),
                properties: {
                    computeType: "AmlCompute",
                    description: `Training cluster ${name}: ${r.minNodes}-${r.maxNodes} x ${r.vmSize} (${r.vmPriority})`,
                    // Entra tokens only; no keys handed out for this compute.
                    disableLocalAuth: true,
                    properties: {
                        vmSize: r.vmSize,
                        vmPriority: r.vmPriority,
                        osType: "Linux",
                        scaleSettings: {
                            minNodeCount: r.minNodes,
                            maxNodeCount: r.maxNodes,
                            nodeIdleTimeBeforeScaleDown: isoSeconds(r.idleSecondsBeforeScaleDown),
                        },
                        remoteLoginPortPublicAccess: "Disabled",
                        enableNodePublicIp: r.enableNodePublicIp,
                        subnet: args.subnetId !== undefined ? { id: args.subnetId } : undefined,
                    },
                },
                tags: withManagedBy(args.tags),
            },
            { parent: this, replaceOnChanges: [...CLUSTER_REPLACE_ON_CHANGES], deleteBeforeReplace: true },
        );

        applyRoleAssignments(name, this.compute.id, args.roleAssignments, this);

        this.clusterName = this.compute.name;
        this.clusterId = this.compute.id;
        this.principalId = this.compute.identity.apply((i) => i?.principalId ?? "");
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterId: this.clusterId,
            principalId: this.principalId,
        });
    }

    /**
     * What the nodes' identity needs when jobs read and write their data by
     * identity and pull environment images: Storage Blob Data Contributor on
     * the storage account, and AcrPull on the registry when there is one. The
     * stack that calls this owns the grants.
     */
    grantNodeAccess(
        storageAccountId: pulumi.Input<string>,
        registryId?: pulumi.Input<string>,
    ): authorization.RoleAssignment[] {
        const grant = (suffix: string, scope: pulumi.Input<string>, role: "StorageBlobDataContributor" | "AcrPull") =>
            grantRole(
                `${this.componentName}-${suffix}`,
                { scope, principalId: this.principalId, role },
                { parent: this },
            );
        return [
            grant("blob", storageAccountId, "StorageBlobDataContributor"),
            ...(registryId === undefined ? [] : [grant("acrpull", registryId, "AcrPull")]),
        ];
    }
}
