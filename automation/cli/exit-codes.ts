/**
 * How a command ends: the outcome of a command and the exit code it maps to.
 * The table lives once, in `EXIT_CODES_HELP` (printed by `--help`), and
 * `exitCodeFor` is its executable form.
 */
import { CommanderError } from "commander";
import * as os from "node:os";
import { ValidationError } from "../../components/common/validation";
import { InputError, PulumiCliMissingError } from "../common/errors";

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_ENVIRONMENT = 3;
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

/** The `--help` epilog; `exitCodeFor` is its executable form. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    a run failed or was aborted (schedule: any run or tick did); reap left stacks behind;
       plan: a mandatory policy failed, or the monthly estimate exceeds --budget
  2    usage error, invalid run spec, schedule or program config (the message names the flag or field)
  3    environment error: Pulumi CLI missing (npm run setup:pulumi)
  130  interrupted by SIGINT (Ctrl-C), after the run in progress tore its stack down
  143  stopped by SIGTERM, after the run in progress tore its stack down`;

/** How a command ended, before it becomes an exit code. */
export type Outcome =
    | { readonly kind: "succeeded" }
    /** A run failed or was aborted, a tick was rejected, or reap could not remove a stack. */
    | { readonly kind: "failed" }
    | { readonly kind: "interrupted"; readonly signal: NodeJS.Signals }
    | { readonly kind: "error"; readonly error: unknown };

/** Thrown for a command line that cannot be run. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** The exit code of an outcome (table in EXIT_CODES_HELP). Pure. */
export function exitCodeFor(outcome: Outcome): number {
    switch (outcome.kind) {
        case "succeeded":
            return EXIT_OK;
        case "failed":
            return EXIT_RUN_FAILED;
        case "interrupted":
            // The shell convention, 128 + signal number, so supervisors can tell the two apart.
            if (outcome.signal === "SIGINT") return EXIT_SIGINT;
            if (outcome.signal === "SIGTERM") return EXIT_SIGTERM;
            return 128 + (os.constants.signals[outcome.signal] ?? 0);
        case "error": {
            const { error } = outcome;
            if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
            if (error instanceof UsageError || error instanceof ValidationError || error instanceof InputError) {
                return EXIT_USAGE;
            }
            if (error instanceof PulumiCliMissingError) return EXIT_ENVIRONMENT;
            return EXIT_RUN_FAILED;
        }
    }
}
