/**
 * The run targets by name. A new target is a folder beside `local/` and
 * `aml/` (its RunTarget, with its spec section) and one line in
 * BUILT_IN_TARGETS; the spec type, validation, the CLI's `--target` choices
 * and `--help` follow from this registry.
 */
import { GenericRunSpec, SpecSections } from "../spec";
import { amlTarget } from "./aml";
import { localTarget } from "./local";
import { sparkTarget } from "./spark";
import { RunTarget, SectionOf } from "./types";

export * from "./types";
export { amlTarget, createAmlTarget } from "./aml";
export { localTarget } from "./local";
export { createSparkTarget, sparkTarget } from "./spark";

/** The targets this package provides, by name (the key must equal the target's `name`). */
export const BUILT_IN_TARGETS = {
    local: localTarget,
    aml: amlTarget,
    spark: sparkTarget,
} as const;

/** Targets by name; `RunnerOptions.targets` adds to (or replaces in) the built-in ones. */
export type TargetRegistry = Readonly<Record<string, RunTarget>>;

/** The registry a run uses: the built-in targets, then `overrides` by name. */
export function targetRegistry(overrides: TargetRegistry = {}): TargetRegistry {
    const registry: Record<string, RunTarget> = { ...BUILT_IN_TARGETS };
    for (const [name, target] of Object.entries(overrides)) {
        if (target.name !== name) throw new Error(`target registered as ${name} is named ${target.name}`);
        registry[name] = target;
    }
    return registry;
}

/** The spec section handlers of a registry, for spec validation and resolution. */
export function specSections(registry: TargetRegistry): SpecSections {
    return Object.fromEntries(Object.entries(registry).map(([name, target]) => [name, target.spec]));
}

/** A run spec for the built-in targets: the generic fields, and each target's section under its name. */
export type RunSpec = GenericRunSpec & {
    readonly [K in keyof typeof BUILT_IN_TARGETS]?: SectionOf<(typeof BUILT_IN_TARGETS)[K]>;
};
