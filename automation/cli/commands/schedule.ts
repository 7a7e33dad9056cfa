/** `customai schedule`: runs on a cron schedule until `--max-runs` or a signal; tick lines or JSON lines on stdout. */
import { Driver } from "../../driver";
import { RunEvent } from "../../events";
import { ScheduleEvent, scheduleRuns } from "../../scheduler";
import { validateRunSpec } from "../../spec";
import { CommandOf } from "../command";
import { CliIo, printProgress, tickLine } from "../output";
import { preflight } from "./engine";

/**
 * Resolves true when every run succeeded and no tick was rejected; rejects
 * for an invalid spec or a missing CLI, before the first tick.
 */
export async function scheduleCommand(cmd: CommandOf<"schedule">, io: CliIo, signal?: AbortSignal): Promise<boolean> {
    const spec = validateRunSpec(cmd.spec);
    const engine = await preflight(cmd.global);
    const progress = printProgress(io);
    const onEvent = (event: ScheduleEvent) => {
        if (cmd.global.json) {
            // Engine and job output lines are for eyes, not for the event stream.
            if (event.type !== "engine-output" && event.type !== "job-output") io.out(`${JSON.stringify(event)}\n`);
            return;
        }
        const line = tickLine(event);
        if (line !== undefined) io.out(`${line}\n`);
        else progress(event as RunEvent);
    };
    const result = await scheduleRuns({
        cron: cmd.cron,
        timezone: cmd.timezone,
        maxRuns: cmd.maxRuns,
        spec,
        driver: new Driver({ runsDir: cmd.global.runsDir, engine }),
        signal,
        onEvent,
    });
    return result.failed === 0 && result.records.every((r) => r.status === "succeeded");
}
