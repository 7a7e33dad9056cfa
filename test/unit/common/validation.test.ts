import * as assert from "node:assert/strict";
import {
    ValidationError,
    ValidationIssue,
    Validator,
    describeValue,
    formatIssue,
    isIntInRange,
    isIpv4Cidr,
    isOpenToInternet,
} from "../../../components/common/validation";

const RETENTION: ValidationIssue = { field: "retentionDays", rule: "an integer from 30 to 730", value: 5 };
const SKU: ValidationIssue = { field: "sku", rule: 'one of "Basic", "Premium"', value: "Gold" };

describe("ValidationError", () => {
    it("formats a single issue as `context: field: rule (got value)`", () => {
        const err = new ValidationError([RETENTION], "Monitoring");
        assert.equal(err.message, "Monitoring: retentionDays: an integer from 30 to 730 (got 5)");
        assert.equal(err.name, "ValidationError");
        assert.ok(err instanceof Error);
        assert.deepEqual(err.issues, [RETENTION]);
        assert.deepEqual(err.fields, ["retentionDays"]);
    });

    it("leaves out the context when none is given", () => {
        assert.equal(new ValidationError([SKU]).message, 'sku: one of "Basic", "Premium" (got "Gold")');
    });

    it("lists every issue, one per line, after a count", () => {
        const err = new ValidationError([RETENTION, SKU], "ImageRegistry");
        assert.equal(
            err.message,
            [
                "ImageRegistry: 2 invalid inputs:",
                "  - retentionDays: an integer from 30 to 730 (got 5)",
                '  - sku: one of "Basic", "Premium" (got "Gold")',
            ].join("\n"),
        );
        assert.deepEqual(err.fields, ["retentionDays", "sku"]);
    });

    it("shows a missing value as (not set)", () => {
        assert.equal(
            formatIssue({ field: "subscriptionId", rule: "required", value: undefined }),
            "subscriptionId: required (got (not set))",
        );
    });

    it("refuses to be built without issues", () => {
        assert.throws(() => new ValidationError([]), /at least one issue/);
    });
});

describe("Validator", () => {
    it("check records a broken rule and returns whether it held", () => {
        const v = new Validator("DataStorage");
        assert.equal(v.check("blobSoftDeleteDays", true, "an integer from 1 to 365", 7), true);
        assert.equal(v.check("blobSoftDeleteDays", false, "an integer from 1 to 365", 0), false);
        assert.deepEqual(v.issues, [{ field: "blobSoftDeleteDays", rule: "an integer from 1 to 365", value: 0 }]);
    });

    it("throwIfAny does nothing when every check held", () => {
        const v = new Validator("DataStorage");
        v.check("sku", true, "a SKU", "Standard_LRS");
        v.merge([]);
        assert.doesNotThrow(() => v.throwIfAny());
    });

    it("throwIfAny throws every recorded issue at once, in order, with the context", () => {
        const v = new Validator("SecretVault");
        v.check("sku", false, 'one of "standard", "premium"', "gold");
        v.check("softDeleteRetentionDays", false, "an integer from 7 to 90", 3);
        assert.throws(
            () => v.throwIfAny(),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(err.fields, ["sku", "softDeleteRetentionDays"]);
                assert.ok(err.message.startsWith("SecretVault: 2 invalid inputs:\n"), err.message);
                return true;
            },
        );
    });

    it("merge adds another validator's issues, prefixing their fields when asked", () => {
        const v = new Validator();
        v.merge([RETENTION]);
        v.merge([SKU], "registry");
        assert.deepEqual(v.issues, [RETENTION, { ...SKU, field: "registry.sku" }]);
        // The merged issue is a copy: the original keeps its field.
        assert.equal(SKU.field, "sku");
    });

    it("capture returns the value of a function that succeeds", () => {
        const v = new Validator();
        assert.equal(
            v.capture(() => 42),
            42,
        );
        assert.deepEqual(v.issues, []);
    });

    it("capture turns a thrown ValidationError into recorded issues", () => {
        const v = new Validator();
        const result = v.capture(() => {
            throw new ValidationError([RETENTION, SKU]);
        });
        assert.equal(result, undefined);
        assert.deepEqual(v.issues, [RETENTION, SKU]);
    });

    it("capture lets any other error through", () => {
        const v = new Validator();
        assert.throws(
            () =>
                v.capture(() => {
                    throw new TypeError("boom");
                }),
            TypeError,
        );
        assert.deepEqual(v.issues, []);
    });
});

