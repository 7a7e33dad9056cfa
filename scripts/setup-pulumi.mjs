#!/usr/bin/env node
// Provides the Pulumi CLI in .pulumi/bin, the one place the driver, the tests
// and the path programs look for it. Runs from this repository's own
// `npm install`/`npm ci` (the `prepare` script: npm does not run it when the
// package is installed from a registry or a tarball) and again, quickly,
// before `npm start` and `npm test`.
//
// Sources, in order:
//   1. a `pulumi` already on PATH (linked, not copied);
//   2. a build from the Go module proxy with tools/pulumi-cli (pinned version);
//   3. the official installer (PulumiCommand.install), where the internet is
//      reachable.
// A cached CLI of the pinned version is reused. When none of the three works
// the script prints one line saying why and exits 1.
//
// It also writes `pulumi-resource-pulumi-nodejs` beside the CLI so dynamic
// providers run from this project's node_modules without any download.
//
// Usage: node scripts/setup-pulumi.mjs [--quiet] [--force] [--help]

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { formatDuration, goBuild, which as whichOnPath } from "./lib/go-build.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HOME = path.join(ROOT, ".pulumi");
const BIN = path.join(HOME, "bin");
const CLI = path.join(BIN, "pulumi");
const STAMP = path.join(HOME, "cli-source.json");
const GO_MODULE = path.join(ROOT, "tools", "pulumi-cli");
const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";

const args = new Set(process.argv.slice(2));
const quiet = args.has("--quiet");
const force = args.has("--force");

if (args.has("--help") || args.has("-h")) {
    console.log(`Usage: node scripts/setup-pulumi.mjs [--quiet] [--force]

Puts the Pulumi CLI at .pulumi/bin/pulumi (pinned in tools/pulumi-cli/go.mod).
  --quiet  print nothing when the CLI is already in place
  --force  rebuild or relink even when a cached CLI is present
Environment:
  CUSTOMAI_PULUMI_SOURCE=path|go|installer  use only that source`);
    process.exit(0);
}

const log = (msg) => console.log(`[setup-pulumi] ${msg}`);
/** A command on PATH other than the one this script put in .pulumi/bin. */
const which = (name) => whichOnPath(name, BIN);

/** The pinned version lives in the Go module so the two can never disagree. */
function pinnedVersion() {
    const gomod = fs.readFileSync(path.join(GO_MODULE, "go.mod"), "utf8");
    const match = /github\.com\/pulumi\/pulumi\/pkg\/v3 v(\d+\.\d+\.\d+)/.exec(gomod);
    if (!match) throw new Error("tools/pulumi-cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3");
    return match[1];
}

function cliVersion(command) {
    const out = spawnSync(command, ["version"], {
        encoding: "utf8",
        env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_HOME: HOME },
    });
    if (out.status !== 0) return undefined;
    return out.stdout.trim().replace(/^v/, "") || undefined;
}

function writeDynamicProviderShim() {
    // The script shipped in @pulumi/pulumi resolves the SDK from the current
    // directory; ours points at this project's copy so it works from anywhere.
    const entry = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider");
    if (!fs.existsSync(entry)) {
        log("warning: node_modules/@pulumi/pulumi is missing; run npm install before using dynamic providers");
        return;
    }
    const shim = path.join(BIN, "pulumi-resource-pulumi-nodejs");
    const body = `#!/bin/sh\nexec node "${entry}" "$@"\n`;
    if (!fs.existsSync(shim) || fs.readFileSync(shim, "utf8") !== body) {
        fs.writeFileSync(shim, body, { mode: 0o755 });
    }
}

async function fromPath(version) {
    const found = which("pulumi");
    if (!found) return undefined;
    const have = cliVersion(found);
    if (!have) return undefined;
    fs.rmSync(CLI, { force: true });
    fs.symlinkSync(found, CLI);
    if (have !== version) log(`note: using pulumi ${have} from ${found} (the project pins ${version})`);
    return { source: "path", location: found, version: have };
}

