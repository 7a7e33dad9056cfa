import * as assert from "node:assert/strict";
import { componentIssuesByKey, ConfigSource, ConfigSpec, readConfig } from "../../../components/common/config";
import { ValidationError } from "../../../components/common/validation";

/** A config source backed by a plain object, as `pulumi config` would hold it. */
function source(values: Record<string, string>): ConfigSource {
    return (key) => values[key];
}

/** Runs `fn`, expecting a ValidationError, and returns it. */
function validationErrorOf(fn: () => unknown): ValidationError {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected a ValidationError, nothing was thrown");
}

const SECRET = "Sup3r-s3cret-Valu3";

describe("readConfig: types", () => {
    const spec = {
        location: { type: "string", description: "Azure region" },
        maxNodes: { type: "integer", description: "largest cluster size" },
        spotMaxPrice: { type: "number", description: "highest Spot price" },
        networkIsolation: { type: "boolean", description: "close public endpoints" },
        containers: { type: "string[]", description: "blob containers" },
        scaleSettings: { type: "json", description: "compute scale settings" },
    } as const satisfies ConfigSpec;

    it("parses every type from its stored string", () => {
        const values = readConfig(
            source({
                location: "westeurope",
                maxNodes: "4",
                spotMaxPrice: "-1.5",
                networkIsolation: "true",
                containers: '["raw","curated"]',
                scaleSettings: '{"minNodeCount":0,"maxNodeCount":4}',
            }),
            spec,
        );
        assert.deepEqual(values, {
            location: "westeurope",
            maxNodes: 4,
            spotMaxPrice: -1.5,
            networkIsolation: true,
            containers: ["raw", "curated"],
            scaleSettings: { minNodeCount: 0, maxNodeCount: 4 },
        });
    });

    it("reads false, negative integers and JSON scalars", () => {
        const values = readConfig(
            source({ networkIsolation: "false", maxNodes: "-3", scaleSettings: "null", containers: "[]" }),
            spec,
        );
        assert.equal(values.networkIsolation, false);
        assert.equal(values.maxNodes, -3);
        assert.equal(values.scaleSettings, null);
        assert.deepEqual(values.containers, []);
    });

    it("reads one bare value as a list of one, as `pulumi config set key value` stores it", () => {
        assert.deepEqual(readConfig(source({ containers: "raw" }), spec).containers, ["raw"]);
        assert.deepEqual(readConfig(source({ containers: '"raw"' }), spec).containers, ['"raw"']);
    });

    const malformed: [keyof typeof spec, string, string][] = [
        ["spotMaxPrice", "cheap", "a number"],
        ["spotMaxPrice", " ", "a number"],
        ["spotMaxPrice", "Infinity", "a number"],
        ["maxNodes", "4.5", "a whole number"],
        ["maxNodes", "1e3", "a whole number"],
        ["maxNodes", "9007199254740993", "a whole number"],
        ["networkIsolation", "yes", "true or false"],
        ["networkIsolation", "True", "true or false"],
        ["containers", '["raw", 1]', 'a JSON list of strings, e.g. ["a","b"]'],
        ["containers", '["raw"', 'a JSON list of strings, e.g. ["a","b"]'],
        ["containers", '[{"raw":1}]', 'a JSON list of strings, e.g. ["a","b"]'],
        ["scaleSettings", "{minNodeCount: 0}", "valid JSON"],
    ];
    for (const [key, raw, rule] of malformed) {
        it(`rejects ${key} = ${JSON.stringify(raw)} as not ${rule}`, () => {
            const err = validationErrorOf(() => readConfig(source({ [key]: raw }), spec));
            assert.deepEqual(err.issues, [{ field: key, rule, value: raw }]);
        });
    }
});

