/**
 * The pack's shape: every rule is a well-formed policy with an explicit
 * level and real references, and the folder is a policy pack the CLI can run.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as yaml from "js-yaml";
import { POLICY_RULES, toSdkPolicy } from "../../../policy/rules";

const ROOT = path.join(__dirname, "../../..");
const POLICY_DIR = path.join(ROOT, "policy");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;

function sourceFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && /\.[jt]s$/.test(e.name))
        .map((e) => path.join(e.parentPath, e.name));
}

describe("policy rules: shape", () => {
    it("lists exactly its rules in the README table", () => {
        const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
        const listed = [...readme.matchAll(/^\| `([a-z0-9-]+)` +\|/gm)].map((m) => m[1]);
        assert.deepEqual([...listed].sort(), POLICY_RULES.map((r) => r.name).sort());
    });

    for (const rule of POLICY_RULES) {
        it(`${rule.name}: names, describes, states its level and checks something`, () => {
            assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
            assert.ok(rule.description.length > 20 && rule.description.endsWith("."), rule.description);
            assert.ok(["mandatory", "advisory"].includes(rule.enforcementLevel), String(rule.enforcementLevel));
            const validations = "validateResource" in rule ? [rule.validateResource].flat() : [];
            const stack = "validateStack" in rule ? rule.validateStack : undefined;
            assert.ok(validations.length > 0 || typeof stack === "function", "a validateResource or validateStack");
            assert.ok(validations.every((v) => typeof v === "function"));
            for (const id of rule.references.checkov ?? []) assert.match(id, /^CKV2?_(AZURE|K8S)_\d+$/);
            for (const id of rule.references.psrule ?? []) assert.match(id, /^Azure\.[A-Za-z]+\.[A-Za-z.]+$/);
        });
    }

    it("gives every rule a unique name, none of them the reserved 'all'", () => {
        const names = POLICY_RULES.map((r) => r.name);
        assert.equal(new Set(names).size, names.length, names.join(", "));
        assert.ok(!names.includes("all"));
    });

    it("hands PolicyPack the policies without our metadata, functions intact", () => {
        for (const rule of POLICY_RULES) {
            const policy = toSdkPolicy(rule);
            assert.ok(!("references" in policy), rule.name);
            assert.equal(policy.name, rule.name);
            assert.equal(policy.enforcementLevel, rule.enforcementLevel);
            if ("validateStack" in rule) {
                assert.equal((policy as StackValidationPolicy).validateStack, rule.validateStack);
            } else {
                assert.equal((policy as ResourceValidationPolicy).validateResource, rule.validateResource);
            }
        }
    });
});

describe("policy pack folder", () => {
    it("versions the pack as the project (PolicyPack reports policy/package.json's version)", () => {
        const pack = readJson(path.join(POLICY_DIR, "package.json"));
        assert.equal(pack.version, readJson(path.join(ROOT, "package.json")).version);
        assert.equal(pack.private, true);
        assert.equal(pack.main, "index.js");
        // @pulumi/policy resolves from the repository's node_modules; a dependency here would need its own install.
        assert.equal(pack.dependencies, undefined);
    });

    it("declares a Node.js pack", () => {
        const project = yaml.load(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")) as {
            runtime: unknown;
            description: unknown;
        };
        assert.equal(project.runtime, "nodejs");
        assert.equal(typeof project.description, "string");
    });

    it("points the CLI at the compiled pack, which the build emits from policy/pack.ts", () => {
        const shim = fs.readFileSync(path.join(POLICY_DIR, "index.js"), "utf8");
        assert.match(shim, /require\("\.\.\/dist\/policy\/pack"\)/);
        const build = fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8");
        assert.match(build, /"policy\/\*\*\/\*\.ts"/);
    });

    it("constructs PolicyPack in policy/pack.ts only, and nothing imports that module", () => {
        const files = ["policy", "automation", "components", "programs", "bin"].flatMap((d) =>
            sourceFiles(path.join(ROOT, d)),
        );
        const constructing = files.filter((f) => /new\s+PolicyPack\s*\(/.test(fs.readFileSync(f, "utf8")));
        assert.deepEqual(
            constructing.map((f) => path.relative(ROOT, f)),
            ["policy/pack.ts"],
        );
        const importsPack = /(from\s+|require\(\s*|import\(\s*)["'][^"']*\/pack(\.[jt]s)?["']/;
        const importing = files.filter((f) => importsPack.test(fs.readFileSync(f, "utf8")));
        assert.deepEqual(
            importing.map((f) => path.relative(ROOT, f)),
            ["policy/index.js"],
        );
    });
});
