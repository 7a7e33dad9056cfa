/**
 * The estimated cost of a planned program: each metered quantity
 * (metering.ts) priced from a price table, per hour at maximum scale and per
 * month at stated usage assumptions. Pure: no I/O, no clock, no rounding (that
 * is for display).
 *
 * Per month, the minimum units of a line run all month (or, for a VM with a
 * daily auto-shutdown, its working hours), and the units above the minimum
 * run the burst hours. Every unit is first turned into a price per hour: per
 * day ÷ 24, per month ÷ `hoursPerMonth` (so a registry's month is
 * `hoursPerMonth / 24` days). Usage meters (per GB, per operation) show their
 * unit price only and stay out of the totals. A meter the table has no price
 * for in the line's region is UNPRICED with the reason, never guessed.
 */
import { isUsageUnit, meterUnit } from "./meters";
import { FreeResource, MeteredQuantity, Metering, meterResources } from "./metering";
import { PriceEntry, PriceTable, PriceUnit } from "./price-table";
import { PlannedResource } from "./resources";

export interface UsageAssumptions {
    /** Hours in a month for always-on resources. @default 730 (8,760 hours a year ÷ 12) */
    readonly hoursPerMonth: number;
    /**
     * Hours per month compute that scales runs above its minimum, at its
     * maximum scale. @default 60 (2 h × 30 nightly runs)
     */
    readonly burstHoursPerMonth: number;
    /** Hours per month a VM with a daily auto-shutdown runs. @default 176 (8 h × 22 working days) */
    readonly vmHoursWithAutoShutdown: number;
}

export const DEFAULT_USAGE: UsageAssumptions = {
    hoursPerMonth: 730,
    burstHoursPerMonth: 60,
    vmHoursWithAutoShutdown: 176,
};

/** One priced (or unpriced) line of an estimate. */
export interface CostLine {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** What is billed: `system pool system: 2 × Standard_D4s_v5, always on`. */
    readonly description: string;
    /** Meter key (meters.ts); absent when no meter could be named. */
    readonly meter?: string;
    /** Azure region; absent when unknown (the line is then unpriced). */
    readonly region?: string;
    /** Unit of `unitPrice`, from the price table. */
    readonly unit?: PriceUnit;
    /** Price per `unit` in the estimate's currency. */
    readonly unitPrice?: number;
    /** Units billed at the smallest scale. */
    readonly minUnits: number;
    /** Units billed at the largest scale. */
    readonly maxUnits: number;
    /** Cost of one hour at `maxUnits`; absent for usage and unpriced lines. */
    readonly hourlyAtMax?: number;
    /** Cost of a month under the usage assumptions; absent for usage and unpriced lines. */
    readonly monthly?: number;
    /** Scales to zero: costs nothing while idle ("0 when idle"). */
    readonly idleZero: boolean;
    /** Billed by use: the unit price is shown, the line is not in the totals. */
    readonly perUse: boolean;
    /** Where the price was read (a URL) and when (YYYY-MM-DD). */
    readonly source?: string;
    readonly date?: string;
    /** Why the line has no price. */
    readonly unpriced?: string;
}

/** Resources of one type with no charge of their own. */
export interface FreeGroup {
    readonly type: string;
    /** Logical names, in program order. */
    readonly names: readonly string[];
    /** Why they cost nothing (the first resource's reason when they differ). */
    readonly reason: string;
}

export interface CostEstimate {
    readonly currency: PriceTable["currency"];
    readonly usage: UsageAssumptions;
    readonly lines: readonly CostLine[];
    /** Sum of the priced, non-usage lines at maximum scale, per hour. */
    readonly hourlyAtMax: number;
    /** Sum of the priced, non-usage lines per month under `usage`. */
    readonly monthly: number;
    /** Lines with no price: the totals leave them out. */
    readonly unpricedCount: number;
    readonly free: readonly FreeGroup[];
}

/** Problems with usage assumptions, each naming the field and the rule. */
export function usageIssues(usage: UsageAssumptions): string[] {
    const issues: string[] = [];
    const check = (field: keyof UsageAssumptions, ok: (n: number) => boolean, rule: string) => {
        if (!Number.isFinite(usage[field]) || !ok(usage[field])) issues.push(`${field}: ${rule} (got ${usage[field]})`);
    };
    check("hoursPerMonth", (n) => n > 0 && n <= 744, "more than 0 and at most 744 (31 days)");
    check("burstHoursPerMonth", (n) => n >= 0 && n <= usage.hoursPerMonth, "from 0 to hoursPerMonth");
    check("vmHoursWithAutoShutdown", (n) => n >= 0 && n <= usage.hoursPerMonth, "from 0 to hoursPerMonth");
    return issues;
}

