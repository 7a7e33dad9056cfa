/** `customai run`: one batch on an ephemeral run stack; the record on stdout, progress on stderr. */
import { ValidationError } from "../../../components/common/validation";
import { Driver } from "../../run/driver";
import { RunSpec } from "../../targets";
import { CommandOf } from "../command";
import { CliIo, describeRecord, json, printProgress } from "../output";
import { preflight } from "./engine";

/** Resolves true when the run succeeded; rejects for an invalid spec or a missing CLI, before any run. */
export async function runCommand(cmd: CommandOf<"run">, io: CliIo, signal?: AbortSignal): Promise<boolean> {
    const options = { runsDir: cmd.global.runsDir, cwd: cmd.specDir };
    // Checked before the CLI lookup, so a bad spec is exit 2 even where the CLI is missing.
    const issues = new Driver(options).specIssues(cmd.spec);
    if (issues.length > 0) throw new ValidationError(issues, "run spec");
    const driver = new Driver({ ...options, engine: await preflight(cmd.global) });
    const record = await driver.run(cmd.spec as unknown as RunSpec, { signal, onEvent: printProgress(io) });
    io.out(
        cmd.global.json ? json(record) : `${describeRecord(record)}  record appended to ${driver.paths.recordsFile}\n`,
    );
    return record.status === "succeeded";
}
