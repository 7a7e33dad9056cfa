/**
 * The `spark` target's part of the run spec: the required `spark` section
 * (which workspace, the serverless Spark size) and its rules on the generic
 * fields: the data Spark reads in direct mode, outputs in a datastore, no
 * pip requirements, arguments as single words.
 *
 * The sizing rules are SparkJob's (components/aml/spark-job-args.ts, pure),
 * reported here under `spark.<field>`; this module adds only what a run spec
 * has and a component does not. The workspace fields and the rules it shares
 * with the `aml` target are in ../azureml/section.ts.
 */
import {
    DEFAULT_SPARK_CORES,
    DEFAULT_SPARK_EXECUTORS,
    DEFAULT_SPARK_INSTANCE_TYPE,
    DEFAULT_SPARK_MEMORY,
    DEFAULT_SPARK_RUNTIME,
    SparkInstanceType,
    sparkInstanceType,
    SparkSizing,
    sparkSizingIssues,
} from "../../../components/aml/spark-job-args";
import { nameIssues } from "../../../components/common/naming";
import { isRecord, Validator } from "../../../components/common/validation";
import { isAssetRef, isUri, SpecSection } from "../../spec";
import { azureMlSectionIssues, WORKSPACE_FIELDS, WorkspaceSection, workloadDataFields } from "../azureml/section";

/** The `spark` section: one Spark job on serverless Spark in a workspace, usually the platform stack's. */
export interface SparkSection extends WorkspaceSection {
    /** Optional. Node size of driver and executors: Standard_E4S_V3, E8S, E16S, E32S or E64S_V3. @default "Standard_E4S_V3" */
    readonly instanceType?: string;
    /** Optional. Spark runtime version, 3.4 or 3.5. @default "3.4" */
    readonly runtimeVersion?: string;
    /** Optional. Executors (1-100); with `maxExecutors`, the fewest. @default 2 */
    readonly executors?: number;
    /** Optional. Turns on dynamic allocation up to this many executors. @default - exactly `executors` */
    readonly maxExecutors?: number;
    /** Optional. Cores of each executor, at most the node's. @default 4 */
    readonly executorCores?: number;
    /** Optional. Memory of each executor (`28g`), less than the node's. @default "28g" */
    readonly executorMemory?: string;
    /** Optional. Cores of the driver. @default 4 */
    readonly driverCores?: number;
    /** Optional. Memory of the driver (`28g`). @default "28g" */
    readonly driverMemory?: string;
    /** Optional. Azure ML environment with extra Python packages. @default - the Spark runtime's packages */
    readonly environment?: string;
    /**
     * Optional. Name of an attached Synapse Spark pool in the workspace (path 2-4's `synapsePool` attaches one as
     * `synapse-spark`); the job runs there instead of on serverless Spark, so `instanceType` and `runtimeVersion`
     * do not apply. @default - serverless Spark
     */
    readonly compute?: string;
}

/** The `spark` section with every default applied. */
export type ResolvedSparkSection = SparkSection & {
    /** Undefined with `compute`. */
    readonly instanceType?: SparkInstanceType;
    /** Undefined with `compute`. */
    readonly runtimeVersion?: string;
    readonly executors: number;
    readonly executorCores: number;
    readonly executorMemory: string;
    readonly driverCores: number;
    readonly driverMemory: string;
};

const FIELDS = [
    ...WORKSPACE_FIELDS,
    "instanceType",
    "runtimeVersion",
    "executors",
    "maxExecutors",
    "executorCores",
    "executorMemory",
    "driverCores",
    "driverMemory",
    "environment",
    "compute",
];

/** Data a Spark job reads: datastore, ADLS Gen2 and blob URIs, in direct mode (see SparkJob). */
const SPARK_DATA_URI_PATTERN = /^(azureml|abfss|wasbs):\/\/\S+$/;

/**
 * The section's sizing as SparkJob reads it. Values are passed as written
 * (not resolved), so each rule reports what the user wrote. Pure.
 */
