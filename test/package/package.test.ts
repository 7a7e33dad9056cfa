/**
 * The package as users get it: built, packed with `npm pack`, installed from
 * the tarball into a new Pulumi program outside the repository. The program
 * must type-check against the shipped declarations (old and new module
 * resolution), run under Pulumi mocks with a single Pulumi SDK, and the
 * installed `customai` command must start fast without loading the SDKs.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../automation/common/paths";
import { createConsumer, TSCONFIGS } from "./consumer";
import { run, succeeded } from "./run";

const TSC = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsc");

/** What `npm pack --json` reports of one tarball. */
interface Packed {
    readonly filename: string;
    readonly version: string;
    readonly size: number;
    readonly files: readonly { readonly path: string }[];
}

interface Registered {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
}

/** Folders directly under `dir` (the component families, for `components/`). */
function subfolders(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
}

/**
 * tsc's errors in the program and in this package's declarations. Errors
 * inside other packages' declarations are theirs: @azure/identity's types
 * reach @azure/msal-*, whose declarations need the DOM library and, under
 * node16, import an ES module from a CommonJS one.
 */
function ownDiagnostics(tscOutput: string): string[] {
    return tscOutput
        .split("\n")
        .filter((line) => /error TS\d+/.test(line))
        .filter((line) => !line.startsWith("node_modules/") || line.startsWith("node_modules/custom-ai-on-azure/"));
}

