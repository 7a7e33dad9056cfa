/**
 * Generates the sample model and data with automation/sample/generate.py, so
 * `npm start`, the tests and the benchmarks score the same data without
 * downloading anything.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The generator script next to this file. */
export const GENERATOR = path.join(__dirname, "generate.py");
/** Python used for the sample and the local target. @default "python3" */
export const DEFAULT_PYTHON = "python3";

export interface SampleOptions {
    /** Optional. Number of data rows. @default 500 */
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
    const rows = options.rows ?? 500;
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
