/**
 * Generates the sample model and data with automation/sample/generate.py, so
 * `npm start`, the tests and the benchmarks score the same data without
 * downloading anything.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../common/paths";
import { DEFAULT_PYTHON } from "../targets/local/spec";

const run = promisify(execFile);

/** The sample's folder in the package (found from the package root, so compiled code finds it too). */
export const SAMPLE_DIR = path.join(PROJECT_ROOT, "automation", "sample");
/** The generator of the sample model and data. */
export const GENERATOR = path.join(SAMPLE_DIR, "generate.py");
/** The sample scoring script: standard library only, the workload contract's arguments. */
export const SAMPLE_SCRIPT = path.join(SAMPLE_DIR, "score.py");

/** Rows of sample data unless asked for another number. */
export const DEFAULT_SAMPLE_ROWS = 500;

export interface SampleOptions {
    /** Optional. Number of data rows. @default DEFAULT_SAMPLE_ROWS (500) */
    readonly rows?: number;
    /** Optional. Random seed; the same seed gives the same files. @default 42 */
    readonly seed?: number;
    /** Optional. Also write `bad.csv`, an input the scorer rejects. @default false */
    readonly bad?: boolean;
    /** Optional. Python executable. @default "python3" */
    readonly python?: string;
}

export interface SampleFiles {
    readonly model: string;
    readonly data: string;
    /** Present when `bad` was requested. */
    readonly bad?: string;
    readonly rows: number;
}

/** Writes model.json and data.csv (and bad.csv) into `dir`. */
export async function generateSample(dir: string, options: SampleOptions = {}): Promise<SampleFiles> {
    const rows = options.rows ?? DEFAULT_SAMPLE_ROWS;
    const args = [GENERATOR, "--out", dir, "--rows", String(rows), "--seed", String(options.seed ?? 42)];
    if (options.bad) args.push("--bad");
    await run(options.python ?? DEFAULT_PYTHON, args);
    return {
        model: path.join(dir, "model.json"),
        data: path.join(dir, "data.csv"),
        bad: options.bad ? path.join(dir, "bad.csv") : undefined,
        rows,
    };
}

/** Options of the sample's workload. */
export interface SampleWorkloadOptions {
    /** Optional. Seconds the job sleeps before scoring (benchmarks and tests of long jobs). @default 0 */
    readonly waitSeconds?: number;
}

/** The workload of a run spec that scores `sample` with the sample script. */
export function sampleWorkload(sample: Pick<SampleFiles, "data" | "model">, options: SampleWorkloadOptions = {}) {
    const wait = options.waitSeconds ?? 0;
    return {
        code: { script: SAMPLE_SCRIPT, args: wait > 0 ? ["--wait-seconds", String(wait)] : [] },
        inputs: { input: sample.data },
        model: sample.model,
    };
}
