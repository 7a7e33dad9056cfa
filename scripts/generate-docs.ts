/**
 * `npm run docs`: writes what the catalog and each path's CONFIG_SPEC
 * determine — each program's Pulumi.yaml, the config table of its README and
 * the paths table of the front README — then formats them with prettier.
 * Unit tests (test/unit/paths/project-files.test.ts) fail when they drift.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { PATHS } from "../programs/catalog";
import { configTable, pathsTable, projectFile, withGeneratedBlock } from "../programs/project-files";

const ROOT = path.join(__dirname, "..");

async function main(): Promise<void> {
    const written: string[] = [];
    const update = (file: string, edit: (text: string) => string) => {
        const before = fs.readFileSync(file, "utf8");
        const after = edit(before);
        if (after !== before) fs.writeFileSync(file, after);
        written.push(path.relative(ROOT, file));
    };
    for (const entry of PATHS) {
        const { CONFIG_SPEC } = await entry.load();
        const dir = path.join(ROOT, "programs", entry.id);
        const header =
            "# Generated from programs/catalog.ts and this program's CONFIG_SPEC: edit those, then run npm run docs.\n";
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            header + yaml.dump(projectFile(entry, CONFIG_SPEC), { lineWidth: 120 }),
        );
        written.push(path.relative(ROOT, path.join(dir, "Pulumi.yaml")));
        update(path.join(dir, "README.md"), (text) => withGeneratedBlock(text, "config", configTable(CONFIG_SPEC)));
    }
    update(path.join(ROOT, "README.md"), (text) => withGeneratedBlock(text, "paths", pathsTable(PATHS)));
    execFileSync(path.join(ROOT, "node_modules", ".bin", "prettier"), ["--write", ...written], {
        cwd: ROOT,
        stdio: "ignore",
    });
    console.log(`docs: ${written.join(", ")}`);
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
});
