/**
 * Price table shipped with the package for the offline cost estimate.
 *
 * Region: westeurope ("EU West" in the Azure Retail Prices API). Currency: USD.
 * Pay-as-you-go retail prices (API `priceType` / `type` "Consumption"), no
 * reservation, savings-plan, Dev/Test or negotiated prices.
 *
 * Every entry was read from a stored copy of an Azure Retail Prices API
 * answer in a public GitHub repository; `source` is the file it was read from
 * (pinned to a commit) and `date` the date that source gives for the price:
 * the API item's `effectiveStartDate` where the source keeps it, otherwise the
 * date the source records it was retrieved (said so in the comment). No price
 * here is estimated, interpolated, converted from another region or recalled.
 *
 * Meters the estimator knows but that no such source showed for westeurope
 * are deliberately absent, so the estimate lists them as unpriced rather than
 * guessing: `aks:premium-tier` (see the note at the AKS entries) and
 * `aml:serverless-spark-vcore`.
 *
 * `live` is the Retail Prices API filter that finds the same item again, for
 * `--live-prices`.
 */
import type { PriceTable } from "./price-table";

/**
 * Source of the VM prices: azure-pricing-radar's snapshot of the API answer to
 * `serviceName eq 'Virtual Machines' and armRegionName eq 'westeurope' and priceType eq 'Consumption'`
 * (USD, api-version 2023-01-01-preview; see scripts/fetch_prices.py). The snapshot keeps
 * productName, skuName, meterName, unitOfMeasure and retailPrice, not effectiveStartDate,
 * so `date` is the retrieval time in data/latest/last-checked.json at the same commit
 * (2026-08-22T20:59:40Z; the file was last changed on 2026-08-20 and found unchanged since).
 */
const VM_SOURCE =
    "https://github.com/andy-diericks/azure-pricing-radar/blob/cf741f25c50759745f8eb5dcaf6c3746669c8f31/data/latest/vm-eu-west.json";
const VM_DATE = "2026-08-22";

/**
 * Source of every other price: azure-architecture-diagram-builder's saved API answers for
 * westeurope, one file per serviceName, fetched with
 * `serviceName eq '<service>' and armRegionName eq 'westeurope' and priceType eq 'Consumption'`
 * (scripts/fetch-multi-region-pricing.sh). Full API items (with effectiveStartDate and
 * tierMinimumUnits), all USD and type Consumption, NextPageLink null; the files were last
 * written in commit 551a1f0 of 2026-08-14.
 */
const WE_DIR =
    "https://github.com/Arturo-Quiroga-MSFT/azure-architecture-diagram-builder/blob/31f894ae29cc7d61e973db6f6ddff710d68a4fb2/src/data/pricing/regions/westeurope";

