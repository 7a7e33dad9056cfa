/**
 * What each path's files say about it, derived from the catalog and the
 * path's CONFIG_SPEC: its `Pulumi.yaml` (project-level `config`, so
 * `pulumi config` and editors show the keys and the CLI checks their
 * types), its README's config table, and the README's paths table.
 * `npm run docs` writes them; unit tests fail when a file drifts. Pure.
 */
import { ConfigSpec, FieldSpec, isRecord } from "../components/common";
import { PathEntry } from "./catalog";

/** A key as a Pulumi.yaml `config` entry declares it (Pulumi CLI 3.44+). */
export interface ProjectConfigType {
    readonly type: "string" | "integer" | "boolean" | "array" | "object";
    readonly items?: { readonly type: "string" };
    readonly description: string;
    readonly default?: unknown;
}

/** A program's Pulumi.yaml. */
export interface ProjectFile {
    readonly name: string;
    readonly description: string;
    readonly runtime: { readonly name: "nodejs"; readonly options: { readonly typescript: true } };
    readonly config: Readonly<Record<string, ProjectConfigType>>;
}

/** Pulumi project name of a path. */
export const projectName = (id: string): string => `customai-${id}`;

/**
 * The Pulumi.yaml declaration of a key, or undefined for a key without a
 * default: the CLI treats a declared key without a default as required and
 * stops before the program runs, so such keys (required ones included) are
 * left to the program, which names each missing one with how to get it.
 */
export function projectConfigType(field: FieldSpec): ProjectConfigType | undefined {
    if (field.default === undefined) return undefined;
    const { description } = field;
    switch (field.type) {
        case "string":
            return { type: "string", description, default: field.default };
        case "integer":
            return { type: "integer", description, default: field.default };
        case "boolean":
            return { type: "boolean", description, default: field.default };
        case "string[]":
            return { type: "array", items: { type: "string" }, description, default: field.default };
        case "json":
            if (isRecord(field.default)) {
                return { type: "object", description, default: field.default };
            }
            return undefined;
        case "number":
            // Pulumi has no number type; a string holds any number, and the program parses it.
            return { type: "string", description, default: String(field.default) };
    }
}

/** The Pulumi.yaml of a path. */
export function projectFile(entry: PathEntry, spec: ConfigSpec): ProjectFile {
    const config: Record<string, ProjectConfigType> = {};
    for (const [key, field] of Object.entries(spec)) {
        const declared = projectConfigType(field);
        if (declared) config[key] = declared;
    }
    return {
        name: projectName(entry.id),
        description: `${entry.title} (path ${entry.id}): ${entry.buildsOn}.`,
        runtime: { name: "nodejs", options: { typescript: true } },
        config,
    };
}

/** A markdown table: a header row and rows of cells, `|` escaped. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A default as the README shows it. */
function shownDefault(field: FieldSpec): string {
    if (field.secret) return "– (secret)";
    if (field.required) return "**required**";
    if (field.default === undefined) return "–";
    return `\`${typeof field.default === "string" ? field.default : JSON.stringify(field.default)}\``;
}

/** The config table of a path's README: key, type, default, what it is for. */
export function configTable(spec: ConfigSpec): string {
    return table(
        ["key", "type", "default", "meaning"],
        Object.entries(spec).map(([key, f]) => [`\`${key}\``, f.type, shownDefault(f), f.description]),
    );
}

/** The paths table of the front README: every path of the catalog and where its program is. */
export function pathsTable(paths: readonly PathEntry[]): string {
    return table(
        ["path", "job", "2018 service", "what this project builds", "program"],
        paths.map((p) => [p.id, p.title, p.replaces, p.buildsOn, `[programs/${p.id}](programs/${p.id}/README.md)`]),
    );
}

/** Markers around a generated block in a markdown file. */
export const generatedMarkers = (name: string) => ({
    start: `<!-- generated: ${name} (npm run docs) -->`,
    end: `<!-- end: ${name} -->`,
});

/** The text between a generated block's markers, or undefined when the file has no such block. */
export function generatedBlock(text: string, name: string): string | undefined {
    const { start, end } = generatedMarkers(name);
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    return from < 0 || to < from ? undefined : text.slice(from + start.length, to).trim();
}

/** `text` with a generated block's content replaced (the markers must exist). */
export function withGeneratedBlock(text: string, name: string, content: string): string {
    const { start, end } = generatedMarkers(name);
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`no generated block "${name}" (add ${start} … ${end})`);
    return `${text.slice(0, from + start.length)}\n\n${content}\n\n${text.slice(to)}`;
}

/** A markdown table's rows as trimmed cells (the separator row dropped), to compare tables whatever their alignment. */
export function tableCells(markdown: string): string[][] {
    return markdown
        .split("\n")
        .filter((l) => l.trim().startsWith("|"))
        .map((l) =>
            l
                .trim()
                .slice(1, -1)
                .split(/(?<!\\)\|/)
                .map((c) => c.trim()),
        )
        .filter((cells) => !cells.every((c) => /^:?-+:?$/.test(c)));
}
