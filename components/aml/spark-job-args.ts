/**
 * SparkJob's arguments, defaults and validation (see spark-job.ts for what
 * Azure ML requires and where each rule comes from). Pure: no Pulumi SDK, so
 * the batch driver's spec validation can use the same rules without loading
 * it. Values that are not plain strings (Outputs) are left to Azure.
 */
import type * as pulumi from "@pulumi/pulumi";
import { componentTagIssues } from "../common/tags";
import { isIntInRange, isNonEmptyString, ValidationIssue, Validator } from "../common/validation";
import { checkDataName, checkDataReferences, checkExperimentName } from "./job-args";

/**
 * Instance types of serverless Spark compute, with each size's vCPUs and
 * memory in GiB (https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/ev3-series):
 * a driver or an executor cannot have more cores or memory than its node.
 */
export const SERVERLESS_SPARK_INSTANCE_TYPES = {
    Standard_E4S_V3: { vcpus: 4, memoryGiB: 32 },
    Standard_E8S_V3: { vcpus: 8, memoryGiB: 64 },
    Standard_E16S_V3: { vcpus: 16, memoryGiB: 128 },
    Standard_E32S_V3: { vcpus: 32, memoryGiB: 256 },
    Standard_E64S_V3: { vcpus: 64, memoryGiB: 432 },
} as const;
export type SparkInstanceType = keyof typeof SERVERLESS_SPARK_INSTANCE_TYPES;

/** Spark runtime versions serverless Spark is given (see the module comment). */
export const SERVERLESS_SPARK_RUNTIMES: readonly string[] = ["3.4", "3.5"];
/** Runtimes Azure retired, with the date and the replacement, so a refusal says why. */
export const RETIRED_SPARK_RUNTIMES: Readonly<Record<string, string>> = {
    "3.2": "disabled since 2024-07-08",
    "3.3": "disabled since 2025-03-31",
};

export const DEFAULT_SPARK_INSTANCE_TYPE: SparkInstanceType = "Standard_E4S_V3";
export const DEFAULT_SPARK_RUNTIME = "3.4";
/** One node's worth on the default instance type: 4 cores and 28 GB, leaving 4 GiB of the node to the system. */
export const DEFAULT_SPARK_CORES = 4;
export const DEFAULT_SPARK_MEMORY = "28g";
export const DEFAULT_SPARK_EXECUTORS = 2;
/** This package's bound on executors, so a typo cannot ask for thousands of cores. */
export const MAX_SPARK_EXECUTORS = 100;
export const DEFAULT_SPARK_EXPERIMENT = "spark-batch";

/** Memory as Spark takes it: a whole number with a unit, k, m, g or t (`28g`). */
const MEMORY_PATTERN = /^([1-9][0-9]*)([kmgt])$/;
/** Data a Spark job reads in direct mode: datastore, ADLS Gen2 and blob URIs (how-to-submit-spark-jobs). */
const SPARK_DATA_URI = /^(azureml|abfss|wasbs):\/\/\S+$/;

export interface SparkDataArgs {
    /**
     * Required. A path in the workspace's default datastore (`data/today`), or
     * an `azureml://`, `abfss://` or `wasbs://` URI. An Output is passed
     * through unchecked.
     */
    readonly path: pulumi.Input<string>;
    /** Optional. @default "uri_folder" */
    readonly type?: "uri_file" | "uri_folder";
}

/** Serverless Spark: Azure ML provisions the cluster for the job. */
export interface ServerlessSparkArgs {
    /** Optional. Node size of driver and executors. @default "Standard_E4S_V3" */
    readonly instanceType?: string;
    /** Optional. Spark runtime version. @default "3.4" */
    readonly runtimeVersion?: string;
}

