/**
 * Errors as the driver reports them: one-line summaries of engine failures
 * for records and progress, and the error of a missing Pulumi CLI. Pure and
 * light, so the command line can load it without the engine.
 */
import * as path from "node:path";

/** The message of anything thrown. */
export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Wrapper lines the Automation API puts around the CLI's own output. */
const NOISE =
    /^(code: -?\d+|stdout:|stderr:|stderr: Command failed with exit code \d+: .*|Updating \(.*\):|Destroying \(.*\):)$/;

/**
 * One line for a record: the CLI's `error:` lines when there are any (its
 * stderr can be pages long), else the first meaningful lines; each line once
 * (the Automation API repeats the CLI's stderr in its `err?:` part). Pure.
 */
export function summarizeError(err: unknown): string {
    const lines = [
        ...new Set(
            errorMessage(err)
                .split("\n")
                // The first line of each stream follows the API's `stdout: ` or `stderr: ` label.
                .map((l) => l.trim().replace(/^(stdout|stderr): (?=\S)/, ""))
                .filter((l) => l.length > 0 && !NOISE.test(l)),
        ),
    ];
    const errors = lines.filter((l) => /^error:/i.test(l));
    return (errors.length > 0 ? errors.slice(0, 3) : lines.slice(0, 4)).join(" | ");
}

/** Thrown when the CLI is missing; says where it was looked for and how to get it. */
export class PulumiCliMissingError extends Error {
    /**
     * `root` is the folder whose `bin/` was searched, or undefined when the
     * CLI was looked up on PATH (the package installed as a dependency).
     */
    constructor(root: string | undefined, cause: unknown) {
        const where =
            root === undefined
                ? "on PATH: install it (https://www.pulumi.com/docs/install/) or pass engine.pulumiRoot"
                : `in ${path.join(root, "bin")}: run \`npm run setup:pulumi\``;
        super(`Pulumi CLI not found ${where} (${cause instanceof Error ? cause.message : String(cause)})`);
        this.name = "PulumiCliMissingError";
    }
}

/**
 * What a command was given cannot be used (a program that is not one, a
 * config file that cannot be read): the command line's fault, exit 2.
 */
export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}
