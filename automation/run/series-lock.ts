/**
 * A lock file per series (`<runs dir>/locks/<series>.lock`), so two processes
 * on one machine never run the same series at once. It is what makes
 * recovery safe: whoever holds the lock knows any other run stack of the
 * series belongs to a dead process. A lock left by a dead process (same host,
 * pid gone) is taken over; one held by a live process fails fast.
 *
 * Limits: hosts sharing a remote backend do not see each other's locks, and a
 * recycled pid makes a stale lock look live (delete the file by hand).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface SeriesLockInfo {
    readonly pid: number;
    readonly host: string;
    /** Distinguishes two holders in one process (two Driver instances). */
    readonly token: string;
    /** ISO 8601. */
    readonly acquiredAt: string;
}

/** Thrown when another live process runs the series. */
export class SeriesBusyError extends Error {
    constructor(
        readonly series: string,
        readonly holder: SeriesLockInfo,
        readonly file: string,
    ) {
        super(
            `series ${series} is already running (pid ${holder.pid} on ${holder.host} since ${holder.acquiredAt}); ` +
                `if that process is gone, delete ${file}`,
        );
        this.name = "SeriesBusyError";
    }
}

/** Whether a process with this pid exists on this host. */
export function isProcessAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        // EPERM: it exists but belongs to someone else.
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

function readInfo(file: string): SeriesLockInfo | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as SeriesLockInfo;
    } catch {
        return undefined;
    }
}

export interface HeldSeriesLock {
    readonly file: string;
    readonly info: SeriesLockInfo;
    /** The holder this lock was taken over from, when its process had died. */
    readonly takenOverFrom?: SeriesLockInfo;
    /** Removes the file if it is still ours. */
    release(): void;
}

/** Takes the series lock or throws SeriesBusyError. */
export function acquireSeriesLock(dir: string, series: string): HeldSeriesLock {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${series}.lock`);
    const info: SeriesLockInfo = {
        pid: process.pid,
        host: os.hostname(),
        token: randomUUID(),
        acquiredAt: new Date().toISOString(),
    };
    let takenOverFrom: SeriesLockInfo | undefined;
    // Two attempts: the second follows removing a stale lock.
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.writeFileSync(file, JSON.stringify(info), { flag: "wx" });
            return {
                file,
                info,
                takenOverFrom,
                release() {
                    if (readInfo(file)?.token === info.token) fs.rmSync(file, { force: true });
                },
            };
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        }
        const holder = readInfo(file);
        const stale = holder === undefined || (holder.host === info.host && !isProcessAlive(holder.pid));
        if (!stale) throw new SeriesBusyError(series, holder, file);
        takenOverFrom = holder;
        fs.rmSync(file, { force: true });
    }
    throw new SeriesBusyError(series, readInfo(file) ?? info, file);
}
