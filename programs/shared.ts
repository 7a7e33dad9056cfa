/**
 * What every path program shares: the config keys that place and tag a
 * deployment, the resource group built from them, the keys of the Azure ML
 * platform some paths create, and the options the root program passes.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import {
    CodeAsset,
    codeAssetIssues,
    ComputeCluster,
    ComputeClusterSettings,
    datastoreContainer,
    EnvironmentAsset,
    environmentAssetIssues,
    EnvironmentSource,
    grantContainerUpload,
    ModelAsset,
    modelAssetIssues,
    ModelSource,
    DEFAULT_IDLE_SECONDS,
    DEFAULT_MAX_NODES,
    MlPlatform,
    MlPlatformArgs,
    mlPlatformIssues,
    platformHasRegistry,
    PlatformStack,
    platformStackOutputs,
    readPlatformStack,
    UploadTarget,
    validateComputeClusterArgs,
    VmPriority,
} from "../components/aml";
import { DEFAULT_RETENTION_DAYS } from "../components/monitoring";
import {
    ConfigSpec,
    configChecks,
    ConfigValues,
    issuesOf,
    NameParts,
    resourceName,
    Settings,
    standardTags,
    ValidationIssue,
    Validator,
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

/** The key that builds a path on a deployed platform base stack; spread into a program's CONFIG_SPEC before the platform's keys. */
export function platformStackConfigSpec() {
    return {
        platformStack: {
            type: "string",
            description:
                "Platform base stack to build on, e.g. org/customai-platform/dev (unset: this stack creates its own platform).",
        },
    } as const;
}

/** The values a path's platform is made from: its base keys, the platform's keys and `platformStack`. */
export type PathPlatformConfig = BaseConfig & PlatformConfig & { readonly platformStack?: string };

/** The platform's own checks on a path's config, when the stack creates its platform. Pure. */
export function pathPlatformIssues(c: PathPlatformConfig, tags: Record<string, string>): ValidationIssue[] {
    return c.platformStack === undefined ? mlPlatformIssues(platformSettings(tags, c)) : [];
}

/** A path's cluster, and the grants its nodes' identity needs. */
export interface PathCluster {
    readonly cluster: ComputeCluster;
    readonly grants: authorization.RoleAssignment[];
}

/**
 * The path's AmlCompute cluster in its workspace, configured by
 * `clusterConfigSpec()` keys. Jobs on it read and write the datastores and
 * pull environment images as the nodes' identity, so the nodes get blob
 * access on the platform's storage and AcrPull on its registry, when it has
 * one; the path's stack owns these grants.
 */
export function createPathCluster(
    name: string,
    { platform, hasRegistry }: PathPlatform,
    c: ClusterConfig & { readonly networkIsolation?: boolean },
    tags: Record<string, string>,
): PathCluster {
    const cluster = new ComputeCluster(name, {
        resourceGroupName: platform.resourceGroupName,
        workspaceName: platform.workspaceName,
        location: platform.location,
        ...clusterSettings(c, tags),
    });
    const registryId = hasRegistry ? (platform.registryId as pulumi.Output<string>) : undefined;
    return { cluster, grants: cluster.grantNodeAccess(platform.storageAccountId, registryId) };
}

/** The cluster's checks on a path's config, under `cluster.`. Pure. */
export function clusterIssues(
    c: ClusterConfig & { readonly networkIsolation?: boolean },
    tags: Record<string, string>,
): ValidationIssue[] {
    const v = new Validator();
    v.merge(
        issuesOf(() => validateComputeClusterArgs(clusterSettings(c, tags))),
        "cluster",
    );
    return [...v.issues];
}

/** Issues for platform keys set while `platformStack` says another stack owns the platform. Pure. */
export function platformKeyIssues(c: PathPlatformConfig, spec: ConfigSpec): ValidationIssue[] {
    if (c.platformStack === undefined) return [];
    return unusedKeyIssues(
        c,
        spec,
        Object.keys(platformConfigSpec()),
        "when the stack creates its own platform (platformStack unset)",
    );
}

/** A path's platform as the contract's outputs, and whether it has a container registry. */
export interface PathPlatform {
    readonly platform: PlatformStack;
    readonly hasRegistry: boolean;
    /** What reads of the workspace (invokes) wait for: the platform this stack creates, if it does. */
    readonly ready: pulumi.Resource[];
}

