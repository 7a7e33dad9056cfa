/**
 * One error type for every input problem in the project: it names the field,
 * the rule that was broken and the value that broke it, so a user can fix the
 * input without reading our code. Validation functions are pure and run before
 * any resource (or stack) is created.
 */

/** One broken rule on one field. */
export interface ValidationIssue {
    /** Dotted path of the offending input, e.g. `storage.containers[1]` or config key `vmSize`. */
    readonly field: string;
    /** The rule in words, e.g. `3-24 lowercase letters and digits`. */
    readonly rule: string;
    /** The value that was given (secrets must be redacted by the caller). */
    readonly value: unknown;
}

/** Renders a value for an error message: short, one line, never `[object Object]`. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "(not set)";
    if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    // JSON would show NaN and Infinity as `null`, hiding the very value that is wrong.
    if (typeof value === "number" || typeof value === "bigint") return String(value);
    let text: string | undefined;
    try {
        text = JSON.stringify(value);
    } catch {
        // Circular or otherwise unserialisable: fall through to the type name.
    }
    if (text === undefined) {
        const kind = typeof value === "object" && value !== null ? value.constructor?.name || "object" : typeof value;
        text = `(${kind})`;
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssue(issue: ValidationIssue): string {
    return `${issue.field}: ${issue.rule} (got ${describeValue(issue.value)})`;
}

/**
 * Thrown when inputs are invalid. Carries every issue found, so users see all
 * of their mistakes at once rather than one per attempt.
 */
export class ValidationError extends Error {
    readonly issues: readonly ValidationIssue[];

    constructor(issues: readonly ValidationIssue[], context?: string) {
        if (issues.length === 0) throw new Error("ValidationError needs at least one issue");
        const head = context ? `${context}: ` : "";
        const message =
            issues.length === 1
                ? `${head}${formatIssue(issues[0])}`
                : `${head}${issues.length} invalid inputs:\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`;
        super(message);
        this.name = "ValidationError";
        this.issues = issues;
    }

    /** The fields that failed, in order; handy in tests and API responses. */
    get fields(): string[] {
        return this.issues.map((i) => i.field);
    }
}

/**
 * Collects issues across many checks, then throws them together.
 *
 * ```ts
 * const v = new Validator("DataStorage");
 * v.check("retentionDays", days >= 1 && days <= 365, "an integer from 1 to 365", days);
 * v.throwIfAny();
 * ```
 */
export class Validator {
    private readonly found: ValidationIssue[] = [];

    constructor(private readonly context?: string) {}

    /** Records an issue unless `ok` holds. Returns `ok` so checks can be chained. */
    check(field: string, ok: boolean, rule: string, value: unknown): boolean {
        if (!ok) this.found.push({ field, rule, value });
        return ok;
    }

    /** Records issues produced by another validator function, prefixing their fields. */
    merge(issues: readonly ValidationIssue[], prefix?: string): void {
        for (const issue of issues) {
            this.found.push(prefix ? { ...issue, field: `${prefix}.${issue.field}` } : issue);
        }
    }

    /** Runs `fn`, turning a thrown ValidationError into recorded issues (other errors propagate). */
    capture<T>(fn: () => T): T | undefined {
        try {
            return fn();
        } catch (err) {
            if (err instanceof ValidationError) {
                this.merge(err.issues);
                return undefined;
            }
            throw err;
        }
    }

    get issues(): readonly ValidationIssue[] {
        return this.found;
    }

    throwIfAny(): void {
        if (this.found.length > 0) throw new ValidationError(this.found, this.context);
    }
}

/** A GUID in its usual 8-4-4-4-12 form (Entra object ids, subscriptions, role definitions). */
export function isGuid(value: unknown): value is string {
    return typeof value === "string" && /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value);
}

/**
 * Problems with a list of Entra object ids under `field`: each a GUID, and
 * listed once (the same grant twice would be two resources with one Azure
 * name). Pure.
 */
export function principalIdIssues(ids: readonly unknown[], field: string): ValidationIssue[] {
    const v = new Validator();
    const lower = ids.map((id) => (typeof id === "string" ? id.toLowerCase() : id));
    ids.forEach((id, i) => {
        if (v.check(`${field}[${i}]`, isGuid(id), "an Entra object id (GUID)", id)) {
            v.check(`${field}[${i}]`, lower.indexOf(lower[i]) === i, "listed once", id);
        }
    });
    return [...v.issues];
}

/** True for a whole number within [min, max]. */
export function isIntInRange(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** IPv4 CIDR such as `203.0.113.0/24`; the host bits may be set (Azure accepts them). */
export function isIpv4Cidr(value: string): boolean {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!match) return false;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    return octets.every((o) => o <= 255) && prefix <= 32;
}

/** A single IPv4 address or an IPv4 CIDR, as firewall rules of storage and Key Vault take them. */
export function isIpv4AddressOrCidr(value: string): boolean {
    return isIpv4Cidr(value) || isIpv4Cidr(`${value}/32`);
}

/**
 * True when the CIDR admits every address: any `/0` prefix (host bits are
 * ignored, so `10.0.0.0/0` is as open as `0.0.0.0/0`), or the service tags
 * that mean the same.
 */
export function isOpenToInternet(cidr: string): boolean {
    const normalized = cidr.trim().toLowerCase();
    if (normalized === "*" || normalized === "internet" || normalized === "any" || normalized === "::/0") return true;
    return isIpv4Cidr(normalized) && Number(normalized.split("/")[1]) === 0;
}

/**
 * True for the ARM id of one resource type, e.g.
 * `isArmResourceId(id, "Microsoft.Network", "virtualNetworks", "subnets")` for
 * `/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/v/subnets/s`.
 */
