/**
 * Resident memory while a benchmark runs: this process's RSS
 * (`process.memoryUsage().rss`) and the summed RSS of its descendants
 * (Pulumi CLIs, dynamic-provider hosts, jobs), read from /proc where it exists.
 * Shared pages count once per process, so the child sum is an upper bound.
 */
import * as fs from "node:fs";

export interface RssSummary {
    /** Samples taken. */
    readonly samples: number;
    /** Highest RSS of this process, bytes. */
    readonly peakSelf: number;
    /** Highest summed RSS of all descendants at one instant, bytes; undefined without /proc. */
    readonly peakChildren?: number;
    /** Most descendants alive at one instant; undefined without /proc. */
    readonly peakChildCount?: number;
}

/** Parent pid of every process, from /proc/<pid>/stat (the name in parentheses may hold spaces). */
function parentPids(): Map<number, number> {
    const parents = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            parents.set(Number(entry), Number(fields[1]));
        } catch {
            // The process ended between listing and reading.
        }
    }
    return parents;
}

/** RSS in bytes of `pid` (VmRSS), 0 if it is gone. */
function rssOf(pid: number): number {
    try {
        const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : 0;
    } catch {
        return 0;
    }
}

/** Descendants of `root` (children, grandchildren, …). */
export function descendants(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const [pid, ppid] of parentPids()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    const found: number[] = [];
    const queue = [...(children.get(root) ?? [])];
    while (queue.length > 0) {
        const pid = queue.shift()!;
        found.push(pid);
        queue.push(...(children.get(pid) ?? []));
    }
    return found;
}

/** Samples every `intervalMs` until `stop()`, which returns the peaks. */
export function sampleRss(intervalMs = 100): { stop(): RssSummary } {
    const withProc = fs.existsSync("/proc/self/status");
    let samples = 0;
    let peakSelf = 0;
    let peakChildren = 0;
    let peakChildCount = 0;
    const take = () => {
        samples++;
        peakSelf = Math.max(peakSelf, process.memoryUsage().rss);
        if (!withProc) return;
        const pids = descendants(process.pid);
        peakChildCount = Math.max(peakChildCount, pids.length);
        peakChildren = Math.max(
            peakChildren,
            pids.reduce((sum, pid) => sum + rssOf(pid), 0),
        );
    };
    take();
    const timer = setInterval(take, intervalMs);
    return {
        stop() {
            clearInterval(timer);
            take();
            return withProc ? { samples, peakSelf, peakChildren, peakChildCount } : { samples, peakSelf };
        },
    };
}
