/** Engine settings of a command line, shared by the commands that reach the engine. */
import { ValidationError } from "../../../components/common/validation";
import { Driver } from "../../run/driver";
import { EngineSettings, pulumiCommand } from "../../stacks/engine";
import { GlobalOptions, SpecInput } from "../command";

/** The engine settings the global options ask for. Pure. */
export function engineOf(global: GlobalOptions): EngineSettings {
    return { backendUrl: global.backendUrl, secretsProvider: global.secretsProvider };
}

/**
 * Looks the CLI up before a run, so a missing CLI exits 3 instead of ending
 * as a failed run record. The settings it returns carry the CLI found, so the
 * driver reuses it rather than starting `pulumi version` a second time.
 */
export async function preflight(global: GlobalOptions): Promise<EngineSettings> {
    const engine = engineOf(global);
    return { ...engine, pulumiCommand: await pulumiCommand(engine) };
}

/**
 * The driver of a command that runs `spec`: the spec is checked first, so a
 * bad spec is exit 2 even where the CLI is missing, then the CLI is looked up
 * (`preflight`).
 */
export async function driverFor(cmd: {
    readonly global: GlobalOptions;
    readonly spec: SpecInput;
    readonly specDir?: string;
}): Promise<Driver> {
    const options = { runsDir: cmd.global.runsDir, cwd: cmd.specDir };
    const issues = new Driver(options).specIssues(cmd.spec);
    if (issues.length > 0) throw new ValidationError(issues, "run spec");
    return new Driver({ ...options, engine: await preflight(cmd.global) });
}
