/**
 * A stack's config as the engine would hand it to a program, read from a
 * stack config file (`Pulumi.<stack>.yaml`) and `key=value` overrides.
 * Encrypted values cannot be read offline: they become a placeholder, still
 * marked secret, and the plan lists their keys.
 */
import * as fs from "node:fs";
import * as yaml from "js-yaml";
import { InputError } from "../common/errors";
import type { ProgramConfig } from "./engine";

/** What stands in for an encrypted config value offline. */
export const SECRET_CONFIG_PLACEHOLDER = "offline-plan-placeholder";

export interface StackConfig extends ProgramConfig {
    /** Keys whose encrypted values were replaced by the placeholder. */
    readonly placeholders: readonly string[];
}

/** `key` with the project's namespace when it has none, as the engine reads a stack file. Pure. */
export function qualifiedKey(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** A config document's values (`config:` of a stack file), as the engine passes them: strings, structured as JSON. Pure. */
export function configOfDocument(doc: unknown, project: string, where: string): StackConfig {
    const config = (doc as { config?: unknown } | null)?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new InputError(`${where}: "config" must be a map of keys to values`);
    }
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const placeholders: string[] = [];
    for (const [key, raw] of Object.entries(config as Record<string, unknown>)) {
        const fullKey = qualifiedKey(key, project);
        if (raw && typeof raw === "object" && "secure" in raw) {
            secretKeys.push(fullKey);
            placeholders.push(fullKey);
            values[fullKey] = SECRET_CONFIG_PLACEHOLDER;
        } else {
            values[fullKey] = typeof raw === "string" ? raw : JSON.stringify(raw);
        }
    }
    return { values, secretKeys, placeholders };
}

/** Reads a stack config file. */
export function readStackConfigFile(file: string, project: string): StackConfig {
    let doc: unknown;
    try {
        doc = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new InputError(`cannot read stack config ${file}: ${(err as Error).message}`);
    }
    return configOfDocument(doc, project, file);
}

/** `config` with `key=value` overrides applied (the value as given, like `pulumi config set`). Pure. */
export function withOverrides(config: StackConfig, overrides: readonly string[], project: string): StackConfig {
    const values = { ...config.values };
    for (const override of overrides) {
        const at = override.indexOf("=");
        if (at <= 0) throw new InputError(`config override ${JSON.stringify(override)}: expected key=value`);
        values[qualifiedKey(override.slice(0, at), project)] = override.slice(at + 1);
    }
    return { ...config, values };
}
