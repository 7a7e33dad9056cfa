/**
 * SparkJob: an Azure ML Spark job, on serverless Spark compute (Azure ML
 * provisions the Spark cluster for the job and tears it down after it;
 * nothing is billed between jobs) or on an attached Synapse Spark pool.
 *
 * What Azure ML requires, and this component checks before any resource
 * exists:
 * - a code asset and an entry file: `codeId` and `entry.file` are the two
 *   required fields of the job (azure-native `SparkJobArgs`,
 *   `SparkJobPythonEntryArgs`);
 * - exactly one of serverless `resources` (instance type, runtime version) or
 *   an attached pool's `computeId`, and the driver and executor sizes; with
 *   dynamic allocation, 0 < min executors <= max executors (the rules of the
 *   azure-ai-ml SDK, `_validate_spark_configurations` and
 *   `_validate_compute_or_resources` in `entities/_job/spark_helpers.py`);
 * - data passed in `direct` mode only: the script gets the URI and reads it
 *   with Spark (https://learn.microsoft.com/azure/machine-learning/how-to-submit-spark-jobs,
 *   "inputs" and "outputs": "set this property to `direct`").
 *
 * Serverless instance types and runtimes are those the Azure ML docs list
 * (how-to-submit-spark-jobs, `resources`): Standard_E4S_V3 to
 * Standard_E64S_V3; runtime 3.4 (3.3 was disabled on 2025-03-31). 3.5 is
 * accepted as well: it is the Synapse runtime that replaced 3.4, whose
 * support ended on 2026-03-31
 * (https://learn.microsoft.com/azure/synapse-analytics/spark/apache-spark-34-runtime),
 * and serverless Spark runs on Synapse runtimes; Azure ML's list does not
 * name it yet, so the service decides when the job is submitted.
 *
 * A Spark job has no time limit of its own (the job type has no `limits`);
 * whoever submits it cancels it when it runs too long, as the batch driver
 * does. Like CommandJob, the job is immutable once submitted: its Pulumi name
 * carries a hash of its settings and it ignores what Azure ML fills in.
 */
import type * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { commonJobProperties, jobData, settingsHash, submitJob } from "./job-resource";
import { resolveSparkJobArgs, SparkJobArgs, SparkJobSettings, sparkConf, validateSparkJobArgs } from "./spark-job-args";

/** A short hash of the settings the user gives (tags left out: they describe the job). Pure. */
export function sparkJobSettingsHash(args: SparkJobSettings): string {
    const settings: Record<string, unknown> = { ...args, ...resolveSparkJobArgs(args) };
    delete settings.tags;
    return settingsHash("SparkJob", settings);
}

export class SparkJob extends pulumi.ComponentResource {
    readonly job: machinelearningservices.Job;
    readonly jobName: pulumi.Output<string>;
    /** Status when the job was submitted or last refreshed. */
    readonly status: pulumi.Output<string>;

    constructor(name: string, args: SparkJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:SparkJob", name, {}, opts);
        const r = validateSparkJobArgs(args);
        // Jobs cannot change; a changed setting is a new name (see the module comment).
        ({
            job: this.job,
            jobName: this.jobName,
            status: this.status,
        } = submitJob(this, name, sparkJobSettingsHash(args), args, {
            jobType: "Spark",
            ...commonJobProperties(name, r, args),
            codeId: args.codeId,
            entry: { sparkJobEntryType: "SparkJobPythonEntry", file: args.entryFile },
            args: (args.args ?? []).join(" ") || undefined,
            conf: sparkConf(r, args.conf),
            computeId: args.computeId,
            resources: r.serverless
                ? { instanceType: r.serverless.instanceType, runtimeVersion: r.serverless.runtimeVersion }
                : undefined,
            // Spark reads and writes its data itself: every input and output is passed as its URI.
            inputs: jobData("inputs", args.inputs, () => "Direct"),
            outputs: jobData("outputs", args.outputs, () => "Direct"),
        }));
        this.registerOutputs({ jobName: this.jobName, status: this.status });
    }
}
