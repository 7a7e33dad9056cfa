/** Small statistics and formatting helpers shared by the benchmarks. Pure. */
import { RunPhase, RunRecord } from "../../automation";

/** Median of `values` (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `1234 ms` style, rounded. */
export const ms = (value: number): string => `${Math.round(value)} ms`;

/** Mebibytes with one decimal. */
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** `up 812 ms, wait 3010 ms`: the median of each phase over `records` (@default - the phases of the first record). */
export function phaseMedians(
    records: readonly RunRecord[],
    phases: readonly RunPhase[] = Object.keys(records[0]?.phases ?? {}) as RunPhase[],
): string {
    return phases.map((p) => `${p} ${ms(median(records.map((r) => r.phases[p] ?? 0)))}`).join(", ");
}

/** A ratio with two decimals and a verdict against its goal. */
export function ratioLine(label: string, ratio: number, goal: number): string {
    return `${label}: ${ratio.toFixed(2)} (goal ≤ ${goal}: ${ratio <= goal ? "met" : "NOT met"})`;
}

/** Reads a `--name value` flag as an integer of at least `min`; throws naming the flag when it is not. */
export function intFlag(argv: readonly string[], name: string, fallback: number, min = 1): number {
    const at = argv.indexOf(`--${name}`);
    if (at < 0) return fallback;
    const value = Number(argv[at + 1]);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer of at least ${min}`);
    return value;
}
