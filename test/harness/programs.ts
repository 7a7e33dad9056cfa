/**
 * Runs a path program under Pulumi mocks with the config from its
 * `Pulumi.example.yaml`, so tests check the program users actually run.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { MockRecorder, settle, useMocks } from "./mocks";

export interface ExampleConfig {
    /** Pulumi project name from the program's Pulumi.yaml. */
    readonly project: string;
    /** Fully qualified keys (`project:key`) → raw string values, as the engine passes them. */
    readonly values: Record<string, string>;
    /** Keys whose values are marked `secure:` in the file. */
    readonly secretKeys: string[];
}

/** Reads `Pulumi.yaml` and `Pulumi.example.yaml` of a program directory. */
export function loadExampleConfig(programDir: string): ExampleConfig {
    const project = (yaml.load(fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    const doc = yaml.load(fs.readFileSync(path.join(programDir, "Pulumi.example.yaml"), "utf8")) as {
        config?: Record<string, unknown>;
    };
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, raw] of Object.entries(doc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        if (raw && typeof raw === "object" && "secure" in raw) {
            secretKeys.push(fullKey);
            values[fullKey] = "example-secret-value";
        } else {
            // The engine hands structured values to programs as JSON strings.
            values[fullKey] = typeof raw === "string" ? raw : JSON.stringify(raw);
        }
    }
    return { project, values, secretKeys };
}

export interface ProgramRun {
    readonly recorder: MockRecorder;
    /** The program's stack outputs, resolved. */
    readonly outputs: Record<string, unknown>;
    /** Output names whose values are secrets. */
    readonly secretOutputs: string[];
}

/**
 * Evaluates `program` under mocks with `config` (overrides replace single keys,
 * `undefined` removes one) and returns what it created and exported.
 */
export async function runProgram(
    program: () => Promise<Record<string, unknown>>,
    config: ExampleConfig,
    overrides: Record<string, string | undefined> = {},
    configureMocks?: (recorder: MockRecorder) => void,
): Promise<ProgramRun> {
    const recorder = await useMocks(config.project, "test");
    configureMocks?.(recorder);
    const values: Record<string, string> = { ...config.values };
    for (const [key, value] of Object.entries(overrides)) {
        const fullKey = key.includes(":") ? key : `${config.project}:${key}`;
        if (value === undefined) delete values[fullKey];
        else values[fullKey] = value;
    }
    pulumi.runtime.setAllConfig(values, config.secretKeys);
    const exported = await program();
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [name, value] of Object.entries(exported)) {
        if (pulumi.Output.isInstance(value)) {
            outputs[name] = await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve));
            if (await pulumi.isSecret(value as pulumi.Output<unknown>)) secretOutputs.push(name);
        } else {
            outputs[name] = value;
        }
    }
    await settle(recorder);
    return { recorder, outputs, secretOutputs };
}