export function isArmResourceId(id: string, provider: string, ...types: string[]): boolean {
    const tail = types.map((t) => `/${t}/[^/]+`).join("");
    const pattern = new RegExp(
        `^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${provider.replace(/\./g, "\\.")}${tail}$`,
        "i",
    );
    return pattern.test(id);
}

/** The private IPv4 ranges of RFC 1918. */
const PRIVATE_IPV4_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** The first and last address of an IPv4 address or CIDR, as numbers. Pure. */
export function ipv4Span(value: string): [number, number] {
    const [ip, bits = "32"] = value.split("/");
    const base = ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(bits));
    const start = base - (base % size);
    return [start, start + size - 1];
}

/** True when `inner` lies inside `outer` (IPv4 addresses or CIDRs). Pure. */
export function cidrContains(outer: string, inner: string): boolean {
    const [os, oe] = ipv4Span(outer);
    const [is, ie] = ipv4Span(inner);
    return is >= os && ie <= oe;
}

/** True when an IPv4 address or CIDR overlaps a private range (RFC 1918). Pure. */
export function isPrivateIpv4(value: string): boolean {
    const [start, end] = ipv4Span(value);
    return PRIVATE_IPV4_RANGES.some((range) => {
        const [rs, re] = ipv4Span(range);
        return start <= re && end >= rs;
    });
}

/**
 * Problems with the `allowedIpRanges` of a service firewall (storage, Key
 * Vault): each a public IPv4 address or CIDR (both services refuse private
 * ranges: their rules apply to traffic from the internet), none open to the
 * whole internet, and only given with network isolation, since without it the
 * service admits every network and the list would do nothing.
 * `resourceLabel` names the resource in the rules, e.g. `vault` or `account`;
 * with `noSlash31`, a /31 prefix is refused (storage accepts neither /31 nor
 * /32; a /32 is sent as the bare address).
 */
export function firewallRangeIssues(
    ranges: readonly string[],
    networkIsolation: boolean,
    resourceLabel: string,
    options: { readonly noSlash31?: boolean } = {},
): ValidationIssue[] {
    const v = new Validator();
    ranges.forEach((ip, i) => {
        const field = `allowedIpRanges[${i}]`;
        if (v.check(field, isIpv4AddressOrCidr(ip), "an IPv4 address or CIDR", ip)) {
            if (v.check(field, !isOpenToInternet(ip), `must not open the ${resourceLabel} to the whole internet`, ip)) {
                v.check(field, !isPrivateIpv4(ip), "a public range (firewall rules refuse private ranges)", ip);
            }
            if (options.noSlash31) v.check(field, !ip.endsWith("/31"), "not a /31 (list its two addresses)", ip);
        }
    });
    v.check(
        "allowedIpRanges",
        ranges.length === 0 || networkIsolation,
        `only used with networkIsolation: true (without it the ${resourceLabel} is reachable from any network)`,
        ranges,
    );
    return [...v.issues];
}

/** Edit distance between two strings (insertions, deletions, substitutions). Pure. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
        }
        previous = current;
    }
    return previous[b.length];
}

/**
 * The known name `name` was most likely meant to be: the same letters in
 * another case, or the nearest one within a third of its length in edits
 * (`keepOnfailure` → `keepOnFailure`, `autoShutdwn` → `autoShutdown`).
 * Undefined when nothing is close. Pure.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
    const lower = name.toLowerCase();
    const sameLetters = known.find((k) => k.toLowerCase() === lower);
    if (sameLetters) return sameLetters;
    const limit = Math.max(1, Math.floor(name.length / 3));
    let best: { name: string; distance: number } | undefined;
    for (const candidate of known) {
        const distance = editDistance(lower, candidate.toLowerCase());
        if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
    }
    return best?.name;
}

/**
 * One issue per key of `value` that is not in `known`, so a typo is an error
 * instead of a setting silently ignored. Each names the key as
 * `<prefix><key>` and suggests the closest known key. Pure.
 */
export function unknownKeyIssues(
    value: Readonly<Record<string, unknown>>,
    known: readonly string[],
    prefix: string = "",
    what: string = "field",
): ValidationIssue[] {
    return Object.keys(value)
        .filter((key) => !known.includes(key))
        .map((key) => {
            const guess = closestName(key, known);
            const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : `known: ${known.join(", ")}`;
            return { field: `${prefix}${key}`, rule: `not a known ${what} (${hint})`, value: value[key] };
        });
}

/** The issues `validate` throws as a ValidationError, instead of the throw; other errors propagate. */
export function issuesOf(validate: () => unknown): ValidationIssue[] {
    try {
        validate();
        return [];
    } catch (err) {
        if (err instanceof ValidationError) return [...err.issues];
        throw err;
    }
}

/**
 * Issues with their fields renamed, for a caller that passed its own inputs
 * on under other names: a field equal to a key of `names`, or starting with
 * it and then '.' or '[', gets that part replaced by the key's value (the
 * longest key wins); other fields stay as they are. Pure.
 */
export function renameFields(
    issues: readonly ValidationIssue[],
    names: Readonly<Record<string, string>>,
): ValidationIssue[] {
    const keys = Object.keys(names).sort((a, b) => b.length - a.length);
    return issues.map((issue) => {
        const from = keys.find(
            (k) => issue.field === k || issue.field.startsWith(`${k}.`) || issue.field.startsWith(`${k}[`),
        );
        return from === undefined ? issue : { ...issue, field: names[from] + issue.field.slice(from.length) };
    });
}

/** A plain object (not null, not an array): what a JSON object parses to. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** A string with something besides whitespace. */
export const isNonEmptyString = (value: unknown): value is string =>
    typeof value === "string" && value.trim().length > 0;