/**
 * Where a path's resources go: the platform of the base stack `platformStack`
 * names, or a platform of the path's own (in `rg-<workload>-<environment>`).
 * Either way the program reads it through the platform contract.
 */
export async function pathPlatform(path: string, c: PathPlatformConfig, name: string): Promise<PathPlatform> {
    return c.platformStack !== undefined
        ? basePlatform(c.platformStack)
        : ownPlatform(name, createPathBase(path, c), c);
}

/**
 * A resource group of the stack's own and the path's platform, for paths
 * whose resources need not sit beside the workspace (the AKS paths): with
 * `platformStack`, a new group and the base stack's platform; without it,
 * one group holding both.
 */
export async function pathGroupAndPlatform(
    path: string,
    c: PathPlatformConfig,
    name: string,
): Promise<{ base: PathBase; where: PathPlatform }> {
    const base = createPathBase(path, c);
    const where = c.platformStack !== undefined ? await basePlatform(c.platformStack) : ownPlatform(name, base, c);
    return { base, where };
}

async function basePlatform(platformStack: string): Promise<PathPlatform> {
    const ref = new pulumi.StackReference("platform", { name: platformStack });
    return { platform: readPlatformStack(ref), hasRegistry: await platformHasRegistry(ref), ready: [] };
}

function ownPlatform(name: string, base: PathBase, c: PathPlatformConfig): PathPlatform {
    const own = createPlatform(name, base, c);
    return {
        platform: platformStackOutputs(own, base.resourceGroup),
        hasRegistry: own.registry !== undefined,
        ready: [own],
    };
}

/** Defaults of a path's cluster keys that differ between paths (CPU training, GPU scoring on Spot…). */
export interface ClusterDefaults {
    readonly vmSize: string;
    readonly vmPriority: VmPriority;
    /** Optional. @default 2 */
    readonly maxNodes?: number;
    /** Optional. What the node size key says of sizes, after its default. @default - CPU or a current GPU family */
    readonly sizeHint?: string;
}

/** The keys of a path's AmlCompute cluster (`cluster.*` arguments); spread into a program's CONFIG_SPEC. */
export function clusterConfigSpec(defaults: ClusterDefaults) {
    return {
        vmSize: {
            type: "string",
            default: defaults.vmSize,
            description: `Node size: ${defaults.sizeHint ?? "CPU, or a current GPU size such as Standard_NC4as_T4_v3"}.`,
            arg: "cluster.vmSize",
        },
        vmPriority: {
            type: "string",
            default: defaults.vmPriority,
            description: "Dedicated, or LowPriority (Spot capacity: much cheaper, may be preempted).",
            arg: "cluster.vmPriority",
        },
        minNodes: {
            type: "integer",
            default: 0,
            description: "Nodes kept when idle (0: no cost between jobs).",
            arg: "cluster.minNodes",
        },
        maxNodes: {
            type: "integer",
            default: defaults.maxNodes ?? DEFAULT_MAX_NODES,
            description: "Upper bound of the autoscaler, and of a job's node count.",
            arg: "cluster.maxNodes",
        },
        idleSecondsBeforeScaleDown: {
            type: "integer",
            default: DEFAULT_IDLE_SECONDS,
            description: "Seconds an idle node waits before release.",
            arg: "cluster.idleSecondsBeforeScaleDown",
        },
    } as const;
}

/** The values of `clusterConfigSpec()` once read. */
export type ClusterConfig = ConfigValues<ReturnType<typeof clusterConfigSpec>>;

/** The cluster's settings from a path's config (the program adds the workspace). Pure. */
export function clusterSettings(
    c: ClusterConfig & { readonly networkIsolation?: boolean },
    tags: Record<string, string>,
): ComputeClusterSettings {
    return {
        tags,
        vmSize: c.vmSize,
        vmPriority: c.vmPriority as VmPriority,
        minNodes: c.minNodes,
        maxNodes: c.maxNodes,
        idleSecondsBeforeScaleDown: c.idleSecondsBeforeScaleDown,
        networkIsolation: c.networkIsolation,
    };
}

/**
 * The package's root folder, where the sample's files are: the parent of
 * `programs/` in a checkout, and of `dist/` once compiled (the npm package,
 * `customai plan`), where this file runs from `dist/programs/`.
 */
const PACKAGE_ROOT = path.resolve(__dirname, path.basename(path.dirname(__dirname)) === "dist" ? "../.." : "..");

