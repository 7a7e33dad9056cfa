/**
 * The `local` target: the run stack holds only local resources (a work
 * directory with the run's description), and the job is a `python3` process
 * that the driver starts during the wait phase. It needs no cloud account,
 * which is why `npm start` and the engine tests use it.
 */
import * as pulumi from "@pulumi/pulumi";
import { OutputMap } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import { runJobProcess } from "../job-process";
import { LocalDirectory } from "../local-resources";
import { RunOutputs } from "../records";
import { JobResult, RunTarget, TargetContext } from "./types";

/** Environment variable prefixes through which the job receives the spec's config and secrets. */
export const CONFIG_ENV_PREFIX = "CUSTOMAI_CONFIG_";
export const SECRET_ENV_PREFIX = "CUSTOMAI_SECRET_";

/** The non-secret description of the run written into its work directory. Pure. */
export function runDescription(ctx: TargetContext): Record<string, unknown> {
    const { spec } = ctx;
    return {
        runId: ctx.runId,
        stackName: ctx.stackName,
        series: spec.series,
        input: spec.input,
        model: spec.model,
        outputDir: ctx.outputDir,
        config: spec.config,
        // Names only: the values reach the job through its environment, never a file.
        secretNames: Object.keys(spec.secrets),
    };
}

/** The job's command line; `driverPid` is the process the job watches. Pure. */
export function jobArgs(ctx: TargetContext, driverPid: number): string[] {
    const { spec } = ctx;
    return [
        spec.script,
        "--model",
        spec.model,
        "--input",
        spec.input,
        "--output-dir",
        ctx.outputDir,
        "--wait-seconds",
        String(spec.waitSeconds),
        // If the driver is killed, the job stops too instead of running unowned. A pid rather than
        // "my parent", because python launchers (pyenv shims) may start it after the driver is gone.
        "--watch-pid",
        String(driverPid),
    ];
}

/** The job's environment: the driver's, plus config and secrets as variables. Pure. */
export function jobEnv(ctx: TargetContext, base: NodeJS.ProcessEnv): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = { ...base, PYTHONUNBUFFERED: "1" };
    for (const [key, value] of Object.entries(ctx.spec.config)) env[`${CONFIG_ENV_PREFIX}${key.toUpperCase()}`] = value;
    for (const [key, value] of Object.entries(ctx.spec.secrets))
        env[`${SECRET_ENV_PREFIX}${key.toUpperCase()}`] = value;
    return env;
}

export const localTarget: RunTarget = {
    program(ctx) {
        return async () => {
            const dir = new LocalDirectory("workdir", {
                path: ctx.workDir,
                files: { "run.json": `${JSON.stringify(runDescription(ctx), null, 2)}\n` },
            });
            return { workDir: dir.path, outputDir: pulumi.output(ctx.outputDir) };
        };
    },

    async wait(ctx, outputs: OutputMap): Promise<JobResult> {
        fs.mkdirSync(ctx.outputDir, { recursive: true });
        ctx.onStatus("starting");
        const started = runJobProcess({
            command: ctx.python,
            args: jobArgs(ctx, process.pid),
            cwd: String(outputs.workDir?.value ?? ctx.workDir),
            env: jobEnv(ctx, process.env),
            timeoutMs: ctx.spec.timeoutMinutes * 60_000,
            signal: ctx.signal,
            onLine: ctx.onJobOutput,
        });
        ctx.onStatus("running");
        const result = await started;
        const detail =
            result.outcome === "timed-out"
                ? `job timed out after ${ctx.spec.timeoutMinutes} minute(s)`
                : result.outcome === "failed"
                  ? `job exited with code ${result.exitCode}: ${result.stderrTail.join(" | ")}`
                  : result.outcome === "canceled"
                    ? "job canceled"
                    : undefined;
        ctx.onStatus(result.outcome, detail);
        return { status: result.outcome, detail };
    },

    async collect(ctx): Promise<RunOutputs> {
        const metricsPath = path.join(ctx.outputDir, "metrics.json");
        const predictionsPath = path.join(ctx.outputDir, "predictions.csv");
        const metrics = JSON.parse(await fs.promises.readFile(metricsPath, "utf8")) as Record<string, unknown>;
        if (!fs.existsSync(predictionsPath))
            throw new Error(`the job reported success but wrote no ${predictionsPath}`);
        return {
            predictionsPath,
            metricsPath,
            rowCount: typeof metrics.rows === "number" ? metrics.rows : undefined,
            metrics,
        };
    },
};
