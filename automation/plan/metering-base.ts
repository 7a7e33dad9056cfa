/**
 * The shape of metering: what one planned resource costs in metered units,
 * before any price is known. Rules (metering-compute.ts,
 * metering-services.ts) turn a resource's inputs into quantities; cost.ts
 * prices them.
 */
import { PlannedResource } from "./resources";

/** How many hours a month the minimum units of a quantity run. */
export type HoursRule =
    /** Every hour (`UsageAssumptions.hoursPerMonth`). */
    | "always-on"
    /** A VM stopped daily by an auto-shutdown schedule (`UsageAssumptions.vmHoursWithAutoShutdown`). */
    | "auto-shutdown";

/** One metered quantity of one resource: units of one meter, between a minimum and a maximum scale. */
export interface MeteredQuantity {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** What is billed, for people: `system pool system: 2 × Standard_D4s_v5, always on`. */
    readonly description: string;
    /** Azure region; undefined when neither the resource nor its resource group says. */
    readonly region?: string;
    /** Meter key (meters.ts); undefined when the quantity cannot be priced (see `unpriced`). */
    readonly meter?: string;
    /** Why no price can be given, when no meter can be named. */
    readonly unpriced?: string;
    /** Units billed at the smallest scale (nodes, instances, vCores, disks); 0 for compute that scales to zero. */
    readonly minUnits: number;
    /** Units billed at the largest scale. */
    readonly maxUnits: number;
    /** How long the minimum units run each month; units above the minimum run the burst hours. */
    readonly hours: HoursRule;
    /** Billed per use (GB ingested, operations): the unit price is shown, the quantity is unknown. */
    readonly perUse: boolean;
}

/** A quantity as a rule writes it; the resource's identity and region are filled in by the caller. */
export type Draft = Omit<MeteredQuantity, "urn" | "type" | "name" | "region"> & { readonly region?: string };

/** What a rule says about one resource: what it bills, and/or why it bills nothing of its own. */
export interface RuleOutcome {
    readonly quantities?: readonly Draft[];
    /** Set when the resource (or part of it) has no charge of its own: the reason. */
    readonly free?: string;
}

/** What rules may look up besides the resource itself. */
export interface MeteringContext {
    readonly resources: readonly PlannedResource[];
    /** The region a resource bills in (its `location`, else its resource group's). */
    regionOf(resource: PlannedResource): string | undefined;
}

export type Rule = (resource: PlannedResource, ctx: MeteringContext) => RuleOutcome;

/** The value at a dotted path of the inputs (`properties.properties.vmSize`). */
export function at(value: unknown, path: string): unknown {
    let current = value;
    for (const key of path.split(".")) {
        if (!current || typeof current !== "object") return undefined;
        current = (current as Record<string, unknown>)[key];
    }
    return current;
}

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** A whole count ≥ 0 from a number or a numeric string (autoscale capacities are strings), or undefined. */
export function count(value: unknown): number | undefined {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** `a–b` for a range, `a` when both ends are equal. */
export function range(min: number, max: number): string {
    return min === max ? `${min}` : `${min}–${max}`;
}

/** Units that run all month (or the auto-shutdown hours). */
export function fixed(description: string, meter: string, units: number, hours: HoursRule = "always-on"): Draft {
    return { description, meter, minUnits: units, maxUnits: units, hours, perUse: false };
}

/** Units that scale between `min` (always on) and `max` (the burst hours). */
export function scaled(description: string, meter: string, min: number, max: number): Draft {
    return { description, meter, minUnits: min, maxUnits: max, hours: "always-on", perUse: false };
}

/** A usage meter: unit price only. */
export function perUse(description: string, meter: string): Draft {
    return { description, meter, minUnits: 0, maxUnits: 0, hours: "always-on", perUse: true };
}

/** A quantity no price can be given for, with the reason. */
export function unpriced(description: string, reason: string, min = 0, max = min): Draft {
    return { description, unpriced: reason, minUnits: min, maxUnits: max, hours: "always-on", perUse: false };
}
