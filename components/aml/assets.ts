/**
 * Azure ML assets that deployments and jobs run with: a code folder, a model
 * and an environment, each registered as a version in a workspace. Online
 * deployments (path 2-1) and batch deployments use them alike.
 *
 * Asset versions cannot change once registered (Azure ML answers "… is
 * already registered and cannot be changed"), so each version is named after
 * a short hash of what it holds: the same content is the same version, and
 * changed content is a new version, registered before the old one goes.
 *
 * Local files reach Azure ML through the container of the workspace's
 * default datastore (`workspaceblobstore`), uploaded with an Entra token
 * (BlobFiles): storage accounts here have shared keys off. An online
 * endpoint's system-assigned identity is granted Storage Blob Data Reader on
 * that datastore by Azure ML itself
 * (https://learn.microsoft.com/azure/machine-learning/concept-endpoints-online-auth#automatic-role-assignment-for-endpoint-identity),
 * so assets placed there are readable by the deployments that use them.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { uploadedFilesUnder } from "../common/files";
import { shortSuffix } from "../common/naming";
import { roleAssignmentName, roleDefinitionId } from "../common/roles";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { isArmResourceId, isNonEmptyString, ValidationIssue, Validator } from "../common/validation";
import { BlobFiles, folderFiles } from "../storage/blob-files";
import { DEFAULT_DATASTORE } from "./command-job";

/** Where an asset is registered. */
export interface AssetWorkspace {
    /** Required. Resource group of the workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. Azure ML workspace name. */
    readonly workspaceName: pulumi.Input<string>;
}

/** A blob container that uploads go to: the default datastore's (see `datastoreContainer`). */
export interface UploadTarget {
    /** Required. Blob endpoint of the account, `https://<account>.blob.core.windows.net/`. */
    readonly blobEndpoint: pulumi.Input<string>;
    /** Required. Container name. */
    readonly container: pulumi.Input<string>;
    /** Required. Datastore that maps the container, for `azureml://` URIs. */
    readonly datastore: string;
    /** Required. ARM id of the workspace (`azureml://` URIs of models name it). */
    readonly workspaceId: pulumi.Input<string>;
}

/** Folder of the datastore container that uploaded assets go to. */
export const ASSET_FOLDER = "customai-assets";

/** Characters of the content hash that names an asset version. */
export const VERSION_HASH_LENGTH = 10;

/**
 * Asset names as this package accepts them: letters, digits, '-' and '_',
 * starting with a letter, at most 64 characters. Azure ML accepts these
 * (and '.'); the length bound is this package's, kept short for the studio.
 */
const ASSET_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Issues of an asset name. Pure. */
export function assetNameIssues(name: unknown, field: string = "name"): ValidationIssue[] {
    return typeof name === "string" && ASSET_NAME.test(name)
        ? []
        : [{ field, rule: "letters, digits, '-' and '_', starting with a letter, at most 64 characters", value: name }];
}

/**
 * The version of an asset holding `parts`: a hash of them, so the same
 * content keeps its version and changed content gets a new one. Pure.
 */
export function contentVersion(parts: readonly (string | Buffer)[]): string {
    const hash = createHash("sha256");
    for (const part of parts) {
        hash.update(typeof part === "string" ? `s${part.length}:` : `b${part.length}:`);
        hash.update(part);
    }
    return shortSuffix(hash.digest("hex"), VERSION_HASH_LENGTH);
}

/** The contents of every file under `dir` (or only of `only`), with their relative paths, for `contentVersion`. */
export function folderContent(dir: string, only?: readonly string[]): string[] {
    return (only ?? uploadedFilesUnder(dir)).flatMap((name) => [
        name,
        fs.readFileSync(nodePath.join(dir, name)).toString("base64"),
    ]);
}

/**
 * The long `azureml://` form of a datastore path in a workspace, the form
 * Azure ML stores for a model registered from a datastore
 * (https://learn.microsoft.com/azure/machine-learning/how-to-manage-models). Pure.
 */