/** The model every scoring path serves unless told otherwise: logistic-regression coefficients as JSON. */
export const SAMPLE_MODEL = path.join(PACKAGE_ROOT, "automation", "sample", "model", "model.json");
/** The sample's Python code: the scorers of the batch job, the batch deployment and the online deployment. */
export const SAMPLE_CODE_DIR = path.join(PACKAGE_ROOT, "automation", "sample");

/**
 * The files of the sample folder a deployment of `scoringScript` needs: the
 * script and `score.py`, which it imports. The folder holds more (the
 * generator, docs, the model); uploading only these keeps the code version,
 * and the deployment, unchanged when those change.
 */
export function sampleCodeFiles(scoringScript: string): string[] {
    return [...new Set(["score.py", scoringScript])];
}

/** What a path's assets default to: its scoring script, environment and the model's name. */
export interface AssetDefaults {
    /** The scoring script in the code folder, and what it defines. */
    readonly scoringScript: string;
    readonly scriptContract: string;
    /** A curated environment with what the script needs. */
    readonly environmentId: string;
    readonly environmentHint: string;
    /** The component argument the script's name feeds, e.g. `endpoint.scoringScript`. */
    readonly scoringScriptArg: string;
}

/** The keys of a scoring path's model, code and environment (ModelAsset, CodeAsset, EnvironmentAsset). */
export function assetConfigSpec(defaults: AssetDefaults) {
    return {
        modelAssetId: {
            type: "string",
            description:
                "An existing model asset (ARM id, azureml://registries/... or azureml:<name>:<version>) to serve.",
            arg: "model.source.assetId",
        },
        modelPath: {
            type: "string",
            description: "A model in storage to register: a path in the default datastore or an azureml:// URI.",
            arg: "model.source.storagePath",
        },
        modelName: {
            type: "string",
            default: "churn-sample",
            description: "Name the model is registered under (unused with modelAssetId).",
            arg: "model.assetName",
        },
        codeDir: {
            type: "string",
            description: "Local folder with the scoring script (unset: the sample's, automation/sample).",
            arg: "code.dir",
        },
        scoringScript: {
            type: "string",
            default: defaults.scoringScript,
            description: `Scoring script in the code folder: ${defaults.scriptContract}.`,
            arg: defaults.scoringScriptArg,
        },
        environmentId: {
            type: "string",
            default: defaults.environmentId,
            description: defaults.environmentHint,
            arg: "environment.source.environmentId",
        },
        environmentImage: {
            type: "string",
            description: "Instead of environmentId: a base image, registered with environmentCondaFile.",
            arg: "environment.source.image",
        },
        environmentCondaFile: {
            type: "string",
            description: "Local conda file registered with environmentImage.",
            arg: "environment.source.condaFile",
        },
        grantDeployerUpload: {
            type: "boolean",
            default: true,
            description:
                "Grant the identity running pulumi up Storage Blob Data Contributor on the datastore container it uploads code and models to.",
        },
        deployerPrincipalType: {
            type: "string",
            default: "User",
            oneOf: ["User", "ServicePrincipal"],
            description: "What runs pulumi up, for that grant: User, or ServicePrincipal (a pipeline's identity).",
        },
    } as const;
}

/** The values of `assetConfigSpec()` once read. */
export type AssetConfig = ConfigValues<ReturnType<typeof assetConfigSpec>>;

/** The code folder: the user's `codeDir` whole, or the sample's files the scoring script needs. Pure. */
function codeFolder(c: AssetConfig): { dir: string; files?: string[] } {
    return c.codeDir !== undefined
        ? { dir: c.codeDir }
        : { dir: SAMPLE_CODE_DIR, files: sampleCodeFiles(c.scoringScript) };
}

/** Where the model comes from: an asset, a storage path, or the sample file. Pure. */
export function modelSource(c: Pick<AssetConfig, "modelAssetId" | "modelPath">): ModelSource {
    if (c.modelAssetId !== undefined) return { assetId: c.modelAssetId };
    if (c.modelPath !== undefined) return { storagePath: c.modelPath };
    return { localPath: SAMPLE_MODEL };
}

/** The environment: an image with a conda file when given, else the environment id. Pure. */
export function environmentSource(c: AssetConfig): EnvironmentSource {
    return c.environmentImage !== undefined || c.environmentCondaFile !== undefined
        ? { image: c.environmentImage, condaFile: c.environmentCondaFile }
        : { environmentId: c.environmentId };
}

