/**
 * A plan as people read it: the resource tree with the inputs that decide
 * cost and exposure, the cost table with each price's source and date, the
 * policy results, and where the manifests went. Pure: text in, text out.
 */
import type { CostEstimate, CostLine } from "./cost";
import type { Plan, PlanResource } from "./plan";

/** Input keys worth a glance in the tree, wherever they sit in the inputs (first match per key). */
const KEY_INPUTS = [
    "location",
    "vmSize",
    "instanceType",
    "nodeSize",
    "sku",
    "tier",
    "priority",
    "vmPriority",
    "scaleSetPriority",
    "count",
    "minCount",
    "maxCount",
    "minNodeCount",
    "maxNodeCount",
    "nodeCount",
    "capacity",
    "replicas",
    "minReplicas",
    "maxReplicas",
    "publicNetworkAccess",
    "disableLocalAuth",
    "disableLocalAccounts",
    "allowBlobPublicAccess",
    "allowSharedKeyAccess",
    "adminUserEnabled",
    "authMode",
    "image",
];

/** `key=value` of the key inputs found in `inputs`, breadth first, scalars only (sku objects shown by name). Pure. */
export function keyInputs(inputs: Record<string, unknown>): string[] {
    const found = new Map<string, string>();
    let level: unknown[] = [inputs];
    for (let depth = 0; depth < 5 && level.length > 0; depth++) {
        const next: unknown[] = [];
        for (const value of level) {
            if (!value || typeof value !== "object") continue;
            for (const [key, child] of Object.entries(value)) {
                if (KEY_INPUTS.includes(key) && !found.has(key)) {
                    const shown = scalarOf(child);
                    if (shown !== undefined) found.set(key, shown);
                }
                if (child && typeof child === "object") next.push(child);
            }
        }
        level = next;
    }
    return KEY_INPUTS.filter((k) => found.has(k)).map((k) => `${k}=${found.get(k)}`);
}

function scalarOf(value: unknown): string | undefined {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
    const name = (value as { name?: unknown } | null)?.name;
    return typeof name === "string" ? name : undefined;
}

