#!/usr/bin/env node
// Provides what the Kubernetes engine tests (test/kubernetes) need, built from
// the Go module proxy like the Pulumi CLI:
//   - .pulumi/kube/bin/kube-apiserver and .pulumi/kube/bin/etcd, a real
//     Kubernetes API server and its store (tools/kube-testenv, pinned);
//   - the Pulumi Kubernetes provider plugin, registered in .pulumi/plugins
//     as the version the npm SDK asks for (tools/kubernetes-provider).
// Builds that match their pins are reused; GOCACHE makes a rebuild after a
// fresh clone quick. Without `go` it prints why and exits 1 (0 with
// --optional, and the tests say they are skipped).
//
// Usage: node scripts/setup-kube.mjs [--quiet] [--force] [--optional] [--help]

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { formatDuration, goBuild, moduleDir, run, goEnv, which } from "./lib/go-build.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const HOME = path.join(ROOT, ".pulumi");
const KUBE_BIN = path.join(HOME, "kube", "bin");
const STAMP = path.join(HOME, "kube", "build.json");
const TESTENV_MODULE = path.join(ROOT, "tools", "kube-testenv");
const PROVIDER_MODULE = path.join(ROOT, "tools", "kubernetes-provider");
const PROVIDER_SOURCE = "github.com/pulumi/pulumi-kubernetes/provider/v4";

const args = new Set(process.argv.slice(2));
const quiet = args.has("--quiet");
const force = args.has("--force");
const optional = args.has("--optional");

if (args.has("--help") || args.has("-h")) {
    console.log(`Usage: node scripts/setup-kube.mjs [--quiet] [--force] [--optional]

Builds, from the Go module proxy, a Kubernetes API server and etcd into
.pulumi/kube/bin (tools/kube-testenv) and the Pulumi Kubernetes provider into
.pulumi/plugins (tools/kubernetes-provider), for the Kubernetes engine tests.
  --quiet     print nothing when everything is already built
  --force     rebuild even when the builds match their pins
  --optional  exit 0 when Go is missing (the tests then skip and say why)`);
    process.exit(0);
}

const log = (msg) => console.log(`[setup-kube] ${msg}`);

/** The version of @pulumi/kubernetes in node_modules: the plugin version its resources ask the engine for. */
function sdkVersion() {
    const manifest = path.join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json");
    return JSON.parse(fs.readFileSync(manifest, "utf8")).version;
}

/** The provider release tools/kubernetes-provider builds (its go.mod says which). */
function providerRelease() {
    const gomod = fs.readFileSync(path.join(PROVIDER_MODULE, "go.mod"), "utf8");
    const match = /^\/\/ provider release: (\d+\.\d+\.\d+)$/m.exec(gomod);
    if (!match) throw new Error("tools/kubernetes-provider/go.mod does not name its provider release");
    return match[1];
}

/** Where the engine looks for a plugin of that version under PULUMI_HOME. */
function pluginPath(version) {
    return path.join(HOME, "plugins", `resource-kubernetes-v${version}`, "pulumi-resource-kubernetes");
}

/** What a build depends on: its module's pins and the SDK version it is registered as. */
function fingerprint(version) {
    const hash = crypto.createHash("sha256");
    for (const module of [TESTENV_MODULE, PROVIDER_MODULE]) {
        for (const file of ["go.mod", "go.sum", "main.go"]) {
            const full = path.join(module, file);
            if (fs.existsSync(full)) hash.update(fs.readFileSync(full));
        }
    }
    return hash.update(version).digest("hex").slice(0, 16);
}

function ready(version) {
    const binaries = [path.join(KUBE_BIN, "kube-apiserver"), path.join(KUBE_BIN, "etcd"), pluginPath(version)];
    if (!binaries.every((b) => fs.existsSync(b))) return false;
    const stamp = fs.existsSync(STAMP) ? JSON.parse(fs.readFileSync(STAMP, "utf8")) : {};
    return stamp.fingerprint === fingerprint(version);
}

/** The Kubernetes release tools/kube-testenv pins. */
function kubernetesRelease() {
    const gomod = fs.readFileSync(path.join(TESTENV_MODULE, "go.mod"), "utf8");
    // A line of the require block (`go mod tidy` keeps it there, marked indirect: the module only builds its tool).
    const match = /^\s*k8s\.io\/kubernetes v(\d+)\.(\d+)\.(\d+)(\s|$)/m.exec(gomod);
    if (!match) throw new Error("tools/kube-testenv/go.mod does not require k8s.io/kubernetes at a release");
    return { version: `v${match[1]}.${match[2]}.${match[3]}`, major: match[1], minor: match[2] };
}

