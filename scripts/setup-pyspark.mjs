#!/usr/bin/env node
// Provides PySpark at .pulumi/pyspark-venv (a Python virtual environment of
// this checkout), so the Spark scoring script (automation/sample/spark_score.py)
// runs on a local Spark session in `npm run test:spark`. It comes from PyPI
// through the venv's own pip; Spark itself needs a Java runtime (17 works
// with PySpark 3.5). A venv that already has this PySpark version is reused.
//
// The version follows the Spark of the Azure runtimes the `spark` target
// submits to (3.4 and 3.5 lines); the script uses only APIs both have.
//
// Usage: node scripts/setup-pyspark.mjs [--quiet]
// Exit code 0 when PySpark is ready; 1 with a one-line reason otherwise.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const VENV = path.join(ROOT, ".pulumi", "pyspark-venv");
const PYTHON = path.join(VENV, "bin", "python");
const PYSPARK_VERSION = "3.5.3";

const quiet = process.argv.includes("--quiet");
const log = (msg) => console.log(`[setup-pyspark] ${msg}`);

/** The PySpark version the venv's Python imports, or undefined. */
function installedVersion() {
    if (!fs.existsSync(PYTHON)) return undefined;
    const out = spawnSync(PYTHON, ["-c", "import pyspark; print(pyspark.__version__)"], { encoding: "utf8" });
    return out.status === 0 ? out.stdout.trim() : undefined;
}

/** The last line a failed command wrote that says something. */
function reason(out) {
    const lines = `${out.stderr ?? ""}\n${out.stdout ?? ""}`.split("\n").map((l) => l.trim());
    return lines.reverse().find((l) => l.length > 0) ?? "no output";
}

function run(command, args, what) {
    const out = spawnSync(command, args, { encoding: "utf8" });
    if (out.error) throw new Error(`${what} could not start: ${out.error.message}`);
    if (out.status !== 0) throw new Error(`${what} failed (exit ${out.status}): ${reason(out)}`);
}

function javaVersion() {
    const out = spawnSync("java", ["-version"], { encoding: "utf8" });
    if (out.error || out.status !== 0) return undefined;
    return (/version "([^"]+)"/.exec(out.stderr) ?? [])[1] ?? "unknown";
}

try {
    const java = javaVersion();
    if (!java) throw new Error("no `java` on PATH: Spark needs a Java runtime (e.g. OpenJDK 17)");
    let version = installedVersion();
    if (version !== PYSPARK_VERSION) {
        const started = Date.now();
        log(`installing pyspark==${PYSPARK_VERSION} from PyPI into ${path.relative(ROOT, VENV)} (~370 MB, once)`);
        if (!fs.existsSync(PYTHON)) run("python3", ["-m", "venv", VENV], "python3 -m venv");
        run(
            PYTHON,
            ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pyspark==${PYSPARK_VERSION}`],
            `pip install pyspark==${PYSPARK_VERSION}`,
        );
        version = installedVersion();
        if (version !== PYSPARK_VERSION) {
            throw new Error(`the venv imports pyspark ${version ?? "(none)"}, not ${PYSPARK_VERSION}`);
        }
        log(`pyspark ${version} (java ${java}) ready in ${Math.round((Date.now() - started) / 1000)}s`);
    } else if (!quiet) {
        log(`pyspark ${version} (java ${java}) ready at ${path.relative(ROOT, VENV)}`);
    }
} catch (err) {
    console.error(`[setup-pyspark] error: ${err.message}`);
    process.exitCode = 1;
}
