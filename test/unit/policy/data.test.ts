import * as assert from "node:assert/strict";
import { checkPolicies } from "../../../automation/plan/policy-check";
import { PlannedResource } from "../../../automation/plan/resources";
import { keyVaultPurgeProtection, keyVaultRbacAuthorization } from "../../../policy/rules/keyvault";
import { PolicyRule } from "../../../policy/rules/rule";
import {
    storageEncryptedTransport,
    storageNoAnonymousBlobAccess,
    storageNoSharedKey,
} from "../../../policy/rules/storage";

function planned(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:dev::customai::${type}::${name}`, type, name, custom: true, inputs, secretPaths: [] };
}

async function messages(rule: PolicyRule, ...resources: PlannedResource[]): Promise<string[]> {
    const [result] = (await checkPolicies(resources, [rule])).results;
    assert.equal(result.error, undefined);
    return result.violations.map((v) => v.message);
}

/** DataStorage's account as the 1-2 path records it. */
const ACCOUNT = {
    accountName: "sttraindevmzjppm",
    kind: "StorageV2",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    location: "westeurope",
};
const account = (extra: Record<string, unknown> = {}) =>
    planned("azure-native:storage:StorageAccount", "train-dev-st-account", { ...ACCOUNT, ...extra });
const withoutKey = (key: string) =>
    planned(
        "azure-native:storage:StorageAccount",
        "train-dev-st-account",
        Object.fromEntries(Object.entries(ACCOUNT).filter(([k]) => k !== key)),
    );

describe("storage policies", () => {
    it("pass DataStorage's account", async () => {
        for (const rule of [storageEncryptedTransport, storageNoAnonymousBlobAccess, storageNoSharedKey]) {
            assert.deepEqual(await messages(rule, account()), [], rule.name);
        }
    });

    it("storage-encrypted-transport refuses plain HTTP, naming the account and the field", async () => {
        const [message] = await messages(storageEncryptedTransport, account({ enableHttpsTrafficOnly: false }));
        assert.match(message, /^StorageAccount "train-dev-st-account" sets enableHttpsTrafficOnly to false/);
    });

    it("storage-encrypted-transport takes an unset enableHttpsTrafficOnly as Azure's default, HTTPS only", async () => {
        assert.deepEqual(await messages(storageEncryptedTransport, withoutKey("enableHttpsTrafficOnly")), []);
    });

    it("storage-encrypted-transport refuses TLS below 1.2, or unset, and accepts 1.3", async () => {
        const [old] = await messages(storageEncryptedTransport, account({ minimumTlsVersion: "TLS1_1" }));
        assert.match(old, /"train-dev-st-account" sets minimumTlsVersion "TLS1_1"/);
        const [unset] = await messages(storageEncryptedTransport, withoutKey("minimumTlsVersion"));
        assert.match(unset, /"train-dev-st-account" does not set minimumTlsVersion/);
        assert.deepEqual(await messages(storageEncryptedTransport, account({ minimumTlsVersion: "TLS1_3" })), []);
    });

    it("storage-no-anonymous-blob-access refuses public blobs, and an unset switch", async () => {
        const [allowed] = await messages(storageNoAnonymousBlobAccess, account({ allowBlobPublicAccess: true }));
        assert.match(allowed, /^StorageAccount "train-dev-st-account" allows anonymous blob access/);
        const [unset] = await messages(storageNoAnonymousBlobAccess, withoutKey("allowBlobPublicAccess"));
        assert.match(unset, /allowBlobPublicAccess unset/);
    });

    it("storage-no-shared-key advises when account keys stay on (unset means on)", async () => {
        for (const inputs of [account({ allowSharedKeyAccess: true }), withoutKey("allowSharedKeyAccess")]) {
            const [message] = await messages(storageNoSharedKey, inputs);
            assert.match(message, /^StorageAccount "train-dev-st-account" accepts account keys and SAS tokens/);
        }
        assert.equal(storageNoSharedKey.enforcementLevel, "advisory");
    });
});

describe("key vault policies", () => {
    const vault = (properties: Record<string, unknown>) =>
        planned("azure-native:keyvault:Vault", "train-dev-kv-vault", {
            vaultName: "kv-train-dev-rgxlxk",
            location: "westeurope",
            properties: { enableSoftDelete: true, sku: { family: "A", name: "standard" }, ...properties },
        });
    const SECRET_VAULT = { enableRbacAuthorization: true, enablePurgeProtection: true };

    it("pass SecretVault's vault", async () => {
        assert.deepEqual(await messages(keyVaultRbacAuthorization, vault(SECRET_VAULT)), []);
        assert.deepEqual(await messages(keyVaultPurgeProtection, vault(SECRET_VAULT)), []);
    });

    it("keyvault-rbac-authorization refuses access policies (RBAC off or unset)", async () => {
        for (const enableRbacAuthorization of [false, undefined]) {
            const [message] = await messages(
                keyVaultRbacAuthorization,
                vault({ ...SECRET_VAULT, enableRbacAuthorization }),
            );
            assert.match(message, /^Vault "train-dev-kv-vault" does not set properties\.enableRbacAuthorization/);
        }
        assert.equal(keyVaultRbacAuthorization.enforcementLevel, "mandatory");
    });

    it("keyvault-purge-protection advises when purge protection is off, as purgeProtection: false leaves it", async () => {
        // SecretVault sends `enablePurgeProtection: undefined` when purgeProtection is false.
        const [message] = await messages(keyVaultPurgeProtection, vault({ enableRbacAuthorization: true }));
        assert.match(message, /^Vault "train-dev-kv-vault" does not enable purge protection/);
        assert.equal(keyVaultPurgeProtection.enforcementLevel, "advisory");
    });
});
