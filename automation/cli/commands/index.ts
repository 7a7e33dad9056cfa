/**
 * Runs a parsed command: the one dispatch from `CliCommand` to the command
 * modules. Each module is loaded when its command runs, so `--help` and the
 * light commands never load the engine.
 */
import { CliCommand } from "../command";
import { Outcome } from "../exit-codes";
import { CliIo, processIo } from "../output";

/** Runs a parsed command; resolves with its outcome, rejects with what went wrong before any run. */
export async function execute(cmd: CliCommand, io: CliIo = processIo, signal?: AbortSignal): Promise<Outcome> {
    let ok: boolean;
    switch (cmd.command) {
        case "info":
            io.out(cmd.text);
            return { kind: "succeeded" };
        case "run":
            ok = await (await import("./run")).runCommand(cmd, io, signal);
            break;
        case "sample":
            ok = await (await import("./sample")).sampleCommand(cmd, io, signal);
            break;
        case "schedule":
            ok = await (await import("./schedule")).scheduleCommand(cmd, io, signal);
            break;
        case "runs":
            ok = (await import("./runs")).runsCommand(cmd, io);
            break;
        case "reap":
            ok = await (await import("./reap")).reapCommand(cmd, io);
            break;
        case "plan":
            ok = await (await import("./plan")).planCommand(cmd, io);
            break;
    }
    return { kind: ok ? "succeeded" : "failed" };
}
