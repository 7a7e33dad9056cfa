/** Engine settings of a command line, shared by the commands that reach the engine. */
import { EngineSettings, pulumiCommand } from "../../stacks/engine";
import { GlobalOptions } from "../command";

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