describe("readConfig: defaults, required, oneOf, check", () => {
    it("uses the default when the key is missing or empty, and undefined when there is none", () => {
        const spec = {
            location: { type: "string", description: "region", default: "westeurope" },
            retentionDays: { type: "integer", description: "log retention", default: 30 },
            registry: { type: "boolean", description: "create a registry", default: true },
            owner: { type: "string", description: "owner" },
        } as const satisfies ConfigSpec;
        assert.deepEqual(readConfig(source({ retentionDays: "" }), spec), {
            location: "westeurope",
            retentionDays: 30,
            registry: true,
            owner: undefined,
        });
        assert.deepEqual(readConfig(source({ location: "swedencentral", registry: "false" }), spec), {
            location: "swedencentral",
            retentionDays: 30,
            registry: false,
            owner: undefined,
        });
    });

    it("reports a missing required key with its description", () => {
        const spec = {
            subscriptionId: { type: "string", description: "the subscription to deploy to", required: true },
        } as const satisfies ConfigSpec;
        for (const values of [{}, { subscriptionId: "" }] as Record<string, string>[]) {
            const err = validationErrorOf(() => readConfig(source(values), spec));
            assert.deepEqual(err.issues, [
                { field: "subscriptionId", rule: "required: the subscription to deploy to", value: undefined },
            ]);
        }
    });

    it("does not report a required key that has a default", () => {
        const spec = {
            environment: { type: "string", description: "environment", required: true, default: "dev" },
        } as const satisfies ConfigSpec;
        assert.deepEqual(readConfig(source({}), spec), { environment: "dev" });
    });

    it("checks oneOf after parsing", () => {
        const spec = {
            registrySku: { type: "string", description: "registry SKU", oneOf: ["Basic", "Standard", "Premium"] },
            maxNodes: { type: "integer", description: "nodes", oneOf: [1, 2, 4] },
        } as const satisfies ConfigSpec;
        assert.deepEqual(readConfig(source({ registrySku: "Premium", maxNodes: "4" }), spec), {
            registrySku: "Premium",
            maxNodes: 4,
        });
        const err = validationErrorOf(() => readConfig(source({ registrySku: "premium", maxNodes: "3" }), spec));
        assert.deepEqual(err.issues, [
            { field: "registrySku", rule: 'one of "Basic", "Standard", "Premium"', value: "premium" },
            { field: "maxNodes", rule: "one of 1, 2, 4", value: 3 },
        ]);
    });

    it("runs the extra check on the parsed value and reports its rule", () => {
        const seen: unknown[] = [];
        const spec = {
            retentionDays: {
                type: "integer",
                description: "log retention",
                check: (v: number) => {
                    seen.push(v);
                    return v >= 30 && v <= 730 ? undefined : "from 30 to 730";
                },
            },
        } as const satisfies ConfigSpec;
        assert.deepEqual(readConfig(source({ retentionDays: "90" }), spec), { retentionDays: 90 });
        const err = validationErrorOf(() => readConfig(source({ retentionDays: "7" }), spec));
        assert.deepEqual(err.issues, [{ field: "retentionDays", rule: "from 30 to 730", value: 7 }]);
        assert.deepEqual(seen, [90, 7]);
    });

    it("reports every broken key at once, in spec order, with the context", () => {
        const spec = {
            location: { type: "string", description: "region", required: true },
            maxNodes: { type: "integer", description: "nodes" },
            networkIsolation: { type: "boolean", description: "isolation" },
            sku: { type: "string", description: "sku", oneOf: ["Basic"] },
            fine: { type: "string", description: "a fine key" },
        } as const satisfies ConfigSpec;
        const err = validationErrorOf(() =>
            readConfig(source({ maxNodes: "many", networkIsolation: "1", sku: "Gold", fine: "ok" }), spec, {
                context: "invalid configuration for stack dev",
            }),
        );
        assert.deepEqual(err.fields, ["location", "maxNodes", "networkIsolation", "sku"]);
        assert.ok(err.message.startsWith("invalid configuration for stack dev: 4 invalid inputs:\n"), err.message);
        assert.ok(err.message.includes('  - maxNodes: a whole number (got "many")'), err.message);
    });

    it('uses "invalid configuration" as the context by default', () => {
        const spec = { n: { type: "number", description: "n" } } as const satisfies ConfigSpec;
        const err = validationErrorOf(() => readConfig(source({ n: "x" }), spec));
        assert.equal(err.message, 'invalid configuration: n: a number (got "x")');
    });
});

describe("readConfig: secrets", () => {
    const cases: [string, ConfigSpec, string][] = [
        ["malformed", { apiKey: { type: "integer", description: "key", secret: true } }, SECRET],
        ["not one of", { apiKey: { type: "string", description: "key", secret: true, oneOf: ["a", "b"] } }, SECRET],
        [
            "breaking the check",
            { apiKey: { type: "string", description: "key", secret: true, check: () => "at least 40 characters" } },
            SECRET,
        ],
        ["not a list", { apiKey: { type: "string[]", description: "keys", secret: true } }, `[${SECRET}`],
        ["not JSON", { apiKey: { type: "json", description: "creds", secret: true } }, `{${SECRET}`],
    ];
    it("redacts a secret value in an issue of the program's own cross-key rules", () => {
        const spec = {
            apiKey: { type: "string", description: "key", secret: true },
            enabled: { type: "boolean", description: "on", default: false },
        } as const;
        const err = validationErrorOf(() =>
            readConfig(source({ apiKey: SECRET }), spec, {
                crossChecks: (c) =>
                    c.enabled ? [] : [{ field: "apiKey", rule: "only used when enabled", value: c.apiKey }],
            }),
        );
        assert.deepEqual(err.issues, [{ field: "apiKey", rule: "only used when enabled", value: "[secret]" }]);
        assert.ok(!err.message.includes(SECRET), err.message);
    });

    for (const [what, spec, raw] of cases) {
        it(`redacts a secret value ${what} in the issue and the message`, () => {
            const err = validationErrorOf(() => readConfig(source({ apiKey: raw }), spec));
            assert.equal(err.issues.length, 1);
            assert.equal(err.issues[0].field, "apiKey");
            assert.equal(err.issues[0].value, "[secret]");
            assert.ok(!err.message.includes(SECRET), err.message);
            assert.ok(!JSON.stringify(err.issues).includes(SECRET));
            assert.ok(err.message.includes('(got "[secret]")'), err.message);
        });
    }

    it("returns a valid secret value as read", () => {
        const spec = { apiKey: { type: "string", description: "key", secret: true } } as const satisfies ConfigSpec;
        assert.deepEqual(readConfig(source({ apiKey: SECRET }), spec), { apiKey: SECRET });
    });

    it("shows non-secret values in the same situation", () => {
        const spec = { sku: { type: "string", description: "sku", oneOf: ["a"] } } as const satisfies ConfigSpec;
        const err = validationErrorOf(() => readConfig(source({ sku: "visible-value" }), spec));
        assert.ok(err.message.includes('"visible-value"'), err.message);
    });
});

