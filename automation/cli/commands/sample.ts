/** `customai sample` (and `npm start`): the sample workload, generated and run as `customai run` runs a spec. */
import * as path from "node:path";
import { runPaths } from "../../common/paths";
import { generateSample, sampleWorkload } from "../../sample/sample";
import { CommandOf } from "../command";
import { CliIo } from "../output";
import { runCommand } from "./run";

/** The sample's files are generated into the runs directory, so every run scores the same data. */
export async function sampleCommand(cmd: CommandOf<"sample">, io: CliIo, signal?: AbortSignal): Promise<boolean> {
    const { runsDir } = runPaths({ runsDir: cmd.global.runsDir });
    const sample = await generateSample(path.join(runsDir, "sample"), { rows: cmd.rows });
    io.err(`sample: ${sample.rows} rows and a model in ${path.dirname(sample.data)}\n`);
    const spec = {
        series: cmd.series,
        target: "local",
        timeoutMinutes: 10,
        workload: sampleWorkload(sample),
    };
    return runCommand({ command: "run", global: cmd.global, spec }, io, signal);
}
