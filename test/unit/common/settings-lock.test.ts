/**
 * The settings Azure refuses to change after creation are refused at
 * preview by a SettingsLock: the rules (pure), and the locks SecretVault and
 * MlWorkspace put in front of their resources (mocks). The engine test
 * test/engine/settings-lock.test.ts runs the lock's check in the real CLI.
 */
import * as assert from "node:assert/strict";
import { MlWorkspace } from "../../../components/aml";
import * as pulumi from "@pulumi/pulumi";
import { refusedChanges, settingsLockProvider, UNKNOWN_VALUE } from "../../../components/common";
import { SecretVault } from "../../../components/keyvault";
import { MOCK_RESOURCE_GROUP, MockRecorder, settle, useMocks } from "../../harness/mocks";

const LOCK = "pulumi-nodejs:dynamic/customai:SettingsLock";

const setting = (value: unknown, rule: "fixed" | "staysOn" = "fixed") => ({ value, rule, why: "the rule" });

describe("settings lock: which changes are refused", () => {
    it("refuses a change of a fixed setting, naming it with both values and the way out", () => {
        const refused = refusedChanges({ days: setting(90) }, { days: setting(30) });
        assert.deepEqual(refused, [
            {
                property: "days",
                reason: "days: the rule (deployed 90, now 30); put it back, or destroy and deploy again",
            },
        ]);
        assert.deepEqual(refusedChanges({ days: setting(90) }, { days: setting(90) }), [], "unchanged is fine");
    });

    it("lets a staysOn setting be turned on, never off", () => {
        assert.deepEqual(refusedChanges({ p: setting(false, "staysOn") }, { p: setting(true, "staysOn") }), []);
        assert.deepEqual(refusedChanges({ p: setting(true, "staysOn") }, { p: setting(true, "staysOn") }), []);
        assert.deepEqual(
            refusedChanges({ p: setting(true, "staysOn") }, { p: setting(false, "staysOn") }).map((r) => r.property),
            ["p"],
        );
    });

    it("judges nothing on creation, for a setting new to the lock, or for a value not known yet", () => {
        assert.deepEqual(refusedChanges(undefined, { days: setting(30) }), [], "first deployment");
        assert.deepEqual(refusedChanges({}, { days: setting(30) }), [], "setting added by a newer version");
        const isKnown = (v: unknown) => v !== "<unknown>";
        assert.deepEqual(refusedChanges({ id: setting("a") }, { id: setting("<unknown>") }, isKnown), []);
        assert.equal(refusedChanges({ id: setting("a") }, { id: setting("b") }, isKnown).length, 1);
        assert.equal(UNKNOWN_VALUE, pulumi.runtime.unknownValue, "the lock's copy of the engine's placeholder");
    });

    it("in the provider's check: a value unknown at preview passes, a known change fails without a property", async () => {
        const check = settingsLockProvider.check!;
        const olds = { settings: { id: setting("a") } };
        const unknown = await check(olds, { settings: { id: setting(UNKNOWN_VALUE) } });
        assert.deepEqual(unknown.failures, []);
        const changed = await check(olds, { settings: { id: setting("b") } });
        assert.deepEqual(
            changed.failures?.map((f) => f.property),
            [""],
            "the reason names the setting; the engine would print a top-level input of that name",
        );
        assert.match(changed.failures?.[0].reason ?? "", /^id: the rule \(deployed "a", now "b"\)/);
        assert.deepEqual(changed.inputs, { settings: { id: setting("b") } });
    });

    it("reports every refused setting at once", () => {
        const refused = refusedChanges(
            { a: setting(1), b: setting(true, "staysOn"), c: setting("x") },
            { a: setting(2), b: setting(false, "staysOn"), c: setting("x") },
        );
        assert.deepEqual(
            refused.map((r) => r.property),
            ["a", "b"],
        );
    });
});

describe("settings lock in front of the resources Azure fixes", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    const lockOf = (name: string) => recorder.named(name);
    const waitsFor = (type: string, lockName: string) =>
        recorder.one(type).options.dependencies.some((urn) => urn.endsWith(`::${lockName}`));

    it("SecretVault locks purge protection (on for good) and soft-delete retention, before the vault", async () => {
        new SecretVault("kv", { resourceGroupName: MOCK_RESOURCE_GROUP, softDeleteRetentionDays: 30 });
        await settle(recorder);
        const lock = lockOf("kv-lock");
        assert.equal(lock.type, LOCK);
        assert.deepEqual(
            Object.fromEntries(
                Object.entries(lock.inputs.settings as Record<string, { value: unknown; rule: string }>).map(
                    ([k, v]) => [k, [v.value, v.rule]],
                ),
            ),
            { purgeProtection: [true, "staysOn"], softDeleteRetentionDays: [30, "fixed"] },
        );
        assert.ok(waitsFor("azure-native:keyvault:Vault", "kv-lock"), "the vault is sent only after the lock checked");
    });

    it("MlWorkspace locks the managed network (on for good), its storage account and its vault", async () => {
        new MlWorkspace("ml", {
            resourceGroupName: MOCK_RESOURCE_GROUP,
            storageAccountId: "/st",
            keyVaultId: "/kv",
            applicationInsightsId: "/appi",
            networkIsolation: true,
        });
        await settle(recorder);
        const settings = lockOf("ml-lock").inputs.settings as Record<string, { value: unknown; rule: string }>;
        assert.deepEqual(Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, [v.value, v.rule]])), {
            networkIsolation: [true, "staysOn"],
            storageAccountId: ["/st", "fixed"],
            keyVaultId: ["/kv", "fixed"],
        });
        assert.ok(waitsFor("azure-native:machinelearningservices:Workspace", "ml-lock"));
    });
});
