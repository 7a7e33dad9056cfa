/**
 * Driver overhead against the raw CLI doing the same lifecycle: stack init,
 * config set, up of N LocalDirectory resources, destroy, stack rm. The two
 * variants alternate (ABBA order across rounds, so drift hits both alike),
 * each sample on a fresh temporary file backend. Reports every sample, the
 * medians and the ratio driver/raw.
 *
 * Then, untimed, one run of each through a CLI wrapper that logs the commands,
 * which shows where the difference comes from.
 *
 *   npx ts-node --transpile-only bench/driver-overhead.ts [--resources 10] [--rounds 5] [--warmup 1] [--no-census]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { Driver, RunRecord } from "../automation";
import { generateSample, SampleFiles, sampleWorkload } from "../automation/sample/sample";
import { engineEnv, EngineSettings, ensureBackend, PULUMI_DIR, pulumiCommand } from "../automation/stacks/engine";
import { RUN_PROJECT } from "../automation/stacks/run-names";
import { createCensus } from "./lib/census";
import { CpuTime, cpuSince, cpuTime, formatCpu } from "./lib/cpu";
import { assertDirectories, directoriesProgram, instantTarget } from "./lib/program";
import { rawCliLifecycle } from "./lib/raw-cli";
import { intFlag, median, ms, phaseMedians, ratioLine } from "./lib/stats";

/** The goal for driver time / raw CLI time. */
export const OVERHEAD_GOAL = 1.15;
const PASSPHRASE = "bench-passphrase";
const CONFIG = { region: "local-1" };

export interface OverheadOptions {
    /** Optional. LocalDirectory resources in the stack. @default 10 */
    readonly resources?: number;
    /** Optional. Measured rounds, each one sample of both variants. @default 5 */
    readonly rounds?: number;
    /** Optional. Unmeasured rounds first (module loading, disk caches). @default 1 */
    readonly warmup?: number;
    /** Optional. After the samples, list the CLI commands each variant issues (one untimed run each). @default true */
    readonly census?: boolean;
}

export interface OverheadResult {
    readonly rawMs: number[];
    readonly driverMs: number[];
    readonly ratio: number;
}

type Variant = "raw" | "driver";

/** A fresh directory with its own file backend; removed by the caller. */
function freshRoot(): { root: string; backendUrl: string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "customai-overhead-"));
    const backendUrl = `file://${path.join(root, "state")}`;
    ensureBackend(backendUrl);
    return { root, backendUrl };
}

/** Throws if a stack is left in the backend (a sample that did not finish the lifecycle does not count). */
function assertNoStacks(root: string, project: string): void {
    const dir = path.join(root, "state", ".pulumi", "stacks", project);
    const left = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
    if (left.length > 0) throw new Error(`stacks left on the backend: ${left.join(", ")}`);
}

/** One timed lifecycle: wall milliseconds and CPU seconds. */
interface Sample {
    readonly ms: number;
    readonly cpu: CpuTime;
}

/** Engine settings for a sample; `pulumiRoot` swaps the CLI for the census wrapper. */
const engineFor = (backendUrl: string, pulumiRoot?: string): EngineSettings => ({
    backendUrl,
    passphrase: PASSPHRASE,
    pulumiRoot,
    pulumiHome: PULUMI_DIR,
});

