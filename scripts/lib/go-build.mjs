// Building a Go command from one of this project's pinned modules (tools/*)
// through the Go module proxy, with a progress line every 15 seconds: the
// first build of a large command takes minutes on a small machine, and a
// silent install looks hung. Used by setup-pulumi.mjs and setup-kube.mjs.

import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { clearInterval, setInterval } from "node:timers";

/** The first executable called `name` on PATH, skipping `skipDir`. */
export function which(name, skipDir) {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (!dir || (skipDir && path.resolve(dir) === skipDir)) continue;
        const candidate = path.join(dir, name);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            /* not in this directory */
        }
    }
    return undefined;
}

export function formatDuration(ms) {
    const s = Math.round(ms / 1000);
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Runs a command; rejects with the last lines of its stderr when it fails. */
export function run(command, argv, options = {}) {
    return new Promise((resolve, reject) => {
        const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"], ...options });
        let stderr = "";
        child.stdout.on("data", (d) => options.onLine?.(d.toString()));
        child.stderr.on("data", (d) => {
            const text = d.toString();
            stderr += text;
            if (stderr.length > 20000) stderr = stderr.slice(-20000);
            options.onLine?.(text);
        });
        child.on("error", reject);
        child.on("close", (code) =>
            code === 0
                ? resolve()
                : reject(
                      new Error(
                          `${command} ${argv[0]} failed (exit ${code}): ${stderr.trim().split("\n").slice(-5).join(" | ")}`,
                      ),
                  ),
        );
    });
}

/** The environment of every build: static binaries, the module's go.sum as the only truth. */
export function goEnv() {
    return { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=readonly -buildvcs=false" };
}

/** The folder a module required by `moduleDir` was downloaded to. */
export function moduleDir(moduleDir, modulePath) {
    const out = spawnSync("go", ["list", "-m", "-f", "{{.Dir}}", modulePath], {
        cwd: moduleDir,
        env: goEnv(),
        encoding: "utf8",
    });
    if (out.status !== 0 || !out.stdout.trim()) throw new Error(`go list -m ${modulePath}: ${out.stderr.trim()}`);
    return out.stdout.trim();
}

/**
 * Builds `packages` of the Go module in `module` into `outDir` (one binary
 * per package, named after its last path element, or `output` for a single
 * package). Writes to a temporary name first so an interrupted build never
 * leaves a half-written binary where a cached one is looked for.
 *
 * @param {{ module: string, packages: string[], outDir: string, output?: string, tags?: string, ldflags?: string, log: (msg: string) => void }} options
 * @returns {Promise<number>} seconds the download and build took
 */
export async function goBuild({ module, packages, outDir, output, tags, ldflags, log }) {
    const started = Date.now();
    const env = goEnv();
    log("downloading modules…");
    await run("go", ["mod", "download"], { cwd: module, env });
    const list = spawnSync("go", ["list", "-deps", ...packages], {
        cwd: module,
        env,
        encoding: "utf8",
        maxBuffer: 64 << 20,
    });
    const total = list.status === 0 ? list.stdout.split("\n").filter(Boolean).length : 0;
    let compiled = 0;
    let lastReport = Date.now();
    const report = () => {
        const share = total ? ` of ${total} (${Math.round((100 * compiled) / total)}%)` : "";
        log(`compiled ${compiled} packages${share}, ${formatDuration(Date.now() - started)} elapsed`);
        lastReport = Date.now();
    };
    const timer = setInterval(report, 15000);
    const staging = fs.mkdtempSync(path.join(outDir, ".build-"));
    try {
        const flags = ["build", "-v", "-trimpath"];
        if (tags) flags.push("-tags", tags);
        flags.push("-ldflags", `-s -w${ldflags ? ` ${ldflags}` : ""}`);
        flags.push("-o", output ? path.join(staging, output) : `${staging}${path.sep}`, ...packages);
        await run("go", flags, {
            cwd: module,
            env,
            onLine: (text) => {
                compiled += text.split("\n").filter((l) => l && !l.startsWith("go:")).length;
                if (Date.now() - lastReport > 15000) report();
            },
        });
        for (const name of fs.readdirSync(staging)) fs.renameSync(path.join(staging, name), path.join(outDir, name));
    } finally {
        clearInterval(timer);
        fs.rmSync(staging, { recursive: true, force: true });
    }
    return Math.round((Date.now() - started) / 1000);
}
