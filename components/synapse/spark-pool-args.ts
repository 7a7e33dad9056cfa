/**
 * SynapseSparkPool's arguments, defaults and validation. Pure. Where each
 * bound comes from:
 * - autoscale 3-200 nodes, auto-pause after 5-10080 idle minutes: the bounds
 *   terraform-provider-azurerm enforces for `azurerm_synapse_spark_pool`
 *   (`auto_scale`, `auto_pause`); 200 is also the autoscale ceiling of
 *   https://learn.microsoft.com/azure/synapse-analytics/spark/apache-spark-autoscale;
 * - node sizes: the `NodeSize` values of the Microsoft.Synapse API
 *   (azure-native `enums.synapse.NodeSize`), memory-optimized family;
 * - Spark 3.5: Synapse's runtime 3.4 reached end of support on 2026-03-31
 *   (https://learn.microsoft.com/azure/synapse-analytics/spark/apache-spark-34-runtime),
 *   3.3 on 2025-03-31; 3.5 is the current one
 *   (https://learn.microsoft.com/azure/synapse-analytics/spark/apache-spark-35-runtime).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CommonArgs, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues } from "../common/tags";
import { isIntInRange, isNonEmptyString, ValidationIssue, Validator } from "../common/validation";

export const SYNAPSE_NODE_SIZES = ["Small", "Medium", "Large", "XLarge", "XXLarge", "XXXLarge"] as const;
export type SynapseNodeSize = (typeof SYNAPSE_NODE_SIZES)[number];
export const SYNAPSE_SPARK_VERSIONS: readonly string[] = ["3.5"];
/** Retired Synapse Spark runtimes, so a refusal says why. */
export const RETIRED_SYNAPSE_SPARK_VERSIONS: Readonly<Record<string, string>> = {
    "3.3": "out of support since 2025-03-31",
    "3.4": "out of support since 2026-03-31",
};

export const MIN_POOL_NODES = 3;
export const MAX_POOL_NODES = 200;
export const MIN_AUTO_PAUSE_MINUTES = 5;
export const MAX_AUTO_PAUSE_MINUTES = 10080;

export const DEFAULT_POOL_NODE_SIZE: SynapseNodeSize = "Small";
export const DEFAULT_POOL_MIN_NODES = MIN_POOL_NODES;
export const DEFAULT_POOL_MAX_NODES = 6;
export const DEFAULT_AUTO_PAUSE_MINUTES = 15;
export const DEFAULT_SYNAPSE_SPARK_VERSION = "3.5";
export const DEFAULT_DATA_LAKE_FILESYSTEM = "synapse";

/** Where the pool is attached as Azure ML compute. */
export interface SparkPoolAttachArgs {
    /** Required. Resource group of the Azure ML workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. Azure ML workspace name. */
    readonly workspaceName: pulumi.Input<string>;
    /** Optional. Region of the Azure ML workspace. @default - the pool's region */
    readonly location?: pulumi.Input<string>;
    /** Optional. Name of the compute in Azure ML (letters, digits, '-'; 3-24). @default "synapse-spark" */
    readonly computeName?: string;
}

export interface SynapseSparkPoolArgs extends Pick<CommonArgs, "resourceGroupName" | "location" | "tags"> {
    /** Optional. Synapse workspace name, unique across Azure. @default - `synw-<component>-<suffix>` */
    readonly synapseWorkspaceName?: string;
    /** Optional. Name of the ADLS Gen2 account the Synapse workspace requires. @default - `st<component><suffix>` */
    readonly dataLakeAccountName?: string;
    /** Optional. File system (container) of that account the workspace uses. @default "synapse" */
    readonly dataLakeFilesystem?: string;
    /** Optional. Pool name: letters and digits, at most 15. @default - `synsp<component>` */
    readonly poolName?: string;
    /** Optional. Node size (memory optimized): Small (4 vCores) up to XXXLarge. @default "Small" */
    readonly nodeSize?: SynapseNodeSize;
    /** Optional. Fewest nodes while the pool runs (autoscale; 3-200). @default 3 */
    readonly minNodes?: number;
    /** Optional. Most nodes (autoscale; minNodes-200). @default 6 */
    readonly maxNodes?: number;
    /** Optional. Idle minutes before the pool pauses and stops billing (5-10080). @default 15 */
    readonly autoPauseMinutes?: number;
    /** Optional. Apache Spark version of the pool. @default "3.5" */
    readonly sparkVersion?: string;
    /**
     * Optional. Let Azure services reach the Synapse workspace (its firewall
     * rule `AllowAllWindowsAzureIps`, 0.0.0.0): how Azure ML submits jobs to
     * an attached pool over the workspace's public endpoint. @default true
     */
    readonly allowAzureServices?: boolean;
    /** Optional. Attach the pool to an Azure ML workspace as `SynapseSpark` compute. @default - not attached */
    readonly attach?: SparkPoolAttachArgs;
}