/** Rules across the asset keys: one model source, environment keys that are used, the upload grant's type. Pure. */
export function assetCrossIssues(c: AssetConfig, spec: ConfigSpec): ValidationIssue[] {
    const v = new Validator();
    if (c.modelAssetId !== undefined && c.modelPath !== undefined) {
        v.check("modelAssetId", false, "only one of modelAssetId and modelPath", c.modelAssetId);
        v.check("modelPath", false, "only one of modelAssetId and modelPath", c.modelPath);
    }
    if (c.environmentImage !== undefined || c.environmentCondaFile !== undefined) {
        v.merge(unusedKeyIssues(c, spec, ["environmentId"], "without environmentImage"));
    }
    if (!c.grantDeployerUpload) {
        v.merge(unusedKeyIssues(c, spec, ["deployerPrincipalType"], "with grantDeployerUpload: true"));
    }
    return [...v.issues];
}

/** The asset components' checks on a path's config, under `model.`, `code.` and `environment.`. */
export function assetIssues(c: AssetConfig, tags: Record<string, string>): ValidationIssue[] {
    const v = new Validator();
    // Both model keys at once is a cross-key issue; the component would only repeat it.
    if (!(c.modelAssetId !== undefined && c.modelPath !== undefined)) {
        v.merge(modelAssetIssues({ assetName: c.modelName, source: modelSource(c), tags }), "model");
    }
    // The code asset's name is the program's, not a key's.
    const code = codeAssetIssues({ assetName: "code", ...codeFolder(c), tags });
    v.merge(
        code.filter((i) => i.field !== "assetName" && !i.field.startsWith("files")),
        "code",
    );
    // Only the sample's files are listed: one missing is a scoring script the sample does not have.
    if (code.some((i) => i.field.startsWith("files"))) {
        v.check(
            "scoringScript",
            false,
            "a script of the sample folder (automation/sample), unless codeDir names your own folder",
            c.scoringScript,
        );
    }
    v.merge(environmentAssetIssues({ assetName: "env", source: environmentSource(c), tags }), "environment");
    return [...v.issues];
}

/** A path's registered model, code and environment, and the grant their uploads need. */
export interface PathAssets {
    readonly model: ModelAsset;
    readonly code: CodeAsset;
    readonly environment: EnvironmentAsset;
    /** Where more local files go (e.g. a second model), and what such an upload waits for. */
    readonly upload: UploadTarget;
    readonly uploadReady: pulumi.Resource[];
}

/**
 * Registers a path's model, code and environment in its workspace. Local
 * files (the code folder, a local model) go to the container of the
 * workspace's default datastore, uploaded by whoever runs `pulumi up`, who
 * gets Storage Blob Data Contributor on that container when
 * `grantDeployerUpload` says so.
 */
export function createAssets(
    name: string,
    { platform, ready }: PathPlatform,
    c: AssetConfig,
    tags: Record<string, string>,
): PathAssets {
    const ws = { resourceGroupName: platform.resourceGroupName, workspaceName: platform.workspaceName };
    const upload = datastoreContainer({ ...ws, workspaceId: platform.workspaceId }, undefined, { dependsOn: ready });
    const grant = c.grantDeployerUpload
        ? [
              grantContainerUpload(
                  `${name}-upload-grant`,
                  {
                      storageAccountId: platform.storageAccountId,
                      container: upload.container,
                      principalId: authorization.getClientConfigOutput().objectId,
                      principalType: c.deployerPrincipalType as "User" | "ServicePrincipal",
                  },
                  { dependsOn: ready },
              ),
          ]
        : [];
    const afterGrant = { dependsOn: [...ready, ...grant] };
    return {
        upload,
        uploadReady: afterGrant.dependsOn,
        code: new CodeAsset(
            `${name}-code`,
            { ...ws, assetName: `code-${name}`, ...codeFolder(c), upload, tags },
            afterGrant,
        ),
        model: new ModelAsset(
            `${name}-model`,
            { ...ws, assetName: c.modelName, source: modelSource(c), upload, tags },
            afterGrant,
        ),
        environment: new EnvironmentAsset(
            `${name}-env`,
            { ...ws, assetName: `env-${name}`, source: environmentSource(c), tags },
            { dependsOn: ready },
        ),
    };
}
