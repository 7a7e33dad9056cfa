/**
 * What the Azure ML targets (`aml`, `spark`) share in their spec sections:
 * where the run stack finds the workspace (a platform base stack, or a
 * workspace named in the spec), and the provider plugin their run stacks
 * need. Light on purpose: the target registry loads it for `customai --help`.
 * The run stacks' shared parts are in stack.ts.
 */
import * as fs from "node:fs";
import { nameIssues } from "../../../components/common/naming";
import { isGuid, isNonEmptyString, Validator } from "../../../components/common/validation";

/** Where a run stack finds its workspace: the fields an Azure ML target's spec section shares. */
export interface WorkspaceSection {
    /** Required. Subscription id (GUID) holding the workspace. */
    readonly subscriptionId: string;
    /** Conditional. Base stack (`org/project/stack`) of `programs/platform`; required unless `workspaceName`. */
    readonly baseStack?: string;
    /** Conditional. Workspace name; required unless `baseStack` is given. */
    readonly workspaceName?: string;
    /** Conditional. Resource group of the workspace; required with `workspaceName`. */
    readonly resourceGroup?: string;
}

/** `organization/project/stack` (Pulumi Cloud) or `project/stack` style references; at least two parts. */
const STACK_REF_PATTERN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){1,2}$/;

/**
 * Records in `v` every problem with the workspace fields of section `name`
 * (the subscription, then a base stack or a workspace with its group), each
 * under its full field path. Pure.
 */
export function checkWorkspaceFields(v: Validator, name: string, a: Readonly<Record<string, unknown>>): void {
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
