/**
 * Markers for run stacks deliberately left behind (`keepOnFailure`), one file
 * per stack in `<runs dir>/kept/`. Recovery skips marked stacks, so the next
 * run of the series does not destroy what someone is inspecting; the reaper
 * removes them once they pass their deadline.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface KeptStackInfo {
    readonly stackName: string;
    readonly runId: string;
    readonly reason: string;
    /** ISO 8601. */
    readonly keptAt: string;
}

const markerFile = (dir: string, stackName: string) => path.join(dir, `${stackName}.json`);

export function markKept(dir: string, info: KeptStackInfo): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(markerFile(dir, info.stackName), JSON.stringify(info));
}

export function isKept(dir: string, stackName: string): boolean {
    return fs.existsSync(markerFile(dir, stackName));
}

export function unmarkKept(dir: string, stackName: string): void {
    fs.rmSync(markerFile(dir, stackName), { force: true });
}
