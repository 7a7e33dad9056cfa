/** Runs a parsed command: the one dispatch from `CliCommand` to the command modules. */
import { CliCommand } from "../command";
import { Outcome } from "../exit-codes";
import { CliIo, processIo } from "../output";
import { reapCommand } from "./reap";
import { runCommand } from "./run";
import { runsCommand } from "./runs";
import { scheduleCommand } from "./schedule";

/** Runs a parsed command; resolves with its outcome, rejects with what went wrong before any run. */
export async function execute(cmd: CliCommand, io: CliIo = processIo, signal?: AbortSignal): Promise<Outcome> {
    let ok: boolean;
    switch (cmd.command) {
        case "info":
            io.out(cmd.text);
            return { kind: "succeeded" };
        case "run":
            ok = await runCommand(cmd, io, signal);
            break;
        case "schedule":
            ok = await scheduleCommand(cmd, io, signal);
            break;
        case "runs":
            ok = runsCommand(cmd, io);
            break;
        case "reap":
            ok = await reapCommand(cmd, io);
            break;
    }
    return { kind: ok ? "succeeded" : "failed" };
}
