/**
 * What CommandJob and SparkJob build the same way: the Job resource named
 * after a hash of the job's settings and blind to its properties (jobs are
 * immutable and Azure ML fills in their properties; see command-job.ts),
 * the properties every job type has (name, experiment, environment,
 * identity, tags), and data as the job's inputs and outputs.
 */
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import { input } from "@pulumi/azure-native/types";
import * as pulumi from "@pulumi/pulumi";
import { shortSuffix } from "../common/naming";
import { withManagedBy } from "../common/tags";
import { datastoreUri } from "./job-args";

type JobInput =
    | input.machinelearningservices.UriFileJobInputArgs
    | input.machinelearningservices.UriFolderJobInputArgs
    | input.machinelearningservices.CustomModelJobInputArgs;
type JobOutput =
    input.machinelearningservices.UriFileJobOutputArgs | input.machinelearningservices.UriFolderJobOutputArgs;

/** An input or output as the job components take it: where the data is, and its type. */
interface JobDataLike {
    readonly path: pulumi.Input<string>;
    readonly type?: string;
}

/**
 * Named inputs or outputs as the Job resource takes them: paths become
 * datastore URIs, the type defaults to a folder, and `mode` gives each its
 * delivery mode.
 */
export function jobData<D extends JobDataLike>(
    kind: "inputs",
    data: Readonly<Record<string, D>> | undefined,
    mode: (d: D) => string,
): Record<string, JobInput>;
export function jobData<D extends JobDataLike>(
    kind: "outputs",
    data: Readonly<Record<string, D>> | undefined,
    mode: (d: D) => string,
): Record<string, JobOutput>;
export function jobData<D extends JobDataLike>(
    kind: "inputs" | "outputs",
    data: Readonly<Record<string, D>> | undefined,
    mode: (d: D) => string,
): Record<string, unknown> {
    const typeKey = kind === "inputs" ? "jobInputType" : "jobOutputType";
    return Object.fromEntries(
        Object.entries(data ?? {}).map(([name, d]) => [
            name,
            {
                [typeKey]: d.type ?? "uri_folder",
                uri: pulumi.output(d.path).apply((p) => datastoreUri(p)),
                mode: mode(d),
            },
        ]),
    );
}

/** The properties every job type has, from the component's name, its resolved settings and its arguments. */
export function commonJobProperties<
    A extends {
        readonly environmentId?: pulumi.Input<string>;
        readonly environmentVariables?: Readonly<Record<string, string>>;
        readonly tags?: Readonly<Record<string, string>>;
    },
>(name: string, r: { readonly experimentName: string; readonly identity: "Managed" | "UserIdentity" }, args: A) {
    return {
        displayName: name,
        experimentName: r.experimentName,
        // Required by some job types (Command), optional for others (Spark): the arguments' own type says which.
        environmentId: args.environmentId as A["environmentId"],
        environmentVariables: args.environmentVariables ?? {},
        identity:
            r.identity === "Managed" ? { identityType: "Managed" as const } : { identityType: "UserIdentity" as const },
        tags: withManagedBy(args.tags),
    };
}

/** `value` with keys sorted and Outputs or promises replaced by a stand-in, for a stable hash. Pure. */
function knownValue(value: unknown): unknown {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return "(from a resource)";
    if (Array.isArray(value)) return value.map(knownValue);
    if (value && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, knownValue((value as Record<string, unknown>)[k])]),
        );
    }
    return value;
}

/**
 * A short hash of a job's settings as the program knows them, under the
 * component's `kind`: a value another resource provides counts as a
 * stand-in, so a replaced resource it reads does not resubmit a job that
 * already ran. Pure.
 */
export function settingsHash(kind: string, settings: Readonly<Record<string, unknown>>): string {
    return shortSuffix(`${kind}:${JSON.stringify(knownValue(settings))}`);
}

/** What a job component exposes of its Job resource. */
export interface SubmittedJob {
    readonly job: machinelearningservices.Job;
    readonly jobName: pulumi.Output<string>;
    /** Status when the job was submitted or last refreshed (`pulumi refresh`). */
    readonly status: pulumi.Output<string>;
}

/**
 * The Job resource of component `parent` (named `name`), called
 * `<name>-job-<hash>`: jobs cannot change, so a changed setting is a new
 * name, and the service's fill-ins of `properties` never become a diff.
 */
export function submitJob(
    parent: pulumi.ComponentResource,
    name: string,
    hash: string,
    workspace: { readonly resourceGroupName: pulumi.Input<string>; readonly workspaceName: pulumi.Input<string> },
    properties: machinelearningservices.JobArgs["properties"],
): SubmittedJob {
    const job = new machinelearningservices.Job(
        `${name}-job-${hash}`,
        { resourceGroupName: workspace.resourceGroupName, workspaceName: workspace.workspaceName, properties },
        { parent, ignoreChanges: ["properties"] },
    );
    return {
        job,
        jobName: job.name,
        status: job.properties.apply((p) => (p as { status?: string }).status ?? "Unknown"),
    };
}
