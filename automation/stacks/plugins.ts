/**
 * Provider plugins a run stack needs. The engine runs with automatic plugin
 * downloads off (the project's default: offline machines, reproducible runs),
 * so a target that needs a provider (the aml target: azure-native) gets it
 * installed explicitly, once per machine, before its first stack: an explicit
 * `pulumi plugin install` is allowed with automatic downloads off.
 */
import type { Workspace } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { summarizeError } from "../common/errors";

/** A plugin a target needs, at the version its SDK was generated for. */
export interface PluginRequirement {
    readonly name: string;
    /** Without the leading `v`, e.g. `3.28.0`. */
    readonly version: string;
    /** Optional. @default "resource" */
    readonly kind?: "resource" | "language";
}

/**
 * The engine's home, where it looks for plugins: PULUMI_HOME as the engine
 * gets it (its own environment, `envVars`, wins over the one it inherits from
 * this process), else the CLI's default `~/.pulumi`. Pure.
 */
export function engineHome(
    envVars: Readonly<Record<string, string>> | undefined,
    env: NodeJS.ProcessEnv = process.env,
    homedir: string = os.homedir(),
): string {
    return envVars?.PULUMI_HOME ?? env.PULUMI_HOME ?? path.join(homedir, ".pulumi");
}

/** Where the engine keeps a plugin: `<home>/plugins/<kind>-<name>-v<version>`. Pure. */
export function pluginDir(home: string, plugin: PluginRequirement): string {
    return path.join(home, "plugins", `${plugin.kind ?? "resource"}-${plugin.name}-v${plugin.version}`);
}

/** The plugins of `required` that are not installed under `home` (a look at the disk, no CLI started). */
export function missingPlugins(home: string, required: readonly PluginRequirement[]): PluginRequirement[] {
    return required.filter((plugin) => !fs.existsSync(pluginDir(home, plugin)));
}

/** Thrown when a needed plugin is neither installed nor installable; says what to do in one line. */
export class PluginMissingError extends Error {
    constructor(plugin: PluginRequirement, home: string, cause: unknown) {
        const kind = plugin.kind ?? "resource";
        const reason = summarizeError(cause);
        super(
            `the ${kind} plugin ${plugin.name} v${plugin.version} is not in ${path.join(home, "plugins")} and ` +
                `\`pulumi plugin install ${kind} ${plugin.name} v${plugin.version}\` failed (${reason || "no output"}); ` +
                "run it where the network reaches Pulumi's plugin downloads, with the same PULUMI_HOME",
        );
        this.name = "PluginMissingError";
    }
}

/**
 * Installs the plugins of `required` that `home` lacks, telling `onProgress`
 * before each download. Rejects with a PluginMissingError when one cannot be
 * installed.
 */
export async function ensurePlugins(
    workspace: Pick<Workspace, "installPlugin">,
    home: string,
    required: readonly PluginRequirement[],
    onProgress: (line: string) => void = () => undefined,
): Promise<void> {
    for (const plugin of missingPlugins(home, required)) {
        const kind = plugin.kind ?? "resource";
        onProgress(`installing the ${kind} plugin ${plugin.name} v${plugin.version} (once per machine)`);
        try {
            await workspace.installPlugin(plugin.name, `v${plugin.version}`, kind);
        } catch (err) {
            throw new PluginMissingError(plugin, home, err);
        }
    }
}
