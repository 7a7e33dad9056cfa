/**
 * Guards for the toolchain facts the project depends on: one copy of the
 * Pulumi SDK (two copies break inline programs), and the CLI in .pulumi/bin at
 * the version tools/pulumi-cli pins.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../automation/common/paths";
import { PULUMI_DIR } from "../../automation/stacks/engine";

function findPackageCopies(dir: string, name: string, found: string[] = []): string[] {
    const modules = path.join(dir, "node_modules");
    if (!fs.existsSync(modules)) return found;
    for (const entry of fs.readdirSync(modules)) {
        const scoped = entry.startsWith("@")
            ? fs.readdirSync(path.join(modules, entry)).map((e) => `${entry}/${e}`)
            : [entry];
        for (const pkg of scoped) {
            const pkgDir = path.join(modules, pkg);
            if (pkg === name) found.push(pkgDir);
            findPackageCopies(pkgDir, name, found);
        }
    }
    return found;
}

describe("toolchain", () => {
    it("has exactly one copy of @pulumi/pulumi in node_modules", () => {
        const copies = findPackageCopies(PROJECT_ROOT, "@pulumi/pulumi");
        assert.deepEqual(
            copies.map((c) => path.relative(PROJECT_ROOT, c)),
            [path.join("node_modules", "@pulumi", "pulumi")],
        );
    });

    it("provides the Pulumi CLI at the pinned version (or says where a PATH copy came from)", function () {
        const gomod = fs.readFileSync(path.join(PROJECT_ROOT, "tools/pulumi-cli/go.mod"), "utf8");
        const pinned = /github\.com\/pulumi\/pulumi\/pkg\/v3 v(\S+)/.exec(gomod)?.[1];
        assert.ok(pinned, "go.mod pins the CLI");
        const out = spawnSync(path.join(PULUMI_DIR, "bin", "pulumi"), ["version"], {
            encoding: "utf8",
            env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_HOME: PULUMI_DIR },
        });
        assert.equal(out.status, 0, `pulumi version failed: ${out.stderr}`);
        const source = JSON.parse(fs.readFileSync(path.join(PULUMI_DIR, "cli-source.json"), "utf8")) as {
            source: string;
        };
        if (source.source === "path") {
            // A CLI the user already had is accepted at its own version.
            assert.match(out.stdout.trim(), /^v3\.\d+\.\d+/);
        } else {
            assert.equal(out.stdout.trim(), `v${pinned}`);
        }
    });

    it("puts the dynamic-provider launcher beside the CLI, pointing at this project's SDK", () => {
        const shim = fs.readFileSync(path.join(PULUMI_DIR, "bin", "pulumi-resource-pulumi-nodejs"), "utf8");
        assert.ok(
            shim.includes(path.join(PROJECT_ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider")),
        );
    });
});
