/**
 * Start-up of the `customai` command: `customai --help` as installed (the
 * compiled dist/), side by side with the launcher it replaced (ts-node
 * transpiling the sources at every start) and with a bare Node.js start, in
 * alternating order so drift hits all three alike. Reports every sample, the
 * medians, and the compiled/ts-node ratio.
 *
 *   npx ts-node --transpile-only bench/cli-start.ts [--rounds 7]
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../automation/common/paths";
import { intFlag, median, ms } from "./lib/stats";

/** The goal for `customai --help`, in ms. */
export const CLI_START_GOAL_MS = 500;

const VARIANTS: Readonly<Record<string, readonly string[]>> = {
    "node (no script)": ["-e", "0"],
    "customai --help (dist/)": [path.join(PROJECT_ROOT, "bin", "customai.js"), "--help"],
    "customai --help (ts-node)": [
        "-r",
        "ts-node/register/transpile-only",
        path.join(PROJECT_ROOT, "automation", "cli", "index.ts"),
        "--help",
    ],
};

/** Wall time of one start, in ms; throws when the command fails. */
function timeOnce(args: readonly string[]): number {
    const started = process.hrtime.bigint();
    const ran = spawnSync(process.execPath, args, {
        cwd: PROJECT_ROOT,
        env: { ...process.env, TS_NODE_PROJECT: path.join(PROJECT_ROOT, "tsconfig.json") },
        encoding: "utf8",
    });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (ran.status !== 0) throw new Error(`${args.join(" ")} exited ${ran.status}: ${ran.stderr}`);
    return elapsed;
}

export function runCliStart(rounds: number): { medians: Record<string, number>; ratio: number } {
    const names = Object.keys(VARIANTS);
    const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (const n of names) timeOnce(VARIANTS[n]); // warm the disk cache; not counted
    for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? names : [...names].reverse();
        for (const n of order) samples[n].push(timeOnce(VARIANTS[n]));
    }
    const medians = Object.fromEntries(names.map((n) => [n, median(samples[n])]));
    console.log(`CLI start-up, ${rounds} alternating rounds`);
    for (const n of names)
        console.log(`  ${n.padEnd(28)} median ${ms(medians[n])}  (${samples[n].map(ms).join(", ")})`);
    const compiled = medians["customai --help (dist/)"];
    const ratio = compiled / medians["customai --help (ts-node)"];
    console.log(`  compiled/ts-node: ${ratio.toFixed(2)}`);
    console.log(
        `  customai --help: ${ms(compiled)} (goal ≤ ${CLI_START_GOAL_MS} ms: ${compiled <= CLI_START_GOAL_MS ? "met" : "NOT met"})`,
    );
    return { medians, ratio };
}

if (require.main === module) {
    try {
        runCliStart(intFlag(process.argv.slice(2), "rounds", 7));
    } catch (err) {
        console.error(err);
        process.exitCode = 1;
    }
}
