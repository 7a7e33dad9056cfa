/** `customai schedule`: runs on a cron schedule until `--max-runs` or a signal; tick lines or JSON lines on stdout. */
import { RunEvent } from "../../common/events";
import { ScheduleEvent, scheduleRuns } from "../../schedule/scheduler";
import { RunSpec } from "../../targets";
import { CommandOf } from "../command";
import { CliIo, printProgress, tickLine } from "../output";
import { driverFor } from "./engine";

/**
 * Resolves true when every run succeeded and no tick was rejected; rejects
 * for an invalid spec or a missing CLI, before the first tick.
 */
export async function scheduleCommand(cmd: CommandOf<"schedule">, io: CliIo, signal?: AbortSignal): Promise<boolean> {
    const driver = await driverFor(cmd);
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
        spec: cmd.spec as unknown as RunSpec,
        driver,
        signal,
        onEvent,
    });
    return result.failed === 0 && result.records.every((r) => r.status === "succeeded");
}
