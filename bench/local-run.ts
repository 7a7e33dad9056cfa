/**
 * Benchmark of the driver's overhead on the local target: wall time and
 * per-phase time of sequential runs, then of N series run concurrently.
 * The job itself takes milliseconds (500 rows), so the figures are the cost of
 * the stack lifecycle. Uses a temporary file backend; leaves nothing behind.
 *
 *   npx ts-node --transpile-only bench/local-run.ts [sequential runs=3] [concurrent series=4]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Driver, RunRecord } from "../automation";
import { generateSample, sampleWorkload } from "../automation/sample/sample";
import { median, ms } from "./lib/stats";

function phaseTable(records: RunRecord[]): string {
    const phases = Object.keys(records[0].phases) as (keyof RunRecord["phases"])[];
    return phases
        .map((p) => `  ${String(p).padEnd(10)} ${ms(median(records.map((r) => r.phases[p] ?? 0)))}`)
        .join("\n");
}

async function main(): Promise<void> {
    const sequential = Number(process.argv[2] ?? 3);
    const concurrent = Number(process.argv[3] ?? 4);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "customai-bench-"));
    try {
        const sample = await generateSample(path.join(root, "sample"), { rows: 500 });
        const driver = new Driver({
            runsDir: path.join(root, "runs"),
            engine: { backendUrl: `file://${path.join(root, "state")}`, passphrase: "bench" },
        });
        const spec = (series: string) => ({
            series,
            target: "local",
            workload: sampleWorkload(sample),
            timeoutMinutes: 5,
        });

        const records: RunRecord[] = [];
        for (let i = 0; i < sequential; i++) records.push(await driver.run(spec("bench-seq")));
        if (records.some((r) => r.status !== "succeeded"))
            throw new Error(`a run failed: ${records.map((r) => r.error).join("; ")}`);
        console.log(`${sequential} sequential runs: median ${ms(median(records.map((r) => r.durationMs)))} per run`);
        console.log(phaseTable(records));

        const started = Date.now();
        const parallel = await Promise.all(
            Array.from({ length: concurrent }, (_, i) => driver.run(spec(`bench-par-${i}`))),
        );
        if (parallel.some((r) => r.status !== "succeeded")) throw new Error("a concurrent run failed");
        console.log(
            `${concurrent} series concurrently: ${Date.now() - started} ms wall, median ${ms(median(parallel.map((r) => r.durationMs)))} per run`,
        );
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
