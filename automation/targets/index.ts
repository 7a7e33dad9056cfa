/** The run targets by name. */
import { RunTargetName } from "../spec";
import { localTarget } from "./local";
import { RunTarget, TargetUnavailableError } from "./types";

export * from "./types";
export { localTarget } from "./local";

/** The target implementation for `name`; throws TargetUnavailableError for one this build cannot run. */
export function targetFor(name: RunTargetName): RunTarget {
    switch (name) {
        case "local":
            return localTarget;
        case "aml":
            // The spec is validated for aml, but submitting needs the azure-native provider plugin and
            // Azure credentials, neither of which this build can use yet.
            throw new TargetUnavailableError(name, "the aml run stack is not implemented yet (the spec validates)");
    }
}
