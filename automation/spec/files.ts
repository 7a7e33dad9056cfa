/**
 * What validation may ask the file system: whether a path is a file or a
 * folder. Injected, so spec validation stays pure in tests, and resolved from
 * the same base the run uses, so a file is checked where it will be read.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** What a local path is, or undefined when it does not exist. */
export type PathKind = "file" | "folder";

/** Answers what `absolutePath` is; injected so validation stays testable. */
export type PathProbe = (absolutePath: string) => PathKind | undefined;

/** The real file system. */
export const probePath: PathProbe = (absolutePath) => {
    try {
        const stat = fs.statSync(absolutePath);
        return stat.isFile() ? "file" : stat.isDirectory() ? "folder" : undefined;
    } catch {
        return undefined;
    }
};

/** How relative paths are checked: from `cwd`, with `probe`. */
export interface FileCheck {
    readonly probe: PathProbe;
    /** Base of relative paths: the one resolution uses. */
    readonly cwd: string;
}

/** The file check of a run: the real file system from `cwd`. @default cwd - process.cwd() */
export function fileCheck(cwd: string = process.cwd(), probe: PathProbe = probePath): FileCheck {
    return { probe, cwd };
}

/** A URI (`scheme://…`) rather than a local path; left as written by resolution. */
export const URI_PATTERN = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

/** Whether `value` is a URI such as `azureml://…` or `https://…`. Pure. */
export const isUri = (value: string): boolean => URI_PATTERN.test(value);

/** `value` made absolute from `cwd`, unless it is a URI. Pure. */
export function absolutePath(value: string, cwd: string): string {
    return isUri(value) ? value : path.resolve(cwd, value);
}
