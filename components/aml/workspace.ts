/**
 * MlWorkspace: an Azure ML workspace wired to existing storage, Key Vault,
 * Application Insights and (optionally) a registry. It creates none of them,
 * so several workspaces or paths can share them and each piece is tested alone.
 */
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { applyRoleAssignments, diagnosticSetting, grantRole } from "../common/access";
import {
    CommonArgs,
    ManagedIdentities,
    identityType,
    identityWithList,
    publicNetworkAccess,
} from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { Validator } from "../common/validation";
import { saltedAzureName, withFormerTypes } from "../common/component";
import { SettingsLock } from "../common/settings-lock";

export interface MlWorkspaceArgs extends CommonArgs {
    /**
     * Required. Resource id of the workspace storage account (StorageV2, no HNS, not premium). Fixed when the
     * workspace is created: Azure ML refuses to change it, as it refuses `keyVaultId`.
     */
    readonly storageAccountId: pulumi.Input<string>;
    /** Required. Resource id of the Key Vault. Fixed when the workspace is created. */
    readonly keyVaultId: pulumi.Input<string>;
    /** Required. Resource id of the workspace-based Application Insights. */
    readonly applicationInsightsId: pulumi.Input<string>;
    /** Optional. Resource id of a container registry for environment images. @default - AML creates one on first image build */
    readonly containerRegistryId?: pulumi.Input<string>;
    /** Optional. Workspace name (3-33; soft-deleted for 14 days after deletion, hence the suffix). @default - `mlw-<component>-<suffix>` */
    readonly workspaceName?: string;
    /**
     * Optional. Mixed into the generated name (see DeploymentSalt): a deleted workspace keeps its name for 14
     * days, so one re-created after a destroy needs another. @default - none
     */
    readonly nameSalt?: pulumi.Input<string>;
    /** Optional. Display name in the studio. @default - the workspace name */
    readonly friendlyName?: string;
    /** Optional. Identities; a system-assigned identity is what AML uses to reach its storage. @default { systemAssigned: true } */
    readonly managedIdentities?: ManagedIdentities;
    /**
     * Optional. How the built-in datastores authenticate to storage. `identity`
     * works with storage whose shared keys are off (DataStorage's default);
     * `accesskey` needs them on. @default "identity"
     */
    readonly systemDatastoresAuthMode?: "identity" | "accesskey";
}

/** The workspace's settings, without the resources it is wired to: what `validateMlWorkspaceArgs` checks. */
export type MlWorkspaceSettings = Omit<
    MlWorkspaceArgs,
    "resourceGroupName" | "storageAccountId" | "keyVaultId" | "applicationInsightsId"
>;

export function validateMlWorkspaceArgs(args: MlWorkspaceSettings): void {
    const v = new Validator("MlWorkspace");
    if (args.workspaceName !== undefined) v.merge(nameIssues("mlWorkspace", args.workspaceName, "workspaceName"));
    const mode = args.systemDatastoresAuthMode ?? "identity";
    v.check(
        "systemDatastoresAuthMode",
        mode === "identity" || mode === "accesskey",
        'one of "identity", "accesskey"',
        mode,
    );
    v.check(
        "managedIdentities",
        identityType(args.managedIdentities) !== "None",
        "at least one identity (system-assigned or user-assigned): the workspace needs one to reach its storage",
        args.managedIdentities,
    );
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
}

export class MlWorkspace extends pulumi.ComponentResource {
    readonly workspace: machinelearningservices.Workspace;
    readonly workspaceName: pulumi.Output<string>;
    readonly workspaceId: pulumi.Output<string>;
    /** Object id of the system-assigned identity ("" when there is none). */
    readonly principalId: pulumi.Output<string>;
    /** Link that opens the workspace in Azure ML studio. */
    readonly studioUrl: pulumi.Output<string>;
    private readonly componentName: string;

    constructor(name: string, args: MlWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:MlWorkspace", name, {}, withFormerTypes(opts, "customai:platform:MlWorkspace"));
        this.componentName = name;
        validateMlWorkspaceArgs(args);
        const child = { parent: this };
        const isolated = args.networkIsolation ?? false;
        const workspaceName = saltedAzureName("mlWorkspace", name, args.workspaceName, "workspaceName", args.nameSalt);
        // Azure ML refuses these changes on an existing workspace (how-to-managed-network.md, Limitations; the
        // typings of storageAccount and keyVault: "cannot be changed once the workspace has been created").
        const fixedAtCreation = "is fixed when the workspace is created";
        const lock = new SettingsLock(
            `${name}-lock`,
            {
                networkIsolation: {
                    value: isolated,
                    rule: "staysOn",
                    why: "a workspace's managed network cannot be turned off once on",
                },
                storageAccountId: {
                    value: args.storageAccountId,
                    rule: "fixed",
                    why: `the storage ${fixedAtCreation}`,
                },
                keyVaultId: { value: args.keyVaultId, rule: "fixed", why: `the Key Vault ${fixedAtCreation}` },
            },
            child,
        );

        this.workspace = new machinelearningservices.Workspace(
            `${name}-mlw`,
            {
                workspaceName,
                friendlyName: args.friendlyName ?? workspaceName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                kind: "Default",
                sku: { name: "Basic", tier: "Basic" },
                identity: identityWithList(args.managedIdentities, true),
                storageAccount: args.storageAccountId,
                keyVault: args.keyVaultId,
                applicationInsights: args.applicationInsightsId,
                containerRegistry: args.containerRegistryId,
                systemDatastoresAuthMode: args.systemDatastoresAuthMode ?? "identity",
                publicNetworkAccess: publicNetworkAccess(isolated),
                // A managed VNet keeps computes off the internet inbound while
                // letting jobs install packages; outbound-approved-only is stricter
                // but needs every package source listed. Once on, Azure ML never
                // turns it off again (how-to-managed-network.md, Limitations).
                managedNetwork: isolated ? { isolationMode: "AllowInternetOutbound" } : undefined,
                hbiWorkspace: false,
                tags: withManagedBy(args.tags),
            },
            { ...child, dependsOn: [lock] },
        );

        applyRoleAssignments(name, this.workspace.id, args.roleAssignments, this);
        if (args.diagnostics) diagnosticSetting(`${name}-diag`, this.workspace.id, args.diagnostics, child);

        this.workspaceName = this.workspace.name;
        this.workspaceId = this.workspace.id;
        this.principalId = this.workspace.identity.apply((i) => i?.principalId ?? "");
        this.studioUrl = pulumi.interpolate`https://ml.azure.com/?wsid=${this.workspace.id}`;
        this.registerOutputs({
            workspaceName: this.workspaceName,
            workspaceId: this.workspaceId,
            principalId: this.principalId,
            studioUrl: this.studioUrl,
        });
    }

    /** Run experiments and jobs, no role changes (AzureML Data Scientist). */
    grantDataScientist(
        label: string,
        principalId: pulumi.Input<string>,
        principalType?: "ServicePrincipal" | "User" | "Group",
    ) {
        return grantRole(
            `${this.componentName}-ds-${label}`,
            { scope: this.workspace.id, principalId, role: "AzureMLDataScientist", principalType },
            { parent: this },
        );
    }

    /** Create, scale and delete computes (AzureML Compute Operator), which AzureML Data Scientist excludes. */
    grantComputeOperator(
        label: string,
        principalId: pulumi.Input<string>,
        principalType?: "ServicePrincipal" | "User" | "Group",
    ) {
        return grantRole(
            `${this.componentName}-computeop-${label}`,
            { scope: this.workspace.id, principalId, role: "AzureMLComputeOperator", principalType },
            { parent: this },
        );
    }
}
