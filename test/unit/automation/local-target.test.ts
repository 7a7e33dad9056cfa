/**
 * The local target without the engine: the script's command line under the
 * workload contract, the job's environment, the requirements step, what
 * collect reports, and its rules on the spec.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    DRIVER_PID_ENV,
    installArgs,
    jobArgs,
    jobEnv,
    localTarget,
    ResolvedLocalSection,
    runDescription,
} from "../../../automation/targets/local";
import { resolvedSpec, targetContext } from "../../harness/run-targets";

describe("local target (pure)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "customai-local-"));
        fs.mkdirSync(path.join(dir, "code", "jobs"), { recursive: true });
        fs.writeFileSync(path.join(dir, "code", "jobs", "score.py"), "");
        fs.writeFileSync(path.join(dir, "requirements.txt"), "");
        fs.writeFileSync(path.join(dir, "data.csv"), "");
        fs.writeFileSync(path.join(dir, "model.json"), "{}");
        fs.mkdirSync(path.join(dir, "days"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function context(workload: Record<string, unknown>, extra: Record<string, unknown> = {}) {
        const input = { series: "s", target: "local", timeoutMinutes: 1, workload, ...extra };
        return targetContext(resolvedSpec<ResolvedLocalSection>(input, dir), "s-20261202T000000000Z", dir, {
            runId: "r",
            localOutputDir: path.join(dir, "runs-out"),
        });
    }

    it("calls the script with the model, each named input, the output folder, then the user's arguments", () => {
        const ctx = context({
            code: { dir: "code", script: "jobs/score.py", args: ["--threshold", "0.7"] },
            inputs: { data: "data.csv", days: "days" },
            model: "model.json",
        });
        assert.deepEqual(jobArgs(ctx), [
            path.join(dir, "code", "jobs", "score.py"),
            "--model",
            path.join(dir, "model.json"),
            "--data",
            path.join(dir, "data.csv"),
            "--days",
            path.join(dir, "days"),
            "--output-dir",
            path.join(dir, "runs-out"),
            "--threshold",
            "0.7",
        ]);
    });

    it("writes to the spec's outputs folder when it names one", () => {
        const ctx = context({ code: "code/jobs/score.py" }, { outputs: "mine" });
        assert.deepEqual(jobArgs(ctx).slice(-2), ["--output-dir", path.join(dir, "mine")]);
    });

    it("installs requirements into the work directory, and puts them and the code folder on the import path", () => {
        const ctx = context({ code: { dir: "code", script: "jobs/score.py", requirements: "requirements.txt" } });
        const site = path.join(dir, "work", "site-packages");
        assert.deepEqual(installArgs(ctx), [
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            site,
            "-r",
            path.join(dir, "requirements.txt"),
        ]);
        const env = jobEnv(ctx, { PATH: "/bin", PYTHONPATH: "/existing" }, 4242);
        assert.equal(env.PYTHONPATH, [site, path.join(dir, "code"), "/existing"].join(path.delimiter));
        assert.equal(env[DRIVER_PID_ENV], "4242");
        assert.equal(env.PATH, "/bin");
        assert.equal(installArgs(context({ code: "code/jobs/score.py" })), undefined, "no requirements, no step");
    });

    it("passes config and secrets as variables, and names only the secrets' keys in files", () => {
        const ctx = context(
            { code: "code/jobs/score.py" },
            { config: { region: "emea" }, secrets: { apiToken: "t0k" } },
        );
        const env = jobEnv(ctx, {}, 1);
        assert.equal(env.CUSTOMAI_CONFIG_REGION, "emea");
        assert.equal(env.CUSTOMAI_SECRET_APITOKEN, "t0k");
        assert.equal(env.PYTHONPATH, undefined, "nothing to add");
        // The run's description, written into its work directory: config values, secret names only.
        const description = runDescription(ctx);
        assert.deepEqual(description.config, { region: "emea" });
        assert.deepEqual(description.secretNames, ["apiToken"]);
        assert.ok(!JSON.stringify(description).includes("t0k"), "no secret value in the file");
    });

    it("collects the files written, with metrics and predictions when the job wrote them", async () => {
        const ctx = context({ code: "code/jobs/score.py" }, { outputs: "collected" });
        const out = path.join(dir, "collected");
        fs.mkdirSync(path.join(out, "parts"), { recursive: true });
        fs.writeFileSync(path.join(out, "parts", "p1.csv"), "");
        assert.deepEqual(await localTarget.collect(ctx, {}), {
            location: out,
            files: [path.join("parts", "p1.csv")],
            predictionsPath: undefined,
            metricsPath: undefined,
            rowCount: undefined,
            metrics: undefined,
        });
        fs.writeFileSync(path.join(out, "metrics.json"), '{"rows": 3}');
        fs.writeFileSync(path.join(out, "predictions.csv"), "");
        const collected = await localTarget.collect(ctx, {});
        assert.equal(collected.rowCount, 3);
        assert.equal(collected.predictionsPath, path.join(out, "predictions.csv"));
        assert.deepEqual(collected.metrics, { rows: 3 });
    });

    it("resolves a python path from the spec's folder, and leaves a command to PATH", () => {
        assert.equal(context({ code: "code/jobs/score.py" }).spec.section.python, "python3");
        const venv = context({ code: "code/jobs/score.py" }, { local: { python: ".venv/bin/python" } });
        assert.equal(venv.spec.section.python, path.join(dir, ".venv/bin/python"));
    });
});
