/**
 * BlobFiles: local files uploaded to a blob container for as long as the
 * resource exists — how a run stack or a
 * deployment hands a scoring script, a model or a local input to Azure ML.
 *
 * Why not `azure-native:storage:Blob`: the provider writes blobs with the
 * account key, and our storage accounts disable shared keys (Entra ID only;
 * pulumi/pulumi-azure-native#2015). This dynamic resource uses an Entra
 * token (scope `https://storage.azure.com/.default`) from the identity the
 * driver runs as, which therefore needs Storage Blob Data Contributor on the
 * account (the base stack grants it to `dataScientistPrincipalIds`).
 *
 * Files are hashed in the program, so changed content replaces the upload;
 * the state holds paths and hashes, never contents. The provider functions
 * are serialized into the provider process: they use only what they require.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { uploadedFilesUnder } from "../common/files";

/** Larger local files belong in a datastore already (pass an `azureml://` URI), not in a run stack. */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

export interface BlobFile {
    /** Absolute local path. */
    readonly path: string;
    /** Hex SHA-256 of the content when the program ran. */
    readonly sha256: string;
}

/** What the provider receives (inputs resolved). */
export interface BlobFilesState {
    /** Blob endpoint of the account, e.g. `https://stx.blob.core.windows.net/`. */
    readonly blobEndpoint: string;
    readonly container: string;
    /** Folder inside the container, without leading or trailing '/'. */
    readonly prefix: string;
    /** Blob name (relative to prefix) → local file. */
    readonly files: Record<string, BlobFile>;
    /** Blob name → URL; set by the provider. */
    readonly urls?: Record<string, string>;
}

export type TokenSource = (scope: string) => Promise<string>;

/** The URL of blob (or folder) `name` under `prefix` in `container`. Pure; also runs in the provider process. */
export function blobUrl(blobEndpoint: string, container: string, prefix: string, name: string): string {
    const base = blobEndpoint.endsWith("/") ? blobEndpoint : `${blobEndpoint}/`;
    const segments = [container, ...prefix.split("/"), ...name.split("/")].filter((x) => x.length > 0);
    return base + segments.map(encodeURIComponent).join("/");
}

/**
 * The files under a local folder (or only `only`, relative paths) as blob names
 * (`<folder name>/<relative path>`, '/'-separated) → absolute paths, for uploading a folder with BlobFiles.
 */
export function folderFiles(dir: string, name: string, only?: readonly string[]): Record<string, string> {
    return Object.fromEntries(
        (only ?? uploadedFilesUnder(dir)).map((relative) => [`${name}/${relative}`, nodePath.join(dir, relative)]),
    );
}

/**
 * How long an upload waits for a blob role that may still be applying: a new
 * role assignment takes up to 10 minutes to apply (Microsoft's RBAC
 * troubleshooting guide), and until then the account answers 403
 * AuthorizationPermissionMismatch. The delays before each new attempt, in ms
 * (10 minutes in all). A fixed table rather than common/retry's jittered
 * backoff: the provider below runs serialized in the engine's provider
 * process, so its closure stays self-contained, and the total wait is the
 * documented 10 minutes exactly.
 */
export const PERMISSION_RETRY_DELAYS_MS: readonly number[] = [15_000, 30_000, 60_000, 120_000, 180_000, 195_000];

/**
 * The provider. `tokenSource` is for tests that call it directly; in a stack
 * it is undefined and a DefaultAzureCredential is created in the provider process.
 * `permissionRetryDelaysMs` is for tests too.
 */
