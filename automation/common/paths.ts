/**
 * Where the driver keeps its files: the package root (the default home of
 * the Pulumi CLI, its state and the runs directory) and the layout of a runs
 * directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Name of this package in its package.json. */
export const PACKAGE_NAME = "custom-ai-on-azure";

/**
 * The folder holding this package's package.json, found by walking up from
 * `start`: the same answer from the TypeScript sources and from the compiled
 * `dist/` tree.
 */
export function findPackageRoot(start: string = __dirname): string {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        try {
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string };
            if (pkg.name === PACKAGE_NAME) return dir;
        } catch {
            // No package.json here, or not ours: keep walking.
        }
        if (path.dirname(dir) === dir) throw new Error(`package.json of ${PACKAGE_NAME} not found above ${start}`);
    }
}

/** Root of this package (where package.json is). */
export const PROJECT_ROOT = findPackageRoot();

/** Whether a package root lies inside a node_modules folder: installed as a dependency, not a checkout. Pure. */
export function isInstalledPackage(root: string): boolean {
    return root.split(path.sep).includes("node_modules");
}

/**
 * The folder the driver keeps its default files under (`.runs/`, and
 * `.pulumi/` for state and the passphrase): this checkout, or, when the
 * package is installed as a dependency, the working directory of the program
 * that uses it (never a folder inside node_modules). Pure.
 */
export function defaultHome(root: string = PROJECT_ROOT, cwd: string = process.cwd()): string {
    return isInstalledPackage(root) ? cwd : root;
}

/** Directory for records, outputs and series locks: `.runs` under `defaultHome()`. */
export function defaultRunsDir(): string {
    return path.join(defaultHome(), ".runs");
}

export const RECORDS_FILE_NAME = "records.jsonl";

/** Where a driver keeps its files. */
export interface RunPaths {
    readonly runsDir: string;
    readonly recordsFile: string;
    readonly locksDir: string;
    readonly keptDir: string;
    /** Work directories of local run stacks: `<workRoot>/<stack name>`. */
    readonly workRoot: string;
    /** Default outputs: `<outputsRoot>/<stack name>`. */
    readonly outputsRoot: string;
    /** Pulumi workspace files (Pulumi.yaml, stack config) of each run: `<workspacesRoot>/<stack name>`. */
    readonly workspacesRoot: string;
}

/** The paths for a runs directory and records file (defaults: `defaultRunsDir()`, `<runsDir>/records.jsonl`). */
export function runPaths(options: { readonly runsDir?: string; readonly recordsFile?: string } = {}): RunPaths {
    const runsDir = path.resolve(options.runsDir ?? defaultRunsDir());
    return {
        runsDir,
        recordsFile: path.resolve(options.recordsFile ?? path.join(runsDir, RECORDS_FILE_NAME)),
        locksDir: path.join(runsDir, "locks"),
        keptDir: path.join(runsDir, "kept"),
        workRoot: path.join(runsDir, "work"),
        outputsRoot: path.join(runsDir, "outputs"),
        workspacesRoot: path.join(runsDir, "workspaces"),
    };
}

/**
 * Removes the local directories of a run stack that is gone: its workspace
 * files and (local target) its work directory, which an update interrupted
 * before saving state may have left untracked.
 */
export async function removeRunDirs(paths: RunPaths, stackName: string): Promise<void> {
    await fs.promises.rm(path.join(paths.workspacesRoot, stackName), { recursive: true, force: true });
    await fs.promises.rm(path.join(paths.workRoot, stackName), { recursive: true, force: true });
}
