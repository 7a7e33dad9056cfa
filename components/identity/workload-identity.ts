/**
 * WorkloadIdentity: a user-assigned managed identity for a workload (a VM, a
 * cluster, a scoring app). Grant it roles with the `grant…` methods of the
 * resources it needs, e.g. `storage.grantBlobRead("scorer", id.principalId)`.
 */
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { Validator } from "../common/validation";
import { azureName, withFormerTypes } from "../common/component";

export interface WorkloadIdentityArgs extends Pick<CommonArgs, "resourceGroupName" | "location" | "tags"> {
    /** Optional. Identity name (3-128). @default - `id-<component>-<suffix>` */
    readonly identityName?: string;
}

export function validateWorkloadIdentityArgs(args: Settings<WorkloadIdentityArgs>): void {
    const v = new Validator("WorkloadIdentity");
    if (args.identityName !== undefined) v.merge(nameIssues("managedIdentity", args.identityName, "identityName"));
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
}

export class WorkloadIdentity extends pulumi.ComponentResource {
    readonly identity: managedidentity.UserAssignedIdentity;
    /** Resource id, for `managedIdentities.userAssignedResourceIds`. */
    readonly identityId: pulumi.Output<string>;
    /** Object id, for role assignments. */
    readonly principalId: pulumi.Output<string>;
    /** Client id, for SDKs (`AZURE_CLIENT_ID`) and workload identity federation. */
    readonly clientId: pulumi.Output<string>;

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "customai:identity:WorkloadIdentity",
            name,
            {},
            withFormerTypes(opts, "customai:platform:WorkloadIdentity"),
        );
        validateWorkloadIdentityArgs(args);
        this.identity = new managedidentity.UserAssignedIdentity(
            `${name}-id`,
            {
                resourceName: azureName("managedIdentity", name, args.identityName, "identityName"),
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: withManagedBy(args.tags),
            },
            { parent: this },
        );
        this.identityId = this.identity.id;
        this.principalId = this.identity.principalId;
        this.clientId = this.identity.clientId;
        this.registerOutputs({ identityId: this.identityId, principalId: this.principalId, clientId: this.clientId });
    }
}
