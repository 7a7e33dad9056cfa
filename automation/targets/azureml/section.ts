/**
 * What the Azure ML targets (`aml`, `spark`) share in their spec sections:
 * where the run stack finds the workspace (a platform base stack, or a
 * workspace named in the spec), the checks every such section goes through
 * (known fields, the workspace, an environment asset) and the generic-field
 * rule both job types follow (outputs in a datastore), so a target's spec.ts
 * holds only its own rules; and the provider plugin their run stacks need.
 * Light on purpose: the target registry loads it for `customai --help`. The
 * run stacks' shared parts are in stack.ts.
 */
import * as fs from "node:fs";
import { nameIssues } from "../../../components/common/naming";
import {
    isGuid,
    isNonEmptyString,
    isRecord,
    unknownKeyIssues,
    ValidationIssue,
    Validator,
} from "../../../components/common/validation";
import { SectionInput } from "../../spec";

/** Where a run stack finds its workspace: the fields an Azure ML target's spec section shares. */
export interface WorkspaceSection {
    /** Required. Subscription id (GUID) holding the workspace. */
    readonly subscriptionId: string;
    /** Conditional. Base stack (`org/project/stack`) of `programs/platform`; required unless `workspaceName`. */
    readonly baseStack?: string;
    /** Conditional. Workspace name; required unless `baseStack` is given. */
    readonly workspaceName?: string;
    /** Conditional. Resource group of the workspace; required with `workspaceName` (a base stack exports its own). */
    readonly resourceGroup?: string;
}

/** The fields of WorkspaceSection, the first known fields of each Azure ML target's section. */
export const WORKSPACE_FIELDS: readonly string[] = ["subscriptionId", "baseStack", "workspaceName", "resourceGroup"];

/** `organization/project/stack` (Pulumi Cloud) or `project/stack` style references; at least two parts. */
const STACK_REF_PATTERN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){1,2}$/;
/** Where a job's outputs may go: a folder of a datastore. */
const OUTPUT_URI_PATTERN = /^azureml:\/\/datastores\/[A-Za-z0-9_]+\/paths\/\S*$/;
/** Environment assets: a registry or workspace reference, or an ARM id. */
const ENVIRONMENT_PATTERN = /^(azureml:|\/subscriptions\/)\S+$/;

/**
 * Records in `v` every problem with the workspace fields of section `name`
 * (the subscription, then a base stack or a workspace with its group), each
 * under its full field path. Pure.
 */
function checkWorkspaceFields(v: Validator, name: string, a: Readonly<Record<string, unknown>>): void {
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
}

/** Records in `v` a problem with the optional `environment` field of section `name`, an environment asset. Pure. */
function checkEnvironmentField(v: Validator, name: string, a: Readonly<Record<string, unknown>>): void {
    if (a.environment !== undefined) {
        v.check(
            `${name}.environment`,
            typeof a.environment === "string" && ENVIRONMENT_PATTERN.test(a.environment),
            "an environment asset (azureml://registries/…/environments/…, azureml:<name>:<version>) or an ARM id",
            a.environment,
        );
    }
}

/** The workload's data fields (each input, then the model) with their full field paths, as written. Pure. */
export function workloadDataFields(spec: Readonly<Record<string, unknown>>): (readonly [string, unknown])[] {
    const workload = isRecord(spec.workload) ? spec.workload : {};
    const inputs = isRecord(workload.inputs) ? workload.inputs : {};
    return [
        ...Object.entries(inputs).map(([n, value]) => [`workload.inputs.${n}`, value] as const),
        ["workload.model", workload.model] as const,
    ];
}

/** Records in `v` a problem with the spec's `outputs`: Azure ML jobs write to a datastore folder. Pure. */
function checkOutputsField(v: Validator, spec: Readonly<Record<string, unknown>>): void {
    if (typeof spec.outputs === "string") {
        v.check(
            "outputs",
            OUTPUT_URI_PATTERN.test(spec.outputs),
            "a datastore folder such as azureml://datastores/workspaceblobstore/paths/scores/ (jobs write to datastores)",
            spec.outputs,
        );
    }
}

/** A target's own rules for its section and the generic fields, for `azureMlSectionIssues`. */
export interface AzureMlSectionRules {
    /** Every field of the section, the workspace fields (WORKSPACE_FIELDS) and `environment` included. */
    readonly fields: readonly string[];
    /** Records the problems with the section's own fields (after the workspace fields, before `environment`). */
    readonly checkSection: (v: Validator, name: string, a: Readonly<Record<string, unknown>>) => void;
    /** Records the problems with the generic fields this target restricts (before `outputs`). */
    readonly checkGeneric: (v: Validator, spec: Readonly<Record<string, unknown>>) => void;
}

/**
 * The issues of an Azure ML target's part of the spec: the section must be
 * an object with known fields, the workspace fields, the target's own and
 * `environment`; then the generic fields, by the target's rules and
 * `outputs` in a datastore. Pure.
 */
export function azureMlSectionIssues(
    { name, section, spec }: SectionInput,
    rules: AzureMlSectionRules,
): ValidationIssue[] {
    const v = new Validator();
    const rule = "an object with subscriptionId and baseStack (or workspaceName)";
    if (v.check(name, isRecord(section), rule, section)) {
        const a = section as Readonly<Record<string, unknown>>;
        v.merge(unknownKeyIssues(a, rules.fields, `${name}.`));
        checkWorkspaceFields(v, name, a);
        rules.checkSection(v, name, a);
        checkEnvironmentField(v, name, a);
    }
    rules.checkGeneric(v, spec);
    checkOutputsField(v, spec);
    return [...v.issues];
}

/**
 * The azure-native plugin the run stacks' programs were written against: the
 * version of the installed `@pulumi/azure-native` SDK, read from its
 * package.json (so this module does not load the SDK).
 */
export function azureNativePluginRequirement(): { name: string; version: string } {
    const file = require.resolve("@pulumi/azure-native/package.json");
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { version: string; pulumi?: { version?: string } };
    return { name: "azure-native", version: pkg.pulumi?.version ?? pkg.version };
}
