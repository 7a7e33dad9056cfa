import * as assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pickItem, refreshPrices, retailFilter, RetailItem } from "../../../automation/plan/live-prices";
import { PriceTable } from "../../../automation/plan/price-table";

/** A fake of the Retail Prices API on 127.0.0.1: answers with the test's handler, records each request's filter. */
interface FakePrices {
    readonly endpoint: string;
    /** `$filter` of each request, decoded, in arrival order (`page=` for follow-up pages). */
    readonly requests: string[];
    close(): Promise<void>;
}

type Answer = { status?: number; body?: unknown } | "never";

async function fakePrices(handler: (url: URL, endpoint: string) => Answer): Promise<FakePrices> {
    const requests: string[] = [];
    let endpoint = "";
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        requests.push(url.searchParams.get("$filter") ?? `page=${url.searchParams.get("page")}`);
        const answer = handler(url, endpoint);
        if (answer === "never") return; // hold the connection open, answer nothing
        res.writeHead(answer.status ?? 200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.body ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/retail/prices`;
    return {
        endpoint,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/** An API item for a VM meter: Linux pay-as-you-go unless told otherwise. */
function vmItem(price: number, extra: Partial<RetailItem> = {}): RetailItem & Record<string, unknown> {
    return {
        retailPrice: price,
        unitPrice: price,
        unitOfMeasure: "1 Hour",
        armRegionName: "westeurope",
        armSkuName: "Standard_D4s_v5",
        skuName: "D4s v5",
        meterName: "D4s v5",
        productName: "Virtual Machines Dsv5 Series",
        serviceName: "Virtual Machines",
        type: "Consumption",
        tierMinimumUnits: 0,
        effectiveStartDate: "2022-06-01T00:00:00Z",
        ...extra,
    };
}

/** What the API lists for one VM size in one region: Linux, Windows, Spot and Low Priority of each. */
const D4_ITEMS = [
    vmItem(0.35, { productName: "Virtual Machines Dsv5 Series Windows" }),
    vmItem(0.09, {
        productName: "Virtual Machines Dsv5 Series Windows",
        skuName: "D4s v5 Spot",
        meterName: "D4s v5 Spot",
    }),
    vmItem(0.03, { skuName: "D4s v5 Low Priority", meterName: "D4s v5 Low Priority" }),
    vmItem(0.04, { skuName: "D4s v5 Spot", meterName: "D4s v5 Spot" }),
    vmItem(0.192),
];

const SHIPPED: PriceTable = {
    currency: "USD",
    entries: [
        {
            meter: "vm:Standard_D4s_v5",
            region: "westeurope",
            unit: "hour",
            price: 0.2,
            source: "https://azure.microsoft.com/pricing/details/virtual-machines/linux/",
            date: "2026-11-20",
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_D4s_v5" },
        },
        {
            meter: "vm-spot:Standard_D4s_v5",
            region: "westeurope",
            unit: "hour",
            price: 0.05,
            source: "https://azure.microsoft.com/pricing/details/virtual-machines/linux/",
            date: "2026-11-20",
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_D4s_v5" },
        },
        {
            meter: "acr:Basic",
            region: "westeurope",
            unit: "day",
            price: 0.1666,
            source: "https://azure.microsoft.com/pricing/details/container-registry/",
            date: "2026-11-02",
        },
    ],
};

const NOW = new Date("2026-12-02T10:00:00Z");
const clock = (date: Date) => () => date;
const priceOf = (table: PriceTable, meter: string) =>
    table.entries.find((e) => e.meter === meter && e.region === "westeurope");

describe("refreshPrices against a fake Retail Prices API", () => {
    let fake: FakePrices | undefined;
    let dir: string;
    beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), "live-prices-"));
    });
    afterEach(async () => {
        await fake?.close();
        fake = undefined;
        await rm(dir, { recursive: true, force: true });
    });

    it("replaces shipped prices with live ones: Linux pay-as-you-go and Spot, never Windows or Low Priority", async () => {
        fake = await fakePrices(() => ({ body: { Items: D4_ITEMS, NextPageLink: null } }));
        // No regions or meters given: every meter of the table with a live query, in the table's regions.
        const { table, note } = await refreshPrices(SHIPPED, { endpoint: fake.endpoint, now: clock(NOW) });

        const filter =
            "serviceName eq 'Virtual Machines' and armSkuName eq 'Standard_D4s_v5' and armRegionName eq 'westeurope' and priceType eq 'Consumption'";
        assert.deepEqual(fake.requests, [filter, filter]);
        const linux = priceOf(table, "vm:Standard_D4s_v5");
        assert.deepEqual(
            [linux?.price, linux?.date, linux?.source],
            [0.192, "2026-12-02", `${fake.endpoint}?$filter=${filter}`],
        );
        assert.equal(priceOf(table, "vm-spot:Standard_D4s_v5")?.price, 0.04);
        assert.deepEqual(
            priceOf(table, "acr:Basic"),
            SHIPPED.entries[2],
            "an entry with no live query is kept as shipped",
        );
        assert.equal(table.entries.length, 3);
        assert.equal(note, `live prices: 2 of 2 refreshed from ${fake.endpoint}`);
    });

    it("answers from the cache while it is fresh, and asks again once it has expired", async () => {
        fake = await fakePrices(() => ({ body: { Items: D4_ITEMS } }));
        const cacheFile = join(dir, "cache", "retail-prices.json");
        const options = { regions: ["westeurope"], meters: ["vm:Standard_D4s_v5"], endpoint: fake.endpoint, cacheFile };

        await refreshPrices(SHIPPED, { ...options, now: clock(NOW) });
        assert.equal(fake.requests.length, 1);
        assert.match(await readFile(cacheFile, "utf8"), /"fetchedAt": "2026-12-02T10:00:00.000Z"/);

        const later = await refreshPrices(SHIPPED, { ...options, now: clock(new Date("2026-12-03T09:00:00Z")) });
        assert.equal(fake.requests.length, 1, "a fresh cached answer is not asked again");
        assert.equal(priceOf(later.table, "vm:Standard_D4s_v5")?.date, "2026-12-02", "dated the day the API answered");
        assert.match(later.note, /\(1 from the cache\)/);

        const expired = await refreshPrices(SHIPPED, { ...options, now: clock(new Date("2026-12-03T11:00:00Z")) });
        assert.equal(fake.requests.length, 2, "an answer older than 24 h is asked again");
        assert.equal(priceOf(expired.table, "vm:Standard_D4s_v5")?.date, "2026-12-03");
    });

    it("gives up on a server that never answers within the time bound, keeping the shipped table", async () => {
        fake = await fakePrices(() => "never");
        const started = Date.now();
        const { table, note } = await refreshPrices(SHIPPED, {
            regions: ["westeurope"],
            endpoint: fake.endpoint,
            timeoutMs: 300,
        });
        assert.ok(Date.now() - started < 3000, `returned after ${Date.now() - started} ms`);
        assert.equal(table, SHIPPED);
        assert.equal(
            note,
            "live prices unavailable (no answer within 0.3 s); using the shipped table of 2026-11-02 to 2026-11-20",
        );
    });

    it("says in one line that an unreachable endpoint left the shipped table in use", async () => {
        fake = await fakePrices(() => ({ body: {} }));
        const endpoint = fake.endpoint;
        await fake.close();
        fake = undefined;
        const { table, note } = await refreshPrices(SHIPPED, { regions: ["westeurope"], endpoint, timeoutMs: 5000 });
        assert.equal(table, SHIPPED);
        assert.match(
            note,
            /^live prices unavailable \(.*ECONNREFUSED.*\); using the shipped table of 2026-11-02 to 2026-11-20$/,
        );
        assert.ok(!note.includes("\n"));
    });

    it("follows NextPageLink to the item on a later page", async () => {
        fake = await fakePrices((url, endpoint) =>
            url.searchParams.get("page") === "2"
                ? { body: { Items: [vmItem(0.192)], NextPageLink: null } }
                : { body: { Items: D4_ITEMS.slice(0, 3), NextPageLink: `${endpoint}?page=2` } },
        );
        const { table } = await refreshPrices(SHIPPED, {
            regions: ["westeurope"],
            meters: ["vm:Standard_D4s_v5"],
            endpoint: fake.endpoint,
        });
        assert.equal(fake.requests.length, 2);
        assert.equal(fake.requests[1], "page=2");
        assert.equal(priceOf(table, "vm:Standard_D4s_v5")?.price, 0.192);
    });

    it("keeps the shipped price when only Windows, Spot or Low Priority items answer for a pay-as-you-go meter", async () => {
        fake = await fakePrices(() => ({ body: { Items: D4_ITEMS.slice(0, 4) } }));
        const { table, note } = await refreshPrices(SHIPPED, {
            regions: ["westeurope"],
            meters: ["vm:Standard_D4s_v5"],
            endpoint: fake.endpoint,
        });
        assert.equal(priceOf(table, "vm:Standard_D4s_v5")?.price, 0.2);
        assert.match(
            note,
            /^live prices: 0 of 1 refreshed .*; not found live \(shipped prices kept where there are any\): vm:Standard_D4s_v5 in westeurope$/,
        );
    });

    it("fetches a VM size the table lacks, for a region it lacks, from the meter key alone", async () => {
        fake = await fakePrices(() => ({
            body: { Items: [vmItem(0.61, { armRegionName: "eastus", armSkuName: "Standard_NC4as_T4_v3" })] },
        }));
        const { table } = await refreshPrices(SHIPPED, {
            regions: ["eastus"],
            meters: ["vm:Standard_NC4as_T4_v3"],
            endpoint: fake.endpoint,
            now: clock(NOW),
        });
        assert.match(fake.requests[0], /armSkuName eq 'Standard_NC4as_T4_v3' and armRegionName eq 'eastus'/);
        const added = table.entries.find((e) => e.meter === "vm:Standard_NC4as_T4_v3");
        assert.deepEqual([added?.region, added?.unit, added?.price], ["eastus", "hour", 0.61]);
    });

    it("treats an HTTP error as unavailable", async () => {
        fake = await fakePrices(() => ({ status: 500, body: { error: "boom" } }));
        const { table, note } = await refreshPrices(SHIPPED, { regions: ["westeurope"], endpoint: fake.endpoint });
        assert.equal(table, SHIPPED);
        assert.match(note, /^live prices unavailable \(HTTP 500 from http:\/\/127\.0\.0\.1:\d+\)/);
    });

    it("refuses a next page on another origin", async () => {
        fake = await fakePrices(() => ({
            body: { Items: [], NextPageLink: "https://elsewhere.example/api/retail/prices?page=2" },
        }));
        const { note } = await refreshPrices(SHIPPED, { regions: ["westeurope"], endpoint: fake.endpoint });
        assert.match(note, /live prices unavailable \(a next page off http:\/\/127\.0\.0\.1:\d+\)/);
    });
});

describe("picking a Retail Prices API item", () => {
    const gb = (price: number, tier: number): RetailItem => ({
        retailPrice: price,
        unitOfMeasure: "1 GB",
        armRegionName: "westeurope",
        meterName: "Analytics Logs Data Ingestion",
        productName: "Log Analytics",
        type: "Consumption",
        tierMinimumUnits: tier,
    });

    it("takes the first paid tier of a tiered meter", () => {
        assert.equal(
            pickItem([gb(0, 0), gb(2.76, 5)], { region: "westeurope", unit: "gb", spot: false }).item?.retailPrice,
            2.76,
        );
    });

    it("refuses two different prices for the same meter rather than choosing one", () => {
        const result = pickItem([gb(2.76, 5), gb(3.1, 5)], { region: "westeurope", unit: "gb", spot: false });
        assert.deepEqual(result, { reason: "2 different prices" });
    });

    it("refuses items in another unit", () => {
        assert.equal(pickItem([vmItem(0.192)], { region: "westeurope", unit: "day", spot: false }).item, undefined);
    });

    it("quotes filter values as OData literals", () => {
        assert.equal(
            retailFilter({ serviceName: "Azure Monitor", meterName: "Analytics Logs' Data" }, "westeurope"),
            "serviceName eq 'Azure Monitor' and meterName eq 'Analytics Logs'' Data' and armRegionName eq 'westeurope' and priceType eq 'Consumption'",
        );
    });
});