describe("readConfig: keys nobody declared", () => {
    const spec = {
        autoShutdown: { type: "boolean", description: "daily shutdown", default: true },
        vmSize: { type: "string", description: "size", default: "Standard_D4s_v5" },
    } as const satisfies ConfigSpec;

    it("refuses a misspelt key instead of keeping the default, and says which key was meant", () => {
        const err = validationErrorOf(() =>
            readConfig(source({ autoShutdwn: "false" }), spec, { present: ["autoShutdwn"] }),
        );
        assert.deepEqual(err.fields, ["autoShutdwn"]);
        assert.match(err.message, /autoShutdwn: not a known key \(did you mean "autoShutdown"\?\)/);
    });

    it("lists the known keys when nothing is close, and accepts keys that are someone else's", () => {
        const err = validationErrorOf(() => readConfig(source({}), spec, { present: ["colour"] }));
        assert.match(err.issues[0].rule, /known: autoShutdown, vmSize/);
        assert.deepEqual(readConfig(source({}), spec, { present: ["path", "vmSize"], otherKeys: ["path"] }), {
            autoShutdown: true,
            vmSize: "Standard_D4s_v5",
        });
    });
});

describe("readConfig: component checks under the keys that feed them", () => {
    const spec = {
        diskGb: { type: "integer", description: "OS disk size", arg: "osDisk.sizeGb" },
        sshKey: {
            type: "string",
            description: "public key",
            arg: "sshPublicKey",
            hint: "cat ~/.ssh/id_ed25519.pub",
        },
        password: { type: "string", description: "password", secret: true, arg: "jupyterHub.password" },
        cidrs: { type: "string[]", description: "sources", arg: "allowedCidrs" },
        plain: { type: "string", description: "no argument" },
    } as const satisfies ConfigSpec;

    it("renames argument fields to keys, keeping what follows (indexes, nested fields)", () => {
        const issues = componentIssuesByKey(
            spec,
            [
                { field: "osDisk.sizeGb", rule: "an integer from 30 to 4095 (GiB)", value: 10 },
                { field: "allowedCidrs[1]", rule: "an IPv4 address or CIDR", value: "x" },
                { field: "image.sku", rule: "a non-empty string", value: "" },
            ],
            { diskGb: 10, cidrs: ["1.2.3.4", "x"] },
        );
        assert.deepEqual(
            issues.map((i) => i.field),
            ["diskGb", "cidrs[1]", "image.sku"],
        );
    });

    it("adds the hint of a key that is missing, and redacts the values of secret keys", () => {
        const issues = componentIssuesByKey(
            spec,
            [
                { field: "sshPublicKey", rule: "required: give an OpenSSH public key", value: undefined },
                { field: "jupyterHub.password", rule: "12-72 characters", value: SECRET },
            ],
            { password: SECRET },
        );
        assert.equal(issues[0].rule, "required: give an OpenSSH public key — cat ~/.ssh/id_ed25519.pub");
        assert.deepEqual(issues[1], { field: "password", rule: "12-72 characters", value: "[secret]" });
    });

    it("reports them beside every key's own problems, checking a broken key at its default and not twice", () => {
        const seen: unknown[] = [];
        const components = (c: { diskGb?: number; sshKey?: string }) => {
            seen.push(c.diskGb);
            return [
                ...(c.diskGb !== undefined && c.diskGb < 30
                    ? [{ field: "osDisk.sizeGb", rule: "at least 30", value: c.diskGb }]
                    : []),
                ...(c.sshKey === "bad" ? [{ field: "sshPublicKey", rule: "an OpenSSH key", value: c.sshKey }] : []),
            ];
        };
        const both = validationErrorOf(() =>
            readConfig(source({ diskGb: "ten", sshKey: "bad" }), spec, { components }),
        );
        assert.deepEqual(both.fields, ["diskGb", "sshKey"], "the parse error and the component's rule, at once");
        assert.deepEqual(seen, [undefined], "the broken key stood at its default (none) for the component");
        const err = validationErrorOf(() => readConfig(source({ diskGb: "10" }), spec, { components }));
        assert.deepEqual(err.issues, [{ field: "diskGb", rule: "at least 30", value: 10 }]);
    });
});
