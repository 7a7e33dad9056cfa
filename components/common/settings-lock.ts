/**
 * SettingsLock: refuses, at preview, the changes Azure refuses after a
 * resource is created. A program sees only its inputs, never what is
 * deployed, so without this the refusal comes from Azure in the middle of an
 * update (purge protection cannot be turned off, a workspace's managed
 * network cannot be turned off, a workspace keeps its storage account).
 *
 * The lock is a dynamic resource (no provider download) whose inputs are the
 * guarded settings. The engine hands a resource's `check` both the inputs in
 * state and the new ones, so the lock compares them there and fails the
 * preview with one line per refused change, naming the setting and the rule.
 * The guarded resource depends on its lock, so it is never sent to Azure
 * before the lock has checked.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * How a setting may change once deployed: `fixed` never changes; `staysOn`
 * may be turned on later but never off again.
 */
export type LockRule = "fixed" | "staysOn";

/** One guarded setting, as the caller describes it. */
export interface LockedSetting {
    /** The value the program deploys. */
    readonly value: pulumi.Input<string | number | boolean>;
    readonly rule: LockRule;
    /** Why Azure refuses the change, for the message (e.g. "Key Vault purge protection cannot be turned off"). */
    readonly why: string;
}

/** The settings as stored in the lock's state (values resolved). */
type StoredSettings = Record<string, { value?: unknown; rule: LockRule; why: string }>;

/** A refused change: the setting (as the caller names it) and the reason. */
export interface RefusedChange {
    readonly property: string;
    readonly reason: string;
}

/**
 * The changes from `olds` to `news` that their rules refuse. A setting that
 * is new, or whose value is not known yet (a preview of a value computed
 * during the update), is not judged. Pure.
 */
export function refusedChanges(
    olds: StoredSettings | undefined,
    news: StoredSettings,
    isKnown: (value: unknown) => boolean = () => true,
): RefusedChange[] {
    const refused: RefusedChange[] = [];
    for (const [property, next] of Object.entries(news)) {
        const before = olds?.[property];
        if (before === undefined || before.value === undefined || !isKnown(next.value)) continue;
        const changed =
            next.rule === "fixed" ? before.value !== next.value : before.value === true && next.value !== true;
        if (changed) {
            refused.push({
                property,
                reason:
                    `${property}: ${next.why} (deployed ${JSON.stringify(before.value)}, ` +
                    `now ${JSON.stringify(next.value)}); put it back, or destroy and deploy again`,
            });
        }
    }
    return refused;
}

/**
 * The engine's placeholder for a value not known during a preview: the
 * Node.js SDK's `runtime.unknownValue`, copied so that the serialized
 * provider does not capture the SDK (a test keeps them equal).
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The lock's provider (exported for its tests). */
export const settingsLockProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: { settings?: StoredSettings }, news: { settings: StoredSettings }) {
        // No property on the failure: the engine would print the top-level input of that name (there is none,
        // the settings are nested), and the reason already names the setting.
        const failures = refusedChanges(olds.settings, news.settings, (v) => v !== UNKNOWN_VALUE).map((r) => ({
            property: "",
            reason: r.reason,
        }));
        return { inputs: news, failures };
    },
    async create(inputs: { settings: StoredSettings }) {
        return { id: "settings", outs: inputs };
    },
    async update(_id: string, _olds: unknown, news: { settings: StoredSettings }) {
        return { outs: news };
    },
};

export class SettingsLock extends pulumi.dynamic.Resource {
    constructor(name: string, settings: Readonly<Record<string, LockedSetting>>, opts?: pulumi.CustomResourceOptions) {
        super(settingsLockProvider, name, { settings }, opts, "customai", "SettingsLock");
    }
}
