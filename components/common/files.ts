/** Local files a component hands to Azure (uploads of code, models and data). */
import * as fs from "node:fs";
import * as path from "node:path";

/** The files under `dir` (not folders), as '/'-separated paths relative to it, sorted. */
export function filesUnder(dir: string): string[] {
    const found: string[] = [];
    const walk = (sub: string) => {
        for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
            const relative = sub ? `${sub}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(relative);
            else if (entry.isFile()) found.push(relative);
        }
    };
    walk("");
    return found.sort();
}

/**
 * The files of a folder that go to Azure (code, models, data), as
 * `filesUnder`, without what Python writes on its own (`__pycache__`
 * folders, `.pyc` files): they would change an asset's content hash, and so
 * its version, whenever a script was run locally.
 */
export function uploadedFilesUnder(dir: string): string[] {
    return filesUnder(dir).filter((f) => !f.split("/").includes("__pycache__") && !f.endsWith(".pyc"));
}
