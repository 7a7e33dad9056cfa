/** `customai run`: one batch on an ephemeral run stack; the record on stdout, progress on stderr. */
import { RunSpec } from "../../targets";
import { CommandOf } from "../command";
import { CliIo, describeRecord, json, printProgress } from "../output";
import { driverFor } from "./engine";

/** Resolves true when the run succeeded; rejects for an invalid spec or a missing CLI, before any run. */
export async function runCommand(cmd: CommandOf<"run">, io: CliIo, signal?: AbortSignal): Promise<boolean> {
    const driver = await driverFor(cmd);
    const record = await driver.run(cmd.spec as unknown as RunSpec, { signal, onEvent: printProgress(io) });
    io.out(
        cmd.global.json ? json(record) : `${describeRecord(record)}  record appended to ${driver.paths.recordsFile}\n`,
    );
    return record.status === "succeeded";
}