describe("isIpv4Cidr", () => {
    const valid = ["203.0.113.0/24", "10.0.0.0/8", "0.0.0.0/0", "255.255.255.255/32", "10.1.2.3/16"];
    const invalid = [
        "203.0.113.0",
        "256.0.0.0/8",
        "10.0.0.0/33",
        "10.0.0/8",
        "10.0.0.0.0/8",
        "10.0.0.0/",
        "a.b.c.d/8",
        " 10.0.0.0/8",
        "2001:db8::/32",
        "",
    ];
    for (const cidr of valid) it(`accepts ${JSON.stringify(cidr)}`, () => assert.equal(isIpv4Cidr(cidr), true));
    for (const cidr of invalid) it(`rejects ${JSON.stringify(cidr)}`, () => assert.equal(isIpv4Cidr(cidr), false));
});

describe("isOpenToInternet", () => {
    const open = ["0.0.0.0/0", " 0.0.0.0/0 ", "*", "Internet", "ANY", "10.0.0.0/0", "203.0.113.7/0", "::/0"];
    const closed = ["0.0.0.0/1", "10.0.0.0/8", "203.0.113.0/24", "0.0.0.0", "internet-facing", "10.0.0.0/00x"];
    for (const cidr of open) {
        it(`flags ${JSON.stringify(cidr)} as open to every address`, () => assert.equal(isOpenToInternet(cidr), true));
    }
    for (const cidr of closed) {
        it(`does not flag ${JSON.stringify(cidr)}`, () => assert.equal(isOpenToInternet(cidr), false));
    }
});

describe("isIntInRange", () => {
    const cases: [unknown, boolean][] = [
        [7, true],
        [90, true],
        [6, false],
        [91, false],
        [7.5, false],
        ["30", false],
        [Number.NaN, false],
        [Number.POSITIVE_INFINITY, false],
        [undefined, false],
    ];
    for (const [value, expected] of cases) {
        it(`${describeValue(value)} in [7, 90] is ${expected}`, () =>
            assert.equal(isIntInRange(value, 7, 90), expected));
    }
});

describe("describeValue", () => {
    it("quotes strings and shows undefined as (not set)", () => {
        assert.equal(describeValue("Standard_LRS"), '"Standard_LRS"');
        assert.equal(describeValue(""), '""');
        assert.equal(describeValue(undefined), "(not set)");
        assert.equal(describeValue(null), "null");
    });

    it("keeps a string of exactly 80 characters whole", () => {
        const text = "x".repeat(80);
        assert.equal(describeValue(text), JSON.stringify(text));
    });

    it("truncates a longer string to 77 characters and an ellipsis", () => {
        const text = "a".repeat(70) + "b".repeat(20);
        assert.equal(describeValue(text), JSON.stringify("a".repeat(70) + "b".repeat(7) + "..."));
    });

    it("renders objects and arrays as JSON, truncated past 80 characters", () => {
        assert.equal(describeValue({ type: "SystemAssigned" }), '{"type":"SystemAssigned"}');
        assert.equal(describeValue(["raw", "Not--Valid"]), '["raw","Not--Valid"]');
        const long = Array.from({ length: 30 }, (_, i) => `c${i}`);
        const shown = describeValue(long);
        assert.equal(shown.length, 80);
        assert.equal(shown, `${JSON.stringify(long).slice(0, 77)}...`);
    });

    it("shows numbers as written, including the ones JSON cannot represent", () => {
        assert.equal(describeValue(42), "42");
        assert.equal(describeValue(-0.5), "-0.5");
        assert.equal(describeValue(Number.NaN), "NaN");
        assert.equal(describeValue(Number.POSITIVE_INFINITY), "Infinity");
        assert.equal(describeValue(BigInt(10)), "10");
        assert.equal(describeValue(true), "true");
    });

    it("never shows [object Object] or multi-line source for values JSON cannot serialise", () => {
        const circular: Record<string, unknown> = { name: "loop" };
        circular.self = circular;
        assert.equal(describeValue(circular), "(Object)");
        class Resource {
            readonly parent = this;
        }
        assert.equal(describeValue(new Resource()), "(Resource)");
        assert.equal(
            describeValue(() => {
                return "a\nb";
            }),
            "(function)",
        );
        assert.equal(describeValue(Symbol("s")), "(symbol)");
    });
});
