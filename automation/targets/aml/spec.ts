/**
 * The `aml` target's part of the run spec: the required `aml` section (which
 * workspace, which cluster, which environment) and its rules on the generic
 * fields: the data schemes Azure ML reads, and outputs in a datastore. The
 * workspace fields and the rules it shares with the `spark` target are in
 * ../azureml/section.ts.
 */
import { DEFAULT_SCORING_ENVIRONMENT } from "../../../components/aml/environments";
import { vmSizeIssues } from "../../../components/common/vm-sizes";
import { isIntInRange, isRecord, Validator } from "../../../components/common/validation";
import { MAX_RESUBMISSIONS } from "../../common/limits";
import { isUri, SpecSection } from "../../spec";
import { azureMlSectionIssues, WORKSPACE_FIELDS, WorkspaceSection, workloadDataFields } from "../azureml/section";

/** AmlCompute node priority; `LowPriority` nodes are Spot (evictable, variable price). */
export type AmlPriority = "Dedicated" | "LowPriority";
export const AML_PRIORITIES: readonly AmlPriority[] = ["Dedicated", "LowPriority"];

export const DEFAULT_AML_VM_SIZE = "Standard_D4s_v5";
export const DEFAULT_AML_MAX_NODES = 2;
export const MAX_AML_MAX_NODES = 100;
export const DEFAULT_AML_PRIORITY: AmlPriority = "Dedicated";
/** Submissions after the first when Spot nodes are preempted; each costs the time the lost one ran. */
export const DEFAULT_AML_MAX_RESUBMISSIONS = 2;
/** A curated environment with Python 3; the sample script needs nothing beyond the standard library. */
export const DEFAULT_AML_ENVIRONMENT = DEFAULT_SCORING_ENVIRONMENT;

/** Data URIs an Azure ML job reads. */
const DATA_URI_PATTERN = /^(azureml|https|abfss|wasbs):\/\/\S+$/;

/** The `aml` section: the run stack adds a cluster and a job to a workspace, usually the platform stack's. */
export interface AmlSection extends WorkspaceSection {
    /** Optional. VM size of the cluster nodes; retired sizes are refused. @default "Standard_D4s_v5" */
    readonly vmSize?: string;
    /** Optional. Most nodes the cluster scales out to (it always scales in to 0). @default 2 */
    readonly maxNodes?: number;
    /** Optional. Node priority. @default "Dedicated" */
    readonly priority?: AmlPriority;
    /**
     * Optional. Azure ML environment the code runs in (install more with `workload.code.requirements`).
     * @default "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
     */
    readonly environment?: string;
    /**
     * Optional. How often a job whose nodes were preempted is submitted again
     * (0-5; only `LowPriority` nodes are preempted). The spec's timeout bounds
     * all submissions together. @default 2
     */
    readonly maxResubmissions?: number;
}

/** The `aml` section with every default applied. */
export type ResolvedAmlSection = AmlSection &
    Required<Pick<AmlSection, "vmSize" | "maxNodes" | "priority" | "environment" | "maxResubmissions">>;

const FIELDS = [...WORKSPACE_FIELDS, "vmSize", "maxNodes", "priority", "environment", "maxResubmissions"];

/** The section's own fields (see azureMlSectionIssues for the shared ones). */
function checkSection(v: Validator, name: string, a: Readonly<Record<string, unknown>>): void {
    if (a.vmSize !== undefined) {
        // The cluster's own size table: retired GPU families are refused here, before any stack exists.
        if (
            v.check(
                `${name}.vmSize`,
                typeof a.vmSize === "string",
                "an Azure VM size such as 'Standard_D4s_v5'",
                a.vmSize,
            )
        ) {
            v.merge(vmSizeIssues(a.vmSize as string, `${name}.vmSize`));
        }
    }
    if (a.maxNodes !== undefined) {
        v.check(
            `${name}.maxNodes`,
            isIntInRange(a.maxNodes, 1, MAX_AML_MAX_NODES),
            `an integer from 1 to ${MAX_AML_MAX_NODES}`,
            a.maxNodes,
        );
    }
    if (a.priority !== undefined) {
        v.check(
            `${name}.priority`,
            AML_PRIORITIES.includes(a.priority as AmlPriority),
            `one of ${AML_PRIORITIES.join(", ")}`,
            a.priority,
        );
    }
    if (a.maxResubmissions !== undefined) {
        v.check(
            `${name}.maxResubmissions`,
            isIntInRange(a.maxResubmissions, 0, MAX_RESUBMISSIONS),
            `an integer from 0 to ${MAX_RESUBMISSIONS}`,
            a.maxResubmissions,
        );
    }
}

/** Job inputs the run stack uses for the workload's code (see `localUploads` in ../azureml/stack.ts). */
export const AML_CODE_INPUTS: readonly string[] = ["code", "script", "requirements"];

/** The rules of Azure ML on the generic fields: data schemes it reads, outputs in a datastore. */
function checkGeneric(v: Validator, spec: Readonly<Record<string, unknown>>): void {
    const workload = isRecord(spec.workload) ? spec.workload : {};
    const inputs = isRecord(workload.inputs) ? workload.inputs : {};
    for (const name of Object.keys(inputs).filter((n) => AML_CODE_INPUTS.includes(n))) {
        v.check(
            `workload.inputs.${name}`,
            false,
            `a name other than ${AML_CODE_INPUTS.join(", ")} (the job inputs that carry the code on Azure ML)`,
            name,
        );
    }
    for (const [field, value] of workloadDataFields(spec)) {
        if (typeof value === "string" && isUri(value)) {
            v.check(
                field,
                DATA_URI_PATTERN.test(value),
                "a URI Azure ML reads: azureml://, https://, abfss:// or wasbs://",
                value,
            );
        }
    }
}

export const amlSpec: SpecSection<AmlSection, ResolvedAmlSection> = {
    required: true,
    issues: (input) => azureMlSectionIssues(input, { fields: FIELDS, checkSection, checkGeneric }),
    resolve({ section }) {
        // Required and checked by `issues` before any resolve.
        const a = section!;
        return {
            subscriptionId: a.subscriptionId,
            resourceGroup: a.resourceGroup,
            workspaceName: a.workspaceName,
            baseStack: a.baseStack,
            vmSize: a.vmSize ?? DEFAULT_AML_VM_SIZE,
            maxNodes: a.maxNodes ?? DEFAULT_AML_MAX_NODES,
            priority: a.priority ?? DEFAULT_AML_PRIORITY,
            environment: a.environment ?? DEFAULT_AML_ENVIRONMENT,
            maxResubmissions: a.maxResubmissions ?? DEFAULT_AML_MAX_RESUBMISSIONS,
        };
    },
};
