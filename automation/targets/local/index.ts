/**
 * The `local` target: the run stack holds only local resources (a work
 * directory with the run's description), and the job is a Python process
 * the driver starts during the wait phase: first `pip install --target` of
 * the workload's requirements into the work directory when it has any, then
 * the script. It needs no cloud account, which is why `npm start` and the
 * engine tests use it.
 *
 * Like every target module, this file loads only light modules at import
 * time: the registry is read by `customai --help`, which must not pay for the
 * engine SDK.
 */
import type { OutputMap } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import { filesUnder } from "../../../components/common/files";
import { RunOutputs } from "../../common/records";
import { ATTEMPT_ENV, configEnvironment, scriptArguments, secretEnvironment } from "../../spec";
import { JobResult, RunTarget, TargetContext } from "../types";
import { JobProcessResult, runJobProcess } from "./job-process";
import { LocalSection, localSpec, ResolvedLocalSection } from "./spec";

export * from "./spec";

type Context = TargetContext<ResolvedLocalSection>;

/** Environment variable naming the driver's pid: code that watches it can stop when the driver is gone. */
export const DRIVER_PID_ENV = "CUSTOMAI_DRIVER_PID";
/** Where requirements are installed, inside the run's work directory. */
export const SITE_PACKAGES = "site-packages";

/** The folder the job writes into. */
export const outputDirOf = (ctx: Pick<Context, "spec" | "localOutputDir">): string =>
    ctx.spec.outputs ?? ctx.localOutputDir;

/** The non-secret description of the run written into its work directory. Pure. */
export function runDescription(ctx: Context): Record<string, unknown> {
    const { spec } = ctx;
    return {
        runId: ctx.runId,
        stackName: ctx.stackName,
        series: spec.series,
        workload: spec.workload,
        outputs: outputDirOf(ctx),
        config: spec.config,
        // Names only: the values reach the job through its environment, never a file.
        secretNames: Object.keys(spec.secrets),
    };
}

/** The script's command line (after the Python executable). Pure. */
export function jobArgs(ctx: Context): string[] {
    const { workload } = ctx.spec;
    const local = (ref: (typeof workload.inputs)[string]) => {
        // The local target's spec rules admit local data only.
        if (ref.kind !== "local") throw new Error(`the local target cannot read ${JSON.stringify(ref)}`);
        return ref.path;
    };
    return [
        workload.code.script,
        ...scriptArguments(workload.code, {
            model: workload.model && local(workload.model),
            inputs: Object.fromEntries(Object.entries(workload.inputs).map(([name, ref]) => [name, local(ref)])),
            outputDir: outputDirOf(ctx),
        }),
    ];
}

/** The pip command that installs the requirements into the work directory. Pure. */
export function installArgs(ctx: Context): string[] | undefined {
    const requirements = ctx.spec.workload.code.requirements;
    if (requirements === undefined) return undefined;
    const target = path.join(ctx.workDir, SITE_PACKAGES);
    return ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", target, "-r", requirements];
}

/**
 * The job's environment: the driver's, plus config and secrets as variables,
 * the driver's pid, and the installed requirements and code folder on the
 * import path. Pure.
 */
export function jobEnv(ctx: Context, base: NodeJS.ProcessEnv, driverPid: number): Record<string, string | undefined> {
    const { code } = ctx.spec.workload;
    const importPath = [
        ...(code.requirements === undefined ? [] : [path.join(ctx.workDir, SITE_PACKAGES)]),
        ...(code.dir === undefined ? [] : [code.dir]),
        ...(base.PYTHONPATH ? [base.PYTHONPATH] : []),
    ];
    return {
        ...base,
        PYTHONUNBUFFERED: "1",
        ...(importPath.length > 0 ? { PYTHONPATH: importPath.join(path.delimiter) } : {}),
        // A pid rather than "my parent": python launchers (pyenv shims) may start the job after the driver is gone.
        [DRIVER_PID_ENV]: String(driverPid),
        [ATTEMPT_ENV]: String(ctx.attempt),
        ...configEnvironment(ctx.spec.config),
        ...secretEnvironment(ctx.spec.secrets),
    };
}

/** The detail a job status reports for a process that did not succeed. Pure. */
export function jobDetail(step: string, result: JobProcessResult, timeoutMinutes: number): string | undefined {
    switch (result.outcome) {
        case "timed-out":
            return `job timed out after ${timeoutMinutes} minute(s)`;
        case "failed":
            return `${step} exited with code ${result.exitCode}: ${result.stderrTail.join(" | ")}`;
        case "canceled":
            return "job canceled";
        default:
            return undefined;
    }
}

export const localTarget: RunTarget<LocalSection, ResolvedLocalSection> = {
    name: "local",
    description: "a Python process on this machine; the run stack holds its work directory",
    spec: localSpec,

    program(ctx) {
        return async () => {
            // Loaded with the program, so the registry (and `customai --help`) does not load the engine SDK.
            const { LocalDirectory } = await import("./local-resources");
            const dir = new LocalDirectory("workdir", {
                path: ctx.workDir,
                files: { "run.json": `${JSON.stringify(runDescription(ctx), null, 2)}\n` },
            });
            return { workDir: dir.path, outputDir: outputDirOf(ctx) };
        };
    },

    async wait(ctx, outputs: OutputMap): Promise<JobResult> {
        const outputDir = outputDirOf(ctx);
        fs.mkdirSync(outputDir, { recursive: true });
        const deadline = ctx.waitDeadline;
        const step = (args: string[]) =>
            runJobProcess({
                command: ctx.spec.section.python,
                args,
                cwd: String(outputs.workDir?.value ?? ctx.workDir),
                env: jobEnv(ctx, process.env, process.pid),
                timeoutMs: Math.max(0, deadline - Date.now()),
                signal: ctx.signal,
                onLine: ctx.onJobOutput,
            });
        ctx.onStatus("starting");
        const install = installArgs(ctx);
        if (install) {
            const installed = await step(install);
            if (installed.outcome !== "succeeded") {
                const detail = jobDetail("installing requirements", installed, ctx.spec.timeoutMinutes);
                ctx.onStatus(installed.outcome, detail);
                return { status: installed.outcome, detail };
            }
        }
        const started = step(jobArgs(ctx));
        ctx.onStatus("running");
        const result = await started;
        const detail = jobDetail("job", result, ctx.spec.timeoutMinutes);
        ctx.onStatus(result.outcome, detail);
        return { status: result.outcome, detail };
    },

    async collect(ctx): Promise<RunOutputs> {
        const location = outputDirOf(ctx);
        const files = filesUnder(location);
        const metricsPath = files.includes("metrics.json") ? path.join(location, "metrics.json") : undefined;
        const metrics = metricsPath
            ? (JSON.parse(await fs.promises.readFile(metricsPath, "utf8")) as Record<string, unknown>)
            : undefined;
        return {
            location,
            files,
            predictionsPath: files.includes("predictions.csv") ? path.join(location, "predictions.csv") : undefined,
            metricsPath,
            rowCount: typeof metrics?.rows === "number" ? metrics.rows : undefined,
            metrics,
        };
    },
};
