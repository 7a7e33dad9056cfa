/**
 * ImageRegistry: a container registry for scoring and training images. The
 * admin user stays off: pushes and pulls use Entra identities (AcrPull for
 * clusters and endpoints).
 */
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { applyRoleAssignments, diagnosticSetting, grantRole } from "../common/access";
import { CommonArgs, publicNetworkAccess, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { Validator } from "../common/validation";
import { azureName, withFormerTypes } from "../common/component";

export type RegistrySku = "Basic" | "Standard" | "Premium";

export interface ImageRegistryArgs extends CommonArgs {
    /** Optional. Registry name (5-50 letters and digits, globally unique). @default - `cr<component><suffix>` */
    readonly registryName?: string;
    /**
     * Optional. Basic is enough for a team's images; Premium is required for
     * network isolation (private endpoints, firewall rules). @default "Basic"
     */
    readonly sku?: RegistrySku;
}

export function validateImageRegistryArgs(args: Settings<ImageRegistryArgs>): RegistrySku {
    const sku = args.sku ?? "Basic";
    const v = new Validator("ImageRegistry");
    if (args.registryName !== undefined) v.merge(nameIssues("containerRegistry", args.registryName, "registryName"));
    v.check("sku", ["Basic", "Standard", "Premium"].includes(sku), 'one of "Basic", "Standard", "Premium"', sku);
    v.check(
        "sku",
        !args.networkIsolation || sku === "Premium",
        "must be Premium when networkIsolation is on (only Premium registries can close public access)",
        sku,
    );
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return sku;
}

export class ImageRegistry extends pulumi.ComponentResource {
    readonly registry: containerregistry.Registry;
    readonly registryName: pulumi.Output<string>;
    readonly registryId: pulumi.Output<string>;
    readonly loginServer: pulumi.Output<string>;
    private readonly componentName: string;

    constructor(name: string, args: ImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:registry:ImageRegistry", name, {}, withFormerTypes(opts, "customai:platform:ImageRegistry"));
        this.componentName = name;
        const sku = validateImageRegistryArgs(args);
        const child = { parent: this };

        this.registry = new containerregistry.Registry(
            `${name}-registry`,
            {
                registryName: azureName("containerRegistry", name, args.registryName, "registryName"),
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: sku },
                adminUserEnabled: false,
                anonymousPullEnabled: false,
                publicNetworkAccess: publicNetworkAccess(args.networkIsolation),
                networkRuleBypassOptions: "AzureServices",
                tags: withManagedBy(args.tags),
            },
            child,
        );

        applyRoleAssignments(name, this.registry.id, args.roleAssignments, this);
        if (args.diagnostics) diagnosticSetting(`${name}-diag`, this.registry.id, args.diagnostics, child);

        this.registryName = this.registry.name;
        this.registryId = this.registry.id;
        this.loginServer = this.registry.loginServer;
        this.registerOutputs({
            registryName: this.registryName,
            registryId: this.registryId,
            loginServer: this.loginServer,
        });
    }

    /** Pull images (AcrPull), e.g. for an AKS kubelet identity or an endpoint identity. */
    grantPull(label: string, principalId: pulumi.Input<string>) {
        return grantRole(
            `${this.componentName}-pull-${label}`,
            { scope: this.registry.id, principalId, role: "AcrPull" },
            { parent: this },
        );
    }
}
