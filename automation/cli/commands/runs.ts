/** `customai runs` (alias `records`): run history from the records file, oldest first. */
import { readRecords } from "../../common/records";
import { runPaths } from "../../common/paths";
import { CommandOf } from "../command";
import { CliIo, json, seconds } from "../output";

/** Prints the matching records; always succeeds (a missing records file is an empty history). */
export function runsCommand(cmd: CommandOf<"runs">, io: CliIo): boolean {
    const file = runPaths({ runsDir: cmd.global.runsDir }).recordsFile;
    const records = readRecords(file)
        .filter((r) => cmd.series === undefined || r.series === cmd.series)
        .filter((r) => cmd.status === undefined || r.status === cmd.status)
        .slice(-cmd.tail);
    if (cmd.global.json) {
        io.out(json(records));
        return true;
    }
    if (records.length === 0) io.out(`no matching runs in ${file}\n`);
    for (const r of records) {
        const columns = [r.startedAt, r.series.padEnd(16), r.status.padEnd(9), seconds(r.durationMs).padStart(8)];
        io.out(`${[...columns, r.stackName, r.error ?? ""].join("  ").trimEnd()}\n`);
    }
    return true;
}
