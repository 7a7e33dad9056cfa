/**
 * Counts the CLI commands a lifecycle issues: a temporary Pulumi root whose
 * `bin/pulumi` is a wrapper that logs its first two arguments and then runs
 * the real CLI. Used outside the timed samples (the wrapper's shell costs a
 * few milliseconds per command), to explain where a difference comes from.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PULUMI_DIR } from "../../automation/stacks/engine";

export interface Census {
    /** A Pulumi root (`<root>/bin/pulumi` is the wrapper); pass it as `pulumiRoot`. */
    readonly pulumiRoot: string;
    /** Commands logged since the last call, e.g. `stack init`, `up`, in order. */
    take(): string[];
    dispose(): void;
}

export function createCensus(realRoot: string = PULUMI_DIR): Census {
    const pulumiRoot = fs.mkdtempSync(path.join(os.tmpdir(), "customai-census-"));
    const bin = path.join(pulumiRoot, "bin");
    const log = path.join(pulumiRoot, "commands.log");
    fs.mkdirSync(bin);
    fs.writeFileSync(
        path.join(bin, "pulumi"),
        `#!/bin/sh\nprintf '%s %s\\n' "$1" "$2" >> '${log}'\nexec '${path.join(realRoot, "bin", "pulumi")}' "$@"\n`,
        { mode: 0o755 },
    );
    // Dynamic providers are found next to the CLI (on PATH), so the provider shim must be there too.
    for (const entry of fs.readdirSync(path.join(realRoot, "bin"))) {
        if (entry !== "pulumi") fs.symlinkSync(path.join(realRoot, "bin", entry), path.join(bin, entry));
    }
    return {
        pulumiRoot,
        take() {
            const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
            fs.rmSync(log, { force: true });
            // `up --yes`, `stack init name`: keep the command words, drop flags and names.
            return lines.map((l) => {
                const [a, b] = l.split(" ");
                return a === "stack" || a === "config" ? `${a} ${b}` : a;
            });
        },
        dispose: () => fs.rmSync(pulumiRoot, { recursive: true, force: true }),
    };
}