export function sparkJobSizing(a: Readonly<Record<string, unknown>>): SparkSizing {
    const attached = a.compute !== undefined;
    return {
        // With an attached pool the serverless settings are an error of their own (checkSection).
        serverless: attached
            ? undefined
            : {
                  instanceType: a.instanceType as string | undefined,
                  runtimeVersion: a.runtimeVersion as string | undefined,
              },
        computeId: attached ? `(attached ${String(a.compute)})` : undefined,
        executors: a.executors as number | undefined,
        maxExecutors: a.maxExecutors as number | undefined,
        executorCores: a.executorCores as number | undefined,
        executorMemory: a.executorMemory as string | undefined,
        driverCores: a.driverCores as number | undefined,
        driverMemory: a.driverMemory as string | undefined,
    };
}

/** The section's own fields (see azureMlSectionIssues for the shared ones). */
function checkSection(v: Validator, name: string, a: Readonly<Record<string, unknown>>): void {
    // SparkJob names its serverless fields `serverless.<field>`; the section has them at the top.
    for (const issue of sparkSizingIssues(sparkJobSizing(a))) {
        v.merge([{ ...issue, field: issue.field.replace(/^serverless\./, "") }], name);
    }
    if (a.compute !== undefined) {
        if (
            v.check(
                `${name}.compute`,
                typeof a.compute === "string",
                "the name of an attached Synapse Spark pool",
                a.compute,
            )
        ) {
            v.merge(nameIssues("amlCompute", a.compute as string, `${name}.compute`));
        }
        for (const field of ["instanceType", "runtimeVersion"]) {
            if (a[field] !== undefined) {
                v.check(`${name}.${field}`, false, `only for serverless Spark (unset ${name}.compute)`, a[field]);
            }
        }
    }
}

/** The rules of Spark jobs on the generic fields. */
function checkGeneric(v: Validator, spec: Readonly<Record<string, unknown>>): void {
    const workload = isRecord(spec.workload) ? spec.workload : {};
    const code = isRecord(workload.code) ? workload.code : {};
    for (const [field, value] of workloadDataFields(spec)) {
        if (typeof value !== "string") continue;
        if (isAssetRef(value)) {
            v.check(
                field,
                false,
                "a local file or a URI: a Spark job takes files and folders, not registered models",
                value,
            );
        } else if (isUri(value)) {
            v.check(
                field,
                SPARK_DATA_URI_PATTERN.test(value),
                "a URI Spark reads in direct mode: azureml://, abfss:// or wasbs://",
                value,
            );
        }
    }
    if (code.requirements !== undefined) {
        v.check(
            "workload.code.requirements",
            false,
            "not on Spark: Spark jobs install no pip requirements; use the runtime's packages or spark.environment",
            code.requirements,
        );
    }
    if (Array.isArray(code.args)) {
        for (const [i, arg] of code.args.entries()) {
            v.check(
                `workload.code.args[${i}]`,
                typeof arg !== "string" || (arg.length > 0 && !/[\s'"\\]/.test(arg)),
                "a word without spaces or quotes (Azure ML takes a Spark job's arguments as one string)",
                arg,
            );
        }
    }
}

export const sparkSpec: SpecSection<SparkSection, ResolvedSparkSection> = {
    required: true,
    issues: (input) => azureMlSectionIssues(input, { fields: FIELDS, checkSection, checkGeneric }),
    resolve({ section }) {
        // Required and checked by `issues` before any resolve.
        const { instanceType, runtimeVersion, ...a } = section!;
        return {
            ...a,
            ...(a.compute === undefined
                ? {
                      instanceType: sparkInstanceType(instanceType ?? DEFAULT_SPARK_INSTANCE_TYPE)!,
                      runtimeVersion: runtimeVersion ?? DEFAULT_SPARK_RUNTIME,
                  }
                : {}),
            executors: a.executors ?? DEFAULT_SPARK_EXECUTORS,
            executorCores: a.executorCores ?? DEFAULT_SPARK_CORES,
            executorMemory: a.executorMemory ?? DEFAULT_SPARK_MEMORY,
            driverCores: a.driverCores ?? DEFAULT_SPARK_CORES,
            driverMemory: a.driverMemory ?? DEFAULT_SPARK_MEMORY,
        };
    },
};
