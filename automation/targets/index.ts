/** The run targets by name. */
import { RunTargetName } from "../spec";
import { amlTarget } from "./aml";
import { localTarget } from "./local";
import { RunTarget } from "./types";

export * from "./types";
export { amlTarget, createAmlTarget } from "./aml";
export { localTarget } from "./local";

/** Target implementations by name that replace the built-in ones (see `RunnerOptions.targets`). */
export type RunTargetOverrides = Partial<Readonly<Record<RunTargetName, RunTarget>>>;

/**
 * The target implementation for `name`: the one in `overrides` if given, else
 * the built-in one.
 */
export function targetFor(name: RunTargetName, overrides: RunTargetOverrides = {}): RunTarget {
    const override = overrides[name];
    if (override) return override;
    switch (name) {
        case "local":
            return localTarget;
        case "aml":
            return amlTarget;
    }
}