/** The tree: each resource under its parent, in declaration order. Pure. */
export function formatTree(resources: readonly PlanResource[]): string[] {
    const children = new Map<string | undefined, PlanResource[]>();
    const known = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const parent = r.parent && known.has(r.parent) ? r.parent : undefined;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const details = r.custom ? keyInputs(r.inputs).join(" ") : "";
            lines.push(`${"  ".repeat(depth + 1)}${r.type}  ${r.name}${details ? `  ${details}` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(undefined, 0);
    return lines;
}

/** An amount of money for people: two decimals, or more below one cent. Pure. */
export function money(amount: number): string {
    if (amount === 0) return "0";
    return Math.abs(amount) < 0.01 ? amount.toPrecision(2) : amount.toFixed(2);
}

function lineCost(line: CostLine, sourceRef: (line: CostLine) => string): string {
    const what = `${line.name}: ${line.description}`;
    if (line.unpriced !== undefined) return `  ${what}\n      unpriced: ${line.unpriced}`;
    const price = `${money(line.unitPrice ?? 0)}/${line.unit}`;
    if (line.perUse) return `  ${what}\n      ${price} per use ${sourceRef(line)}`;
    const month = line.idleZero
        ? `0 when idle; ${money(line.monthly ?? 0)} at the usage assumed`
        : money(line.monthly ?? 0);
    return `  ${what}\n      ${price} · ${money(line.hourlyAtMax ?? 0)} per hour at max · ${month} per month ${sourceRef(line)}`;
}

/** The cost section: priced lines, per-use lines, unpriced lines, totals, sources. Pure. */
export function formatCost(cost: CostEstimate): string[] {
    const sources: string[] = [];
    const sourceRef = (line: CostLine) => {
        const key = `${line.source} (${line.date})`;
        if (!sources.includes(key)) sources.push(key);
        return `[${sources.indexOf(key) + 1}]`;
    };
    const priced = cost.lines.filter((l) => l.unpriced === undefined && !l.perUse);
    const perUse = cost.lines.filter((l) => l.unpriced === undefined && l.perUse);
    const unpriced = cost.lines.filter((l) => l.unpriced !== undefined);
    const usage = cost.usage;
    const out = [`Estimated cost (${cost.currency}, pay-as-you-go retail prices)`];
    out.push(...priced.map((l) => lineCost(l, sourceRef)));
    if (perUse.length > 0)
        out.push(" Billed per use (not in the totals):", ...perUse.map((l) => lineCost(l, sourceRef)));
    if (unpriced.length > 0) out.push(" Unpriced (not in the totals):", ...unpriced.map((l) => lineCost(l, sourceRef)));
    out.push(
        ` Total: ${money(cost.hourlyAtMax)} per hour at maximum scale; ${money(cost.monthly)} per month` +
            ` (always-on ${usage.hoursPerMonth} h, above the minimum ${usage.burstHoursPerMonth} h,` +
            ` VMs with auto-shutdown ${usage.vmHoursWithAutoShutdown} h a month)`,
    );
    if (cost.unpricedCount > 0) out.push(` ${cost.unpricedCount} unpriced line(s) are not in the totals.`);
    const free = cost.free.reduce((n, g) => n + g.names.length, 0);
    if (free > 0) {
        out.push(` No charge of their own: ${free} resource(s)`);
        const byReason = new Map<string, string[]>();
        for (const g of cost.free)
            byReason.set(g.reason, [...(byReason.get(g.reason) ?? []), `${g.type} ×${g.names.length}`]);
        for (const [reason, types] of byReason) out.push(`  ${reason}: ${types.join(", ")}`);
    }
    if (sources.length > 0) out.push(" Price sources:", ...sources.map((s, i) => `  [${i + 1}] ${s}`));
    return out;
}

/** The policy section: each violation, then how many rules passed. Pure. */
export function formatPolicy(plan: Plan): string[] {
    const { results } = plan.policy;
    const names = new Map(plan.resources.map((r) => [r.urn, `${r.type}  ${r.name}`]));
    const out = [`Policy (${results.length} rules)`];
    for (const result of results) {
        const mark = result.enforcement === "mandatory" ? "FAIL" : "WARN";
        for (const v of result.violations) {
            const where = v.urn ? `${names.get(v.urn) ?? v.urn}: ` : "";
            out.push(`  ${mark} ${result.enforcement.padEnd(9)} ${result.name}  ${where}${v.message}`);
        }
    }
    const passed = results.filter((r) => r.violations.length === 0).length;
    out.push(
        `  ${passed} passed, ${plan.policy.mandatoryViolations} mandatory and ${plan.policy.advisoryViolations} advisory violation(s)`,
    );
    return out;
}

/** The whole plan for people; `budget` adds its verdict. Pure. */
export function formatPlan(plan: Plan, budget?: number): string {
    const p = plan.program;
    const out = [
        `Plan of ${p.label} (project ${p.project}, stack ${p.stack})`,
        `Config: ${p.configFile ?? "none (defaults)"}`,
        "Offline, under the Pulumi mock engine:",
        ...plan.notes.map((n) => `  - ${n}`),
        "",
        `Resources (${plan.resources.filter((r) => r.custom).length}, and ${plan.resources.filter((r) => !r.custom).length} components)`,
        ...formatTree(plan.resources),
        "",
        ...formatCost(plan.cost),
        "",
        ...formatPolicy(plan),
    ];
    if (plan.manifests.files.length > 0) {
        out.push(
            "",
            `Kubernetes manifests: ${plan.manifests.files.length} file(s)${plan.manifests.dir ? ` in ${plan.manifests.dir}` : ""}`,
        );
    }
    if (budget !== undefined) {
        const verdict = withinBudget(plan.cost, budget) ? "within" : "OVER";
        out.push("", `Budget: ${money(plan.cost.monthly)} per month is ${verdict} the budget of ${money(budget)}`);
    }
    return `${out.join("\n")}\n`;
}

/** Whether the monthly estimate is at most `budget`. Pure. */
export function withinBudget(cost: CostEstimate, budget: number): boolean {
    return cost.monthly <= budget;
}