export interface SparkJobArgs {
    /** Required. Resource group of the workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. Azure ML workspace name. */
    readonly workspaceName: pulumi.Input<string>;
    /** Required. ARM id of the code asset (a CodeVersion) holding the entry file. */
    readonly codeId: pulumi.Input<string>;
    /** Required. The Python entry file, relative to the code asset's folder (`score.py`, `jobs/score.py`). */
    readonly entryFile: string;
    /**
     * Optional. Arguments of the entry file; refer to data as `${{inputs.<name>}}`
     * and `${{outputs.<name>}}`. Azure ML takes them as one string, so an
     * argument may hold no space or quote. @default []
     */
    readonly args?: readonly string[];
    /** Optional. Named inputs, passed in direct mode. @default {} */
    readonly inputs?: Readonly<Record<string, SparkDataArgs>>;
    /** Optional. Named outputs, passed in direct mode. @default {} */
    readonly outputs?: Readonly<Record<string, SparkDataArgs>>;
    /**
     * Conditional. Serverless Spark settings; the job runs serverless unless
     * `computeId` is given. @default - serverless, Standard_E4S_V3, runtime 3.4
     */
    readonly serverless?: ServerlessSparkArgs;
    /** Conditional. ARM id of an attached Synapse Spark pool (an Azure ML compute); excludes `serverless`. @default - serverless */
    readonly computeId?: pulumi.Input<string>;
    /** Optional. Cores of the driver. @default 4 */
    readonly driverCores?: number;
    /** Optional. Memory of the driver, e.g. `28g`. @default "28g" */
    readonly driverMemory?: string;
    /** Optional. Cores of each executor. @default 4 */
    readonly executorCores?: number;
    /** Optional. Memory of each executor, e.g. `28g`. @default "28g" */
    readonly executorMemory?: string;
    /** Optional. Executors (1-100); with `maxExecutors`, the fewest. @default 2 */
    readonly executors?: number;
    /**
     * Optional. Turns on dynamic allocation: Spark runs `executors` executors
     * and adds more, up to this many, while work waits. @default - static: exactly `executors`
     */
    readonly maxExecutors?: number;
    /** Optional. Further Spark properties (`spark.sql.shuffle.partitions`…); the sizing keys are set from the fields above. @default {} */
    readonly conf?: Readonly<Record<string, string>>;
    /** Optional. Environment asset for extra Python packages. @default - the runtime's own packages */
    readonly environmentId?: pulumi.Input<string>;
    /** Optional. Environment variables of the job. @default {} */
    readonly environmentVariables?: Readonly<Record<string, string>>;
    /** Optional. Experiment the job is filed under. @default "spark-batch" */
    readonly experimentName?: string;
    /**
     * Optional. Identity the job reads and writes data with: the submitter's
     * (`UserIdentity`, serverless Spark's default) or a managed identity
     * (`Managed`: one attached to the workspace, or the attached pool's). @default "UserIdentity"
     */
    readonly identity?: "UserIdentity" | "Managed";
    /** Optional. Tags of the job. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The job's settings without its workspace and code: what `validateSparkJobArgs` checks. */
export type SparkJobSettings = Omit<SparkJobArgs, "resourceGroupName" | "workspaceName" | "codeId">;

export interface ResolvedSparkJobArgs {
    /** Undefined on an attached pool. */
    readonly serverless?: { readonly instanceType: SparkInstanceType; readonly runtimeVersion: string };
    readonly driverCores: number;
    readonly driverMemory: string;
    readonly executorCores: number;
    readonly executorMemory: string;
    readonly executors: number;
    readonly maxExecutors?: number;
    readonly experimentName: string;
    readonly identity: "UserIdentity" | "Managed";
}

/** The instance type as this package names it (Azure ML's docs write it in either case). Pure. */
export function sparkInstanceType(value: string): SparkInstanceType | undefined {
    return (Object.keys(SERVERLESS_SPARK_INSTANCE_TYPES) as SparkInstanceType[]).find(
        (t) => t.toLowerCase() === value.toLowerCase(),
    );
}

/** Spark memory (`28g`, `512m`) in GiB, or undefined when not in Spark's form. Pure. */
export function sparkMemoryGiB(value: unknown): number | undefined {
    const match = typeof value === "string" ? MEMORY_PATTERN.exec(value) : null;
    if (!match) return undefined;
    const power = { k: -2, m: -1, g: 0, t: 1 }[match[2] as "k" | "m" | "g" | "t"];
    return Number(match[1]) * 1024 ** power;
}

export function resolveSparkJobArgs(args: SparkJobSettings): ResolvedSparkJobArgs {
    const serverless =
        args.computeId === undefined
            ? {
                  instanceType:
                      sparkInstanceType(args.serverless?.instanceType ?? DEFAULT_SPARK_INSTANCE_TYPE) ??
                      DEFAULT_SPARK_INSTANCE_TYPE,
                  runtimeVersion: args.serverless?.runtimeVersion ?? DEFAULT_SPARK_RUNTIME,
              }
            : undefined;
    return {
        serverless,
        driverCores: args.driverCores ?? DEFAULT_SPARK_CORES,
        driverMemory: args.driverMemory ?? DEFAULT_SPARK_MEMORY,
        executorCores: args.executorCores ?? DEFAULT_SPARK_CORES,
        executorMemory: args.executorMemory ?? DEFAULT_SPARK_MEMORY,
        executors: args.executors ?? DEFAULT_SPARK_EXECUTORS,
        maxExecutors: args.maxExecutors,
        experimentName: args.experimentName ?? DEFAULT_SPARK_EXPERIMENT,
        identity: args.identity ?? "UserIdentity",
    };
}

/** Problems with the serverless settings (instance type, runtime). Pure. */
export function serverlessSparkIssues(s: ServerlessSparkArgs, prefix: string = "serverless."): ValidationIssue[] {
    const v = new Validator();
    if (s.instanceType !== undefined) {
        v.check(
            `${prefix}instanceType`,
            typeof s.instanceType === "string" && sparkInstanceType(s.instanceType) !== undefined,
            `one of ${Object.keys(SERVERLESS_SPARK_INSTANCE_TYPES).join(", ")} (the sizes serverless Spark offers)`,
            s.instanceType,
        );
    }
    if (s.runtimeVersion !== undefined) {
        const retired = typeof s.runtimeVersion === "string" ? RETIRED_SPARK_RUNTIMES[s.runtimeVersion] : undefined;
        v.check(
            `${prefix}runtimeVersion`,
            SERVERLESS_SPARK_RUNTIMES.includes(s.runtimeVersion),
            retired
                ? `a current runtime, ${SERVERLESS_SPARK_RUNTIMES.join(" or ")}: ${s.runtimeVersion} was ${retired}`
                : `one of ${SERVERLESS_SPARK_RUNTIMES.join(", ")}`,
            s.runtimeVersion,
        );
    }
    return [...v.issues];
}

/** Problems with the driver and executor sizes, against the node size when known. Pure. */
function sizeIssues(v: Validator, args: SparkSizing, r: ResolvedSparkJobArgs): void {
    const node = r.serverless ? SERVERLESS_SPARK_INSTANCE_TYPES[r.serverless.instanceType] : undefined;
    const nodeText = r.serverless
        ? ` (${r.serverless.instanceType}: ${node!.vcpus} vCPUs, ${node!.memoryGiB} GiB)`
        : "";
    for (const role of ["driver", "executor"] as const) {
        const cores = role === "driver" ? r.driverCores : r.executorCores;
        const memory = role === "driver" ? r.driverMemory : r.executorMemory;
        const maxCores = node?.vcpus ?? 64;
        v.check(
            `${role}Cores`,
            isIntInRange(cores, 1, maxCores),
            `an integer from 1 to ${maxCores}, the cores of one node${nodeText}`,
            cores,
        );
        const gib = sparkMemoryGiB(memory);
        if (v.check(`${role}Memory`, gib !== undefined, "a whole number with k, m, g or t, e.g. 28g", memory)) {
            v.check(
                `${role}Memory`,
                node === undefined || gib! < node.memoryGiB,
                `less than the memory of one node${nodeText}`,
                memory,
            );
        }
    }
    v.check(
        "executors",
        isIntInRange(r.executors, 1, MAX_SPARK_EXECUTORS),
        `an integer from 1 to ${MAX_SPARK_EXECUTORS}`,
        r.executors,
    );
    if (args.maxExecutors !== undefined) {
        v.check(
            "maxExecutors",
            isIntInRange(args.maxExecutors, 1, MAX_SPARK_EXECUTORS) && args.maxExecutors >= r.executors,
            `an integer from executors (${r.executors}) to ${MAX_SPARK_EXECUTORS}`,
            args.maxExecutors,
        );
    }
}

/** The sizing fields of a Spark job: where it runs and how big its driver and executors are. */
export type SparkSizing = Pick<
    SparkJobSettings,
    | "serverless"
    | "computeId"
    | "driverCores"
    | "driverMemory"
    | "executorCores"
    | "executorMemory"
    | "executors"
    | "maxExecutors"
>;

/** Problems with where a Spark job runs and how big it is (the serverless settings under `serverless.`). Pure. */
export function sparkSizingIssues(args: SparkSizing): ValidationIssue[] {
    const v = new Validator();
    if (args.serverless !== undefined) v.merge(serverlessSparkIssues(args.serverless));
    sizeIssues(v, args, resolveSparkJobArgs(args as SparkJobSettings));
    return [...v.issues];
}

function dataIssues(kind: "inputs" | "outputs", data: Readonly<Record<string, SparkDataArgs>>): ValidationIssue[] {
    const v = new Validator();
    for (const [name, d] of Object.entries(data)) {
        const at = `${kind}.${name}`;
        checkDataName(v, at, name);
        const p = d?.path;
        // A value another resource provides (an Output) is checked by Azure.
        const ok =
            typeof p !== "string" ||
            (isNonEmptyString(p) &&
                !p.split("/").includes("..") &&
                (SPARK_DATA_URI.test(p) || !/^[a-z][a-z0-9+.-]*:/i.test(p)));
        v.check(
            `${at}.path`,
            ok,
            "a datastore path such as data/today (no '..'), or an azureml://, abfss:// or wasbs:// URI (Spark reads these)",
            p,
        );
        if (d?.type !== undefined) {
            v.check(`${at}.type`, ["uri_file", "uri_folder"].includes(d.type), "one of uri_file, uri_folder", d.type);
        }
    }
    return [...v.issues];
}

/** Every problem with a Spark job's settings, all at once; returns them resolved. Pure. */
export function validateSparkJobArgs(args: SparkJobSettings): ResolvedSparkJobArgs {
    const v = new Validator("SparkJob");
    const r = resolveSparkJobArgs(args);
    v.check(
        "entryFile",
        isNonEmptyString(args.entryFile) &&
            args.entryFile.endsWith(".py") &&
            !args.entryFile.startsWith("/") &&
            !args.entryFile.split("/").includes(".."),
        "a .py file inside the code folder, e.g. score.py",
        args.entryFile,
    );
    v.check(
        "computeId",
        args.computeId === undefined || args.serverless === undefined,
        "either computeId (an attached Synapse Spark pool) or serverless settings, not both",
        args.computeId,
    );
    v.merge(sparkSizingIssues(args));
    const inputs = args.inputs ?? {};
    const outputs = args.outputs ?? {};
    v.merge(dataIssues("inputs", inputs));
    v.merge(dataIssues("outputs", outputs));
    const argList = args.args ?? [];
    for (const [i, a] of argList.entries()) {
        v.check(
            `args[${i}]`,
            typeof a === "string" && a.length > 0 && !/[\s'"\\]/.test(a),
            "a non-empty word without spaces or quotes (Azure ML takes the arguments as one string)",
            a,
        );
    }
    for (const a of argList.filter((x) => typeof x === "string"))
        checkDataReferences(v, "args", a, { inputs, outputs });
    checkExperimentName(v, args.experimentName);
    v.check(
        "identity",
        r.identity === "UserIdentity" || r.identity === "Managed",
        'one of "UserIdentity", "Managed"',
        r.identity,
    );
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

/** The Spark properties of the job's sizing (the `conf` keys Azure ML reads). Pure. */
export function sparkConf(
    r: ResolvedSparkJobArgs,
    extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
    const dynamic = r.maxExecutors !== undefined;
    return {
        ...extra,
        "spark.driver.cores": String(r.driverCores),
        "spark.driver.memory": r.driverMemory,
        "spark.executor.cores": String(r.executorCores),
        "spark.executor.memory": r.executorMemory,
        "spark.executor.instances": String(r.executors),
        "spark.dynamicAllocation.enabled": dynamic ? "True" : "False",
        ...(dynamic
            ? {
                  "spark.dynamicAllocation.minExecutors": String(r.executors),
                  "spark.dynamicAllocation.maxExecutors": String(r.maxExecutors),
              }
            : {}),
    };
}