export function datastoreAssetUri(workspaceId: string, datastore: string, path: string): string {
    const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/.+\/([^/]+)$/i.exec(workspaceId);
    if (!match) throw new Error(`not the ARM id of an Azure ML workspace: ${workspaceId}`);
    const [, subscription, group, workspace] = match;
    const relative = path.replace(/^\/+/, "");
    return `azureml://subscriptions/${subscription}/resourcegroups/${group}/workspaces/${workspace}/datastores/${datastore}/paths/${relative}`;
}

/** Where a blob datastore keeps its files. */
export interface DatastoreBlobs {
    /** `https://<account>.blob.<suffix>/`. */
    readonly blobEndpoint: pulumi.Output<string>;
    readonly container: pulumi.Output<string>;
}

/**
 * The blob endpoint and container behind a workspace datastore, read from
 * Azure ML, which knows them: the container of `workspaceblobstore` is named
 * by the workspace's own id, so it is never assumed.
 */
export function datastoreBlobs(
    ws: AssetWorkspace,
    datastore: string = DEFAULT_DATASTORE,
    opts?: pulumi.InvokeOutputOptions,
): DatastoreBlobs {
    const properties = machinelearningservices
        .getDatastoreOutput(
            { resourceGroupName: ws.resourceGroupName, workspaceName: ws.workspaceName, name: datastore },
            opts,
        )
        .apply((d) => {
            const p = d.properties;
            if (p.datastoreType !== "AzureBlob" || !p.accountName || !p.containerName) {
                throw new Error(`datastore ${datastore} is not a blob container (type ${p.datastoreType})`);
            }
            return p;
        });
    return {
        blobEndpoint: properties.apply(
            (p) => `${p.protocol ?? "https"}://${p.accountName}.blob.${p.endpoint ?? "core.windows.net"}/`,
        ),
        container: properties.apply((p) => p.containerName!),
    };
}

/** Where assets are uploaded: the blob container of a workspace datastore (the default one unless named). */
export function datastoreContainer(
    ws: AssetWorkspace & { readonly workspaceId: pulumi.Input<string> },
    datastore: string = DEFAULT_DATASTORE,
    opts?: pulumi.InvokeOutputOptions,
): UploadTarget {
    return { ...datastoreBlobs(ws, datastore, opts), datastore, workspaceId: ws.workspaceId };
}

/** Storage Blob Data Contributor, the role an uploader needs on the container. */
const BLOB_CONTRIBUTOR = "StorageBlobDataContributor";

/**
 * Gives `principalId` Storage Blob Data Contributor on one container of
 * `storageAccountId`, so the identity running a deployment can upload
 * assets. The container scope keeps the grant apart from account-wide grants
 * the platform makes. `principalType` is the caller's to say: azure-native
 * sends `User` when none is given, and the deployer may be a user or a
 * service principal. One stack owns each grant.
 */
export function grantContainerUpload(
    name: string,
    target: {
        readonly storageAccountId: pulumi.Input<string>;
        readonly container: pulumi.Input<string>;
        readonly principalId: pulumi.Input<string>;
        readonly principalType: "User" | "ServicePrincipal";
    },
    opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
    const scope = pulumi.interpolate`${target.storageAccountId}/blobServices/default/containers/${target.container}`;
    return new authorization.RoleAssignment(
        name,
        {
            scope,
            principalId: target.principalId,
            principalType: target.principalType,
            roleDefinitionId: scope.apply((s) => roleDefinitionId(s, BLOB_CONTRIBUTOR)),
            roleAssignmentName: pulumi
                .all([scope, target.principalId])
                .apply(([s, p]) => roleAssignmentName(s, p, roleDefinitionId(s, BLOB_CONTRIBUTOR).split("/").pop()!)),
        },
        opts,
    );
}

