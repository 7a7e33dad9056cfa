/**
 * What the arguments of CommandJob and SparkJob share: where a datastore path
 * points, and the rules both job types follow for data names, the data an
 * argument refers to, and the experiment name. Pure: no Pulumi SDK, so
 * spark-job-args.ts (read by the batch driver's spec validation) can use it.
 */
import { Validator } from "../common/validation";

export const DEFAULT_DATASTORE = "workspaceblobstore";

const DATA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REFERENCE = /\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_]+)\s*\}\}/g;

/** The URI a job sees for `path`: relative paths live in the default datastore; URIs and assets stay as written. */
export function datastoreUri(path: string, datastore: string = DEFAULT_DATASTORE): string {
    if (/^(azureml:|(https|abfss|wasbs):\/\/)/.test(path)) return path;
    return `azureml://datastores/${datastore}/paths/${path.replace(/^\/+/, "")}`;
}

/** Records in `v` a problem with the name of an input or output, reported at `at`. Pure. */
export function checkDataName(v: Validator, at: string, name: string): void {
    v.check(at, DATA_NAME.test(name), "a name of letters, digits and '_', not starting with a digit", name);
}

/**
 * Records in `v`, under `field`, each `${{inputs.<name>}}` or
 * `${{outputs.<name>}}` of `text` that names data the job does not declare. Pure.
 */
export function checkDataReferences(
    v: Validator,
    field: string,
    text: string,
    declared: {
        readonly inputs: Readonly<Record<string, unknown>>;
        readonly outputs: Readonly<Record<string, unknown>>;
    },
): void {
    for (const [, kind, ref] of text.matchAll(REFERENCE)) {
        const names = kind === "inputs" ? declared.inputs : declared.outputs;
        v.check(field, ref in names, `refers to ${kind}.${ref}, which is not declared in ${kind}`, text);
    }
}

/** Records in `v` a problem with an experiment name, when one is given. Pure. */
export function checkExperimentName(v: Validator, experimentName: string | undefined): void {
    if (experimentName !== undefined) {
        v.check(
            "experimentName",
            /^[A-Za-z0-9_-]{1,255}$/.test(experimentName),
            "letters, digits, '_' and '-'",
            experimentName,
        );
    }
}