export function blobFilesProvider(
    tokenSource?: TokenSource,
    permissionRetryDelaysMs: readonly number[] = PERMISSION_RETRY_DELAYS_MS,
): pulumi.dynamic.ResourceProvider {
    async function token(): Promise<string> {
        if (tokenSource) return tokenSource("https://storage.azure.com/.default");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const identity = require("@azure/identity") as typeof import("@azure/identity");
        const t = await new identity.DefaultAzureCredential().getToken("https://storage.azure.com/.default");
        return t.token;
    }
    const urlOf = (s: BlobFilesState, name: string) => blobUrl(s.blobEndpoint, s.container, s.prefix, name);
    async function send(method: "PUT" | "DELETE", url: string, bearer: string, body?: Buffer): Promise<number> {
        const headers: Record<string, string> = {
            authorization: `Bearer ${bearer}`,
            // Any Blob REST version since 2017-11-09 accepts Entra tokens.
            "x-ms-version": "2023-11-03",
            "x-ms-date": new Date().toUTCString(),
        };
        if (body) {
            headers["x-ms-blob-type"] = "BlockBlob";
            headers["content-type"] = "application/octet-stream";
        }
        let waited = 0;
        for (let attempt = 0; ; attempt++) {
            const response = await fetch(url, { method, headers, body });
            const text = await response.text();
            if (response.ok || (method === "DELETE" && response.status === 404)) return response.status;
            const code = response.headers.get("x-ms-error-code") ?? "";
            const failure = `${method} ${url} failed with HTTP ${response.status} ${code}: ${text.slice(0, 300)}`;
            if (code !== "AuthorizationPermissionMismatch") throw new Error(failure);
            if (attempt >= permissionRetryDelaysMs.length) {
                throw new Error(
                    `${failure} (still refused after ${Math.round(waited / 1000)} s: the identity running the ` +
                        "driver needs Storage Blob Data Contributor on the account, and a new role assignment " +
                        "takes up to 10 minutes to apply)",
                );
            }
            // A role granted minutes ago may still be applying: wait, bounded, instead of failing the run.
            await new Promise((resolve) => setTimeout(resolve, permissionRetryDelaysMs[attempt]));
            waited += permissionRetryDelaysMs[attempt];
        }
    }
    async function upload(s: BlobFilesState): Promise<BlobFilesState> {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fsp = require("node:fs/promises") as typeof import("node:fs/promises");
        const bearer = await token();
        const urls: Record<string, string> = {};
        for (const [name, file] of Object.entries(s.files)) {
            await send("PUT", urlOf(s, name), bearer, await fsp.readFile(file.path));
            urls[name] = urlOf(s, name);
        }
        return { ...s, urls };
    }
    async function remove(s: BlobFilesState): Promise<void> {
        const bearer = await token();
        for (const name of Object.keys(s.files)) await send("DELETE", urlOf(s, name), bearer);
    }
    return {
        async create(inputs: BlobFilesState) {
            const outs = await upload(inputs);
            return { id: urlOf(inputs, ""), outs };
        },
        async diff(_id: string, olds: BlobFilesState, news: BlobFilesState) {
            const changes =
                JSON.stringify({ ...olds, urls: undefined }) !== JSON.stringify({ ...news, urls: undefined });
            // Any change uploads a fresh set. Into the same folder the old blobs go first, so names may repeat;
            // into another one (an asset's folder is named by its content hash) the new set comes first, so
            // what still uses the old blobs (a registered asset version, a live deployment) keeps them until
            // it is replaced too.
            const sameFolder =
                olds.blobEndpoint === news.blobEndpoint &&
                olds.container === news.container &&
                olds.prefix === news.prefix;
            return { changes, replaces: changes ? ["files"] : [], deleteBeforeReplace: sameFolder };
        },
        async delete(_id: string, olds: BlobFilesState) {
            await remove(olds);
        },
    };
}

export interface BlobFilesArgs {
    /** Required. Blob endpoint of the storage account (`https://<account>.blob.core.windows.net/`). */
    readonly blobEndpoint: pulumi.Input<string>;
    /** Required. Existing container. */
    readonly container: pulumi.Input<string>;
    /** Required. Folder for the files, e.g. `runs/<stack>`. */
    readonly prefix: string;
    /** Required. Blob name → absolute local path; each file at most 256 MiB. */
    readonly files: Readonly<Record<string, string>>;
}

/** Hashes a local file, refusing one too large to pass through a run stack. */
export function describeLocalFile(path: string): BlobFile {
    const size = fs.statSync(path).size;
    if (size > MAX_UPLOAD_BYTES) {
        throw new Error(
            `${path} is ${size} bytes; files above ${MAX_UPLOAD_BYTES} bytes are not uploaded per run: ` +
                "put it in a datastore and pass its azureml:// URI",
        );
    }
    return { path, sha256: createHash("sha256").update(fs.readFileSync(path)).digest("hex") };
}

export class BlobFiles extends pulumi.dynamic.Resource {
    /** Blob name → URL. */
    declare readonly urls: pulumi.Output<Record<string, string>>;
    /** URL of the folder `name` of the upload (ending in '/'), e.g. of files added with `folderFiles`. */
    readonly folderUrl: (name: string) => pulumi.Output<string>;

    constructor(name: string, args: BlobFilesArgs, opts?: pulumi.CustomResourceOptions) {
        const files = Object.fromEntries(Object.entries(args.files).map(([n, p]) => [n, describeLocalFile(p)]));
        super(
            blobFilesProvider(),
            name,
            {
                blobEndpoint: args.blobEndpoint,
                container: args.container,
                prefix: args.prefix.replace(/^\/+|\/+$/g, ""),
                files,
                urls: undefined,
            },
            opts,
            "customai-azure",
            "BlobFiles",
        );
        const prefix = args.prefix.replace(/^\/+|\/+$/g, "");
        // After the upload, so a job never reads a folder whose files are still on their way.
        this.folderUrl = (folder) =>
            pulumi
                .all([args.blobEndpoint, args.container, this.urls])
                .apply(([endpoint, container]) => `${blobUrl(endpoint, container, prefix, folder)}/`);
    }
}
