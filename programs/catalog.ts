/**
 * The learning paths: what each one built in 2018, what this project builds
 * today, and where its program lives. The root program and `--help` output
 * read this list; it is the one place a new path is registered.
 */
import type { ConfigSpec } from "../components/common";
import type { PathProgram } from "./shared";

/** What a path's `program.ts` exports. */
export interface PathModule {
    /** The program: the stack's outputs once its resources are declared. */
    readonly program: PathProgram;
    /** Its config keys (type, default, description): the source of its Pulumi.yaml config and README table. */
    readonly CONFIG_SPEC: ConfigSpec;
}

export interface PathEntry {
    /** Path id as the learning material numbers it, e.g. `2-2`. */
    readonly id: string;
    readonly title: string;
    /** The 2018 service(s) the material used. */
    readonly replaces: string;
    /** What the program deploys today. */
    readonly buildsOn: string;
    /** Loads the program module. */
    readonly load: () => Promise<PathModule>;
}

export const PATHS: readonly PathEntry[] = [
    {
        id: "platform",
        title: "Shared platform (base stack)",
        replaces: "the workspace, storage and registry each 2018 path created for itself",
        buildsOn:
            "resource group, Log Analytics + Application Insights, storage, Key Vault, container registry, Azure ML workspace",
        load: () => import("./platform/program"),
    },
    {
        id: "1-1",
        title: "Single-node experimentation",
        replaces: "Data Science VM on NC-series GPUs",
        buildsOn: "Ubuntu Data Science VM, SSH keys, NSG limited to your CIDRs, auto-shutdown, optional Spot",
        load: () => import("./1-1/program"),
    },
    {
        id: "1-2",
        title: "Multi-node training",
        replaces: "Batch AI clusters",
        buildsOn: "Azure ML workspace + AmlCompute cluster (min 0 nodes, Spot or dedicated)",
        load: () => import("./1-2/program"),
    },
    {
        id: "2-1",
        title: "Real-time ML scoring",
        replaces: "AML v1 web services on ACS/AKS",
        buildsOn: "Azure ML managed online endpoint + deployment, autoscale, Application Insights",
        load: () => import("./2-1/program"),
    },
    {
        id: "2-2",
        title: "Batch ML scoring",
        replaces: "Batch AI / AML v1 pipelines",
        buildsOn: "Azure ML batch endpoint on a CPU cluster from 0 nodes; nightly Command jobs through the driver",
        load: () => import("./2-2/program"),
    },
    {
        id: "2-3",
        title: "Real-time scoring with high data parallelism",
        replaces: "left unfinished in the 2018 material",
        buildsOn: "Event Hubs → consumers on AKS autoscaled by KEDA, workload identity, Blob checkpoints",
        load: () => import("./2-3/program"),
    },
    {
        id: "2-4",
        title: "Batch scoring on Spark",
        replaces: "AZTK job-submission mode",
        buildsOn: "Azure ML serverless Spark job, or a Synapse Spark pool with auto-pause",
        load: () => import("./2-4/program"),
    },
    {
        id: "2-5",
        title: "Real-time deep-learning scoring on GPUs",
        replaces: "AML v1 on AKS with NC-series GPUs",
        buildsOn:
            "AKS with a tainted, autoscaled GPU pool, NVIDIA device plugin, scoring Deployment + HPA, ACR pull by identity",
        load: () => import("./2-5/program"),
    },
    {
        id: "2-6",
        title: "Batch deep-learning scoring on cheap GPUs",
        replaces: "Batch AI on low-priority NC-series VMs",
        buildsOn: "Azure ML GPU cluster on Spot (LowPriority) nodes from 0, retried on eviction",
        load: () => import("./2-6/program"),
    },
];

/** The entry for `id`, or an error listing the ids that exist. */
export function findPath(id: string): PathEntry {
    const entry = PATHS.find((p) => p.id === id);
    if (!entry) throw new Error(`unknown path ${JSON.stringify(id)}; one of: ${PATHS.map((p) => p.id).join(", ")}`);
    return entry;
}

/** Human-readable list of the paths: what each built in 2018 and builds today. */
export function describeCatalog(): string {
    return PATHS.map(
        (p) => `${p.id.padEnd(8)} ${p.title}\n` + `         was: ${p.replaces}\n         now: ${p.buildsOn}`,
    ).join("\n");
}
