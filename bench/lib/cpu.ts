/**
 * CPU time used so far by this process and by its children that have ended
 * (Linux accounts a reaped child's CPU, and its reaped descendants', to the
 * parent: `cutime`/`cstime` in /proc/self/stat). On 2 cores CPU time, not
 * waiting, is what bounds concurrent runs, so the benchmarks report it.
 */
import * as fs from "node:fs";

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times; 100 on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface CpuTime {
    /** This process, seconds (user + system). */
    readonly self: number;
    /** Ended children and their descendants, seconds; undefined without /proc. */
    readonly children?: number;
}

export function cpuTime(): CpuTime {
    const usage = process.cpuUsage();
    const self = (usage.user + usage.system) / 1e6;
    try {
        const stat = fs.readFileSync("/proc/self/stat", "utf8");
        // Fields after the parenthesized name start at field 3 (state); cutime and cstime are fields 16 and 17.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return { self, children: (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND };
    } catch {
        return { self };
    }
}

/** CPU seconds between two readings (children: undefined if either lacks them). */
export function cpuSince(start: CpuTime, end: CpuTime = cpuTime()): CpuTime {
    return {
        self: end.self - start.self,
        children:
            start.children === undefined || end.children === undefined ? undefined : end.children - start.children,
    };
}

/** `1.23 s CPU (driver 0.40 s + children 0.83 s)`. */
export function formatCpu(cpu: CpuTime): string {
    if (cpu.children === undefined) return `${cpu.self.toFixed(2)} s CPU (driver process only)`;
    return `${(cpu.self + cpu.children).toFixed(2)} s CPU (driver ${cpu.self.toFixed(2)} s + children ${cpu.children.toFixed(2)} s)`;
}
