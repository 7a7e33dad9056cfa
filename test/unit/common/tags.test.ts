import * as assert from "node:assert/strict";
import {
    MANAGED_BY,
    MAX_TAGS,
    MAX_TAG_NAME_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    standardTags,
    tagIssues,
    withManagedBy,
} from "../../../components/common/tags";
import { validateWorkloadIdentityArgs } from "../../../components/identity/workload-identity";
import { validateSecretVaultArgs } from "../../../components/keyvault/secret-vault";
import { validateMonitoringArgs } from "../../../components/monitoring/monitoring";
import { validateImageRegistryArgs } from "../../../components/registry/image-registry";
import { validateDataStorageArgs } from "../../../components/storage/data-storage";
import { validateMlWorkspaceArgs } from "../../../components/aml/workspace";
import { ValidationError } from "../../../components/common/validation";

function manyTags(count: number): Record<string, string> {
    return Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag${i}`, `v${i}`]));
}

describe("standardTags", () => {
    it("adds path, environment and managed-by to the user's tags", () => {
        assert.deepEqual(standardTags({ path: "2-2", environment: "dev", extra: { team: "fraud" } }), {
            team: "fraud",
            path: "2-2",
            environment: "dev",
            "managed-by": "custom-ai-on-azure",
        });
    });

    it("lets the standard keys win over the user's, so cost reports stay reliable", () => {
        const tags = standardTags({
            path: "platform",
            environment: "prod",
            extra: { path: "mine", environment: "sandbox", "managed-by": "hand", owner: "ana" },
        });
        assert.deepEqual(tags, {
            path: "platform",
            environment: "prod",
            "managed-by": MANAGED_BY,
            owner: "ana",
        });
    });

    it("works without extra tags", () => {
        assert.deepEqual(standardTags({ path: "1-2", environment: "test" }), {
            path: "1-2",
            environment: "test",
            "managed-by": MANAGED_BY,
        });
    });
});

describe("withManagedBy", () => {
    it("adds managed-by, overriding a caller's value, without changing the caller's object", () => {
        const given = { team: "ai", "managed-by": "someone" };
        assert.deepEqual(withManagedBy(given), { team: "ai", "managed-by": "custom-ai-on-azure" });
        assert.deepEqual(given, { team: "ai", "managed-by": "someone" });
    });

    it("gives just managed-by when there are no tags", () => {
        assert.deepEqual(withManagedBy(undefined), { "managed-by": "custom-ai-on-azure" });
    });
});

describe("tagIssues", () => {
    it("accepts the limits themselves", () => {
        assert.deepEqual(tagIssues(manyTags(MAX_TAGS)), []);
        assert.deepEqual(tagIssues({ ["n".repeat(MAX_TAG_NAME_LENGTH)]: "v".repeat(MAX_TAG_VALUE_LENGTH) }), []);
        assert.deepEqual(tagIssues({}), []);
    });

    it("rejects more than 50 tags, naming the field and the count", () => {
        const issues = tagIssues(manyTags(MAX_TAGS + 1));
        assert.equal(issues.length, 1);
        assert.equal(issues[0].field, "tags");
        assert.match(issues[0].rule, /^at most 50 tags per resource/);
        assert.equal(issues[0].value, 51);
    });

    it("rejects a tag name over 128 characters, naming the tag", () => {
        const long = "n".repeat(MAX_TAG_NAME_LENGTH + 1);
        const issues = tagIssues({ [long]: "v" });
        assert.deepEqual(
            issues.map((i) => [i.field, i.value]),
            [[`tags.${long}`, long]],
        );
        assert.match(issues[0].rule, /tag names are 1-128 characters/);
    });

    for (const bad of ["a<b", "a>b", "50%", "r&d", "a\\b", "why?", "team/ml"]) {
        it(`rejects the tag name ${JSON.stringify(bad)}`, () => {
            const issues = tagIssues({ ok: "fine", [bad]: "x" }, "extraTags");
            assert.equal(issues.length, 1);
            assert.equal(issues[0].field, `extraTags.${bad}`);
            assert.match(issues[0].rule, /without < > % & \\ \? \//);
            assert.equal(issues[0].value, bad);
        });
    }

    it("rejects an empty tag name", () => {
        const issues = tagIssues({ "": "x" });
        assert.equal(issues.length, 1);
        assert.equal(issues[0].field, "tags.");
    });

    it("rejects a value over 256 characters and a value that is not a string", () => {
        const issues = tagIssues({
            note: "v".repeat(MAX_TAG_VALUE_LENGTH + 1),
            count: 3 as unknown as string,
        });
        assert.deepEqual(
            issues.map((i) => i.field),
            ["tags.note", "tags.count"],
        );
        assert.ok(issues.every((i) => i.rule === "tag values are strings of at most 256 characters"));
        assert.equal(issues[1].value, 3);
    });

    it("reports every problem at once", () => {
        const tags = { ...manyTags(MAX_TAGS), "bad/name": "v".repeat(300) };
        assert.deepEqual(
            tagIssues(tags).map((i) => i.field),
            ["tags", "tags.bad/name", "tags.bad/name"],
        );
    });

    const validators: [string, (tags: Record<string, string>) => unknown][] = [
        ["WorkloadIdentity", (tags) => validateWorkloadIdentityArgs({ tags })],
        ["SecretVault", (tags) => validateSecretVaultArgs({ tags })],
        ["Monitoring", (tags) => validateMonitoringArgs({ tags })],
        ["ImageRegistry", (tags) => validateImageRegistryArgs({ tags })],
        ["DataStorage", (tags) => validateDataStorageArgs({ tags })],
        ["MlWorkspace", (tags) => validateMlWorkspaceArgs({ tags })],
    ];
    for (const [component, validate] of validators) {
        it(`${component} counts the managed-by tag it adds: 50 user tags are one too many`, () => {
            // 50 is Azure's limit, and every component adds managed-by on top of the user's tags.
            assert.doesNotThrow(() => validate(manyTags(MAX_TAGS - 1)));
            assert.throws(
                () => validate(manyTags(MAX_TAGS)),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.deepEqual(err.fields, ["tags"]);
                    assert.match(err.issues[0].rule, /including the tags this package adds/);
                    assert.equal(err.issues[0].value, MAX_TAGS + 1);
                    return true;
                },
            );
        });
    }

    it("does not count a user's own managed-by tag twice", () => {
        // The user's managed-by tag is replaced, not added.
        assert.doesNotThrow(() =>
            validateWorkloadIdentityArgs({
                tags: { ...manyTags(49), "managed-by": "x" },
            }),
        );
    });
});
