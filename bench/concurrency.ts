/**
 * Concurrency: K runs of different series at once against one run alone, on
 * the local target with a job that waits (`--wait-seconds`) instead of
 * computing, so the difference is what concurrent stack lifecycles cost.
 * Reports wall times, the ratio K-concurrent/single, and resident memory:
 * the driver process's peak RSS (sampled every 100 ms), the extra per
 * concurrent run, and the summed RSS of child processes from /proc; and the
 * CPU time used, which on a small machine is what bounds the ratio.
 *
 *   npx ts-node --transpile-only bench/concurrency.ts [--runs 8] [--wait 3] [--rounds 2]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Driver, RunRecord, RunSpec } from "../automation";
import { generateSample, SampleFiles, sampleWorkload } from "../automation/sample/sample";
import { CpuTime, cpuSince, cpuTime, formatCpu } from "./lib/cpu";
import { RssSummary, sampleRss } from "./lib/rss";
import { intFlag, median, mib, ms, phaseMedians, ratioLine } from "./lib/stats";

/** The goal for K-concurrent wall time / single-run wall time. */
export const CONCURRENCY_GOAL = 2;

export interface ConcurrencyOptions {
    /** Optional. Runs started at once, each of its own series. @default 8 */
    readonly runs?: number;
    /** Optional. Seconds each job waits. @default 3 */
    readonly waitSeconds?: number;
    /** Optional. Measured rounds of (single, concurrent). @default 2 */
    readonly rounds?: number;
}

export interface ConcurrencyResult {
    readonly singleMs: number[];
    readonly concurrentMs: number[];
    readonly ratio: number;
    readonly single: RssSummary[];
    readonly concurrent: RssSummary[];
    /** Process RSS before any measured run, bytes. */
    readonly idleRss: number;
}

interface Measurement {
    readonly wallMs: number;
    readonly records: RunRecord[];
    readonly rss: RssSummary;
    readonly cpu: CpuTime;
}

/** Runs the specs at once; resolves with the wall time, the records, the memory peaks and the CPU used. */
async function measure(driver: Driver, specs: RunSpec[]): Promise<Measurement> {
    const sampler = sampleRss(100);
    const cpuStart = cpuTime();
    const started = performance.now();
    const records = await Promise.all(specs.map((spec) => driver.run(spec)));
    const wallMs = performance.now() - started;
    const cpu = cpuSince(cpuStart);
    const rss = sampler.stop();
    const bad = records.filter((r) => r.status !== "succeeded");
    if (bad.length > 0)
        throw new Error(`runs did not succeed: ${bad.map((r) => `${r.series}: ${r.error}`).join("; ")}`);
    return { wallMs, records, rss, cpu };
}

const rssLine = (rss: RssSummary) =>
    `driver peak ${mib(rss.peakSelf)}` +
    (rss.peakChildren !== undefined
        ? `, children peak ${mib(rss.peakChildren)} in ${rss.peakChildCount} processes`
        : ", children: no /proc");

/** Runs the benchmark, printing as it goes. */
export async function runConcurrency(options: ConcurrencyOptions = {}): Promise<ConcurrencyResult> {
    const runs = options.runs ?? 8;
    const waitSeconds = options.waitSeconds ?? 3;
    const rounds = options.rounds ?? 2;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "customai-concurrency-"));
    try {
        const sample: SampleFiles = await generateSample(path.join(root, "sample"), { rows: 500 });
        const driver = new Driver({
            runsDir: path.join(root, "runs"),
            engine: { backendUrl: `file://${path.join(root, "state")}`, passphrase: "bench-passphrase" },
        });
        const spec = (series: string): RunSpec => ({
            series,
            target: "local",
            workload: sampleWorkload(sample, { waitSeconds }),
            timeoutMinutes: 5,
        });
        console.log(`concurrency: ${runs} runs at once vs 1, local target, job waits ${waitSeconds} s`);
        // Loads the SDK and warms the disk caches, so the first measured run is not the only cold one.
        await measure(driver, [spec("warmup")]);
        const idleRss = process.memoryUsage().rss;
        console.log(`  driver RSS after warm-up run, idle: ${mib(idleRss)}`);

        const singleMs: number[] = [];
        const concurrentMs: number[] = [];
        const single: RssSummary[] = [];
        const concurrent: RssSummary[] = [];
        const cpuK: CpuTime[] = [];
        for (let round = 0; round < rounds; round++) {
            const one = await measure(driver, [spec("single")]);
            singleMs.push(one.wallMs);
            single.push(one.rss);
            console.log(`  round ${round + 1}: 1 run ${ms(one.wallMs)} (${rssLine(one.rss)}; ${formatCpu(one.cpu)})`);
            const many = await measure(
                driver,
                Array.from({ length: runs }, (_, i) => spec(`par-${i}`)),
            );
            concurrentMs.push(many.wallMs);
            concurrent.push(many.rss);
            cpuK.push(many.cpu);
            const perRun = many.records.map((r) => r.durationMs);
            console.log(
                `  round ${round + 1}: ${runs} runs ${ms(many.wallMs)}, per run [${perRun.join(", ")}] ms ` +
                    `(${rssLine(many.rss)}; ${formatCpu(many.cpu)})`,
            );
            const phases = ["up", "wait", "destroy"] as const;
            console.log(
                `    per-run phase medians: ${phaseMedians(many.records, phases)} (single: ${phaseMedians(one.records, phases)})`,
            );
        }
        const ratio = median(concurrentMs) / median(singleMs);
        const list = (values: number[]) => `[${values.map(Math.round).join(", ")}] ms, median ${ms(median(values))}`;
        console.log(`  single-run wall samples: ${list(singleMs)}`);
        console.log(`  ${runs}-concurrent wall samples: ${list(concurrentMs)}`);
        console.log(`  ${ratioLine(`ratio ${runs}-concurrent/single (medians)`, ratio, CONCURRENCY_GOAL)}`);
        if (cpuK.length > 0 && cpuK.every((c) => c.children !== undefined)) {
            const totalK = median(cpuK.map((c) => c.self + c.children!));
            const cores = os.cpus().length;
            console.log(
                `  CPU of ${runs} concurrent runs: median ${totalK.toFixed(1)} s, i.e. at least ` +
                    `${ms((totalK / cores) * 1000)} of wall time on ${cores} cores before any waiting`,
            );
        }
        const self1 = median(single.map((r) => r.peakSelf));
        const selfK = median(concurrent.map((r) => r.peakSelf));
        console.log(
            `  driver process peak RSS: idle ${mib(idleRss)}, single ${mib(self1)}, ${runs} concurrent ${mib(selfK)}; ` +
                `extra per concurrent run ${mib((selfK - self1) / (runs - 1))} (vs single), ` +
                `${mib((selfK - idleRss) / runs)} (vs idle)`,
        );
        if (single.every((r) => r.peakChildren !== undefined)) {
            const child1 = median(single.map((r) => r.peakChildren!));
            const childK = median(concurrent.map((r) => r.peakChildren!));
            console.log(
                `  child processes peak RSS (sum): single ${mib(child1)}, ${runs} concurrent ${mib(childK)}; ` +
                    `extra per concurrent run ${mib((childK - child1) / (runs - 1))}`,
            );
        }
        return { singleMs, concurrentMs, ratio, single, concurrent, idleRss };
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

if (require.main === module) {
    const argv = process.argv.slice(2);
    runConcurrency({
        runs: intFlag(argv, "runs", 8, 2),
        waitSeconds: intFlag(argv, "wait", 3, 0),
        rounds: intFlag(argv, "rounds", 2),
    }).catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    });
}
