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
