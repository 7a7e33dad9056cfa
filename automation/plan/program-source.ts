/**
 * Which program a plan evaluates: a path of the catalog by id (`2-5`), or
 * any Pulumi program directory. Either way: its project name, the folder,
 * a default stack config, and a function that runs it under whatever engine
 * is installed (the plan's mocks).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { InputError } from "../common/errors";
import { PROJECT_ROOT } from "../common/paths";
import { PATHS } from "../../programs/catalog";

/** A program a plan can run. */
export interface ProgramSource {
    /** How the report names it: `path 2-5`, or the directory. */
    readonly label: string;
    readonly dir: string;
    /** The `name` of its Pulumi.yaml. */
    readonly project: string;
    /** The stack config a plan reads when none is given: the path's example, if the folder has one. */
    readonly defaultConfigFile?: string;
    /** Runs the program (declares its resources); resolves with its exports. */
    readonly run: () => Promise<Record<string, unknown> | void>;
}

/** The project name of a program folder's Pulumi.yaml (or .yml), with the file's `main` if it sets one. */
function readProject(dir: string): { name: string; main?: string } {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!file) throw new InputError(`${dir} has no Pulumi.yaml: not a Pulumi program directory`);
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { name?: unknown; main?: unknown } | null;
    if (typeof doc?.name !== "string" || doc.name === "") throw new InputError(`${file}: "name" is missing`);
    return { name: doc.name, main: typeof doc.main === "string" ? doc.main : undefined };
}

function exampleConfig(dir: string): string | undefined {
    const file = path.join(dir, "Pulumi.example.yaml");
    return fs.existsSync(file) ? file : undefined;
}

/** The entry module of a program folder, as the Node.js language host finds it. */
function entryOf(dir: string, main: string | undefined): string {
    const base = main ? path.resolve(dir, main) : dir;
    if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
    const pkgFile = path.join(base, "package.json");
    const pkgMain = fs.existsSync(pkgFile)
        ? (JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string }).main
        : undefined;
    const candidates = [pkgMain, "index.ts", "index.js"].filter((c): c is string => !!c).map((c) => path.join(base, c));
    const found = candidates.find((c) => fs.existsSync(c));
    if (!found) throw new InputError(`${dir}: no program entry (tried ${candidates.join(", ")})`);
    return found;
}

let typescriptRegistered = false;

/** Lets `require` load TypeScript, with the ts-node the program (or this package) can find. */
function registerTypeScript(dir: string): void {
    if (typescriptRegistered || require.extensions[".ts"]) return;
    let tsNode: string;
    try {
        tsNode = require.resolve("ts-node", { paths: [dir, process.cwd()] });
    } catch {
        throw new InputError(
            `${dir} is a TypeScript program: install ts-node in it (npm install -D ts-node), or compile it`,
        );
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(tsNode) as { register(options: object): void }).register({ transpileOnly: true });
    typescriptRegistered = true;
}

/** Runs a program module as the Node.js language host does: a function export is called, anything else is the exports. */
function runModule(entry: string): Promise<Record<string, unknown> | void> {
    // A second plan of the same program in this process must declare its resources again.
    delete require.cache[require.resolve(entry)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(entry) as unknown;
    const main = (loaded as { default?: unknown })?.default ?? loaded;
    return Promise.resolve(
        typeof main === "function" ? (main as () => unknown)() : (loaded as Record<string, unknown>),
    ) as Promise<Record<string, unknown> | void>;
}

/**
 * The program `target` names, relative to `cwd`: a path id of the catalog,
 * else a program directory.
 */
export function resolveProgram(target: string, cwd: string = process.cwd()): ProgramSource {
    const entry = PATHS.find((p) => p.id === target);
    if (entry) {
        const dir = path.join(PROJECT_ROOT, "programs", entry.id);
        return {
            label: `path ${entry.id}`,
            dir,
            project: readProject(dir).name,
            defaultConfigFile: exampleConfig(dir),
            run: async () => (await entry.load()).program(),
        };
    }
    const dir = path.resolve(cwd, target);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new InputError(
            `${JSON.stringify(target)} is neither a path (${PATHS.map((p) => p.id).join(", ")}) nor a program directory`,
        );
    }
    const project = readProject(dir);
    const main = entryOf(dir, project.main);
    if (main.endsWith(".ts")) registerTypeScript(dir);
    return {
        label: dir,
        dir,
        project: project.name,
        defaultConfigFile: exampleConfig(dir),
        run: () => runModule(main),
    };
}