async function fromGo(version) {
    if (!which("go")) return undefined;
    log(`building pulumi ${version} from the Go module proxy (first time: several minutes on 2 cores)`);
    const seconds = await goBuild({
        module: GO_MODULE,
        packages: [CLI_PACKAGE],
        outDir: BIN,
        output: "pulumi",
        tags: "osusergo,grpcnotrace",
        // Without the version stamp `pulumi version` prints nothing and the
        // Automation API refuses the CLI.
        ldflags: `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`,
        log,
    });
    log(`built in ${formatDuration(seconds * 1000)}`);
    return { source: "go", location: GO_MODULE, version, seconds };
}

async function fromInstaller(version) {
    let automation;
    try {
        automation = await import("@pulumi/pulumi/automation/index.js");
    } catch {
        return undefined;
    }
    const { SemVer } = await import("semver");
    log(`downloading pulumi ${version} with the official installer…`);
    await automation.PulumiCommand.install({ root: HOME, version: new SemVer(version) });
    return { source: "installer", location: "get.pulumi.com", version };
}

/**
 * `pulumi up` on a Pulumi.yaml program needs the Node.js language host. It is
 * linked when one is on PATH. It cannot be built like the CLI: its Go module
 * (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is
 * untagged and not served by the module proxy. The driver and the tests run
 * inline programs, which do not need it.
 */
function linkLanguageHost() {
    const target = path.join(BIN, "pulumi-language-nodejs");
    const found = which("pulumi-language-nodejs");
    if (found) {
        const current = fs.existsSync(target) && fs.lstatSync(target).isSymbolicLink() ? fs.readlinkSync(target) : "";
        if (current === found) return `linked ${found}`;
        fs.rmSync(target, { force: true });
        fs.symlinkSync(found, target);
        return `linked ${found}`;
    }
    if (fs.existsSync(target)) return "present";
    return "not available: `pulumi up` in programs/* needs a Pulumi install that ships it (inline programs, the driver and the tests do not)";
}

async function main() {
    const version = pinnedVersion();
    fs.mkdirSync(BIN, { recursive: true });
    writeDynamicProviderShim();

    if (!force && fs.existsSync(CLI)) {
        const have = cliVersion(CLI);
        const stamp = fs.existsSync(STAMP) ? JSON.parse(fs.readFileSync(STAMP, "utf8")) : {};
        // A CLI we built or downloaded must match the pin; one from PATH is the user's choice.
        if (have && (have === version || stamp.source === "path")) {
            // Also when Pulumi was installed after the CLI was provided: a language host on PATH gets linked now.
            const host = linkLanguageHost();
            if (!quiet)
                log(
                    `pulumi ${have} ready at ${path.relative(ROOT, CLI)}; language host pulumi-language-nodejs: ${host}`,
                );
            return;
        }
    }

    const only = process.env.CUSTOMAI_PULUMI_SOURCE;
    const sources = { path: fromPath, go: fromGo, installer: fromInstaller };
    const tried = [];
    for (const [name, provide] of Object.entries(sources)) {
        if (only && only !== name) continue;
        try {
            const result = await provide(version);
            if (!result) {
                tried.push(`${name}: not available`);
                continue;
            }
            const have = cliVersion(CLI);
            if (!have) throw new Error(`${CLI} does not run`);
            fs.writeFileSync(STAMP, JSON.stringify({ ...result, at: new Date().toISOString() }, null, 2) + "\n");
            log(`pulumi ${have} ready at ${path.relative(ROOT, CLI)} (source: ${name})`);
            log(`language host pulumi-language-nodejs: ${linkLanguageHost()}`);
            return;
        } catch (err) {
            tried.push(`${name}: ${err.message}`);
        }
    }
    throw new Error(`no Pulumi CLI could be provided (${tried.join("; ")})`);
}

main().catch((err) => {
    console.error(`[setup-pulumi] error: ${err.message}`);
    process.exitCode = 1;
});
