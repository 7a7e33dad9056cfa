/**
 * The `aml` target's part of the run spec: the required `aml` section (which
 * workspace, which cluster, which environment) and its rules on the generic
 * fields: the data schemes Azure ML reads, and outputs in a datastore.
 */
import { DEFAULT_SCORING_ENVIRONMENT } from "../../../components/aml/environments";
import { nameIssues } from "../../../components/common/naming";
import { vmSizeIssues } from "../../../components/common/vm-sizes";
import {
    isGuid,
    isIntInRange,
    isNonEmptyString,
    isRecord,
    unknownKeyIssues,
    ValidationIssue,
    Validator,
} from "../../../components/common/validation";
import { MAX_RESUBMISSIONS } from "../../common/limits";
import { isUri, SectionInput, SpecSection } from "../../spec";

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

/** `organization/project/stack` (Pulumi Cloud) or `project/stack` style references; at least two parts. */
const STACK_REF_PATTERN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){1,2}$/;
/** Data URIs an Azure ML job reads. */
const DATA_URI_PATTERN = /^(azureml|https|abfss|wasbs):\/\/\S+$/;
/** Where a job's outputs may go: a folder of a datastore. */
const OUTPUT_URI_PATTERN = /^azureml:\/\/datastores\/[A-Za-z0-9_]+\/paths\/\S*$/;
/** Environment assets: a registry or workspace reference, or an ARM id. */
const ENVIRONMENT_PATTERN = /^(azureml:|\/subscriptions\/)\S+$/;

/** The `aml` section: the run stack adds a cluster and a job to a workspace, usually the platform stack's. */
export interface AmlSection {
    /** Required. Subscription id (GUID) holding the workspace. */
    readonly subscriptionId: string;
    /** Conditional. Base stack (`org/project/stack`) of `programs/platform`; required unless `workspaceName`. */
    readonly baseStack?: string;
    /** Conditional. Workspace name; required unless `baseStack` is given. */
    readonly workspaceName?: string;
    /** Conditional. Resource group of the workspace; required with `workspaceName` (a base stack exports its own). */
    readonly resourceGroup?: string;
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

const FIELDS = [
    "subscriptionId",
    "baseStack",
    "workspaceName",
    "resourceGroup",
    "vmSize",
    "maxNodes",
    "priority",
    "environment",
    "maxResubmissions",
];

function checkSection(v: Validator, name: string, a: Record<string, unknown>): void {
    v.merge(unknownKeyIssues(a, FIELDS, `${name}.`));
    v.check(`${name}.subscriptionId`, isGuid(a.subscriptionId), "a GUID", a.subscriptionId);
    const hasWorkspace = a.workspaceName !== undefined;
    const hasBase = a.baseStack !== undefined;
    if (hasWorkspace || a.resourceGroup !== undefined) {
        const rule = hasWorkspace ? `the workspace's resource group (required with ${name}.workspaceName)` : "a string";
        if (v.check(`${name}.resourceGroup`, isNonEmptyString(a.resourceGroup), rule, a.resourceGroup)) {
            v.merge(nameIssues("resourceGroup", a.resourceGroup as string, `${name}.resourceGroup`));
        }
    }
    v.check(
        `${name}.workspaceName`,
        hasWorkspace || hasBase,
        `set either ${name}.workspaceName or ${name}.baseStack`,
        undefined,
    );
    if (
        hasWorkspace &&
        v.check(`${name}.workspaceName`, typeof a.workspaceName === "string", "a string", a.workspaceName)
    ) {
        v.merge(nameIssues("mlWorkspace", a.workspaceName as string, `${name}.workspaceName`));
    }
    if (hasBase) {
        v.check(
            `${name}.baseStack`,
            typeof a.baseStack === "string" && STACK_REF_PATTERN.test(a.baseStack),
            "a stack reference such as 'org/customai-platform/prod'",
            a.baseStack,
        );
    }
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
    if (a.environment !== undefined) {
        v.check(
            `${name}.environment`,
            typeof a.environment === "string" && ENVIRONMENT_PATTERN.test(a.environment),
            "an environment asset (azureml://registries/…/environments/…, azureml:<name>:<version>) or an ARM id",
            a.environment,
        );
    }
}

/** The rules of Azure ML on the generic fields: data schemes it reads, outputs in a datastore. */
/** Job inputs the run stack uses for the workload's code (see `localUploads` in program.ts). */
export const AML_CODE_INPUTS: readonly string[] = ["code", "script", "requirements"];

function checkGeneric(v: Validator, spec: Readonly<Record<string, unknown>>): void {
    const workload = isRecord(spec.workload) ? spec.workload : {};
    const inputs = isRecord(workload.inputs) ? workload.inputs : {};
    const data = [
        ...Object.entries(inputs).map(([n, value]) => [`workload.inputs.${n}`, value] as const),
        ["workload.model", workload.model] as const,
    ];
    for (const name of Object.keys(inputs).filter((n) => AML_CODE_INPUTS.includes(n))) {
        v.check(
            `workload.inputs.${name}`,
            false,
            `a name other than ${AML_CODE_INPUTS.join(", ")} (the job inputs that carry the code on Azure ML)`,
            name,
        );
    }
    for (const [field, value] of data) {
        if (typeof value === "string" && isUri(value)) {
            v.check(
                field,
                DATA_URI_PATTERN.test(value),
                "a URI Azure ML reads: azureml://, https://, abfss:// or wasbs://",
                value,
            );
        }
    }
    if (typeof spec.outputs === "string") {
        v.check(
            "outputs",
            OUTPUT_URI_PATTERN.test(spec.outputs),
            "a datastore folder such as azureml://datastores/workspaceblobstore/paths/scores/ (jobs write to datastores)",
            spec.outputs,
        );
    }
}

function issues({ name, section, spec }: SectionInput): ValidationIssue[] {
    const v = new Validator();
    if (v.check(name, isRecord(section), "an object with subscriptionId and baseStack (or workspaceName)", section)) {
        checkSection(v, name, section as Record<string, unknown>);
    }
    checkGeneric(v, spec);
    return [...v.issues];
}

export const amlSpec: SpecSection<AmlSection, ResolvedAmlSection> = {
    required: true,
    issues,
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