async function rawSample(resources: number, pulumiRoot?: string): Promise<Sample> {
    const { root, backendUrl } = freshRoot();
    try {
        const dirs = path.join(root, "dirs");
        const cpu = cpuTime();
        const started = performance.now();
        await rawCliLifecycle({
            pulumi: path.join(pulumiRoot ?? PULUMI_DIR, "bin", "pulumi"),
            workDir: path.join(root, "workspace"),
            env: engineEnv(engineFor(backendUrl, pulumiRoot)),
            project: RUN_PROJECT,
            stackName: "bench-raw",
            config: CONFIG,
            program: directoriesProgram(dirs, resources),
            afterUp: () => assertDirectories(dirs, resources),
        });
        const sample = { ms: performance.now() - started, cpu: cpuSince(cpu) };
        assertNoStacks(root, RUN_PROJECT);
        return sample;
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

async function driverSample(
    resources: number,
    sample: SampleFiles,
    records: RunRecord[],
    cli: PulumiCommand | undefined,
    pulumiRoot?: string,
): Promise<Sample> {
    const { root, backendUrl } = freshRoot();
    try {
        const driver = new Driver({
            runsDir: path.join(root, "runs"),
            // Each sample needs its own backend, hence its own Driver; a long-lived driver looks the CLI up
            // once, so the samples share one lookup made outside the timed part.
            engine: { ...engineFor(backendUrl, pulumiRoot), pulumiCommand: cli },
            targets: { local: instantTarget(resources, (workDir) => assertDirectories(workDir, resources)) },
        });
        const cpu = cpuTime();
        const started = performance.now();
        const record = await driver.run({
            series: "bench",
            target: "local",
            workload: sampleWorkload(sample),
            timeoutMinutes: 5,
            config: CONFIG,
        });
        const result = { ms: performance.now() - started, cpu: cpuSince(cpu) };
        if (record.status !== "succeeded") throw new Error(`driver run ${record.status}: ${record.error}`);
        assertNoStacks(root, RUN_PROJECT);
        records.push(record);
        return result;
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

/** Median of the self and children CPU seconds, each taken separately. */
function medianCpu(samples: readonly Sample[]): CpuTime {
    const children = samples.map((s) => s.cpu.children);
    return {
        self: median(samples.map((s) => s.cpu.self)),
        children: children.includes(undefined) ? undefined : median(children as number[]),
    };
}

/** One more (untimed) lifecycle of each variant through the logging wrapper: which CLI commands each issues. */
async function printCensus(measure: (variant: Variant, pulumiRoot?: string) => Promise<Sample>): Promise<void> {
    const census = createCensus();
    try {
        for (const variant of ["raw", "driver"] as const) {
            await measure(variant, census.pulumiRoot);
            const commands = census.take();
            console.log(`  CLI commands (${variant}, ${commands.length}): ${commands.join(", ")}`);
        }
    } finally {
        census.dispose();
    }
}

/** Runs the benchmark, printing as it goes; resolves with the samples and the ratio. */
export async function runDriverOverhead(options: OverheadOptions = {}): Promise<OverheadResult> {
    const resources = options.resources ?? 10;
    const rounds = options.rounds ?? 5;
    const warmup = options.warmup ?? 1;
    const sampleRoot = fs.mkdtempSync(path.join(os.tmpdir(), "customai-overhead-sample-"));
    try {
        // Validation needs real input and model files; the instant target never reads them.
        const sample = await generateSample(sampleRoot, { rows: 10 });
        const records: RunRecord[] = [];
        const cli = await pulumiCommand();
        const measure = (variant: Variant, pulumiRoot?: string) =>
            variant === "raw"
                ? rawSample(resources, pulumiRoot)
                : driverSample(resources, sample, records, pulumiRoot ? undefined : cli, pulumiRoot);
        console.log(`driver overhead: ${resources} LocalDirectory resources, ${rounds} rounds (+${warmup} warm-up)`);
        for (let i = 0; i < warmup; i++) {
            const raw = await measure("raw");
            const drv = await measure("driver");
            console.log(`  warm-up ${i + 1}: raw ${ms(raw.ms)}, driver ${ms(drv.ms)} (not counted)`);
        }
        records.length = 0;
        const samples: Record<Variant, Sample[]> = { raw: [], driver: [] };
        for (let round = 0; round < rounds; round++) {
            const order: Variant[] = round % 2 === 0 ? ["raw", "driver"] : ["driver", "raw"];
            for (const variant of order) samples[variant].push(await measure(variant));
            const [raw, drv] = [samples.raw[round], samples.driver[round]];
            console.log(
                `  round ${round + 1} (${order.join(" then ")}): raw ${ms(raw.ms)}, driver ${ms(drv.ms)}, ` +
                    `ratio ${(drv.ms / raw.ms).toFixed(2)}`,
            );
        }
        const rawMs = samples.raw.map((s) => s.ms);
        const driverMs = samples.driver.map((s) => s.ms);
        const ratio = median(driverMs) / median(rawMs);
        for (const variant of ["raw", "driver"] as const) {
            const list = samples[variant];
            console.log(
                `  ${variant.padEnd(6)} samples: [${list.map((s) => Math.round(s.ms)).join(", ")}] ms, ` +
                    `median ${ms(median(list.map((s) => s.ms)))}; median ${formatCpu(medianCpu(list))}`,
            );
        }
        console.log(`  ${ratioLine("ratio driver/raw (medians)", ratio, OVERHEAD_GOAL)}`);
        console.log(`  driver phases (median): ${phaseMedians(records)}`);
        if (options.census ?? true) await printCensus(measure);
        return { rawMs, driverMs, ratio };
    } finally {
        fs.rmSync(sampleRoot, { recursive: true, force: true });
    }
}

if (require.main === module) {
    const argv = process.argv.slice(2);
    runDriverOverhead({
        resources: intFlag(argv, "resources", 10),
        rounds: intFlag(argv, "rounds", 5),
        warmup: intFlag(argv, "warmup", 1, 0),
        census: !argv.includes("--no-census"),
    }).catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    });
}