export interface ResolvedSynapseSparkPoolArgs {
    readonly dataLakeFilesystem: string;
    readonly nodeSize: SynapseNodeSize;
    readonly minNodes: number;
    readonly maxNodes: number;
    readonly autoPauseMinutes: number;
    readonly sparkVersion: string;
    readonly allowAzureServices: boolean;
    readonly computeName: string;
}

export function resolveSynapseSparkPoolArgs(args: Settings<SynapseSparkPoolArgs>): ResolvedSynapseSparkPoolArgs {
    return {
        dataLakeFilesystem: args.dataLakeFilesystem ?? DEFAULT_DATA_LAKE_FILESYSTEM,
        nodeSize: args.nodeSize ?? DEFAULT_POOL_NODE_SIZE,
        minNodes: args.minNodes ?? DEFAULT_POOL_MIN_NODES,
        maxNodes: args.maxNodes ?? DEFAULT_POOL_MAX_NODES,
        autoPauseMinutes: args.autoPauseMinutes ?? DEFAULT_AUTO_PAUSE_MINUTES,
        sparkVersion: args.sparkVersion ?? DEFAULT_SYNAPSE_SPARK_VERSION,
        allowAzureServices: args.allowAzureServices ?? true,
        computeName: args.attach?.computeName ?? "synapse-spark",
    };
}

/** Every problem with the settings, each naming its field. Pure. */
export function synapseSparkPoolIssues(args: Settings<SynapseSparkPoolArgs>): ValidationIssue[] {
    const v = new Validator();
    const r = resolveSynapseSparkPoolArgs(args);
    if (args.synapseWorkspaceName !== undefined) {
        v.merge(nameIssues("synapseWorkspace", args.synapseWorkspaceName, "synapseWorkspaceName"));
    }
    if (args.dataLakeAccountName !== undefined) {
        v.merge(nameIssues("storageAccount", args.dataLakeAccountName, "dataLakeAccountName"));
    }
    if (args.poolName !== undefined) v.merge(nameIssues("sparkPool", args.poolName, "poolName"));
    v.check(
        "dataLakeFilesystem",
        isNonEmptyString(r.dataLakeFilesystem) &&
            /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(r.dataLakeFilesystem),
        "3-63 lowercase letters, digits and single '-', starting and ending with a letter or digit",
        r.dataLakeFilesystem,
    );
    v.check("nodeSize", SYNAPSE_NODE_SIZES.includes(r.nodeSize), `one of ${SYNAPSE_NODE_SIZES.join(", ")}`, r.nodeSize);
    if (
        v.check(
            "minNodes",
            isIntInRange(r.minNodes, MIN_POOL_NODES, MAX_POOL_NODES),
            `an integer from ${MIN_POOL_NODES} to ${MAX_POOL_NODES} (Synapse autoscale needs at least ${MIN_POOL_NODES} nodes)`,
            r.minNodes,
        )
    ) {
        v.check(
            "maxNodes",
            isIntInRange(r.maxNodes, r.minNodes, MAX_POOL_NODES),
            `an integer from minNodes (${r.minNodes}) to ${MAX_POOL_NODES}`,
            r.maxNodes,
        );
    }
    v.check(
        "autoPauseMinutes",
        isIntInRange(r.autoPauseMinutes, MIN_AUTO_PAUSE_MINUTES, MAX_AUTO_PAUSE_MINUTES),
        `an integer from ${MIN_AUTO_PAUSE_MINUTES} to ${MAX_AUTO_PAUSE_MINUTES} minutes`,
        r.autoPauseMinutes,
    );
    const retired = RETIRED_SYNAPSE_SPARK_VERSIONS[r.sparkVersion];
    v.check(
        "sparkVersion",
        SYNAPSE_SPARK_VERSIONS.includes(r.sparkVersion),
        retired
            ? `a supported version, ${SYNAPSE_SPARK_VERSIONS.join(", ")}: Synapse Spark ${r.sparkVersion} is ${retired}`
            : `one of ${SYNAPSE_SPARK_VERSIONS.join(", ")}`,
        r.sparkVersion,
    );
    if (args.attach !== undefined) v.merge(nameIssues("amlCompute", r.computeName, "attach.computeName"));
    v.merge(componentTagIssues(args.tags));
    return [...v.issues];
}

/** Throws every problem at once; returns the settings resolved. Pure. */
export function validateSynapseSparkPoolArgs(args: Settings<SynapseSparkPoolArgs>): ResolvedSynapseSparkPoolArgs {
    const v = new Validator("SynapseSparkPool");
    v.merge(synapseSparkPoolIssues(args));
    v.throwIfAny();
    return resolveSynapseSparkPoolArgs(args);
}