export const PRICES: PriceTable = {
    currency: "USD",
    entries: [
        // ---- Virtual machines (Linux: productName without "Windows"; Spot: meterName ends in "Spot") ----

        // productName 'Virtual Machines Dsv5 Series', skuName 'Standard_D4s_v5', meterName 'D4s v5',
        // unitOfMeasure '1 Hour', retailPrice 0.23 (skuId DZH318Z08M9W/008H).
        {
            meter: "vm:Standard_D4s_v5",
            region: "westeurope",
            unit: "hour",
            price: 0.23,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_D4s_v5", meterName: "D4s v5" },
        },
        // productName 'Virtual Machines Dsv5 Series', skuName 'Standard_D4s_v5 Spot', meterName 'D4s v5 Spot',
        // '1 Hour', retailPrice 0.042504 (skuId DZH318Z08M9W/008K).
        {
            meter: "vm-spot:Standard_D4s_v5",
            region: "westeurope",
            unit: "hour",
            price: 0.042504,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_D4s_v5", meterName: "D4s v5 Spot" },
        },
        // productName 'Virtual Machines NCasT4 v3 Series', skuName 'NC4as T4 v3', meterName 'NC4as T4 v3',
        // '1 Hour', retailPrice 0.658 (skuId DZH318Z0DF49/002Z).
        {
            meter: "vm:Standard_NC4as_T4_v3",
            region: "westeurope",
            unit: "hour",
            price: 0.658,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_NC4as_T4_v3", meterName: "NC4as T4 v3" },
        },
        // productName 'Virtual Machines NCasT4 v3 Series', skuName 'NC4as T4 v3 Spot', meterName
        // 'NC4as T4 v3 Spot', '1 Hour', retailPrice 0.457113 (skuId DZH318Z0DF49/0030). As read: a Spot
        // discount of only ~31% on this size, much less than on the D-series.
        {
            meter: "vm-spot:Standard_NC4as_T4_v3",
            region: "westeurope",
            unit: "hour",
            price: 0.457113,
            source: VM_SOURCE,
            date: VM_DATE,
            live: {
                serviceName: "Virtual Machines",
                armSkuName: "Standard_NC4as_T4_v3",
                meterName: "NC4as T4 v3 Spot",
            },
        },
        // productName 'Virtual Machines DSv2 Series', skuName 'DS2 v2', meterName 'DS2 v2', '1 Hour',
        // retailPrice 0.136 (skuId DZH318Z0BQ4C/01BM).
        {
            meter: "vm:Standard_DS2_v2",
            region: "westeurope",
            unit: "hour",
            price: 0.136,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_DS2_v2", meterName: "DS2 v2" },
        },
        // productName 'Virtual Machines DSv2 Series', skuName 'DS2 v2 Spot', meterName 'DS2 v2 Spot',
        // '1 Hour', retailPrice 0.025133 (skuId DZH318Z0BQ4C/041H).
        {
            meter: "vm-spot:Standard_DS2_v2",
            region: "westeurope",
            unit: "hour",
            price: 0.025133,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_DS2_v2", meterName: "DS2 v2 Spot" },
        },
        // productName 'Virtual Machines Dsv5 Series', skuName 'Standard_D2s_v5', meterName 'D2s v5',
        // '1 Hour', retailPrice 0.115 (skuId DZH318Z08M9W/0092).
        {
            meter: "vm:Standard_D2s_v5",
            region: "westeurope",
            unit: "hour",
            price: 0.115,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_D2s_v5", meterName: "D2s v5" },
        },
        // productName 'Virtual Machines Dsv5 Series', skuName 'Standard_D8s_v5', meterName 'D8s v5',
        // '1 Hour', retailPrice 0.46 (skuId DZH318Z08M9W/0090).
        {
            meter: "vm:Standard_D8s_v5",
            region: "westeurope",
            unit: "hour",
            price: 0.46,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_D8s_v5", meterName: "D8s v5" },
        },
        // productName 'Virtual Machines ESv3 Series', skuName 'E4s v3', meterName 'E4s v3', '1 Hour',
        // retailPrice 0.32 (skuId DZH318Z0BQ4R/00R9).
        {
            meter: "vm:Standard_E4s_v3",
            region: "westeurope",
            unit: "hour",
            price: 0.32,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_E4s_v3", meterName: "E4s v3" },
        },
        // productName 'Virtual Machines NCasT4 v3 Series', skuName 'NC8as T4 v3', meterName 'NC8as T4 v3',
        // '1 Hour', retailPrice 0.94 (skuId DZH318Z0DF49/0022).
        {
            meter: "vm:Standard_NC8as_T4_v3",
            region: "westeurope",
            unit: "hour",
            price: 0.94,
            source: VM_SOURCE,
            date: VM_DATE,
            live: { serviceName: "Virtual Machines", armSkuName: "Standard_NC8as_T4_v3", meterName: "NC8as T4 v3" },
        },
        // productName 'NCads A100 v4 Series Linux', skuName 'Standard_NC24ads_A100_v4', meterName
        // 'NC24ads_A100_v4', '1 Hour', retailPrice 4.775 (skuId DZH318Z09TGJ/0026).
        {
            meter: "vm:Standard_NC24ads_A100_v4",
            region: "westeurope",
            unit: "hour",
            price: 4.775,
            source: VM_SOURCE,
            date: VM_DATE,
            live: {
                serviceName: "Virtual Machines",
                armSkuName: "Standard_NC24ads_A100_v4",
                meterName: "NC24ads_A100_v4",
            },
        },

        // ---- Managed disks (per disk-month; from storage.json) ----
        // The same five figures are in azure-pricing-radar's data/latest/storage-eu-west.json at
        // commit cf741f25 (retrieved 2026-08-22), which agrees.

        // productName 'Standard SSD Managed Disks', skuName 'E10 LRS', meterName 'E10 LRS Disk',
        // unitOfMeasure '1/Month', retailPrice 9.6, effectiveStartDate 2018-11-01.
        {
            meter: "disk:StandardSSD_LRS:E10",
            region: "westeurope",
            unit: "month",
            price: 9.6,
            source: `${WE_DIR}/storage.json`,
            date: "2018-11-01",
            live: { serviceName: "Storage", productName: "Standard SSD Managed Disks", meterName: "E10 LRS Disk" },
        },
        // productName 'Standard SSD Managed Disks', skuName 'E15 LRS', meterName 'E15 LRS Disk', '1/Month',
        // retailPrice 19.2, effectiveStartDate 2018-11-01.
        {
            meter: "disk:StandardSSD_LRS:E15",
            region: "westeurope",
            unit: "month",
            price: 19.2,
            source: `${WE_DIR}/storage.json`,
            date: "2018-11-01",
            live: { serviceName: "Storage", productName: "Standard SSD Managed Disks", meterName: "E15 LRS Disk" },
        },
        // productName 'Standard SSD Managed Disks', skuName 'E20 LRS', meterName 'E20 LRS Disk', '1/Month',
        // retailPrice 38.4, effectiveStartDate 2018-11-01.
        {
            meter: "disk:StandardSSD_LRS:E20",
            region: "westeurope",
            unit: "month",
            price: 38.4,
            source: `${WE_DIR}/storage.json`,
            date: "2018-11-01",
            live: { serviceName: "Storage", productName: "Standard SSD Managed Disks", meterName: "E20 LRS Disk" },
        },
        // productName 'Premium SSD Managed Disks', skuName 'P10 LRS', meterName 'P10 LRS Disk', '1/Month',
        // retailPrice 21.68, effectiveStartDate 2018-05-01.
        {
            meter: "disk:Premium_LRS:P10",
            region: "westeurope",
            unit: "month",
            price: 21.68,
            source: `${WE_DIR}/storage.json`,
            date: "2018-05-01",
            live: { serviceName: "Storage", productName: "Premium SSD Managed Disks", meterName: "P10 LRS Disk" },
        },
        // productName 'Standard HDD Managed Disks', skuName 'S10 LRS', meterName 'S10 LRS Disk', '1/Month',
        // retailPrice 5.888, effectiveStartDate 2017-10-01.
        {
            meter: "disk:Standard_LRS:S10",
            region: "westeurope",
            unit: "month",
            price: 5.888,
            source: `${WE_DIR}/storage.json`,
            date: "2017-10-01",
            live: { serviceName: "Storage", productName: "Standard HDD Managed Disks", meterName: "S10 LRS Disk" },
        },

        // ---- Networking ----

        // virtual_network.json: serviceName 'Virtual Network', productName 'IP Addresses', skuName 'Standard',
        // meterName 'Standard IPv4 Static Public IP', '1 Hour', retailPrice 0.005, effectiveStartDate 2018-06-01.
        {
            meter: "public-ip:standard-static",
            region: "westeurope",
            unit: "hour",
            price: 0.005,
            source: `${WE_DIR}/virtual_network.json`,
            date: "2018-06-01",
            live: {
                serviceName: "Virtual Network",
                productName: "IP Addresses",
                meterName: "Standard IPv4 Static Public IP",
            },
        },

        // ---- AKS cluster management ----

        // azure_kubernetes_service.json: productName 'Azure Kubernetes Service', skuName 'Standard',
        // meterName 'Standard Uptime SLA', '1 Hour', retailPrice 0.1, effectiveStartDate 2020-09-01.
        // The same file has meterName 'Standard Long Term Support' (skuName 'Standard', 0.6 per hour,
        // effectiveStartDate 2023-05-01), but no meter named for the Premium tier, and it does not say
        // whether a Premium cluster bills that meter alone or on top of the Uptime SLA meter; so
        // `aks:premium-tier` is left out rather than guessed.
        {
            meter: "aks:standard-tier",
            region: "westeurope",
            unit: "hour",
            price: 0.1,
            source: `${WE_DIR}/azure_kubernetes_service.json`,
            date: "2020-09-01",
            live: { serviceName: "Azure Kubernetes Service", skuName: "Standard", meterName: "Standard Uptime SLA" },
        },

        // ---- Container Registry (unitOfMeasure '1/Day': the unit is used as is) ----

        // container_registry.json: productName 'Container Registry', skuName 'Basic', meterName
        // 'Basic Registry Unit', '1/Day', retailPrice 0.1666, effectiveStartDate 2018-01-01.
        {
            meter: "acr:Basic",
            region: "westeurope",
            unit: "day",
            price: 0.1666,
            source: `${WE_DIR}/container_registry.json`,
            date: "2018-01-01",
            live: { serviceName: "Container Registry", skuName: "Basic", meterName: "Basic Registry Unit" },
        },
        // skuName 'Standard', meterName 'Standard Registry Unit', '1/Day', retailPrice 0.6666,
        // effectiveStartDate 2018-01-01.
        {
            meter: "acr:Standard",
            region: "westeurope",
            unit: "day",
            price: 0.6666,
            source: `${WE_DIR}/container_registry.json`,
            date: "2018-01-01",
            live: { serviceName: "Container Registry", skuName: "Standard", meterName: "Standard Registry Unit" },
        },
        // skuName 'Premium', meterName 'Premium Registry Unit', '1/Day', retailPrice 1.6666,
        // effectiveStartDate 2018-01-01.
        {
            meter: "acr:Premium",
            region: "westeurope",
            unit: "day",
            price: 1.6666,
            source: `${WE_DIR}/container_registry.json`,
            date: "2018-01-01",
            live: { serviceName: "Container Registry", skuName: "Premium", meterName: "Premium Registry Unit" },
        },

        // ---- Event Hubs ----

        // event_hubs.json: productName 'Event Hubs', skuName 'Standard', meterName 'Standard Throughput Unit',
        // '1 Hour', retailPrice 0.03, effectiveStartDate 2014-12-01.
        {
            meter: "eventhubs:standard-throughput-unit",
            region: "westeurope",
            unit: "hour",
            price: 0.03,
            source: `${WE_DIR}/event_hubs.json`,
            date: "2014-12-01",
            live: { serviceName: "Event Hubs", skuName: "Standard", meterName: "Standard Throughput Unit" },
        },
        // skuName 'Basic', meterName 'Basic Throughput Unit', '1 Hour', retailPrice 0.015,
        // effectiveStartDate 2014-12-01.
        {
            meter: "eventhubs:basic-throughput-unit",
            region: "westeurope",
            unit: "hour",
            price: 0.015,
            source: `${WE_DIR}/event_hubs.json`,
            date: "2014-12-01",
            live: { serviceName: "Event Hubs", skuName: "Basic", meterName: "Basic Throughput Unit" },
        },
        // skuName 'Standard', meterName 'Standard Ingress Events', unitOfMeasure '1M' (per million events),
        // retailPrice 0.028, effectiveStartDate 2014-12-01.
        {
            meter: "eventhubs:standard-ingress",
            region: "westeurope",
            unit: "million-events",
            price: 0.028,
            source: `${WE_DIR}/event_hubs.json`,
            date: "2014-12-01",
            live: { serviceName: "Event Hubs", skuName: "Standard", meterName: "Standard Ingress Events" },
        },

        // ---- Log Analytics ----

        // log_analytics.json: productName 'Log Analytics', skuName 'Analytics Logs', meterName
        // 'Analytics Logs Data Ingestion', '1 GB', effectiveStartDate 2018-02-01, in two tiers:
        // tierMinimumUnits 0 at retailPrice 0 (the first 5 GB) and tierMinimumUnits 5 at 2.99. The
        // per-GB pay-as-you-go price is the tier-5 figure; the free first 5 GB are not modelled here.
        {
            meter: "log-analytics:ingestion",
            region: "westeurope",
            unit: "gb",
            price: 2.99,
            source: `${WE_DIR}/log_analytics.json`,
            date: "2018-02-01",
            live: {
                serviceName: "Log Analytics",
                skuName: "Analytics Logs",
                meterName: "Analytics Logs Data Ingestion",
            },
        },

        // ---- Storage ----

        // storage.json: productName 'General Block Blob v2', skuName 'Hot LRS', meterName 'Hot LRS Data Stored',
        // '1 GB/Month', effectiveStartDate 2017-02-03, tiers: 0 -> 0.0196, 51200 -> 0.018816,
        // 512000 -> 0.018032. The first tier (0.0196) is used. (azure-pricing-radar's storage snapshot
        // keeps only 0.018032 for this meter: it keys items without tierMinimumUnits, so the last tier wins.)
        {
            meter: "storage:blob-hot-lrs",
            region: "westeurope",
            unit: "gb-month",
            price: 0.0196,
            source: `${WE_DIR}/storage.json`,
            date: "2017-02-03",
            live: { serviceName: "Storage", productName: "General Block Blob v2", meterName: "Hot LRS Data Stored" },
        },

        // ---- Key Vault ----

        // key_vault.json: productName 'Key Vault', skuName 'Standard', meterName 'Operations', unitOfMeasure
        // '10K' (per 10,000 operations), retailPrice 0.03, effectiveStartDate 2015-08-01.
        {
            meter: "keyvault:standard-operations",
            region: "westeurope",
            unit: "10k-operations",
            price: 0.03,
            source: `${WE_DIR}/key_vault.json`,
            date: "2015-08-01",
            live: { serviceName: "Key Vault", skuName: "Standard", meterName: "Operations" },
        },

        // ---- Synapse Spark ----

        // azure_synapse_analytics.json: productName 'Azure Synapse Analytics Serverless Apache Spark Pool -
        // Memory Optimized', skuName 'vCore', meterName 'vCore', '1 Hour' (per vCore), retailPrice 0.15456,
        // effectiveStartDate 2023-12-01.
        {
            meter: "synapse:spark-vcore",
            region: "westeurope",
            unit: "vcore-hour",
            price: 0.15456,
            source: `${WE_DIR}/azure_synapse_analytics.json`,
            date: "2023-12-01",
            live: {
                serviceName: "Azure Synapse Analytics",
                productName: "Azure Synapse Analytics Serverless Apache Spark Pool - Memory Optimized",
                meterName: "vCore",
            },
        },

        // `aml:serverless-spark-vcore` is absent: azure_machine_learning.json for westeurope (30 items)
        // has no Spark meter, and no other source showed one.
    ],
};
