import * as assert from "node:assert/strict";
import {
    BUILT_IN_ROLES,
    roleAssignmentName,
    roleDefinitionId,
    subscriptionOf,
    uuidV5,
} from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";

/** RFC 4122 appendix C namespaces. */
const NAMESPACE_DNS = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
const NAMESPACE_URL = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

const SUB = "00000000-0000-0000-0000-000000000001";
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1`;
const PRINCIPAL = "11111111-2222-3333-4444-555555555555";
const ROLE_DEFINITIONS = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions`;
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuidV5", () => {
    it("matches an independent implementation on known vectors", () => {
        // Expected values computed with Python's standard library:
        //   uuid.uuid5(uuid.NAMESPACE_DNS, "www.example.com")
        //   uuid.uuid5(uuid.NAMESPACE_URL, "https://example.com/ü")   (name hashed as UTF-8)
        assert.equal(uuidV5("www.example.com", NAMESPACE_DNS), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
        assert.equal(uuidV5("https://example.com/ü", NAMESPACE_URL), "a17f7a1d-6bb5-51a9-9d32-f9d2fdeec8b6");
    });

    it("accepts the namespace with or without hyphens and in upper case", () => {
        const expected = uuidV5("www.example.com", NAMESPACE_DNS);
        assert.equal(uuidV5("www.example.com", NAMESPACE_DNS.replace(/-/g, "")), expected);
        assert.equal(uuidV5("www.example.com", NAMESPACE_DNS.toUpperCase()), expected);
    });

    it("sets the version 5 and RFC 4122 variant bits", () => {
        for (const name of ["", "a", "role", "x".repeat(1000)]) assert.match(uuidV5(name), UUID_V5);
    });

    for (const bad of [
        "not-a-uuid",
        "6ba7b810-9dad-11d1-80b4-00c04fd430c",
        `${NAMESPACE_DNS}f`,
        `{${NAMESPACE_DNS}}`,
    ]) {
        it(`rejects the namespace ${JSON.stringify(bad)}`, () => {
            assert.throws(() => uuidV5("x", bad), /namespace must be a UUID/);
        });
    }
});

describe("roleAssignmentName", () => {
    it("is the v5 UUID of scope|principal|role, lower-cased, in the package's namespace", () => {
        // Expected value computed with Python:
        //   uuid.uuid5(uuid.UUID("5b0c6a1e-3f0e-4d5e-9c8a-6a2f1f4c9d21"),
        //              "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg/providers/"
        //              "microsoft.keyvault/vaults/kv1|11111111-2222-3333-4444-555555555555|"
        //              "4633458b-17de-408a-b874-0445c86b69e6")
        assert.equal(
            roleAssignmentName(VAULT, PRINCIPAL, BUILT_IN_ROLES.KeyVaultSecretsUser),
            "77938fff-52e7-547b-8fa8-77262b5a0d72",
        );
    });

    it("is deterministic and ignores case in every id, as ARM does", () => {
        const name = roleAssignmentName(VAULT, PRINCIPAL, BUILT_IN_ROLES.KeyVaultSecretsUser);
        assert.equal(roleAssignmentName(VAULT, PRINCIPAL, BUILT_IN_ROLES.KeyVaultSecretsUser), name);
        assert.equal(
            roleAssignmentName(
                VAULT.toUpperCase(),
                PRINCIPAL.toUpperCase(),
                BUILT_IN_ROLES.KeyVaultSecretsUser.toUpperCase(),
            ),
            name,
        );
    });

    it("differs when the scope, the principal or the role differs", () => {
        const base = roleAssignmentName(VAULT, PRINCIPAL, BUILT_IN_ROLES.KeyVaultSecretsUser);
        const others = [
            roleAssignmentName(`${VAULT}2`, PRINCIPAL, BUILT_IN_ROLES.KeyVaultSecretsUser),
            roleAssignmentName(VAULT, PRINCIPAL.replace("5555", "6666"), BUILT_IN_ROLES.KeyVaultSecretsUser),
            roleAssignmentName(VAULT, PRINCIPAL, BUILT_IN_ROLES.AcrPull),
        ];
        assert.equal(new Set([base, ...others]).size, 4);
        for (const name of [base, ...others]) assert.match(name, UUID_V5);
    });
});

describe("BUILT_IN_ROLES", () => {
    it("holds the documented role definition ids", () => {
        // From Azure's list of built-in roles, written out independently of BUILT_IN_ROLES.
        assert.deepEqual(BUILT_IN_ROLES, {
            Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
            StorageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
            StorageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
            AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
            KeyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
            EventHubsDataReceiver: "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
            EventHubsDataSender: "2b629674-e913-4c01-ae53-ef4638d8f975",
            AzureMLDataScientist: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
            AzureMLComputeOperator: "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
            StorageFileDataPrivilegedContributor: "69566ab7-960f-475b-8e7c-b3118f30c6bd",
            AksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
            AksClusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
        });
    });
});

describe("subscriptionOf", () => {
    it("reads the subscription of resource, group and subscription ids, in any case", () => {
        assert.equal(subscriptionOf(VAULT), SUB);
        assert.equal(subscriptionOf(`/subscriptions/${SUB}`), SUB);
        assert.equal(subscriptionOf(`/Subscriptions/ABC/resourceGroups/rg`), "ABC");
    });

    for (const bad of ["", "rg-test", "/resourceGroups/rg", "subscriptions/abc", "/subscriptions/"]) {
        it(`rejects ${JSON.stringify(bad)}, naming the scope field`, () => {
            assert.throws(
                () => subscriptionOf(bad),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.deepEqual(err.issues, [
                        { field: "scope", rule: "an ARM resource id starting with /subscriptions/<id>", value: bad },
                    ]);
                    return true;
                },
            );
        });
    }
});

describe("roleDefinitionId", () => {
    it("resolves a built-in role name to its full id in the scope's subscription", () => {
        assert.equal(roleDefinitionId(VAULT, "AcrPull"), `${ROLE_DEFINITIONS}/7f951dda-4ed3-4680-a7ca-43fe172d538d`);
    });

    it("passes a role-definition GUID through, in either case", () => {
        const guid = "ACDD72A7-3385-48EF-BD42-F606FBA81AE7";
        assert.equal(roleDefinitionId(VAULT, guid), `${ROLE_DEFINITIONS}/${guid}`);
    });

    for (const role of ["Owner", "acrpull", "toString", "7f951dda-4ed3-4680-a7ca-43fe172d538", ""]) {
        it(`rejects the role ${JSON.stringify(role)}, naming the role field`, () => {
            assert.throws(
                () => roleDefinitionId(VAULT, role),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.deepEqual(err.issues, [
                        { field: "role", rule: "a built-in role name or a role-definition GUID", value: role },
                    ]);
                    return true;
                },
            );
        });
    }

    it("rejects a scope that is not an ARM id, naming the scope field", () => {
        assert.throws(
            () => roleDefinitionId("kv1", "AcrPull"),
            (err: unknown) => err instanceof ValidationError && err.fields[0] === "scope",
        );
    });
});
