#!/usr/bin/env node
// Provides Node.js 24 (the current LTS) at .pulumi/node24/node_modules/.bin/node
// so the unit tests also run on it (`npm run test:unit:node24`), whatever
// Node.js runs npm. It comes from the npm package `node`, the one source that
// needs nothing beyond the npm registry. A Node.js 24 already there is reused.
//
// `test:unit:node24` starts it with --no-experimental-strip-types: ts-node then
// compiles the tests as it does on Node.js 20, and a test file that fails to
// load reports its own error rather than the one of Node's ESM fallback.
//
// Usage: node scripts/setup-node24.mjs [--quiet]

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PREFIX = path.join(ROOT, ".pulumi", "node24");
const NODE = path.join(PREFIX, "node_modules", ".bin", "node");
const MAJOR = "24";

const quiet = process.argv.includes("--quiet");
const log = (msg) => console.log(`[setup-node24] ${msg}`);

/** The version the binary reports when it is a working Node.js 24, else undefined. */
function installedVersion() {
    const out = spawnSync(NODE, ["--version"], { encoding: "utf8" });
    const version = out.status === 0 ? out.stdout.trim() : "";
    return version.startsWith(`v${MAJOR}.`) ? version : undefined;
}

/** npm's own one-line reason from its error output (not the code or the pointer to its log). */
function npmReason(stderr) {
    const lines = stderr.split("\n").map((l) => l.replace(/^npm error\s*/, "").trim());
    return lines.find((l) => l && !/^(code \S+|A complete log)/.test(l)) ?? "no error output";
}

function install() {
    fs.mkdirSync(PREFIX, { recursive: true });
    const out = spawnSync(
        "npm",
        ["install", "--prefix", PREFIX, "--no-audit", "--no-fund", "--prefer-offline", `node@${MAJOR}`],
        { encoding: "utf8" },
    );
    if (out.error) throw new Error(`npm install node@${MAJOR} could not start: ${out.error.message}`);
    if (out.status !== 0) {
        throw new Error(`npm install node@${MAJOR} failed (exit ${out.status}): ${npmReason(out.stderr)}`);
    }
}

try {
    let version = installedVersion();
    if (!version) {
        const started = Date.now();
        log(`installing node@${MAJOR} from the npm registry into ${path.relative(ROOT, PREFIX)} (~190 MB, once)`);
        install();
        version = installedVersion();
        if (!version) throw new Error(`the installed ${path.relative(ROOT, NODE)} does not run as Node.js ${MAJOR}`);
        log(`node ${version} ready in ${Math.round((Date.now() - started) / 1000)}s`);
    } else if (!quiet) {
        log(`node ${version} ready at ${path.relative(ROOT, NODE)}`);
    }
} catch (err) {
    console.error(`[setup-node24] error: ${err.message}`);
    process.exitCode = 1;
}
