/**
 * Runs a path program under Pulumi mocks with the config from its
 * `Pulumi.example.yaml`, so tests check the program users actually run.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ConfigChecks, ConfigSpec, ConfigValues, readConfig } from "../../components/common/config";
import { ValidationError } from "../../components/common/validation";
import { readStackConfigFile } from "../../automation/plan/stack-config";
import { MockRecorder, settle, useMocks } from "./mocks";

export interface ExampleConfig {
    /** Pulumi project name from the program's Pulumi.yaml. */
    readonly project: string;
    /** Fully qualified keys (`project:key`) → raw string values, as the engine passes them. */
    readonly values: Record<string, string>;
    /** Keys whose values are marked `secure:` in the file. */
    readonly secretKeys: string[];
}

/** Reads `Pulumi.yaml` and `Pulumi.example.yaml` of a program directory, as the offline plan reads a stack file. */
export function loadExampleConfig(programDir: string): ExampleConfig {
    const project = (yaml.load(fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    const { values, secretKeys } = readStackConfigFile(path.join(programDir, "Pulumi.example.yaml"), project);
    return { project, values: { ...values }, secretKeys: [...secretKeys] };
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

/** Raw config as the engine passes it: keys without the project, values as strings. */
export type RawConfig = Record<string, string>;

/** The program's whole check on raw config, as `pulumi up` runs it, without the engine. */
export function configCheck<S extends ConfigSpec>(
    spec: S,
    checks: ConfigChecks<S>,
): (raw: RawConfig) => ConfigValues<S> {
    return (raw) => readConfig((k) => raw[k], spec, { ...checks, present: Object.keys(raw) });
}

/** The fields the program's check refuses in raw config, in its order; none when it passes. */
export function configFaults<S extends ConfigSpec>(spec: S, checks: ConfigChecks<S>): (raw: RawConfig) => string[] {
    const check = configCheck(spec, checks);
    return (raw) => {
        try {
            check(raw);
            return [];
        } catch (err) {
            if (!(err instanceof ValidationError)) throw err;
            return [...err.fields];
        }
    };
}

/**
 * A value the program refuses: the key, the value, the pattern of the rule
 * broken; optionally the other keys it needs set to be read at all, and the
 * value as the message shows it when that is not the given text (a part of it).
 */
export type BadConfig = readonly [key: string, value: string, rule: RegExp, also?: RawConfig, shown?: string];

export interface RejectionChecks {
    /** Optional. How the message shows a value whose case names none. @default the value as given */
    readonly shown?: (value: string) => string;
    /** Optional. The issue names the key itself, never a part of it (`key.x`, `key[0]`). @default false */
    readonly wholeKey?: boolean;
}

/** A JSON value as a message shows its parts: without brackets and quotes. */
export const unquoted = (value: string): string => value.replace(/[[\]"]/g, "");

/**
 * One test per case that the program's check refuses it, and says so under
 * the key alone (or parts of it), with a rule matching the case's pattern and
 * the value, so a user can fix the config from the message.
 */
export function rejectsConfig<S extends ConfigSpec>(
    spec: S,
    checks: ConfigChecks<S>,
    cases: readonly BadConfig[],
    options: RejectionChecks = {},
): void {
    const check = configCheck(spec, checks);
    for (const [key, value, rule, also = {}, shown = (options.shown ?? String)(value)] of cases) {
        const context = Object.keys(also).length > 0 ? ` with ${Object.keys(also).join(", ")}` : "";
        it(`rejects ${key}=${value}${context}, naming the key, the rule and the value`, () => {
            assert.throws(
                () => check({ ...also, [key]: value }),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError, String(err));
                    const mine = err.issues.filter(
                        (i) => i.field === key || i.field.startsWith(`${key}.`) || i.field.startsWith(`${key}[`),
                    );
                    assert.ok(mine.length > 0, `no issue names ${key}: ${err.message}`);
                    assert.deepEqual(
                        err.fields.filter((f) => !mine.some((i) => i.field === f)),
                        [],
                        `only ${key} is at fault: ${err.message}`,
                    );
                    if (options.wholeKey) assert.deepEqual(err.fields, [key]);
                    assert.match(err.message, rule);
                    assert.ok(
                        mine.some((i) => rule.test(i.rule)),
                        `no rule of ${key} matches ${rule}: ${err.message}`,
                    );
                    assert.ok(err.message.includes(shown), `${err.message} does not show ${shown}`);
                    return true;
                },
            );
        });
    }
}
