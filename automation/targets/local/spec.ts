/**
 * The `local` target's part of the run spec: the optional `local` section
 * (which Python runs the code) and its rules on the generic fields: it reads
 * local files and folders only, and writes outputs to a local folder.
 */
import * as path from "node:path";
import { isRecord, unknownKeyIssues, ValidationIssue, Validator } from "../../../components/common/validation";
import { isAssetRef, isUri, SectionInput, SpecSection } from "../../spec";

/** The `local` section of a run spec; every field is optional, and so is the section. */
export interface LocalSection {
    /** Optional. Python that runs the code (and installs its requirements): a command on PATH or a path. @default "python3" */
    readonly python?: string;
}

export interface ResolvedLocalSection {
    /** A command on PATH, or an absolute path. */
    readonly python: string;
}

export const DEFAULT_PYTHON = "python3";
const FIELDS = ["python"];

/** A reference the local target cannot read, or undefined. */
function remoteRule(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    if (isAssetRef(value) || isUri(value)) {
        return "a local file or folder (URIs and registered assets are read by the aml target)";
    }
    return undefined;
}

function issues({ name, section, spec }: SectionInput): ValidationIssue[] {
    const v = new Validator();
    if (section !== undefined && v.check(name, isRecord(section), "an object (python)", section)) {
        const s = section as Record<string, unknown>;
        v.merge(unknownKeyIssues(s, FIELDS, `${name}.`));
        if (s.python !== undefined) {
            v.check(
                `${name}.python`,
                typeof s.python === "string" && s.python.trim() !== "",
                "a command or path",
                s.python,
            );
        }
    }
    const workload = isRecord(spec.workload) ? spec.workload : {};
    const inputs = isRecord(workload.inputs) ? workload.inputs : {};
    for (const [input, value] of Object.entries(inputs)) {
        const rule = remoteRule(value);
        if (rule) v.check(`workload.inputs.${input}`, false, rule, value);
    }
    const modelRule = remoteRule(workload.model);
    if (modelRule) v.check("workload.model", false, modelRule, workload.model);
    if (typeof spec.outputs === "string" && isUri(spec.outputs)) {
        v.check("outputs", false, "a local folder (the local target writes on this machine)", spec.outputs);
    }
    return [...v.issues];
}

export const localSpec: SpecSection<LocalSection, ResolvedLocalSection> = {
    required: false,
    issues,
    resolve({ section, files }) {
        const python = section?.python ?? DEFAULT_PYTHON;
        // A bare command is looked up on PATH; anything with a separator is a path from the spec's base.
        return { python: python.includes(path.sep) || python.includes("/") ? path.resolve(files.cwd, python) : python };
    },
};
