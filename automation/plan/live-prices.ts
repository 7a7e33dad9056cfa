/**
 * `--live-prices`: refreshes the shipped price table from the public Azure
 * Retail Prices API (no account needed), with a file cache so repeated plans
 * ask once a day, and a hard time bound so an offline plan never hangs.
 *
 * One query per meter and region: the entry's `live` filter (or, for a VM
 * size the table lacks, one made from its meter key) plus `armRegionName` and
 * `priceType eq 'Consumption'`, following `NextPageLink` (the API answers in
 * pages: https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices).
 * Of the items it returns, the one picked is Linux (no `Windows` product),
 * Spot only for a Spot meter and never Low Priority, in the entry's unit, and
 * at the first paid tier (tiered meters list a free first tier at 0).
 * Anything else, or two different prices, leaves the shipped price in place.
 *
 * A refreshed entry's `source` is the query's URL and its `date` the day the
 * API gave the answer (today, or the day of a cached answer). The items'
 * `effectiveStartDate` is when a price began, often years back, which would
 * read as a stale price rather than one confirmed today.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { isSpotMeter, liveQueryForMeter, meterUnit } from "./meters";
import { PriceEntry, PriceTable, PriceUnit, RetailPriceQuery } from "./price-table";

export const RETAIL_PRICES_ENDPOINT = "https://prices.azure.com/api/retail/prices";
export const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Queries in flight at once: enough for a table's worth of meters to fit the time bound, few enough to stay a polite client. */
const CONCURRENCY = 6;
/** Pages followed per query at most; a meter's answer is one page in practice. */
const MAX_PAGES = 20;

export interface RefreshOptions {
    /**
     * Optional. Regions to price, as ARM names (`westeurope`); a plan passes
     * the regions its lines bill in (metersToPrice in metering.ts).
     * @default - every region of the table's entries with a `live` query
     */
    readonly regions?: readonly string[];
    /**
     * Optional. Meters to refresh; a plan passes the meters its lines ask for.
     * @default - every meter of the table with a `live` query
     */
    readonly meters?: readonly string[];
    /** Optional. @default RETAIL_PRICES_ENDPOINT */
    readonly endpoint?: string;
    /** Optional. @default globalThis.fetch */
    readonly fetch?: typeof globalThis.fetch;
    /** Optional. JSON file of cached answers. @default - no cache */
    readonly cacheFile?: string;
    /** Optional. Age past which a cached answer is asked again. @default DEFAULT_MAX_AGE_MS (24 h) */
    readonly maxAgeMs?: number;
    /** Optional. Bound on the whole refresh, every page of every query. @default DEFAULT_TIMEOUT_MS (10 s) */
    readonly timeoutMs?: number;
    /** Optional. The clock. @default () => new Date() */
    readonly now?: () => Date;
}

export interface RefreshResult {
    /** The shipped table with live entries in place of the shipped ones (the shipped table when offline). */
    readonly table: PriceTable;
    /** One line saying what happened, for the plan's output. */
    readonly note: string;
}

/** The fields of a Retail Prices API item this client reads. */
export interface RetailItem {
    readonly retailPrice: number;
    readonly unitOfMeasure: string;
    readonly armRegionName?: string;
    readonly armSkuName?: string;
    readonly skuName?: string;
    readonly meterName?: string;
    readonly productName?: string;
    readonly type?: string;
    readonly tierMinimumUnits?: number;
    readonly effectiveStartDate?: string;
}

/** A cached answer: the items of every page of one query, and when they were fetched. */
interface CachedAnswer {
    readonly fetchedAt: string;
    readonly items: readonly RetailItem[];
}
interface CacheFile {
    readonly version: 1;
    readonly answers: Readonly<Record<string, CachedAnswer>>;
}

/** One meter in one region to ask for. */
interface Target {
    readonly meter: string;
    readonly region: string;
    readonly unit: PriceUnit;
    readonly query: RetailPriceQuery;
    /** The query's readable URL: the cache key and the refreshed entry's source. */
    readonly source: string;
}

/** A failure that ends the refresh: the network, a timeout, or an answer not of the API's shape. */
class LiveError extends Error {}

