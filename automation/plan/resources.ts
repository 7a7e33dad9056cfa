/**
 * What an offline plan records of a program: every resource it declares,
 * with the inputs its provider would receive. Cost estimates, policy checks
 * and rendered manifests all read this one shape.
 */

/** One resource the program declared, as recorded under the mock engine. */
export interface PlannedResource {
    /** Pulumi URN: `urn:pulumi:<stack>::<project>::<parent types$>type::name`. */
    readonly urn: string;
    /** Type token, e.g. `azure-native:compute:VirtualMachine`, `kubernetes:apps/v1:Deployment`. */
    readonly type: string;
    /** Logical name. */
    readonly name: string;
    /** URN of the parent (a component, or the stack for top-level resources). */
    readonly parent?: string;
    /** True for resources a provider manages; false for components. */
    readonly custom: boolean;
    /**
     * Inputs as the provider receives them: outputs resolved, secrets
     * unwrapped (as a policy pack sees them). Never print these: print
     * `maskSecrets(resource)` instead.
     */
    readonly inputs: Readonly<Record<string, unknown>>;
    /** Property paths of the inputs that are secrets (`osProfile.adminPassword`, `data.token`, `[0]` for arrays). */
    readonly secretPaths: readonly string[];
}

/** The text that replaces a secret value wherever a plan shows inputs. */
export const SECRET_MASK = "[secret]";

/** `value` with the value at each of `paths` (`a.b[0].c`) replaced by `SECRET_MASK`. Pure. */
export function maskPaths(value: unknown, paths: readonly string[]): unknown {
    if (paths.length === 0) return value;
    if (paths.includes("")) return SECRET_MASK;
    const here = (key: string) => paths.filter((p) => p === key || p.startsWith(`${key}.`) || p.startsWith(`${key}[`));
    const rest = (key: string) =>
        here(key).map((p) => (p === key ? "" : p.slice(key.length + (p[key.length] === "." ? 1 : 0))));
    if (Array.isArray(value)) return value.map((v, i) => maskPaths(v, rest(`[${i}]`)));
    if (!value || typeof value !== "object") return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPaths(v, rest(k))]));
}

/** A resource's inputs safe to show: every secret replaced by `SECRET_MASK`. Pure. */
export function maskedInputs(resource: PlannedResource): Record<string, unknown> {
    return maskPaths(resource.inputs, resource.secretPaths) as Record<string, unknown>;
}
