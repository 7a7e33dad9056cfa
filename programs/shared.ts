/**
 * What every path program shares: the config keys that place and tag a
 * deployment, the resource group built from them, the keys of the Azure ML
 * platform some paths create, and the options the root program passes.
 */
import * as resources from "@pulumi/azure-native/resources";
import { MlPlatform, MlPlatformArgs } from "../components/aml";
import { DEFAULT_RETENTION_DAYS } from "../components/monitoring";
import {
    ConfigSpec,
    configChecks,
    ConfigValues,
    NameParts,
    resourceName,
    Settings,
    standardTags,
    ValidationIssue,
} from "../components/common";

/** How a path program is run: by its own project, or by the root program (whose `path` key it must accept). */
export interface ProgramOptions {
    /** Optional. Keys of the program's namespace that belong to whoever runs it. @default [] */
    readonly otherKeys?: readonly string[];
}

/** A path program: the stack's outputs once its resources are declared. */
export type PathProgram = (options?: ProgramOptions) => Promise<Record<string, unknown>>;

/** The keys every program reads; spread into a program's CONFIG_SPEC. */
export function baseConfigSpec(defaultWorkload: string) {
    return {
        environment: {
            type: "string",
            default: "dev",
            description:
                "Environment name used in names and tags; changing it later re-creates every resource under new names.",
            check: configChecks.namePart,
        },
        workload: {
            type: "string",
            default: defaultWorkload,
            description:
                "Short workload name used in resource names; changing it later re-creates every resource under new names.",
            check: configChecks.namePart,
        },
        // A deployed resource keeps its region: azure-native sends a changed
        // location as an update, which Azure refuses (pulumi-azure-native#3053).
        location: {
            type: "string",
            default: "westeurope",
            description: "Azure region of every resource; fixed once deployed (destroy, then deploy elsewhere).",
        },
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
                "Close public endpoints (storage, vault, registry, workspace, node IPs); needs private access. Once on, the workspace's managed network cannot be turned off.",
            arg: "networkIsolation",
        },
        registry: {
            type: "boolean",
            default: true,
            description: "Create a container registry for environment images.",
            arg: "registry",
        },
        logRetentionDays: {
            type: "integer",
            default: DEFAULT_RETENTION_DAYS,
            description: "Days Log Analytics keeps data (30-730).",
            arg: "logRetentionDays",
        },
        logDailyQuotaGb: {
            type: "number",
            description: "Daily Log Analytics ingestion cap in GB (unset: no cap).",
            arg: "logDailyQuotaGb",
        },
        purgeProtection: {
            type: "boolean",
            default: true,
            description:
                "Key Vault purge protection; cannot be turned off once on, and keeps a destroyed vault for 90 days.",
            arg: "purgeProtection",
        },
        dataScientistPrincipalIds: {
            type: "string[]",
            default: [] as string[],
            description:
                "Entra object ids of people who run experiments and batches (AzureML Data Scientist and Compute Operator, blob and file data).",
            hint: "your object id: az ad signed-in-user show --query id -o tsv",
            arg: "dataScientistPrincipalIds",
        },
        runnerPrincipalIds: {
            type: "string[]",
            default: [] as string[],
            description:
                "Object ids of the service principals or managed identities that run nightly aml batches (AzureML Data Scientist and Compute Operator, blob data).",
            hint: "a service principal's object id: az ad sp show --id <app id> --query id -o tsv",
            arg: "runnerPrincipalIds",
        },
    } as const;
}

/** The values of `baseConfigSpec()` once read. */
export type BaseConfig = ConfigValues<ReturnType<typeof baseConfigSpec>>;

export interface PathBase {
    readonly parts: NameParts;
    readonly tags: Record<string, string>;
    readonly resourceGroup: resources.ResourceGroup;
}

/** The standard tags of a path's resources, from its config. Pure. */
export function pathTags(path: string, config: BaseConfig): Record<string, string> {
    return standardTags({ path, environment: config.environment, extra: config.tags as Record<string, string> });
}

/** The standard tags and the path's resource group `rg-<workload>-<environment>`. */
export function createPathBase(path: string, config: BaseConfig): PathBase {
    const parts = { workload: config.workload, environment: config.environment };
    const tags = pathTags(path, config);
    const resourceGroup = new resources.ResourceGroup("rg", {
        resourceGroupName: resourceName("resourceGroup", parts),
        location: config.location,
        tags,
    });
    return { parts, tags, resourceGroup };
}

/** The values of `platformConfigSpec()` once read. */
export type PlatformConfig = ConfigValues<ReturnType<typeof platformConfigSpec>>;

/** The MlPlatform settings a path's config asks for (the program adds where it goes). Pure. */
export function platformSettings(tags: Record<string, string>, config: PlatformConfig): Settings<MlPlatformArgs> {
    return {
        tags,
        networkIsolation: config.networkIsolation,
        registry: config.registry,
        logRetentionDays: config.logRetentionDays,
        logDailyQuotaGb: config.logDailyQuotaGb,
        purgeProtection: config.purgeProtection,
        dataScientistPrincipalIds: config.dataScientistPrincipalIds,
        runnerPrincipalIds: config.runnerPrincipalIds,
    };
}

/** The MlPlatform of a path, in the path's resource group, configured by `platformConfigSpec()` keys. */
export function createPlatform(name: string, base: PathBase, config: PlatformConfig): MlPlatform {
    return new MlPlatform(name, {
        ...platformSettings(base.tags, config),
        resourceGroupName: base.resourceGroup.name,
        location: base.resourceGroup.location,
    });
}

/**
 * Issues for keys set to something other than their default although
 * `condition` makes them meaningless (a value equal to the default is what
 * the program would use anyway, and may come from the project's defaults).
 * Pure.
 */
export function unusedKeyIssues(
    values: Readonly<Record<string, unknown>>,
    spec: ConfigSpec,
    keys: readonly string[],
    why: string,
): ValidationIssue[] {
    return keys
        .filter((key) => values[key] !== undefined && JSON.stringify(values[key]) !== JSON.stringify(spec[key].default))
        .map((key) => ({ field: key, rule: `only used ${why}`, value: values[key] }));
}