/** What every asset version is registered with besides its own properties. */
interface AssetVersionArgs extends AssetWorkspace {
    readonly assetName?: string;
    readonly description?: string;
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Uploads an asset version's files (blob name → local path) into `upload`'s
 * container under `<ASSET_FOLDER>/<kind>/<asset name>/<version>`, as the
 * child `<name>-upload` of `parent`; returns the upload and that prefix.
 */
function uploadAssetFiles(
    parent: pulumi.ComponentResource,
    name: string,
    upload: UploadTarget,
    where: { readonly kind: "code" | "models"; readonly assetName: string; readonly version: string },
    files: Readonly<Record<string, string>>,
    opts: pulumi.ComponentResourceOptions | undefined,
): { readonly files: BlobFiles; readonly prefix: string } {
    const prefix = `${ASSET_FOLDER}/${where.kind}/${where.assetName}/${where.version}`;
    const blobs = new BlobFiles(
        `${name}-upload`,
        { blobEndpoint: upload.blobEndpoint, container: upload.container, prefix, files },
        // A component's dependsOn does not reach its children: the upload waits for it itself (a grant, say).
        { parent, dependsOn: opts?.dependsOn },
    );
    return { files: blobs, prefix };
}

/** The arguments of an asset version: where, its name and version, and `properties` with description and tags. */
function assetVersionArgs<P extends object>(args: AssetVersionArgs, version: string, properties: P) {
    return {
        resourceGroupName: args.resourceGroupName,
        workspaceName: args.workspaceName,
        // Validated: required wherever a version is registered.
        name: args.assetName!,
        version,
        properties: { ...properties, description: args.description, tags: withManagedBy(args.tags) },
    };
}

/** Versions cannot change: any change is a new version (its name is in the id). */
function assetVersionOptions(parent: pulumi.ComponentResource): pulumi.CustomResourceOptions {
    return { parent, replaceOnChanges: ["properties"] };
}

// ---------------------------------------------------------------------------------------------------------------
// Code

export interface CodeAssetArgs extends AssetWorkspace {
    /** Required. Asset name in the workspace, e.g. `score-dev-code`. */
    readonly assetName: string;
    /** Required. Local folder to upload: the scoring script and whatever it imports. */
    readonly dir: string;
    /**
     * Optional. Only these files of `dir` (paths relative to it, '/'-separated), when the folder holds more
     * than the code needs: every other file's change would otherwise make a new version and redeploy.
     * @default - every file under `dir` but compiled Python
     */
    readonly files?: readonly string[];
    /** Required. Where the folder is uploaded (`datastoreContainer`). */
    readonly upload: UploadTarget;
    /** Optional. Description shown in the studio. @default - none */
    readonly description?: string;
    /** Optional. Tags of the asset version. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

export type CodeAssetSettings = Pick<CodeAssetArgs, "assetName" | "dir" | "files" | "tags">;

/** Problems with the scoring script a deployment runs from its code asset: a `.py` path inside the folder. Pure. */
export function scoringScriptIssues(script: unknown, field: string = "scoringScript"): ValidationIssue[] {
    const ok =
        typeof script === "string" &&
        /^[A-Za-z0-9_./-]+\.py$/.test(script) &&
        !script.startsWith("/") &&
        !script.split("/").includes("..");
    return ok
        ? []
        : [
              {
                  field,
                  rule: "a .py path inside the code folder (no '..', no leading '/'), such as score.py",
                  value: script,
              },
          ];
}

/** Problems with a code asset's settings. Pure apart from reading the folder. */
export function codeAssetIssues(args: CodeAssetSettings): ValidationIssue[] {
    const v = new Validator();
    v.merge(assetNameIssues(args.assetName, "assetName"));
    const isDir = typeof args.dir === "string" && fs.existsSync(args.dir) && fs.statSync(args.dir).isDirectory();
    if (v.check("dir", isDir, "an existing local folder", args.dir)) {
        if (args.files === undefined) {
            v.check("dir", folderContent(args.dir).length > 0, "a folder with at least one file", args.dir);
        } else {
            v.check("files", args.files.length > 0, "at least one file", args.files);
            args.files.forEach((f, i) =>
                v.check(
                    `files[${i}]`,
                    !f.split("/").includes("..") && fs.existsSync(nodePath.join(args.dir, f)),
                    `a file in ${args.dir}, without '..'`,
                    f,
                ),
            );
        }
    }
    v.merge(componentTagIssues(args.tags));
    return [...v.issues];
}

/** A local code folder uploaded to the workspace's datastore and registered as a code version. */
export class CodeAsset extends pulumi.ComponentResource {
    readonly files: BlobFiles;
    readonly codeVersion: machinelearningservices.CodeVersion;
    /** ARM id of the code version: a deployment's `codeConfiguration.codeId`, a job's `codeId`. */
    readonly codeId: pulumi.Output<string>;
    /** The version, a hash of the folder's files. */
    readonly version: string;

