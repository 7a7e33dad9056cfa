/**
 * SynapseSparkPool: an Azure Synapse Spark pool for teams that want a pool
 * of their own rather than serverless Spark, with what Synapse requires
 * around it, and optionally attached to an Azure ML workspace.
 *
 * - The Synapse workspace: Microsoft Entra-only authentication (no SQL
 *   password), a system-assigned identity, and the ADLS Gen2 account and file
 *   system every Synapse workspace needs as its primary storage
 *   (`defaultDataLakeStorage`; https://learn.microsoft.com/azure/synapse-analytics/quickstart-create-workspace).
 *   The account has a hierarchical namespace, HTTPS and TLS 1.2 only, no
 *   anonymous access and no shared keys; the workspace identity gets Storage
 *   Blob Data Contributor on it, which Synapse needs to use it
 *   (https://learn.microsoft.com/azure/synapse-analytics/security/how-to-grant-workspace-managed-identity-permissions).
 * - The pool: autoscale between `minNodes` and `maxNodes`, auto-pause after
 *   `autoPauseMinutes` idle (a paused pool bills no nodes), Spark 3.5.
 * - The attach (`attach`): Azure ML compute of type `SynapseSpark` pointing at
 *   the pool, with a system-assigned identity; Spark jobs name it as their
 *   compute. Azure ML also asks that this identity hold the Synapse
 *   Administrator role on the pool, a Synapse RBAC role that ARM cannot grant
 *   (https://learn.microsoft.com/azure/machine-learning/how-to-manage-synapse-spark-pool,
 *   "Add role assignments in Azure Synapse Analytics"): the README of path 2-4
 *   gives the `az synapse role assignment create` line.
 *
 * Limits and sources of each setting are in spark-pool-args.ts.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as storage from "@pulumi/azure-native/storage";
import * as synapse from "@pulumi/azure-native/synapse";
import * as pulumi from "@pulumi/pulumi";
import { grantRole } from "../common/access";
import { azureName } from "../common/component";
import { withManagedBy } from "../common/tags";
import { SynapseSparkPoolArgs, validateSynapseSparkPoolArgs } from "./spark-pool-args";

export class SynapseSparkPool extends pulumi.ComponentResource {
    readonly dataLake: storage.StorageAccount;
    readonly workspace: synapse.Workspace;
    readonly pool: synapse.BigDataPool;
    /** The Azure ML compute of the attached pool; undefined without `attach`. */
    readonly compute?: machinelearningservices.Compute;
    /** ARM id of the pool. */
    readonly poolId: pulumi.Output<string>;
    readonly poolName: pulumi.Output<string>;
    readonly synapseWorkspaceName: pulumi.Output<string>;
    /** Object id of the Synapse workspace's identity. */
    readonly workspacePrincipalId: pulumi.Output<string>;
    /** ARM id of the attached compute (a Spark job's `computeId`); undefined without `attach`. */
    readonly computeId?: pulumi.Output<string>;
    /** Object id of the attached compute's identity; undefined without `attach`. */
    readonly computePrincipalId?: pulumi.Output<string>;
    private readonly componentName: string;

    constructor(name: string, args: SynapseSparkPoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:synapse:SynapseSparkPool", name, {}, opts);
        const r = validateSynapseSparkPoolArgs(args);
        this.componentName = name;
        const tags = withManagedBy(args.tags);
        const child = { parent: this };

        this.dataLake = new storage.StorageAccount(
            `${name}-dls`,
            {
                accountName: azureName("storageAccount", name, args.dataLakeAccountName, "dataLakeAccountName"),
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                kind: "StorageV2",
                sku: { name: "Standard_LRS" },
                isHnsEnabled: true,
                enableHttpsTrafficOnly: true,
                minimumTlsVersion: "TLS1_2",
                allowBlobPublicAccess: false,
                allowSharedKeyAccess: false,
                tags,
            },
            child,
        );
        const filesystem = new storage.BlobContainer(
            `${name}-fs`,
            {
                accountName: this.dataLake.name,
                resourceGroupName: args.resourceGroupName,
                containerName: r.dataLakeFilesystem,
                publicAccess: "None",
            },
            child,
        );
        // Names known before deployment, so a program can export and use them in a preview.
        const workspaceName = azureName("synapseWorkspace", name, args.synapseWorkspaceName, "synapseWorkspaceName");
        const poolName = azureName("sparkPool", name, args.poolName, "poolName");
        this.workspace = new synapse.Workspace(
            `${name}-ws`,
            {
                workspaceName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                identity: { type: "SystemAssigned" },
                azureADOnlyAuthentication: true,
                defaultDataLakeStorage: {
                    accountUrl: pulumi.interpolate`https://${this.dataLake.name}.dfs.core.windows.net`,
                    filesystem: filesystem.name,
                    resourceId: this.dataLake.id,
                },
                // Azure ML reaches an attached pool over the workspace's public endpoint
                // (https://learn.microsoft.com/azure/machine-learning/how-to-submit-spark-jobs).
                publicNetworkAccess: "Enabled",
                tags,
            },
            child,
        );
        this.workspacePrincipalId = this.workspace.identity.apply((i) => i?.principalId ?? "");
        this.synapseWorkspaceName = this.workspace.name.apply(() => workspaceName);
        grantRole(
            `${name}-ws-dls`,
            { scope: this.dataLake.id, principalId: this.workspacePrincipalId, role: "StorageBlobDataContributor" },
            child,
        );
        if (r.allowAzureServices) {
            // The rule name and the 0.0.0.0 range are how Synapse spells "allow Azure services".
            new synapse.IpFirewallRule(
                `${name}-azure-services`,
                {
                    resourceGroupName: args.resourceGroupName,
                    workspaceName: this.workspace.name,
                    ruleName: "AllowAllWindowsAzureIps",
                    startIpAddress: "0.0.0.0",
                    endIpAddress: "0.0.0.0",
                },
                child,
            );
        }

        this.pool = new synapse.BigDataPool(
            `${name}-pool`,
            {
                bigDataPoolName: poolName,
                resourceGroupName: args.resourceGroupName,
                workspaceName: this.workspace.name,
                location: args.location,
                nodeSizeFamily: "MemoryOptimized",
                nodeSize: r.nodeSize,
                autoScale: { enabled: true, minNodeCount: r.minNodes, maxNodeCount: r.maxNodes },
                autoPause: { enabled: true, delayInMinutes: r.autoPauseMinutes },
                sparkVersion: r.sparkVersion,
                tags,
            },
            child,
        );
        this.poolId = this.pool.id;
        this.poolName = this.pool.id.apply(() => poolName);

        if (args.attach) {
            this.compute = new machinelearningservices.Compute(
                `${name}-attach`,
                {
                    computeName: r.computeName,
                    resourceGroupName: args.attach.resourceGroupName,
                    workspaceName: args.attach.workspaceName,
                    location: args.attach.location ?? args.location,
                    identity: { type: "SystemAssigned" },
                    properties: {
                        computeType: "SynapseSpark",
                        resourceId: this.pool.id,
                        description: "Synapse Spark pool attached for Spark jobs",
                    },
                    tags,
                },
                child,
            );
            this.computeId = this.compute.id;
            this.computePrincipalId = this.compute.identity.apply((i) => i?.principalId ?? "");
        }
        this.registerOutputs({
            poolId: this.poolId,
            poolName: this.poolName,
            synapseWorkspaceName: this.synapseWorkspaceName,
            computeId: this.computeId,
        });
    }

    /**
     * Gives the attached compute's identity Storage Blob Data Contributor on
     * a storage account (the Azure ML workspace's), so jobs that run as the
     * pool's identity read inputs and write outputs there. Needs `attach`.
     */
    grantBlobWrite(label: string, storageAccountId: pulumi.Input<string>): authorization.RoleAssignment {
        if (!this.computePrincipalId) throw new Error(`${this.componentName}: grantBlobWrite needs attach`);
        return grantRole(
            `${this.componentName}-${label}`,
            { scope: storageAccountId, principalId: this.computePrincipalId, role: "StorageBlobDataContributor" },
            { parent: this },
        );
    }
}
