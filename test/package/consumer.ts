/**
 * A new Pulumi TypeScript program, as a user would start one, with the packed
 * package installed from its tarball: the program imports the public entry
 * points (the component namespaces, a family, the automation API), and two
 * small scripts run it under Pulumi mocks and watch what the `customai`
 * command loads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../automation/common/paths";
import { succeeded } from "./run";

/** The program. Its exported booleans are checked at run time; the rest must type-check. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { aml, storage } from "custom-ai-on-azure/components";
import { ComputeCluster } from "custom-ai-on-azure/components/aml";
import { Driver, RunSpec, runPaths } from "custom-ai-on-azure/automation";
import * as path from "node:path";

const config = new pulumi.Config();
const data = new storage.DataStorage("data", {
    resourceGroupName: config.get("resourceGroupName") ?? "rg-consumer",
});

export const accountName = data.accountName;
// A family entry and the namespace must be one module, or instanceof and aliases break.
export const familyIsNamespace = ComputeCluster === aml.ComputeCluster;
export const driverLoads = typeof Driver === "function";
// Installed as a dependency, the driver keeps its runs in the user's working directory, not in node_modules.
export const runsInWorkingDirectory = runPaths().runsDir === path.join(process.cwd(), ".runs");

export const nightly: RunSpec = {
    series: "nightly-score",
    target: "local",
    timeoutMinutes: 30,
    workload: { code: "score.py", inputs: { data: "data.csv" } },
    local: { python: "python3" },
};
// @ts-expect-error -- a string where a number goes: the declarations carry real types, not any.
export const wrongType: RunSpec = { ...nightly, timeoutMinutes: "30" };
`;

/** Runs the compiled program under mocks; prints the registered resources and the program's booleans as JSON. */
const RUN_WITH_MOCKS = `"use strict";
const pulumi = require("@pulumi/pulumi");
// The SDK's own wait for outstanding registrations (the public API awaits single outputs only).
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings");

const resources = [];
const mocks = {
    newResource: (args) => {
        resources.push({ type: args.type, name: args.name, custom: args.custom, inputs: args.inputs });
        return { id: args.name + "-id", state: args.inputs };
    },
    call: (args) => {
        throw new Error("unexpected invoke " + args.token);
    },
};

async function main() {
    await pulumi.runtime.setMocks(mocks, "consumer", "test", false);
    const program = require("./bin/index.js");
    await waitForRPCs();
    await new Promise((resolve) => setImmediate(resolve));
    await waitForRPCs();
    const flags = Object.fromEntries(Object.entries(program).filter(([, v]) => typeof v === "boolean"));
    console.log(JSON.stringify({ resources, flags }));
}
main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
`;

/** Preloaded into a command: at exit, writes the names of the packages it loaded to $LOADED_PACKAGES_FILE. */
const PACKAGE_PROBE = `"use strict";
const fs = require("node:fs");
process.on("exit", () => {
    const names = new Set();
    for (const file of Object.keys(require.cache)) {
        const found = [...file.matchAll(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/g)].pop();
        if (found) names.add(found[1]);
    }
    fs.writeFileSync(process.env.LOADED_PACKAGES_FILE, JSON.stringify([...names].sort()));
});
`;

const COMPILER_OPTIONS = {
    target: "ES2022",
    lib: ["ES2022"],
    strict: true,
    outDir: "bin",
    // As in Pulumi's TypeScript template: the package's declarations are checked too.
    skipLibCheck: false,
};

/** The consumer tsconfig files, by module resolution. */
export const TSCONFIGS = {
    node16: "tsconfig.json",
    node: "tsconfig.node.json",
} as const;

const FILES: Readonly<Record<string, string>> = {
    "Pulumi.yaml": "name: consumer\nruntime: nodejs\ndescription: A program built on custom-ai-on-azure\n",
    "index.ts": PROGRAM,
    [TSCONFIGS.node16]: json({
        compilerOptions: { ...COMPILER_OPTIONS, module: "node16", moduleResolution: "node16" },
        files: ["index.ts"],
    }),
    // The resolution of older TypeScript programs: it ignores `exports` and relies on `typesVersions`.
    [TSCONFIGS.node]: json({
        extends: `./${TSCONFIGS.node16}`,
        compilerOptions: { module: "commonjs", moduleResolution: "node" },
    }),
    "run-with-mocks.js": RUN_WITH_MOCKS,
    "package-probe.js": PACKAGE_PROBE,
};

function json(value: unknown): string {
    return JSON.stringify(value, null, 2) + "\n";
}

/** Version of a package installed in this repository. */
export function installedVersion(name: string): string {
    const file = path.join(PROJECT_ROOT, "node_modules", name, "package.json");
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/**
 * Creates the program in `dir` and installs the tarball with what a user adds
 * beside it: the Pulumi SDK (a peer dependency) at this repository's version
 * and the Node.js types.
 */
export async function createConsumer(dir: string, tarball: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
        path.join(dir, "package.json"),
        json({ name: "consumer", version: "1.0.0", main: "bin/index.js" }),
    );
    await succeeded(
        "npm",
        [
            "install",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            tarball,
            `@pulumi/pulumi@${installedVersion("@pulumi/pulumi")}`,
            `@types/node@${installedVersion("@types/node")}`,
        ],
        { cwd: dir },
    );
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
}
