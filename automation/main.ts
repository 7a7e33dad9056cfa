/**
 * `npm start`: a nightly-style batch run of the sample workload on the local
 * target. Prints each phase as it finishes, then the result and where the
 * record went; leaves no run stack behind. Ctrl-C aborts the run (the stack
 * is still destroyed). Sets process.exitCode; never calls process.exit.
 *
 * Environment: PULUMI_BACKEND_URL (default: the project's file backend),
 * CUSTOMAI_RUNS_DIR (default: <project>/.runs), CUSTOMAI_SERIES (default: nightly-sample).
 */
import * as path from "node:path";
import { Driver } from "./driver";
import { RunEvent } from "./events";
import { DEFAULT_RUNS_DIR } from "./records";
import { generateSample } from "./sample/sample";

function progress(event: RunEvent): void {
    if (event.type === "phase-finished") {
        console.log(`  ${event.ok ? "✓" : "✗"} ${event.phase.padEnd(10)} ${(event.durationMs / 1000).toFixed(2)} s`);
    } else if (event.type === "job-status") {
        console.log(`    job ${event.status}${event.detail ? `: ${event.detail}` : ""}`);
    } else if (event.type === "retry") {
        console.log(
            `    retrying ${event.phase} (attempt ${event.attempt + 1} in ${event.delayMs} ms): ${event.error}`,
        );
    }
}

async function main(): Promise<void> {
    const runsDir = process.env.CUSTOMAI_RUNS_DIR ?? DEFAULT_RUNS_DIR;
    const series = process.env.CUSTOMAI_SERIES ?? "nightly-sample";
    const sample = await generateSample(path.join(runsDir, "sample"), { rows: 500, seed: 42 });
    const driver = new Driver({ runsDir, engine: { backendUrl: process.env.PULUMI_BACKEND_URL } });
    const abort = new AbortController();
    // `on`, not `once`: with no listener left, a second Ctrl-C would kill the process mid-destroy and leave
    // the stack to the next run's recovery.
    const onSigint = () => {
        console.log(
            abort.signal.aborted
                ? "\nstill destroying the run stack..."
                : "\naborting: the run stack will still be destroyed",
        );
        abort.abort();
    };
    process.on("SIGINT", onSigint);

    console.log(`batch run of series ${series} on the local target (${sample.rows} rows)`);
    try {
        const record = await driver.run(
            { series, target: "local", input: sample.data, model: sample.model, timeoutMinutes: 10 },
            { signal: abort.signal, onEvent: progress },
        );
        console.log(`\nrun ${record.status} in ${(record.durationMs / 1000).toFixed(1)} s (stack ${record.stackName})`);
        if (record.outputs) {
            console.log(`  predictions: ${record.outputs.predictionsPath} (${record.outputs.rowCount} rows)`);
            console.log(`  metrics:     ${JSON.stringify(record.outputs.metrics)}`);
        }
        if (record.error) console.log(`  error: ${record.error}`);
        if (record.keptStack) console.log(`  stack kept: ${record.keptReason}`);
        console.log(`  record appended to ${driver.paths.recordsFile}`);
        process.exitCode = record.status === "succeeded" ? 0 : 1;
    } finally {
        process.off("SIGINT", onSigint);
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
});
