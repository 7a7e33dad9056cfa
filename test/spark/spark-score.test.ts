/**
 * The Spark scoring script (automation/sample/spark_score.py) on a real local
 * Spark session: PySpark from the project's venv (.pulumi/pyspark-venv,
 * `node scripts/setup-pyspark.mjs`), `local[2]`, the input split into
 * several partitions. Its predictions must be the ones score.py writes for
 * the same data, row for row, and its metrics the same numbers. Skipped,
 * with the reason, when the venv or Java is missing.
 */
import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../..");
const SAMPLE = path.join(ROOT, "automation/sample");
const VENV_PYTHON = path.join(ROOT, ".pulumi/pyspark-venv/bin/python");
/** Small splits, so the 500-row sample is read as several partitions and scored in parallel. */
const SPLIT_BYTES = 4096;

/** Why Spark cannot run here, or undefined when it can. */
function sparkUnavailable(): string | undefined {
    if (!fs.existsSync(VENV_PYTHON)) return "no .pulumi/pyspark-venv: run node scripts/setup-pyspark.mjs";
    const pyspark = spawnSync(VENV_PYTHON, ["-c", "import pyspark"], { encoding: "utf8" });
    if (pyspark.status !== 0) return `the venv cannot import pyspark: ${pyspark.stderr.trim().split("\n").pop()}`;
    const java = spawnSync("java", ["-version"], { encoding: "utf8" });
    if (java.error || java.status !== 0) return "no `java` on PATH: Spark needs a Java runtime";
    return undefined;
}

interface SparkRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs spark_score.py with the venv's Python on a local[2] session. */
function sparkScore(cwd: string, args: string[]): SparkRun {
    const out = spawnSync(VENV_PYTHON, [path.join(SAMPLE, "spark_score.py"), ...args], {
        cwd,
        encoding: "utf8",
        env: {
            ...process.env,
            PYSPARK_PYTHON: VENV_PYTHON,
            PYSPARK_SUBMIT_ARGS: `--master local[2] --conf spark.sql.files.maxPartitionBytes=${SPLIT_BYTES} pyspark-shell`,
        },
    });
    return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** Rows of a CSV text without its header, sorted. */
function rowsOf(texts: string[]): string[] {
    return texts.flatMap((t) => t.trim().split("\n").slice(1)).sort();
}

describe("spark_score.py on a local Spark session", function () {
    let dir: string;
    let reason: string | undefined;

    before(function () {
        reason = sparkUnavailable();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "spark-score-"));
        execFileSync("python3", [path.join(SAMPLE, "generate.py"), "--out", dir, "--rows", "500", "--bad"]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    beforeEach(function () {
        if (reason) {
            console.log(`      skipped: ${reason}`);
            this.skip();
        }
    });

    it("scores partitions in parallel into the predictions and metrics score.py produces", function () {
        const model = path.join(dir, "model.json");
        const data = path.join(dir, "data.csv");
        const started = Date.now();
        const run = sparkScore(dir, ["--model", model, "--input", data, "--output-dir", path.join(dir, "spark")]);
        console.log(`      spark run: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        assert.equal(run.status, 0, run.stderr.slice(-2000));
        assert.match(run.stdout, /scored 500 rows/);

        execFileSync("python3", [
            path.join(SAMPLE, "score.py"),
            "--model",
            model,
            "--input",
            data,
            "--output-dir",
            path.join(dir, "reference"),
        ]);
        const predictions = path.join(dir, "spark", "predictions");
        const parts = fs.readdirSync(predictions).filter((f) => f.startsWith("part-") && f.endsWith(".csv"));
        assert.ok(parts.length > 1, `several partitions were scored (${parts.length} part files)`);
        const partTexts = parts.map((p) => fs.readFileSync(path.join(predictions, p), "utf8"));
        for (const text of partTexts) assert.equal(text.split("\n")[0], "id,score,prediction");
        const reference = fs.readFileSync(path.join(dir, "reference", "predictions.csv"), "utf8");
        const expected = rowsOf([reference]);
        assert.equal(expected.length, 500);
        assert.deepEqual(rowsOf(partTexts), expected, "the same id, score (6 decimals) and prediction for every row");

        const sparkMetrics = JSON.parse(fs.readFileSync(path.join(dir, "spark", "metrics.json"), "utf8"));
        const refMetrics = JSON.parse(fs.readFileSync(path.join(dir, "reference", "metrics.json"), "utf8"));
        for (const key of ["rows", "positiveRate", "accuracy", "labelledRows"]) {
            assert.equal(sparkMetrics[key], refMetrics[key], key);
        }
        // Summed in another order (per partition), the mean may differ in its last rounded digit at most.
        assert.ok(Math.abs(sparkMetrics.meanScore - refMetrics.meanScore) <= 1e-6, "meanScore");
        assert.equal(typeof sparkMetrics.scoringSeconds, "number");
    });

    it("fails with exit code 2 and names the missing column of a bad input", function () {
        const run = sparkScore(dir, [
            "--model",
            path.join(dir, "model.json"),
            "--input",
            path.join(dir, "bad.csv"),
            "--output-dir",
            path.join(dir, "bad-out"),
        ]);
        assert.equal(run.status, 2, run.stderr.slice(-2000));
        assert.match(run.stderr, /scoring failed: input is missing column\(s\) late_payments/);
        assert.ok(!fs.existsSync(path.join(dir, "bad-out", "metrics.json")), "no metrics for a failed run");
    });
});
