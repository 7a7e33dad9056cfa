/**
 * The benchmarks in one invocation, one after the other (never overlapping,
 * so none steals another's CPU), with a summary at the end: the driver's
 * overhead and concurrency ratios, and the offline plan of every path.
 *
 *   npx ts-node --transpile-only bench/run-all.ts [--resources 10] [--rounds 5] [--runs 8] [--wait 3]
 *
 * `--rounds` applies to the overhead benchmark; `--concurrency-rounds` (default 2) to the other.
 */
import * as os from "node:os";
import { CONCURRENCY_GOAL, runConcurrency } from "./concurrency";
import { OVERHEAD_GOAL, runDriverOverhead } from "./driver-overhead";
import { intFlag, mib, ratioLine } from "./lib/stats";
import { PLAN_GOAL, runPlanBench } from "./plan";

async function main(argv: readonly string[]): Promise<void> {
    const runs = intFlag(argv, "runs", 8, 2);
    console.log(
        `${new Date().toISOString()} · ${os.cpus().length} cores · ${mib(os.totalmem())} RAM · Node ${process.version}`,
    );
    const overhead = await runDriverOverhead({
        resources: intFlag(argv, "resources", 10),
        rounds: intFlag(argv, "rounds", 5),
        warmup: intFlag(argv, "warmup", 1, 0),
    });
    console.log();
    const concurrency = await runConcurrency({
        runs,
        waitSeconds: intFlag(argv, "wait", 3, 0),
        rounds: intFlag(argv, "concurrency-rounds", 2),
    });
    console.log();
    const planned = runPlanBench(intFlag(argv, "plan-rounds", 3));
    console.log();
    console.log("summary");
    console.log(`  ${ratioLine("driver/raw CLI", overhead.ratio, OVERHEAD_GOAL)}`);
    console.log(`  ${ratioLine(`${runs}-concurrent/single`, concurrency.ratio, CONCURRENCY_GOAL)}`);
    console.log(
        `  plan of every path: ${Math.round(planned.wallMs)} ms (goal < ${PLAN_GOAL.wallMs}), ` +
            `peak ${mib(planned.rss)} (goal < ${mib(PLAN_GOAL.rssBytes)})`,
    );
}

main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