describe("the packed package, installed into a new Pulumi program", function () {
    let tmp: string;
    let consumer: string;
    let packed: Packed;

    before(async function () {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "customai-package-"));
        // Packing skips the lifecycle scripts (set-up and build), so the build runs here; it is a no-op when fresh.
        await succeeded("npm", ["run", "build"], { cwd: PROJECT_ROOT });
        const pack = await succeeded("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
            cwd: PROJECT_ROOT,
        });
        packed = (JSON.parse(pack.stdout) as Packed[])[0];
        consumer = path.join(tmp, "consumer");
        await createConsumer(consumer, path.join(tmp, packed.filename));
    });

    after(() => {
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("ships compiled code with declarations, the sample assets and the launcher; no sources or tests", () => {
        const files = new Set(packed.files.map((f) => f.path));
        const entries = [
            "components",
            "automation",
            ...subfolders(path.join(PROJECT_ROOT, "components")).map((f) => `components/${f}`),
        ];
        const sampleAssets = fs
            .readdirSync(path.join(PROJECT_ROOT, "automation", "sample"))
            .filter((f) => /\.(py|yml)$/.test(f))
            .map((f) => `automation/sample/${f}`);
        const expected = [
            "package.json",
            "README.md",
            "bin/customai.js",
            "dist/automation/cli/index.js",
            ...entries.flatMap((e) => [`dist/${e}/index.js`, `dist/${e}/index.d.ts`]),
            ...sampleAssets,
            "automation/sample/model/model.json",
            // What `customai plan <path>` reads, and the policy pack for `pulumi up --policy-pack`.
            ...["platform", "1-1", "2-2", "2-5"].map((p) => `programs/${p}/Pulumi.example.yaml`),
            "dist/automation/plan/plan.js",
            "dist/policy/pack.js",
            ...["analyzer", "index.js", "package.json", "PulumiPolicy.yaml"].map((f) => `policy/${f}`),
        ];
        assert.deepEqual(
            expected.filter((f) => !files.has(f)),
            [],
            "missing from the tarball",
        );
        const unwanted = [...files].filter(
            (f) =>
                (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
                f.endsWith(".tsbuildinfo") ||
                /^(dist\/)?(test|bench|examples|scripts|tools|\.pulumi|\.runs|node_modules)\//.test(f),
        );
        assert.deepEqual(unwanted, [], "in the tarball but not part of the package");
    });

    for (const [resolution, tsconfig] of Object.entries(TSCONFIGS)) {
        it(`type-checks a program importing the components, a family and the automation API (moduleResolution ${resolution})`, async () => {
            const ran = await run(TSC, ["-p", tsconfig, "--noEmit"], { cwd: consumer });
            const output = ran.stdout + ran.stderr;
            assert.deepEqual(ownDiagnostics(output), [], "errors in the program or in this package's declarations");
            assert.ok(ran.code === 0 || /error TS\d+/.test(output), `tsc exited ${ran.code}: ${output}`);
        });
    }

    it("runs the program under Pulumi mocks: the components register their resources", async () => {
        // Type-checked above; this only emits.
        await succeeded(TSC, ["-p", TSCONFIGS.node16, "--noCheck"], { cwd: consumer });
        const ran = await succeeded(process.execPath, ["run-with-mocks.js"], { cwd: consumer });
        const { resources, flags } = JSON.parse(ran.stdout) as {
            resources: Registered[];
            flags: Record<string, boolean>;
        };

        const component = resources.find((r) => r.type === "customai:storage:DataStorage");
        assert.ok(component, `no DataStorage component among ${resources.map((r) => r.type).join(", ")}`);
        assert.equal(component.custom, false);
        const accounts = resources.filter((r) => r.type === "azure-native:storage:StorageAccount");
        assert.equal(accounts.length, 1);
        assert.equal(accounts[0].inputs.resourceGroupName, "rg-consumer");
        assert.equal(accounts[0].inputs.allowSharedKeyAccess, false);
        assert.equal(accounts[0].inputs.minimumTlsVersion, "TLS1_2");
        assert.deepEqual(flags, { familyIsNamespace: true, driverLoads: true, runsInWorkingDirectory: true });
    });

    it("plans a path offline with the installed `customai plan`: its example config and the sample's files are shipped", async () => {
        const bin = path.join(consumer, "node_modules", ".bin", "customai");
        const out = path.join(tmp, "manifests");
        const ran = await succeeded(bin, ["plan", "2-2", "--json", "--out", out], { cwd: consumer });
        const plan = JSON.parse(ran.stdout) as {
            program: { configFile: string };
            resources: { type: string }[];
            cost: { monthly: number };
            policy: { mandatoryViolations: number };
        };
        const installed = path.join(consumer, "node_modules", "custom-ai-on-azure");
        assert.equal(plan.program.configFile, path.join(installed, "programs", "2-2", "Pulumi.example.yaml"));
        assert.ok(plan.resources.some((r) => r.type === "azure-native:machinelearningservices:BatchDeployment"));
        assert.ok(plan.cost.monthly > 0);
        assert.equal(plan.policy.mandatoryViolations, 0);
    });

    it("has exactly one @pulumi/pulumi, the program's own", async () => {
        const ls = await succeeded("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: consumer });
        const copies = [...new Set(ls.stdout.split("\n").filter((l) => l.includes("@pulumi")))];
        assert.deepEqual(copies, [path.join(consumer, "node_modules", "@pulumi", "pulumi")]);
    });

    it("installs a `customai` command whose --help loads neither the Pulumi nor the Azure SDKs", async () => {
        const bin = path.join(consumer, "node_modules", ".bin", "customai");
        const help = await succeeded(bin, ["--help"], { cwd: consumer });
        assert.match(help.stdout, /Usage: customai/);

        const loadedFile = path.join(tmp, "loaded-packages.json");
        await succeeded(process.execPath, ["--require", "./package-probe.js", bin, "--help"], {
            cwd: consumer,
            env: { LOADED_PACKAGES_FILE: loadedFile },
        });
        const loaded = JSON.parse(fs.readFileSync(loadedFile, "utf8")) as string[];
        assert.ok(loaded.includes("commander"), `the probe saw ${loaded.join(", ")}`);
        assert.deepEqual(
            loaded.filter((name) => /^@(pulumi|azure)\//.test(name)),
            [],
        );

        const version = await succeeded(bin, ["--version"], { cwd: consumer });
        assert.equal(version.stdout.trim(), packed.version, "the installed command finds its own package.json");
    });
});
