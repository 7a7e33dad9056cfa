/**
 * Storage accounts: encrypted transport and no anonymous reads are mandatory;
 * refusing account keys is advised.
 *
 * - HTTPS only: `enableHttpsTrafficOnly` is true unless set false; secure
 *   transfer is on by default for accounts created with API 2019-04-01 or
 *   later ("Require secure transfer",
 *   https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer;
 *   PSRule's Azure.Storage.SecureTransfer accepts the default for those API
 *   versions). `minimumTlsVersion` must be set to TLS1_2 or newer: unset, older
 *   accounts accept TLS 1.0 ("Enforce a minimum required version of TLS",
 *   https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version).
 * - Anonymous blob reads: `allowBlobPublicAccess` must be false. Unset, its
 *   meaning has changed with API versions and account age (Azure's SDK
 *   references give both defaults), so we ask for it explicitly, as PSRule and
 *   Checkov do ("Remediate anonymous read access to blob data",
 *   https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent).
 * - Shared key: `allowSharedKeyAccess` unset means true ("The default value is
 *   null, which is equivalent to true",
 *   https://learn.microsoft.com/dotnet/api/azure.provisioning.storage.storageaccount.allowsharedkeyaccess).
 *   Advisory, not mandatory: DataStorage offers `allowSharedKeyAccess` for
 *   tools that only speak account keys or SAS, and a key, unlike a public
 *   container, still has to be stolen before it is used
 *   ("Prevent Shared Key authorization",
 *   https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent).
 *
 * References (https://github.com/bridgecrewio/checkov, checkov/arm/checks/resource/
 * StorageAccountsTransportEncryption.py, StorageAccountMinimumTlsVersion.py;
 * checkov/terraform/checks/resource/azure/StorageBlobRestrictPublicAccess.py;
 * checkov/terraform/checks/graph_checks/azure/AzureStorageAccConfigWithoutBlobAnonymousAccess.yaml,
 * AzureStorageAccConfigSharedKeyAuth.yaml; PSRule for Azure
 * src/PSRule.Rules.Azure/rules/Azure.Storage.Rule.yaml and
 * https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Storage.LocalAuth/).
 */
import { PolicyRule, describeResource, validateType } from "./rule";

const STORAGE_ACCOUNT = "azure-native:storage:StorageAccount";
/** Versions at least as strict as TLS 1.2 that Azure Storage accepts. */
const CURRENT_TLS = ["TLS1_2", "TLS1_3"];

export const storageEncryptedTransport: PolicyRule = {
    name: "storage-encrypted-transport",
    description: "Storage accounts must accept HTTPS only, with TLS 1.2 or newer.",
    enforcementLevel: "mandatory",
    references: {
        checkov: ["CKV_AZURE_3", "CKV_AZURE_44"],
        psrule: ["Azure.Storage.SecureTransfer", "Azure.Storage.MinTLS"],
    },
    validateResource: validateType(STORAGE_ACCOUNT, (props, args, reportViolation) => {
        if (props.enableHttpsTrafficOnly === false) {
            reportViolation(`${describeResource(args)} sets enableHttpsTrafficOnly to false, accepting plain HTTP.`);
        }
        const tls = props.minimumTlsVersion;
        if (typeof tls !== "string" || !CURRENT_TLS.includes(tls)) {
            const got = tls === undefined ? "does not set minimumTlsVersion" : `sets minimumTlsVersion "${tls}"`;
            reportViolation(`${describeResource(args)} ${got}; set "TLS1_2" so older TLS versions are refused.`);
        }
    }),
};

export const storageNoAnonymousBlobAccess: PolicyRule = {
    name: "storage-no-anonymous-blob-access",
    description: "Storage accounts must set allowBlobPublicAccess to false, so no container can be read anonymously.",
    enforcementLevel: "mandatory",
    references: { checkov: ["CKV_AZURE_190", "CKV2_AZURE_47"], psrule: ["Azure.Storage.BlobPublicAccess"] },
    validateResource: validateType(STORAGE_ACCOUNT, (props, args, reportViolation) => {
        if (props.allowBlobPublicAccess === false) return;
        const got = props.allowBlobPublicAccess === true ? "allows" : "does not refuse (allowBlobPublicAccess unset)";
        reportViolation(`${describeResource(args)} ${got} anonymous blob access; set allowBlobPublicAccess to false.`);
    }),
};

export const storageNoSharedKey: PolicyRule = {
    name: "storage-no-shared-key",
    description: "Storage accounts should set allowSharedKeyAccess to false, so only Entra ID can sign requests.",
    enforcementLevel: "advisory",
    references: { checkov: ["CKV2_AZURE_40"], psrule: ["Azure.Storage.LocalAuth"] },
    validateResource: validateType(STORAGE_ACCOUNT, (props, args, reportViolation) => {
        if (props.allowSharedKeyAccess === false) return;
        reportViolation(
            `${describeResource(args)} accepts account keys and SAS tokens (allowSharedKeyAccess is not false); ` +
                "grant Entra ID roles instead.",
        );
    }),
};
