/**
 * Format of the price table shipped with the package (prices.ts). Each
 * entry is one Azure meter in one region, with the page it was read from and
 * the date; `live` says how the public Azure Retail Prices API finds the same
 * meter, so `--live-prices` can refresh it.
 */

/** Units a meter is billed in. */
export type PriceUnit =
    | "hour" // one resource (node, cluster, IP) for one hour
    | "vcore-hour"
    | "day"
    | "month"
    | "gb-month" // stored data
    | "gb" // ingested or transferred data
    | "10k-operations"
    | "million-events";

/** How the Azure Retail Prices API (prices.azure.com) finds this meter: its OData filter fields. */
export interface RetailPriceQuery {
    readonly serviceName: string;
    readonly armSkuName?: string;
    readonly skuName?: string;
    readonly meterName?: string;
    readonly productName?: string;
}

export interface PriceEntry {
    /** Meter key, as the estimator names it (see meterKey in cost.ts): e.g. `vm:Standard_D4s_v5`, `vm-spot:Standard_D4s_v5`. */
    readonly meter: string;
    /** Azure region name (`westeurope`). */
    readonly region: string;
    readonly unit: PriceUnit;
    /** Pay-as-you-go retail price in `currency` per `unit`. */
    readonly price: number;
    /** Where the price was read: a URL. */
    readonly source: string;
    /** ISO date (YYYY-MM-DD) the source gave this price. */
    readonly date: string;
    /** Query of the live API for the same meter. */
    readonly live?: RetailPriceQuery;
}

export interface PriceTable {
    /** ISO 4217; the Retail Prices API's base currency is USD. */
    readonly currency: "USD";
    readonly entries: readonly PriceEntry[];
}
