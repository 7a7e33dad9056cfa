/**
 * The benchmarks' stack program: N LocalDirectory resources under one root,
 * and a run target around it whose job finishes at once. The same program
 * serves the raw CLI baseline and the driver, so only the driving differs.
 */
import { PulumiFn } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import { RunTarget } from "../../automation/targets";
import { localSpec } from "../../automation/targets/local";
import { LocalDirectory } from "../../automation/targets/local/local-resources";

/** A program creating `count` directories `<root>/d<i>`, each with one small file. */
export function directoriesProgram(root: string, count: number): PulumiFn {
    return async () => {
        const dirs = Array.from(
            { length: count },
            (_, i) => new LocalDirectory(`d${i}`, { path: path.join(root, `d${i}`), files: { "i.txt": `${i}\n` } }),
        );
        return { count: dirs.length };
    };
}

/**
 * A target whose stack holds `count` directories in the run's work directory
 * and whose job succeeds immediately, so a run measures the stack lifecycle
 * and the driver's own work, nothing else. `afterUp` sees the work directory
 * once the stack is up (to check the resources exist).
 */
export function instantTarget(count: number, afterUp: (workDir: string) => void = () => {}): RunTarget {
    return {
        // Replaces the local target, whose spec rules it keeps.
        name: "local",
        description: "the benchmarks' stack of directories; the job succeeds at once",
        spec: localSpec,
        program: (ctx) => directoriesProgram(ctx.workDir, count),
        async wait(ctx) {
            afterUp(ctx.workDir);
            ctx.onStatus("succeeded");
            return { status: "succeeded" };
        },
        async collect(ctx) {
            return { location: ctx.localOutputDir };
        },
    };
}

/** Throws unless `root` holds exactly the `count` directories of the program (proof that `up` did the work). */
export function assertDirectories(root: string, count: number): void {
    const found = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => /^d\d+$/.test(d)).length : 0;
    if (found !== count) throw new Error(`expected ${count} directories in ${root} after up, found ${found}`);
}
