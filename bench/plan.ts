/**
 * The offline plan of every path, in one cold Node.js process each round:
 * the compiled package (dist/) loads, then plans platform, 1-1 … 2-6 one
 * after another with their example configs. Measures the child's wall time
 * and peak RSS, and beside it a process that only loads the same modules,
 * so the figures split into start-up and planning.
 *
 *   npm run bench:plan [-- --rounds 5]
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../automation/common/paths";
import { intFlag, median, mib, ms } from "./lib/stats";

/** Goals for planning every path in one cold process. */
export const PLAN_GOAL = { wallMs: 3000, rssBytes: 500 * 1024 * 1024 };

/** What 1-1's example leaves for its user to give (their address, their key): the bench gives them. */
const USER_VALUES: Readonly<Record<string, readonly string[]>> = {
    "1-1": ["allowedSshCidrs=203.0.113.7", "generateSshKey=true"],
};

/** The child: plans every path (or, with `load-only`, only loads the modules), prints its own figures. */
function childScript(loadOnly: boolean): string {
    const dist = path.join(PROJECT_ROOT, "dist", "automation", "plan");
    return `
const started = process.hrtime.bigint();
const { plan } = require(${JSON.stringify(path.join(dist, "plan.js"))});
const { PATHS } = require(${JSON.stringify(path.join(PROJECT_ROOT, "dist", "programs", "catalog.js"))});
const values = ${JSON.stringify(USER_VALUES)};
(async () => {
    let resources = 0;
    if (!${loadOnly}) {
        for (const p of PATHS) {
            const result = await plan({ program: p.id, config: values[p.id] ?? [] });
            resources += result.resources.length;
        }
    }
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(JSON.stringify({ wall, rss: process.resourceUsage().maxRSS * 1024, resources, paths: PATHS.length }));
})().catch((err) => { console.error(err); process.exit(1); });`;
}

interface Sample {
    /** Wall time of the whole child process, start to exit (ms). */
    readonly processMs: number;
    /** Wall time the child measured from its first line (ms). */
    readonly inProcessMs: number;
    readonly rss: number;
    readonly resources: number;
    readonly paths: number;
}

function runChild(loadOnly: boolean): Sample {
    const started = process.hrtime.bigint();
    const ran = spawnSync(process.execPath, ["-e", childScript(loadOnly)], { cwd: PROJECT_ROOT, encoding: "utf8" });
    const processMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (ran.status !== 0) throw new Error(`plan child exited ${ran.status}: ${ran.stderr}`);
    const figures = JSON.parse(ran.stdout.trim().split("\n").pop() ?? "{}") as {
        wall: number;
        rss: number;
        resources: number;
        paths: number;
    };
    return {
        processMs,
        inProcessMs: figures.wall,
        rss: figures.rss,
        resources: figures.resources,
        paths: figures.paths,
    };
}

export function runPlanBench(rounds: number): { wallMs: number; rss: number; loadMs: number; loadRss: number } {
    const full: Sample[] = [];
    const load: Sample[] = [];
    runChild(false); // warm the disk cache; not counted
    for (let round = 0; round < rounds; round++) {
        const pair = round % 2 === 0 ? [false, true] : [true, false];
        for (const loadOnly of pair) (loadOnly ? load : full).push(runChild(loadOnly));
    }
    const show = (s: Sample) => `${ms(s.processMs)} (${ms(s.inProcessMs)} in process), peak RSS ${mib(s.rss)}`;
    console.log(`plan of every path (${full[0].paths} programs, ${full[0].resources} resources), ${rounds} rounds`);
    full.forEach((s, i) => console.log(`  plan      #${i + 1}: ${show(s)}`));
    load.forEach((s, i) => console.log(`  load only #${i + 1}: ${show(s)}`));
    const result = {
        wallMs: median(full.map((s) => s.processMs)),
        rss: Math.max(...full.map((s) => s.rss)),
        loadMs: median(load.map((s) => s.processMs)),
        loadRss: Math.max(...load.map((s) => s.rss)),
    };
    console.log(
        `  median wall ${ms(result.wallMs)} (goal < ${ms(PLAN_GOAL.wallMs)}), of which loading ${ms(result.loadMs)}; ` +
            `peak RSS ${mib(result.rss)} (goal < ${mib(PLAN_GOAL.rssBytes)}), loading alone ${mib(result.loadRss)}`,
    );
    console.log(
        `  ${result.wallMs < PLAN_GOAL.wallMs && result.rss < PLAN_GOAL.rssBytes ? "both goals met" : "GOAL MISSED"}`,
    );
    return result;
}

if (require.main === module) runPlanBench(intFlag(process.argv.slice(2), "rounds", 5));
