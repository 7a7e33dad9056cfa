/**
 * Engine defaults shared by the driver and the tests: where the CLI is, which
 * backend holds state, how secrets are encrypted, and the switches that keep
 * the engine offline. One place, so a test exercises exactly what users run.
 *
 * Nothing here mutates `process.env`: every setting travels in the workspace
 * options, so several engines with different backends can run in one process.
 */
import { LocalWorkspaceOptions, PulumiCommand } from "@pulumi/pulumi/automation";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PulumiCliMissingError } from "../common/errors";
import { defaultHome, isInstalledPackage, PROJECT_ROOT } from "../common/paths";

/** Where scripts/setup-pulumi.mjs puts this checkout's CLI and its plugins. */
export const PULUMI_DIR = path.join(PROJECT_ROOT, ".pulumi");

/**
 * The default `pulumiRoot`: `.pulumi` under `defaultHome()`, i.e. PULUMI_DIR
 * in a checkout, and the working directory's `.pulumi` (state and
 * passphrase; the CLI then comes from PATH) when installed as a dependency.
 */
export function defaultPulumiRoot(): string {
    return path.join(defaultHome(), ".pulumi");
}

export interface EngineSettings {
    /**
     * Optional. Backend URL: `file://<dir>`, `azblob://<container>`, or
     * `https://api.pulumi.com`. @default - `file://<pulumiRoot>/state`
     */
    readonly backendUrl?: string;
    /**
     * Optional. Passphrase of the passphrase secrets provider.
     * @default - `PULUMI_CONFIG_PASSPHRASE` or `PULUMI_CONFIG_PASSPHRASE_FILE` from the environment, else a
     * random passphrase generated once into `.pulumi/passphrase` (mode 0600)
     */
    readonly passphrase?: string;
    /**
     * Optional. Secrets provider of new stacks, e.g. `azurekeyvault://<vault>.vault.azure.net/keys/<key>` so a
     * team shares access through Key Vault RBAC instead of a passphrase. @default - the passphrase provider
     */
    readonly secretsProvider?: string;
    /**
     * Optional. Directory holding `bin/pulumi` (and by default the state and the passphrase).
     * @default - `defaultPulumiRoot()`: `<project>/.pulumi`, or `<cwd>/.pulumi` when installed as a dependency
     */
    readonly pulumiRoot?: string;
    /**
     * Optional. PULUMI_HOME (plugins, workspace settings).
     * @default - the `pulumiRoot` directory when it holds the CLI; else the CLI's own (`~/.pulumi`)
     */
    readonly pulumiHome?: string;
    /** Optional. Extra environment for the engine and the providers it starts. @default {} */
    readonly env?: Readonly<Record<string, string>>;
    /**
     * Optional. The CLI, already looked up with `pulumiCommand(settings)` from the same `pulumiRoot`.
     * Each lookup starts a `pulumi version` process, so a long-lived caller (a `Driver`, the CLI after its
     * preflight) looks it up once and passes it here instead of paying for one at every run.
     * @default - looked up in `<pulumiRoot>/bin` by every `workspaceOptions` call
     */
    readonly pulumiCommand?: PulumiCommand;
}

/** The default file backend: `state` under the pulumi root. */
export function defaultBackendUrl(root: string = defaultPulumiRoot()): string {
    return `file://${path.join(root, "state")}`;
}

/**
 * The passphrase for the local secrets provider. Reads the environment first;
 * otherwise keeps a random one in a private file, so state encrypted today can
 * be decrypted tomorrow without anyone typing a password.
 */
export function resolvePassphrase(settings: EngineSettings = {}, env: NodeJS.ProcessEnv = process.env): string {
    if (settings.passphrase !== undefined) return settings.passphrase;
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
    if (env.PULUMI_CONFIG_PASSPHRASE_FILE) return fs.readFileSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, "utf8").trim();
    const file = path.join(settings.pulumiRoot ?? defaultPulumiRoot(), "passphrase");
    try {
        return fs.readFileSync(file, "utf8").trim();
    } catch {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const passphrase = randomBytes(24).toString("base64url");
        // `wx` fails if another process created it first; then use theirs.
        try {
            fs.writeFileSync(file, `${passphrase}\n`, { mode: 0o600, flag: "wx" });
            return passphrase;
        } catch {
            return fs.readFileSync(file, "utf8").trim();
        }
    }
}

/** Makes sure a `file://` backend directory exists (the CLI does not create it). */
export function ensureBackend(backendUrl: string): void {
    if (backendUrl.startsWith("file://")) fs.mkdirSync(backendUrl.slice("file://".length), { recursive: true });
}

/** Environment the engine runs with. */
export function engineEnv(settings: EngineSettings = {}): Record<string, string> {
    const root = settings.pulumiRoot ?? defaultPulumiRoot();
    const bin = path.join(root, "bin");
    // Our CLI keeps its plugins beside it; a CLI found on PATH keeps its own home, where its plugins are.
    const home = settings.pulumiHome ?? (fs.existsSync(path.join(bin, "pulumi")) ? root : undefined);
    return {
        PATH: [bin, process.env.PATH ?? ""].join(path.delimiter),
        ...(home === undefined ? {} : { PULUMI_HOME: home }),
        PULUMI_BACKEND_URL: settings.backendUrl ?? defaultBackendUrl(root),
        PULUMI_CONFIG_PASSPHRASE: resolvePassphrase(settings),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        ...(settings.env ?? {}),
    };
}

/**
 * The CLI: the one in `<pulumiRoot>/bin`. In a checkout that is the
 * project's own build, never one from PATH that happens to be a different
 * version; installed as a dependency with no root given, the package brings
 * no CLI, so the user's `pulumi` on PATH is used.
 */
export async function pulumiCommand(settings: EngineSettings = {}): Promise<PulumiCommand> {
    const root = settings.pulumiRoot ?? defaultPulumiRoot();
    const fromPath = settings.pulumiRoot === undefined && isInstalledPackage(PROJECT_ROOT);
    if (!fromPath && !fs.existsSync(path.join(root, "bin", "pulumi"))) {
        throw new PulumiCliMissingError(root, new Error("no bin/pulumi"));
    }
    try {
        return await PulumiCommand.get(fromPath ? {} : { root });
    } catch (err) {
        throw new PulumiCliMissingError(fromPath ? undefined : root, err);
    }
}

/**
 * Options for `LocalWorkspace.create…` with the CLI, backend, secrets and offline switches set. Uses
 * `settings.pulumiCommand` when given, else looks the CLI up (one `pulumi version` process).
 */
export async function workspaceOptions(settings: EngineSettings = {}): Promise<LocalWorkspaceOptions> {
    const envVars = engineEnv(settings);
    ensureBackend(envVars.PULUMI_BACKEND_URL);
    return {
        pulumiCommand: settings.pulumiCommand ?? (await pulumiCommand(settings)),
        envVars,
        secretsProvider: settings.secretsProvider,
    };
}