/** Price entries by meter and region; a later entry for the same pair replaces an earlier one. */
export type PriceIndex = ReadonlyMap<string, PriceEntry>;

const priceKey = (meter: string, region: string) => `${meter}@${region}`;

export function indexPrices(table: PriceTable): PriceIndex {
    return new Map(table.entries.map((e) => [priceKey(e.meter, e.region), e]));
}

/** A price per `unit` as a price per hour; undefined for usage units. */
export function hourlyRate(price: number, unit: PriceUnit, usage: UsageAssumptions): number | undefined {
    switch (unit) {
        case "hour":
        case "vcore-hour":
            return price;
        case "day":
            return price / 24;
        case "month":
            return price / usage.hoursPerMonth;
        default:
            return undefined;
    }
}

/** One quantity priced from the index, or unpriced with the reason. */
export function priceQuantity(q: MeteredQuantity, prices: PriceIndex, usage: UsageAssumptions): CostLine {
    const line = {
        urn: q.urn,
        type: q.type,
        name: q.name,
        description: q.description,
        meter: q.meter,
        region: q.region,
        minUnits: q.minUnits,
        maxUnits: q.maxUnits,
        idleZero: !q.perUse && q.minUnits === 0 && q.maxUnits > 0,
        perUse: q.perUse,
    };
    if (q.unpriced || !q.meter) return { ...line, unpriced: q.unpriced ?? "no meter" };
    if (!q.region) return { ...line, unpriced: "region unknown: no location on the resource or its resource group" };
    const entry = prices.get(priceKey(q.meter, q.region));
    if (!entry) return { ...line, unpriced: `no price for ${q.meter} in ${q.region}; --live-prices fetches it` };
    const expected = meterUnit(q.meter);
    if (expected && entry.unit !== expected) {
        return { ...line, unpriced: `the price table gives ${q.meter} per ${entry.unit}, not per ${expected}` };
    }
    const priced = { ...line, unit: entry.unit, unitPrice: entry.price, source: entry.source, date: entry.date };
    const rate = hourlyRate(entry.price, entry.unit, usage);
    if (q.perUse || rate === undefined || isUsageUnit(entry.unit)) return { ...priced, perUse: true, idleZero: false };
    const hours = q.hours === "auto-shutdown" ? usage.vmHoursWithAutoShutdown : usage.hoursPerMonth;
    return {
        ...priced,
        hourlyAtMax: rate * q.maxUnits,
        monthly: rate * (q.minUnits * hours + (q.maxUnits - q.minUnits) * usage.burstHoursPerMonth),
    };
}

/** Free resources grouped by type, in the order types first appear. */
export function groupFree(free: readonly FreeResource[]): FreeGroup[] {
    const groups = new Map<string, { names: string[]; reason: string }>();
    for (const f of free) {
        const group = groups.get(f.type) ?? { names: [], reason: f.reason };
        group.names.push(f.name);
        groups.set(f.type, group);
    }
    return [...groups].map(([type, g]) => ({ type, names: g.names, reason: g.reason }));
}

/** An estimate from a metering already made (the plan meters once to know which prices to refresh). */
export function priceMetering(
    metering: Metering,
    table: PriceTable,
    usage: UsageAssumptions = DEFAULT_USAGE,
): CostEstimate {
    const issues = usageIssues(usage);
    if (issues.length) throw new Error(`Invalid usage assumptions: ${issues.join("; ")}`);
    const prices = indexPrices(table);
    const lines = metering.quantities.map((q) => priceQuantity(q, prices, usage));
    const counted = lines.filter((l) => !l.perUse && !l.unpriced);
    return {
        currency: table.currency,
        usage,
        lines,
        hourlyAtMax: counted.reduce((sum, l) => sum + (l.hourlyAtMax ?? 0), 0),
        monthly: counted.reduce((sum, l) => sum + (l.monthly ?? 0), 0),
        unpricedCount: lines.filter((l) => l.unpriced).length,
        free: groupFree(metering.free),
    };
}

/** The estimated cost of a program's resources at the table's prices. */
export function estimateCost(
    resources: readonly PlannedResource[],
    table: PriceTable,
    usage: UsageAssumptions = DEFAULT_USAGE,
): CostEstimate {
    return priceMetering(meterResources(resources), table, usage);
}
