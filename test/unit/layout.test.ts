/**
 * Imports go one way. Each folder may import only the folders below it (its
 * own included); a violation names the importing file and what it imports.
 * The order is documented in automation/index.ts and components/README.md.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../..");
const FAMILIES = [
    "storage",
    "keyvault",
    "monitoring",
    "registry",
    "identity",
    "vm",
    "aml",
    "synapse",
    "aks",
    "eventhub",
    // Kubernetes objects only, no Azure resource: they run on any cluster, a test API server included.
    "kubernetes",
];

/** What each zone may import besides itself. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
    "components/common": [],
    ...Object.fromEntries(FAMILIES.map((f) => [`components/${f}`, ["components/common"]])),
    // A pool's placement is Kubernetes tolerations and labels, in the grammar kubernetes/ owns.
    "components/aks": ["components/common", "components/kubernetes"],
    // The platform composes the families that hold what a workspace needs.
    "components/aml": [
        "components/common",
        "components/storage",
        "components/keyvault",
        "components/monitoring",
        "components/registry",
    ],
    // The package entry: one namespace per family.
    components: ["components/*"],
    programs: ["components/*"],
    // Policy rules read resource inputs; they share the VM size and tag rules with the components.
    policy: ["components/common"],
    "automation/common": ["components/common"],
    "automation/spec": ["automation/common", "components/common"],
    "automation/stacks": ["automation/common", "components/common"],
    "automation/azure": ["automation/common", "components/common"],
    "automation/targets": [
        "automation/common",
        "automation/spec",
        "automation/stacks",
        "automation/targets/*",
        "components/common",
    ],
    "automation/targets/local": ["automation/common", "automation/spec", "automation/targets", "components/common"],
    // What the Azure ML targets share: the workspace, its datastore, the uploads. Not a target itself.
    // What the Azure ML targets share, waiting for their jobs included.
    "automation/targets/azureml": [
        "automation/common",
        "automation/spec",
        "automation/azure",
        "automation/targets",
        "components/common",
        "components/aml",
        "components/storage",
    ],
    "automation/targets/aml": [
        "automation/common",
        "automation/spec",
        "automation/azure",
        "automation/targets",
        "automation/targets/azureml",
        "components/common",
        "components/aml",
        "components/storage",
    ],
    "automation/targets/spark": [
        "automation/common",
        "automation/spec",
        "automation/azure",
        "automation/targets",
        "automation/targets/azureml",
        "components/common",
        "components/aml",
        "components/storage",
    ],
    "automation/run": [
        "automation/common",
        "automation/spec",
        "automation/stacks",
        "automation/targets",
        "components/common",
    ],
    "automation/schedule": ["automation/common", "automation/run", "automation/targets", "components/common"],
    "automation/sample": ["automation/common", "automation/targets/local"],
    // The offline plan runs programs (the catalog's) under mocks and checks them against the policy rules.
    "automation/plan": ["automation/common", "components/*", "policy", "programs"],
    "automation/cli": ["automation/*", "components/common"],
    automation: ["automation/*", "components/common"],
};

/** The zone of a file: the most specific key of ALLOWED its path starts with. */
function zoneOf(file: string): string | undefined {
    const relative = path.relative(ROOT, file).split(path.sep).join("/");
    return Object.keys(ALLOWED)
        .filter((zone) => relative.startsWith(`${zone}/`))
        .sort((a, b) => b.length - a.length)[0];
}

function allows(from: string, to: string): boolean {
    if (from === to) return true;
    return ALLOWED[from].some((rule) =>
        rule.endsWith("/*") ? to.startsWith(rule.slice(0, -1)) || to === rule.slice(0, -2) : to === rule,
    );
}

function sourceFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => path.join(e.parentPath, e.name));
}

/** Relative imports of a file (static, dynamic and type-only), resolved to files of the repository. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)"(\.[^"]+)"/g)].map((m) => m[1]);
    return specifiers.map((s) => {
        const target = path.resolve(path.dirname(file), s);
        return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, "index.ts");
    });
}

describe("layout: imports go one way", () => {
    const files = ["components", "programs", "automation", "policy"].flatMap((d) => sourceFiles(path.join(ROOT, d)));

    it("places every source file in a zone", () => {
        assert.deepEqual(
            files.filter((f) => zoneOf(f) === undefined).map((f) => path.relative(ROOT, f)),
            [],
        );
    });

    it("has no import against the order", () => {
        const violations: string[] = [];
        for (const file of files) {
            const from = zoneOf(file)!;
            for (const target of importsOf(file)) {
                const to = zoneOf(target);
                if (to === undefined || !allows(from, to)) {
                    violations.push(`${path.relative(ROOT, file)} → ${path.relative(ROOT, target)}`);
                }
            }
        }
        assert.deepEqual(violations, []);
    });

    it("sees the imports it checks (a check that finds no import would pass anything)", () => {
        const runner = path.join(ROOT, "automation/run/runner.ts");
        const seen = importsOf(runner).map((f) => path.relative(ROOT, f));
        assert.ok(seen.includes("automation/targets/index.ts"), seen.join(", "));
        assert.equal(allows("automation/targets/local", "automation/targets/aml"), false, "targets stay apart");
        assert.equal(allows("automation/targets/spark", "automation/targets/aml"), false, "targets stay apart");
        assert.equal(allows("automation/common", "automation/azure"), false, "the run's bookkeeping knows no Azure");
        assert.equal(allows("components/common", "automation/common"), false);
    });
});
