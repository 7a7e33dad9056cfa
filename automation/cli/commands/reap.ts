/** `customai reap`: destroys run stacks that started before a deadline. */
import { reap } from "../../run/reaper";
import { CommandOf } from "../command";
import { CliIo, json } from "../output";
import { engineOf } from "./engine";

/** Resolves true unless a stack could not be reaped. */
export async function reapCommand(cmd: CommandOf<"reap">, io: CliIo): Promise<boolean> {
    const olderThan = new Date(Date.now() - cmd.olderThanMinutes * 60_000);
    const result = await reap({
        olderThan,
        dryRun: cmd.dryRun,
        runsDir: cmd.global.runsDir,
        engine: engineOf(cmd.global),
    });
    if (cmd.global.json) {
        io.out(json({ olderThan: olderThan.toISOString(), dryRun: cmd.dryRun, ...result }));
    } else {
        if (result.reaped.length + result.skipped.length === 0) {
            io.out(`no run stack started before ${olderThan.toISOString()}\n`);
        }
        for (const name of result.reaped) io.out(`${cmd.dryRun ? "would reap" : "reaped"} ${name}\n`);
        for (const s of result.skipped) io.out(`skipped ${s.stackName}: ${s.reason}\n`);
    }
    return result.skipped.length === 0;
}
