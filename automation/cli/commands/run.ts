/** `customai run`: one batch on an ephemeral run stack; the record on stdout, progress on stderr. */
import { Driver } from "../../driver";
import { validateRunSpec } from "../../spec";
import { CommandOf } from "../command";
import { CliIo, describeRecord, json, printProgress } from "../output";
import { preflight } from "./engine";

/** Resolves true when the run succeeded; rejects for an invalid spec or a missing CLI, before any run. */
export async function runCommand(cmd: CommandOf<"run">, io: CliIo, signal?: AbortSignal): Promise<boolean> {
    const spec = validateRunSpec(cmd.spec);
    const engine = await preflight(cmd.global);
    const driver = new Driver({ runsDir: cmd.global.runsDir, engine });
    const record = await driver.run(spec, { signal, onEvent: printProgress(io) });
    io.out(cmd.global.json ? json(record) : describeRecord(record));
    return record.status === "succeeded";
}