    constructor(name: string, args: CodeAssetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:CodeAsset", name, {}, opts);
        const v = new Validator("CodeAsset");
        v.merge(codeAssetIssues(args));
        v.throwIfAny();
        const dir = nodePath.resolve(args.dir);
        this.version = contentVersion(folderContent(dir, args.files));
        const folder = "code";
        const where = { kind: "code" as const, assetName: args.assetName, version: this.version };
        ({ files: this.files } = uploadAssetFiles(
            this,
            name,
            args.upload,
            where,
            folderFiles(dir, folder, args.files),
            opts,
        ));
        this.codeVersion = new machinelearningservices.CodeVersion(
            `${name}-version`,
            assetVersionArgs(args, this.version, {
                // A blob folder URL, the form Azure ML stores for uploaded code.
                codeUri: this.files.folderUrl(folder),
            }),
            assetVersionOptions(this),
        );
        this.codeId = this.codeVersion.id;
        this.registerOutputs({ codeId: this.codeId });
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Model

/** Where a model comes from: exactly one of the three. */
export interface ModelSource {
    /** Conditional. A local file (or folder) to upload and register. */
    readonly localPath?: string;
    /**
     * Conditional. A file or folder already in storage: a path in the
     * workspace's default datastore (`models/churn/model.json`) or an
     * `azureml://` URI, registered as given.
     */
    readonly storagePath?: string;
    /**
     * Conditional. An asset already registered, used as is: its ARM id, or
     * `azureml://registries/<registry>/models/<name>/versions/<version>`.
     */
    readonly assetId?: string;
}

export interface ModelAssetArgs extends AssetWorkspace {
    /** Conditional. Asset name; required unless `source.assetId`. */
    readonly assetName?: string;
    /** Required. Where the model comes from. */
    readonly source: ModelSource;
    /** Conditional. Where a local model is uploaded; required with `source.localPath`. */
    readonly upload?: UploadTarget;
    /** Optional. Description shown in the studio. @default - none */
    readonly description?: string;
    /** Optional. Tags of the model version. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

export type ModelAssetSettings = Pick<ModelAssetArgs, "assetName" | "source" | "tags">;

/** A model asset id: an ARM id of a model version, or an `azureml:` reference. Pure. */
export function isModelAssetId(id: string): boolean {
    return (
        isArmResourceId(id, "Microsoft.MachineLearningServices", "workspaces", "models", "versions") ||
        /^azureml:\/\/registries\/[^/]+\/models\/[^/]+\/(versions|labels)\/[^/]+$/.test(id) ||
        /^azureml:[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9._-]+$/.test(id)
    );
}

/** Problems with a model's settings. Pure apart from checking a local path exists. */
export function modelAssetIssues(args: ModelAssetSettings): ValidationIssue[] {
    const v = new Validator();
    const s = args.source ?? {};
    const given = (["localPath", "storagePath", "assetId"] as const).filter((k) => s[k] !== undefined);
    if (v.check("source", given.length === 1, "exactly one of localPath, storagePath, assetId", given)) {
        if (s.localPath !== undefined) {
            v.check("source.localPath", fs.existsSync(s.localPath), "an existing local file or folder", s.localPath);
        }
        if (s.storagePath !== undefined) {
            v.check(
                "source.storagePath",
                isNonEmptyString(s.storagePath) &&
                    !s.storagePath.split("/").includes("..") &&
                    (s.storagePath.startsWith("azureml://") || !/^[a-z]+:/i.test(s.storagePath)),
                "a datastore path such as models/churn/model.json (no '..'), or an azureml:// URI",
                s.storagePath,
            );
        }
        if (s.assetId !== undefined) {
            v.check(
                "source.assetId",
                isModelAssetId(s.assetId),
                "a model version's ARM id, azureml://registries/<r>/models/<m>/versions/<v>, or azureml:<name>:<version>",
                s.assetId,
            );
        }
    }
    if (s.assetId === undefined) v.merge(assetNameIssues(args.assetName, "assetName"));
    v.merge(componentTagIssues(args.tags));
    return [...v.issues];
}

/**
 * A model for deployments: a local file uploaded and registered, a storage
 * path registered, or an existing asset used as is (then nothing is created).
 * Registered models are `custom_model`s.
 */
export class ModelAsset extends pulumi.ComponentResource {
    readonly files?: BlobFiles;
    readonly modelVersion?: machinelearningservices.ModelVersion;
    /** The asset id deployments take as `model`. */
    readonly modelId: pulumi.Output<string>;
    /** The version registered (a content hash); undefined for an existing asset. */
    readonly version?: string;

    constructor(name: string, args: ModelAssetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:ModelAsset", name, {}, opts);
        const v = new Validator("ModelAsset");
        v.merge(modelAssetIssues(args));
        v.check(
            "upload",
            args.source?.localPath === undefined || args.upload !== undefined,
            "required with source.localPath",
            undefined,
        );
        v.throwIfAny();
        const { localPath, storagePath, assetId } = args.source;
        if (assetId !== undefined) {
            this.modelId = pulumi.output(assetId);
            this.registerOutputs({ modelId: this.modelId });
            return;
        }
        let modelUri: pulumi.Input<string>;
        if (localPath !== undefined) {
            const upload = args.upload!;
            const full = nodePath.resolve(localPath);
            const isDir = fs.statSync(full).isDirectory();
            this.version = contentVersion(isDir ? folderContent(full) : [fs.readFileSync(full)]);
            const base = nodePath.basename(full);
            const where = { kind: "models" as const, assetName: args.assetName!, version: this.version };
            const files = isDir ? folderFiles(full, base) : { [base]: full };
            const { files: uploaded, prefix } = uploadAssetFiles(this, name, upload, where, files, opts);
            this.files = uploaded;
            // The datastore URI once the upload is done (the blobs' URLs resolve after it).
            modelUri = pulumi
                .all([upload.workspaceId, this.files.urls])
                .apply(([ws]) => datastoreAssetUri(ws, upload.datastore, `${prefix}/${base}`));
        } else {
            this.version = contentVersion([storagePath!]);
            modelUri = storagePath!.startsWith("azureml://")
                ? storagePath!
                : `azureml://datastores/${DEFAULT_DATASTORE}/paths/${storagePath!.replace(/^\/+/, "")}`;
        }
        this.modelVersion = new machinelearningservices.ModelVersion(
            `${name}-version`,
            assetVersionArgs(args, this.version, { modelType: "custom_model", modelUri }),
            assetVersionOptions(this),
        );
        this.modelId = this.modelVersion.id;
        this.registerOutputs({ modelId: this.modelId });
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Environment

/** Where an environment comes from: an existing asset, or an image with a conda file. */
export interface EnvironmentSource {
    /**
     * Conditional. An environment asset id used as is, e.g. a curated one:
     * `azureml://registries/azureml/environments/<name>/labels/latest`.
     */
    readonly environmentId?: string;
    /** Conditional. Base image, e.g. `mcr.microsoft.com/azureml/minimal-py311-inference:latest`; needs `condaFile`. */
    readonly image?: string;
    /** Conditional. Local conda file whose content is registered with `image`. */
    readonly condaFile?: string;
}

export interface EnvironmentAssetArgs extends AssetWorkspace {
    /** Conditional. Asset name; required with `source.image`. */
    readonly assetName?: string;
    /** Required. Where the environment comes from. */
    readonly source: EnvironmentSource;
    /** Optional. Description shown in the studio. @default - none */
    readonly description?: string;
    /** Optional. Tags of the environment version. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

export type EnvironmentAssetSettings = Pick<EnvironmentAssetArgs, "assetName" | "source" | "tags">;

/** An environment asset id: `azureml:` reference or an ARM id. Pure. */
export function isEnvironmentAssetId(id: string): boolean {
    return (
        /^azureml:\/\/registries\/[^/]+\/environments\/[^/]+\/(versions|labels)\/[^/]+$/.test(id) ||
        /^azureml:[A-Za-z][A-Za-z0-9_.-]*(:[A-Za-z0-9._-]+|@latest)$/.test(id) ||
        isArmResourceId(id, "Microsoft.MachineLearningServices", "workspaces", "environments", "versions")
    );
}

/** Problems with an environment's settings. Pure apart from checking the conda file exists. */
export function environmentAssetIssues(args: EnvironmentAssetSettings): ValidationIssue[] {
    const v = new Validator();
    const s = args.source ?? {};
    const curated = s.environmentId !== undefined;
    const built = s.image !== undefined || s.condaFile !== undefined;
    if (v.check("source", curated !== built, "either environmentId, or image with condaFile", s)) {
        if (curated) {
            v.check(
                "source.environmentId",
                isEnvironmentAssetId(s.environmentId!),
                "an environment asset id (azureml://registries/…/environments/…, azureml:<name>:<version>, or an ARM id)",
                s.environmentId,
            );
        } else {
            v.check(
                "source.image",
                isNonEmptyString(s.image) && /^[a-z0-9.-]+(:\d+)?\/[^\s]+$/i.test(s.image),
                "an image reference with its registry, e.g. mcr.microsoft.com/azureml/minimal-py311-inference:latest",
                s.image,
            );
            v.check(
                "source.condaFile",
                typeof s.condaFile === "string" && fs.existsSync(s.condaFile) && fs.statSync(s.condaFile).isFile(),
                "an existing local conda file",
                s.condaFile,
            );
            v.merge(assetNameIssues(args.assetName, "assetName"));
        }
    }
    v.merge(componentTagIssues(args.tags));
    return [...v.issues];
}

/** An environment for deployments: an existing (curated) asset used as is, or an image and a conda file registered. */
export class EnvironmentAsset extends pulumi.ComponentResource {
    readonly environmentVersion?: machinelearningservices.EnvironmentVersion;
    /** The environment asset id deployments and jobs take. */
    readonly environmentId: pulumi.Output<string>;
    /** The version registered (a hash of image and conda file); undefined for an existing asset. */
    readonly version?: string;

    constructor(name: string, args: EnvironmentAssetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:aml:EnvironmentAsset", name, {}, opts);
        const v = new Validator("EnvironmentAsset");
        v.merge(environmentAssetIssues(args));
        v.throwIfAny();
        if (args.source.environmentId !== undefined) {
            this.environmentId = pulumi.output(args.source.environmentId);
            this.registerOutputs({ environmentId: this.environmentId });
            return;
        }
        // The REST property takes the conda file's content, not a path.
        const conda = fs.readFileSync(args.source.condaFile!, "utf8");
        this.version = contentVersion([args.source.image!, conda]);
        this.environmentVersion = new machinelearningservices.EnvironmentVersion(
            `${name}-version`,
            assetVersionArgs(args, this.version, { image: args.source.image, condaFile: conda, osType: "Linux" }),
            assetVersionOptions(this),
        );
        this.environmentId = this.environmentVersion.id;
        this.registerOutputs({ environmentId: this.environmentId });
    }
}
