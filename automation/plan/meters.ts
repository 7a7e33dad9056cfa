/**
 * Meter keys: the one place that names the Azure prices a cost estimate asks
 * for. The shipped price table (prices.ts) and `--live-prices` index their
 * entries by these keys, so a key spelled here is a key the table must carry.
 *
 * Also here: the unit each meter is billed in, the managed-disk tier a size
 * falls in, and how the Azure Retail Prices API finds a VM meter the table
 * does not list.
 */
import { PriceUnit, RetailPriceQuery } from "./price-table";

/** Linux pay-as-you-go VM per hour (`vm:<armSkuName>`), or its Spot rate (`vm-spot:<armSkuName>`). */
export function vmMeter(size: string, spot = false): string {
    return `${spot ? "vm-spot" : "vm"}:${size}`;
}

/** Managed disk per month, by storage type and tier: `disk:Premium_LRS:P10`. */
export function diskMeter(storageType: string, tier: string): string {
    return `disk:${storageType}:${tier}`;
}

/** Standard public IPv4 address (always static) per hour. */
export const PUBLIC_IP_STANDARD_STATIC = "public-ip:standard-static";

/** AKS cluster management per cluster-hour. The Free tier has no meter: it costs nothing. */
export function aksTierMeter(tier: "standard" | "premium"): string {
    return `aks:${tier}-tier`;
}

/** Container registry per day, by SKU. */
export function acrMeter(sku: "Basic" | "Standard" | "Premium"): string {
    return `acr:${sku}`;
}

/** Event Hubs throughput unit per hour. */
export function eventHubsThroughputUnitMeter(tier: "basic" | "standard"): string {
    return `eventhubs:${tier}-throughput-unit`;
}

/** Event Hubs ingress per million events (usage). */
export function eventHubsIngressMeter(tier: "basic" | "standard"): string {
    return `eventhubs:${tier}-ingress`;
}

/** Log Analytics ingestion (Analytics logs, pay-as-you-go) per GB (usage). */
export const LOG_ANALYTICS_INGESTION = "log-analytics:ingestion";
/** Blob data stored, hot tier, locally redundant, per GB-month (usage). */
export const BLOB_HOT_LRS = "storage:blob-hot-lrs";
/** Key Vault standard operations per 10,000 (usage). */
export const KEY_VAULT_STANDARD_OPERATIONS = "keyvault:standard-operations";
/** Synapse memory-optimized Spark pool per vCore-hour. */
export const SYNAPSE_SPARK_VCORE = "synapse:spark-vcore";
/**
 * Azure ML serverless Spark per vCore-hour. Serverless Spark runs per job,
 * not as a resource a program declares, so no resource asks for it; the key is
 * here so the table and the driver's own estimates name it the same way.
 */
export const AML_SERVERLESS_SPARK_VCORE = "aml:serverless-spark-vcore";

/** Unit of each meter family, by key prefix. */
const UNITS: readonly (readonly [prefix: string, unit: PriceUnit])[] = [
    ["vm:", "hour"],
    ["vm-spot:", "hour"],
    ["disk:", "month"],
    ["public-ip:", "hour"],
    ["aks:", "hour"],
    ["acr:", "day"],
    ["eventhubs:", "hour"],
    ["log-analytics:", "gb"],
    ["storage:", "gb-month"],
    ["keyvault:", "10k-operations"],
    ["synapse:", "vcore-hour"],
    ["aml:", "vcore-hour"],
];

/** The unit a meter is billed in; undefined for a key no rule here makes. */
export function meterUnit(meter: string): PriceUnit | undefined {
    if (meter.startsWith("eventhubs:") && meter.endsWith("-ingress")) return "million-events";
    return UNITS.find(([prefix]) => meter.startsWith(prefix))?.[1];
}

/** True for meters billed at the Spot rate. */
export function isSpotMeter(meter: string): boolean {
    return meter.startsWith("vm-spot:");
}

/** Usage meters: priced per unit of use, never part of hourly or monthly totals. */
export function isUsageUnit(unit: PriceUnit): boolean {
    return unit === "gb" || unit === "gb-month" || unit === "10k-operations" || unit === "million-events";
}

/**
 * How the Retail Prices API finds a VM meter the shipped table may not list
 * (any size a program names): service and ARM SKU name; the Spot and Linux
 * choice is made on the items it returns (live-prices.ts). Other meters are
 * only refreshed from the query their table entry carries.
 */
export function liveQueryForMeter(meter: string): RetailPriceQuery | undefined {
    const match = /^vm(?:-spot)?:(.+)$/.exec(meter);
    return match ? { serviceName: "Virtual Machines", armSkuName: match[1] } : undefined;
}

/**
 * Managed-disk tiers by storage type: [tier, largest size in GiB]. A disk is
 * billed as the smallest tier its provisioned size fits in (a 33 GiB disk is
 * billed as 64 GiB). Sizes per tier from
 * https://learn.microsoft.com/azure/virtual-machines/disks-types (tables of
 * Premium SSD, Standard SSD and Standard HDD sizes); the rounding up from
 * https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.VM.DiskSizeAlignment.
 * Zone-redundant disks use the same tiers with their own meters.
 */
const SIZES = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767];
const TIER_NUMBERS = ["1", "2", "3", "4", "6", "10", "15", "20", "30", "40", "50", "60", "70", "80"];
const tiers = (letter: string, from = 0) =>
    SIZES.map((size, i) => [`${letter}${TIER_NUMBERS[i]}`, size] as const).slice(from);
export const DISK_TIERS: Readonly<Record<string, readonly (readonly [tier: string, maxGiB: number])[]>> = {
    Premium: tiers("P"),
    StandardSSD: tiers("E"),
    // Standard HDD starts at S4 (32 GiB).
    Standard: tiers("S", 3),
};

/** The tier family of a managed-disk storage type (`Premium_LRS` → `Premium`); undefined for Ultra and Premium SSD v2. */
export function diskFamily(storageType: string): string | undefined {
    const match = /^(Premium|StandardSSD|Standard)_(LRS|ZRS)$/.exec(storageType);
    return match?.[1];
}

/** The billed tier of a managed disk: the smallest that holds `sizeGiB`; undefined past the largest. */
export function diskTier(storageType: string, sizeGiB: number): string | undefined {
    const family = diskFamily(storageType);
    if (!family) return undefined;
    return DISK_TIERS[family].find(([, max]) => sizeGiB <= max)?.[0];
}