/** A quoted OData string literal. */
function literal(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

/** The OData `$filter` of a query in one region, consumption (pay-as-you-go) prices only. */
export function retailFilter(query: RetailPriceQuery, region: string): string {
    const fields: (keyof RetailPriceQuery)[] = ["serviceName", "armSkuName", "skuName", "meterName", "productName"];
    const clauses = fields.filter((f) => query[f] !== undefined).map((f) => `${f} eq ${literal(query[f]!)}`);
    return [...clauses, `armRegionName eq ${literal(region)}`, `priceType eq 'Consumption'`].join(" and ");
}

/** The `unitOfMeasure` strings the API uses for each unit of the table (compared case-insensitively). */
const UNITS_OF_MEASURE: Readonly<Record<PriceUnit, readonly string[]>> = {
    hour: ["1 Hour"],
    "vcore-hour": ["1 Hour"],
    day: ["1/Day", "1 Day"],
    month: ["1/Month", "1 Month"],
    "gb-month": ["1 GB/Month"],
    gb: ["1 GB"],
    "10k-operations": ["10K"],
    "million-events": ["1M", "1 Million"],
};

/** The item a meter's price comes from, or why none can be picked. */
export function pickItem(
    items: readonly RetailItem[],
    target: { readonly region: string; readonly unit: PriceUnit; readonly spot: boolean },
): { readonly item?: RetailItem; readonly reason?: string } {
    const units = UNITS_OF_MEASURE[target.unit].map((u) => u.toLowerCase());
    const matching = items.filter((i) => {
        const names = `${i.skuName ?? ""} ${i.meterName ?? ""}`;
        return (
            (i.type ?? "Consumption") === "Consumption" &&
            (i.armRegionName ?? target.region) === target.region &&
            !/windows/i.test(i.productName ?? "") &&
            /\bspot\b/i.test(names) === target.spot &&
            !/low priority/i.test(names) &&
            units.includes((i.unitOfMeasure ?? "").toLowerCase()) &&
            typeof i.retailPrice === "number" &&
            Number.isFinite(i.retailPrice)
        );
    });
    if (!matching.length) return { reason: "no matching item" };
    const paid = matching.filter((i) => i.retailPrice > 0);
    const pool = paid.length ? paid : matching;
    const firstTier = Math.min(...pool.map((i) => i.tierMinimumUnits ?? 0));
    const tier = pool.filter((i) => (i.tierMinimumUnits ?? 0) === firstTier);
    const prices = new Set(tier.map((i) => i.retailPrice));
    return prices.size === 1 ? { item: tier[0] } : { reason: `${prices.size} different prices` };
}

/** The items of one page, checked for the API's shape. */
function parsePage(body: unknown): { items: RetailItem[]; next?: string } {
    const page = body as { Items?: unknown; NextPageLink?: unknown };
    if (!page || !Array.isArray(page.Items)) throw new LiveError("an answer without Items");
    const items = (page.Items as Record<string, unknown>[]).map((i) => ({
        retailPrice: i.retailPrice as number,
        unitOfMeasure: i.unitOfMeasure as string,
        armRegionName: i.armRegionName as string | undefined,
        armSkuName: i.armSkuName as string | undefined,
        skuName: i.skuName as string | undefined,
        meterName: i.meterName as string | undefined,
        productName: i.productName as string | undefined,
        type: i.type as string | undefined,
        tierMinimumUnits: i.tierMinimumUnits as number | undefined,
        effectiveStartDate: i.effectiveStartDate as string | undefined,
    }));
    return { items, next: typeof page.NextPageLink === "string" && page.NextPageLink ? page.NextPageLink : undefined };
}

/** Every page of one query. Next-page links must stay on the endpoint's origin. */
async function fetchAllPages(
    url: string,
    origin: string,
    fetchFn: typeof globalThis.fetch,
    signal: AbortSignal,
): Promise<RetailItem[]> {
    const items: RetailItem[] = [];
    let next: string | undefined = url;
    for (let page = 0; next !== undefined; page++) {
        if (page === MAX_PAGES) throw new LiveError(`more than ${MAX_PAGES} pages for one meter`);
        if (new URL(next).origin !== origin) throw new LiveError(`a next page off ${origin}`);
        const response = await fetchFn(next, { signal, headers: { accept: "application/json" } });
        if (!response.ok) throw new LiveError(`HTTP ${response.status} from ${origin}`);
        const parsed = parsePage(await response.json().catch(() => undefined));
        items.push(...parsed.items);
        next = parsed.next;
    }
    return items;
}

/** The cache file's answers; an absent or unreadable file is an empty cache. */
async function readCache(file: string | undefined): Promise<Record<string, CachedAnswer>> {
    if (!file) return {};
    try {
        const parsed = JSON.parse(await readFile(file, "utf8")) as CacheFile;
        return parsed.version === 1 && parsed.answers && typeof parsed.answers === "object"
            ? { ...parsed.answers }
            : {};
    } catch {
        return {};
    }
}

/** Writes the cache whole, through a temporary file so a reader never sees half of it. */
async function writeCache(file: string, answers: Record<string, CachedAnswer>): Promise<void> {
    const content: CacheFile = { version: 1, answers };
    await mkdir(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`);
    await rename(temporary, file);
}

/** The dates of a table's prices: `2026-11-20`, or `2026-11-02 to 2026-11-20`. */
export function tableDates(table: PriceTable): string {
    const dates = [...new Set(table.entries.map((e) => e.date))].sort();
    if (!dates.length) return "no date";
    return dates.length === 1 ? dates[0] : `${dates[0]} to ${dates[dates.length - 1]}`;
}

/** The meters and regions to ask for, with the query and unit each is asked in. */
function targetsOf(table: PriceTable, options: RefreshOptions, endpoint: string): Target[] {
    const refreshable = table.entries.filter((e) => e.live);
    const meters = options.meters ?? refreshable.map((e) => e.meter);
    const regions = options.regions ?? refreshable.map((e) => e.region);
    return [...new Set(meters)].flatMap((meter) =>
        [...new Set(regions)].flatMap((region) => {
            const shipped = table.entries.find((e) => e.meter === meter && e.region === region && e.live);
            // A query does not depend on the region, so another region's entry can ask for this one.
            const template = shipped ?? table.entries.find((e) => e.meter === meter && e.live);
            const query = template?.live ?? liveQueryForMeter(meter);
            const unit = template?.unit ?? meterUnit(meter);
            if (!query || !unit) return [];
            return [{ meter, region, unit, query, source: `${endpoint}?$filter=${retailFilter(query, region)}` }];
        }),
    );
}

/** Runs `task` over `inputs` with at most `limit` at once; the first failure rejects (the others are left to the abort). */
async function inPool<T, R>(inputs: readonly T[], limit: number, task: (input: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(inputs.length);
    let nextIndex = 0;
    const worker = async () => {
        while (nextIndex < inputs.length) {
            const index = nextIndex++;
            results[index] = await task(inputs[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
    return results;
}

/** Why a refresh failed, in a few words. */
function failureReason(err: unknown, timeoutMs: number): string {
    if (err instanceof LiveError) return err.message;
    const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (error?.name === "TimeoutError" || error?.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
    return error?.cause?.message ?? error?.cause?.code ?? error?.message ?? String(err);
}

/**
 * The table with live prices for the meters and regions asked, or the shipped
 * table and why not. Never throws for the network and never runs past `timeoutMs`.
 */
export async function refreshPrices(table: PriceTable, options: RefreshOptions = {}): Promise<RefreshResult> {
    const endpoint = options.endpoint ?? RETAIL_PRICES_ENDPOINT;
    const fetchFn = options.fetch ?? globalThis.fetch;
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const now = options.now ?? (() => new Date());
    const targets = targetsOf(table, options, endpoint);
    if (!targets.length) return { table, note: "live prices: nothing to refresh (no meter with a live query)" };

    const cache = await readCache(options.cacheFile);
    const stop = new AbortController();
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stop.signal]);
    const origin = new URL(endpoint).origin;
    let fetched = 0;
    const answerOf = async (target: Target): Promise<CachedAnswer & { cached: boolean }> => {
        const hit = cache[target.source];
        const age = hit ? now().getTime() - Date.parse(hit.fetchedAt) : NaN;
        if (hit && age >= 0 && age < maxAgeMs) return { ...hit, cached: true };
        const items = await fetchAllPages(
            `${endpoint}?$filter=${encodeURIComponent(retailFilter(target.query, target.region))}`,
            origin,
            fetchFn,
            signal,
        );
        const answer = { fetchedAt: now().toISOString(), items };
        cache[target.source] = answer;
        fetched++;
        return { ...answer, cached: false };
    };

    let answers: (CachedAnswer & { cached: boolean })[];
    try {
        answers = await inPool(targets, CONCURRENCY, (t) =>
            answerOf(t).catch((err) => {
                stop.abort();
                throw err;
            }),
        );
    } catch (err) {
        if (fetched && options.cacheFile) await writeCache(options.cacheFile, cache).catch(() => undefined);
        const reason = failureReason(err, timeoutMs);
        return { table, note: `live prices unavailable (${reason}); using the shipped table of ${tableDates(table)}` };
    }
    if (fetched && options.cacheFile) await writeCache(options.cacheFile, cache).catch(() => undefined);

    const live: PriceEntry[] = [];
    const missing: string[] = [];
    targets.forEach((target, i) => {
        const { item } = pickItem(answers[i].items, { ...target, spot: isSpotMeter(target.meter) });
        if (!item) {
            missing.push(`${target.meter} in ${target.region}`);
            return;
        }
        const { meter, region, unit, query, source } = target;
        live.push({
            meter,
            region,
            unit,
            price: item.retailPrice,
            source,
            date: answers[i].fetchedAt.slice(0, 10),
            live: query,
        });
    });
    const replaced = new Set(live.map((e) => `${e.meter}@${e.region}`));
    const kept = table.entries.filter((e) => !replaced.has(`${e.meter}@${e.region}`));
    const cached = answers.filter((a) => a.cached).length;
    const note =
        `live prices: ${live.length} of ${targets.length} refreshed from ${endpoint}` +
        (cached ? ` (${cached} from the cache)` : "") +
        (missing.length ? `; not found live (shipped prices kept where there are any): ${missing.join(", ")}` : "");
    return { table: { currency: table.currency, entries: [...kept, ...live] }, note };
}
