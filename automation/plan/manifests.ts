/**
 * The Kubernetes objects a program declares, rendered as the manifests the
 * provider would apply: one YAML file per object, secrets masked, for review
 * or for `kubectl diff`. Providers and Helm-less Pulumi types are not objects.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { maskedInputs, PlannedResource } from "./resources";

/** One rendered object. */
export interface Manifest {
    /** File name: `<nn>-<kind>-<namespace>-<name>.yaml`, numbered in declaration order. */
    readonly file: string;
    readonly yaml: string;
}

/** Whether a recorded resource is a Kubernetes object (not the provider). Pure. */
export function isKubernetesObject(resource: PlannedResource): boolean {
    return resource.custom && resource.type.startsWith("kubernetes:");
}

function slug(text: string): string {
    return text.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
}

/** The manifests of the Kubernetes objects among `resources`, in declaration order. Pure. */
export function renderManifests(resources: readonly PlannedResource[]): Manifest[] {
    const objects = resources.filter(isKubernetesObject);
    const width = String(objects.length).length;
    return objects.map((resource, i) => {
        const object = maskedInputs(resource);
        const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
        const name = [
            String(object.kind ?? resource.type.split(":").pop()),
            metadata.namespace,
            metadata.name ?? resource.name,
        ]
            .filter((part) => !!part)
            .map((part) => slug(String(part)))
            .join("-");
        return {
            file: `${String(i + 1).padStart(width, "0")}-${name}.yaml`,
            yaml: yaml.dump(object, { noRefs: true, sortKeys: false, lineWidth: 120 }),
        };
    });
}

/** Writes `manifests` into `dir` (created; earlier manifests there are removed first). */
export function writeManifests(dir: string, manifests: readonly Manifest[]): string[] {
    fs.mkdirSync(dir, { recursive: true });
    for (const old of fs.readdirSync(dir)) if (old.endsWith(".yaml")) fs.rmSync(path.join(dir, old));
    return manifests.map((m) => {
        const file = path.join(dir, m.file);
        fs.writeFileSync(file, m.yaml);
        return file;
    });
}