async function buildTestEnv() {
    const started = Date.now();
    // The release's version stamp, which its own build sets: unstamped, the server reports v0.0.0,
    // and clients such as the Pulumi provider decide what the server supports from that.
    const release = kubernetesRelease();
    const stamp = "k8s.io/component-base/version";
    log("building kube-apiserver (first time: several minutes on 2 cores)");
    await goBuild({
        module: TESTENV_MODULE,
        packages: ["k8s.io/kubernetes/cmd/kube-apiserver"],
        outDir: KUBE_BIN,
        output: "kube-apiserver",
        ldflags: [
            `-X ${stamp}.gitVersion=${release.version}`,
            `-X ${stamp}.gitMajor=${release.major}`,
            `-X ${stamp}.gitMinor=${release.minor}`,
        ].join(" "),
        log,
    });
    log("building etcd");
    await goBuild({
        module: TESTENV_MODULE,
        packages: ["go.etcd.io/etcd/server/v3"],
        outDir: KUBE_BIN,
        output: "etcd",
        log,
    });
    return Math.round((Date.now() - started) / 1000);
}

/**
 * The provider command embeds its schema (with the release's version in it)
 * and its Terraform mapping as minified JSON that the upstream release build
 * generates; write both next to tools/kubernetes-provider/main.go.
 */
async function writeEmbeddedFiles(version) {
    await run("go", ["mod", "download", PROVIDER_SOURCE], { cwd: PROVIDER_MODULE, env: goEnv() });
    const command = path.join(moduleDir(PROVIDER_MODULE, PROVIDER_SOURCE), "cmd", "pulumi-resource-kubernetes");
    const schema = JSON.parse(fs.readFileSync(path.join(command, "schema.json"), "utf8"));
    schema.version = version;
    fs.writeFileSync(path.join(PROVIDER_MODULE, "schema-embed.json"), JSON.stringify(schema));
    const mapping = JSON.parse(fs.readFileSync(path.join(command, "terraform-mapping.json"), "utf8"));
    fs.writeFileSync(path.join(PROVIDER_MODULE, "terraform-mapping-embed.json"), JSON.stringify(mapping));
}

async function buildProvider(version) {
    log(`building the Kubernetes provider plugin ${version} (first time: several minutes on 2 cores)`);
    await writeEmbeddedFiles(version);
    const target = pluginPath(version);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    return goBuild({
        module: PROVIDER_MODULE,
        packages: ["."],
        outDir: path.dirname(target),
        output: path.basename(target),
        ldflags: `-X ${PROVIDER_SOURCE}/pkg/version.Version=${version}`,
        log,
    });
}

async function main() {
    const version = sdkVersion();
    const release = providerRelease();
    if (release !== version) {
        // Registering one release's provider under another's version would test a pairing nobody ships.
        throw new Error(
            `@pulumi/kubernetes is ${version} but tools/kubernetes-provider builds ${release}: pin them to the same release`,
        );
    }
    if (!force && ready(version)) {
        if (!quiet) log(`kube-apiserver, etcd and the Kubernetes provider ${version} are ready`);
        return;
    }
    if (!which("go")) {
        const reason = "no `go` on PATH: the Kubernetes API server, etcd and the provider plugin are built with Go";
        if (optional) {
            log(`skipped: ${reason}`);
            return;
        }
        throw new Error(reason);
    }
    fs.mkdirSync(KUBE_BIN, { recursive: true });
    const testEnvSeconds = await buildTestEnv();
    const providerSeconds = await buildProvider(version);
    fs.writeFileSync(
        STAMP,
        JSON.stringify(
            { fingerprint: fingerprint(version), testEnvSeconds, providerSeconds, at: new Date().toISOString() },
            null,
            2,
        ) + "\n",
    );
    log(
        `ready: kube-apiserver and etcd in ${formatDuration(testEnvSeconds * 1000)}, ` +
            `provider ${version} in ${formatDuration(providerSeconds * 1000)}`,
    );
}

main().catch((err) => {
    console.error(`[setup-kube] error: ${err.message}`);
    process.exitCode = 1;
});
