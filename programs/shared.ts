/**
 * What every path program shares: the config keys that place and tag a
 * deployment, and the resource group built from them.
 */
import * as resources from "@pulumi/azure-native/resources";
import { configChecks, NameParts, resourceName, standardTags } from "../components/common";
import { MlPlatform } from "../components/aml";

/** The keys every program reads; spread into a program's CONFIG_SPEC. */
export function baseConfigSpec(defaultWorkload: string) {
    return {
        environment: {
            type: "string",
            default: "dev",
            description: "Environment name used in names and tags.",
            check: configChecks.namePart,
        },
        workload: {
            type: "string",
            default: defaultWorkload,
            description: "Short workload name used in resource names.",
            check: configChecks.namePart,
        },
        location: { type: "string", default: "westeurope", description: "Azure region of the resource group." },
        tags: {
            type: "json",
            default: {},
            description: "Extra tags for every resource (JSON object).",
            check: configChecks.tagMap,
        },
    } as const;
}

/** The keys of an MlPlatform (shared base of the Azure ML paths); spread into a program's CONFIG_SPEC. */
export function platformConfigSpec() {
    return {
        networkIsolation: {
            type: "boolean",
            default: false,
            description:
                "Close public endpoints (storage, vault, registry, workspace, node IPs); needs private access.",
        },
        registry: {
            type: "boolean",
            default: true,
            description: "Create a container registry for environment images.",
        },
        logRetentionDays: {
            type: "integer",
            default: 30,
            description: "Days Log Analytics keeps data (30-730).",
            check: configChecks.intRange(30, 730),
        },
        logDailyQuotaGb: {
            type: "number",
            description: "Daily Log Analytics ingestion cap in GB (unset: no cap).",
            check: (v: number) => (Number.isFinite(v) && v > 0 ? undefined : "a positive number"),
        },
        purgeProtection: {
            type: "boolean",
            default: true,
            description: "Key Vault purge protection; cannot be turned off once on.",
        },
        dataScientistPrincipalIds: {
            type: "string[]",
            default: [] as string[],
            description: "Entra object ids of users given AzureML Data Scientist and blob read/write.",
            check: configChecks.guidList,
        },
    } as const;
}

export interface BaseConfig {
    readonly environment: string;
    readonly workload: string;
    readonly location: string;
    readonly tags: unknown;
}

export interface PathBase {
    readonly parts: NameParts;
    readonly tags: Record<string, string>;
    readonly resourceGroup: resources.ResourceGroup;
}

/** The standard tags and the path's resource group `rg-<workload>-<environment>`. */
export function createPathBase(path: string, config: BaseConfig): PathBase {
    const parts = { workload: config.workload, environment: config.environment };
    const tags = standardTags({
        path,
        environment: config.environment,
        extra: config.tags as Record<string, string>,
    });
    const resourceGroup = new resources.ResourceGroup("rg", {
        resourceGroupName: resourceName("resourceGroup", parts),
        location: config.location,
        tags,
    });
    return { parts, tags, resourceGroup };
}

/** The values of `platformConfigSpec()` once read. */
export interface PlatformConfig {
    readonly networkIsolation: boolean;
    readonly registry: boolean;
    readonly logRetentionDays: number;
    readonly logDailyQuotaGb?: number;
    readonly purgeProtection: boolean;
    readonly dataScientistPrincipalIds: string[];
}

/** The MlPlatform of a path, in the path's resource group, configured by `platformConfigSpec()` keys. */
export function createPlatform(name: string, base: PathBase, config: PlatformConfig): MlPlatform {
    return new MlPlatform(name, {
        resourceGroupName: base.resourceGroup.name,
        location: base.resourceGroup.location,
        tags: base.tags,
        networkIsolation: config.networkIsolation,
        registry: config.registry,
        logRetentionDays: config.logRetentionDays,
        logDailyQuotaGb: config.logDailyQuotaGb,
        purgeProtection: config.purgeProtection,
        dataScientistPrincipalIds: config.dataScientistPrincipalIds,
    });
}
