/**
 * DataStorage: the storage account that holds a project's data, models and
 * predictions. Secure by default: HTTPS only, TLS 1.2+, no anonymous blob
 * access, Entra ID (not account keys) for data access, soft delete on.
 */
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { applyRoleAssignments, diagnosticSetting, grantRole } from "../common/access";
import { CommonArgs, firewallSettings, identityWithList, ManagedIdentities, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { Validator, firewallRangeIssues, isIntInRange } from "../common/validation";
import { azureName, withFormerTypes } from "../common/component";

/** Containers created when the caller names none. */
export const DEFAULT_CONTAINERS = ["data", "models", "predictions"] as const;
export const DEFAULT_STORAGE_SKU = "Standard_LRS";
export const DEFAULT_BLOB_SOFT_DELETE_DAYS = 7;
const ALLOWED_SKUS = [
    "Standard_LRS",
    "Standard_ZRS",
    "Standard_GRS",
    "Standard_RAGRS",
    "Standard_GZRS",
    "Standard_RAGZRS",
];

export interface DataStorageArgs extends CommonArgs {
    /** Optional. Storage account name (3-24 lowercase letters and digits, globally unique). @default - `st<component>` + deterministic suffix */
    readonly accountName?: string;
    /**
     * Optional. Redundancy SKU. Premium and HNS accounts are not offered because
     * Azure ML cannot use them as workspace storage. @default "Standard_LRS"
     */
    readonly sku?: string;
    /** Optional. Blob containers to create. @default ["data", "models", "predictions"] */
    readonly containers?: readonly string[];
    /**
     * Optional. Allow account-key (shared key) and SAS access. Off forces Entra ID
     * auth; Azure ML works with it off when its datastores use identity auth
     * (our MlWorkspace sets that). @default false
     */
    readonly allowSharedKeyAccess?: boolean;
    /** Optional. Days deleted blobs and containers stay recoverable (1-365). @default 7 */
    readonly blobSoftDeleteDays?: number;
    /** Optional. Public IPv4 ranges allowed through the firewall when `networkIsolation` is on. @default [] */
    readonly allowedIpRanges?: readonly string[];
    /** Optional. Identities of the account (used for customer-managed keys). @default - none */
    readonly managedIdentities?: ManagedIdentities;
}

/** Defaults applied once; the result is what the component builds from. */
export interface ResolvedDataStorageArgs {
    readonly sku: string;
    readonly containers: readonly string[];
    readonly allowSharedKeyAccess: boolean;
    readonly blobSoftDeleteDays: number;
    readonly allowedIpRanges: readonly string[];
    readonly networkIsolation: boolean;
}

export function resolveDataStorageArgs(args: Settings<DataStorageArgs>): ResolvedDataStorageArgs {
    return {
        sku: args.sku ?? DEFAULT_STORAGE_SKU,
        containers: args.containers ?? DEFAULT_CONTAINERS,
        allowSharedKeyAccess: args.allowSharedKeyAccess ?? false,
        blobSoftDeleteDays: args.blobSoftDeleteDays ?? DEFAULT_BLOB_SOFT_DELETE_DAYS,
        allowedIpRanges: args.allowedIpRanges ?? [],
        networkIsolation: args.networkIsolation ?? false,
    };
}

/** Checks the arguments; throws one ValidationError listing every problem. */
export function validateDataStorageArgs(args: Settings<DataStorageArgs>): ResolvedDataStorageArgs {
    const r = resolveDataStorageArgs(args);
    const v = new Validator("DataStorage");
    if (args.accountName !== undefined) v.merge(nameIssues("storageAccount", args.accountName, "accountName"));
    v.check("sku", ALLOWED_SKUS.includes(r.sku), `one of ${ALLOWED_SKUS.join(", ")}`, r.sku);
    v.check("containers", r.containers.length > 0, "at least one container", r.containers);
    r.containers.forEach((c, i) => v.merge(nameIssues("blobContainer", c, `containers[${i}]`)));
    v.check("containers", new Set(r.containers).size === r.containers.length, "no duplicate names", r.containers);
    v.check(
        "blobSoftDeleteDays",
        isIntInRange(r.blobSoftDeleteDays, 1, 365),
        "an integer from 1 to 365",
        r.blobSoftDeleteDays,
    );
    v.merge(firewallRangeIssues(r.allowedIpRanges, r.networkIsolation, "account", { noSlash31: true }));
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

export class DataStorage extends pulumi.ComponentResource {
    readonly account: storage.StorageAccount;
    readonly accountName: pulumi.Output<string>;
    readonly accountId: pulumi.Output<string>;
    readonly blobEndpoint: pulumi.Output<string>;
    /** Container name → resource. */
    readonly containers: Readonly<Record<string, storage.BlobContainer>>;
    private readonly componentName: string;

    constructor(name: string, args: DataStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:storage:DataStorage", name, {}, withFormerTypes(opts, "customai:platform:DataStorage"));
        this.componentName = name;
        const r = validateDataStorageArgs(args);
        const tags = withManagedBy(args.tags);
        const child = { parent: this };
        const firewall = firewallSettings(r.networkIsolation, r.allowedIpRanges);

        this.account = new storage.StorageAccount(
            `${name}-account`,
            {
                accountName: azureName("storageAccount", name, args.accountName, "accountName"),
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                kind: "StorageV2",
                sku: { name: r.sku },
                accessTier: "Hot",
                enableHttpsTrafficOnly: true,
                minimumTlsVersion: "TLS1_2",
                allowBlobPublicAccess: false,
                allowSharedKeyAccess: r.allowSharedKeyAccess,
                defaultToOAuthAuthentication: true,
                allowCrossTenantReplication: false,
                // Azure ML rejects hierarchical-namespace accounts as workspace storage.
                isHnsEnabled: false,
                publicNetworkAccess: firewall.publicNetworkAccess,
                networkRuleSet: {
                    defaultAction: firewall.defaultAction,
                    bypass: "AzureServices",
                    // Storage takes a single address without a prefix (it refuses /31 and /32).
                    ipRules: r.allowedIpRanges.map((ip) => ({
                        iPAddressOrRange: ip.replace(/\/32$/, ""),
                        action: "Allow" as const,
                    })),
                },
                identity: args.managedIdentities ? identityWithList(args.managedIdentities, false) : undefined,
                tags,
            },
            child,
        );

        const blobService = new storage.BlobServiceProperties(
            `${name}-blob`,
            {
                accountName: this.account.name,
                resourceGroupName: args.resourceGroupName,
                blobServicesName: "default",
                deleteRetentionPolicy: { enabled: true, days: r.blobSoftDeleteDays },
                containerDeleteRetentionPolicy: { enabled: true, days: r.blobSoftDeleteDays },
            },
            child,
        );

        const containers: Record<string, storage.BlobContainer> = {};
        for (const containerName of r.containers) {
            containers[containerName] = new storage.BlobContainer(
                `${name}-${containerName}`,
                {
                    accountName: this.account.name,
                    resourceGroupName: args.resourceGroupName,
                    containerName,
                    publicAccess: "None",
                },
                { parent: this, dependsOn: [blobService] },
            );
        }
        this.containers = containers;

        applyRoleAssignments(name, this.account.id, args.roleAssignments, this);
        if (args.diagnostics) {
            // Storage accounts emit metrics only; the logs come from the blob service.
            diagnosticSetting(`${name}-diag`, this.account.id, args.diagnostics, child, { logs: false });
            diagnosticSetting(
                `${name}-blob-diag`,
                pulumi.interpolate`${this.account.id}/blobServices/default`,
                args.diagnostics,
                { parent: this, dependsOn: [blobService] },
            );
        }

        this.accountName = this.account.name;
        this.accountId = this.account.id;
        this.blobEndpoint = this.account.primaryEndpoints.blob;
        this.registerOutputs({
            accountName: this.accountName,
            accountId: this.accountId,
            blobEndpoint: this.blobEndpoint,
        });
    }

    /** Read blobs (Storage Blob Data Reader) on the whole account. */
    grantBlobRead(label: string, principalId: pulumi.Input<string>) {
        return grantRole(
            `${this.componentName}-read-${label}`,
            { scope: this.account.id, principalId, role: "StorageBlobDataReader" },
            { parent: this },
        );
    }

    /** Read, write and delete blobs (Storage Blob Data Contributor) on the whole account. */
    grantBlobWrite(
        label: string,
        principalId: pulumi.Input<string>,
        principalType?: "ServicePrincipal" | "User" | "Group",
    ) {
        return grantRole(
            `${this.componentName}-write-${label}`,
            { scope: this.account.id, principalId, role: "StorageBlobDataContributor", principalType },
            { parent: this },
        );
    }

    /**
     * Files of the account's shares (Storage File Data Privileged Contributor):
     * what Azure ML studio notebooks need when the account takes no shared keys.
     */
    grantFilePrivileged(
        label: string,
        principalId: pulumi.Input<string>,
        principalType?: "ServicePrincipal" | "User" | "Group",
    ) {
        return grantRole(
            `${this.componentName}-files-${label}`,
            { scope: this.account.id, principalId, role: "StorageFileDataPrivilegedContributor", principalType },
            { parent: this },
        );
    }

    /** Read/write on one container only, the narrowest scope. */
    grantContainerWrite(label: string, container: string, principalId: pulumi.Input<string>) {
        const target = this.containers[container];
        if (!target) throw new Error(`DataStorage has no container ${JSON.stringify(container)}`);
        return grantRole(
            `${this.componentName}-${container}-write-${label}`,
            { scope: target.id, principalId, role: "StorageBlobDataContributor" },
            { parent: this },
        );
    }
}
