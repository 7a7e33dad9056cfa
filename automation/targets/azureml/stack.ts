/**
 * What the run stacks of the Azure ML targets (`aml`, `spark`) share: the
 * workspace they build on (a platform base stack, or a workspace named in the
 * spec), the blob container of its default datastore, the local parts of the
 * workload to upload there, the run's folders in the datastore, and the
 * first resources of both programs (`runStackBase`). Loaded by the targets'
 * programs only (it loads the azure-native SDK).
 */
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import { Provider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { datastoreBlobs, datastoreUri, DEFAULT_DATASTORE, readPlatformStack } from "../../../components/aml";
import { BlobFiles, folderFiles } from "../../../components/storage/blob-files";
import type { ResolvedRunSpec } from "../../spec";
import type { WorkspaceSection } from "./section";

/** Folder of the default datastore that holds each run's uploads and, unless the spec names one, its outputs. */
export const RUN_FOLDER = "batch-runs";

/** The spec fields `runFolder` and `outputUri` read. */
export interface RunPlace {
    readonly stackName: string;
    readonly spec: Pick<ResolvedRunSpec, "series" | "outputs">;
}

/** The run's folder inside a datastore or the upload container. Pure. */
export function runFolder(ctx: RunPlace): string {
    return `${RUN_FOLDER}/${ctx.spec.series}/${ctx.stackName}/`;
}

/** Where the job writes: the spec's datastore folder, or the run's folder of the default datastore. Pure. */
export function outputUri(ctx: RunPlace, datastore: string = DEFAULT_DATASTORE): string {
    return ctx.spec.outputs ?? datastoreUri(runFolder(ctx), datastore);
}

/** The base stack or workspace the run stack builds on. */
export interface Workspace {
    readonly resourceGroupName: pulumi.Output<string>;
    readonly workspaceName: pulumi.Output<string>;
    readonly location?: pulumi.Output<string | undefined>;
}

/** Reads the workspace from the base stack (the platform contract), or from ARM when the spec names it. */
export function readWorkspace(section: WorkspaceSection, provider: Provider): Workspace {
    if (section.baseStack) return readPlatformStack(section.baseStack);
    // The spec validation requires both when there is no base stack.
    const workspaceName = section.workspaceName!;
    const resourceGroupName = section.resourceGroup!;
    const ws = machinelearningservices.getWorkspaceOutput({ resourceGroupName, workspaceName }, { provider });
    return {
        resourceGroupName: pulumi.output(resourceGroupName),
        workspaceName: pulumi.output(workspaceName),
        location: ws.apply((w) => w.location),
    };
}

/** A local part of the workload as uploaded: its files by blob name, and what the job input points at. */
export interface LocalUpload {
    /** Blob name → local path of every file of this part. */
    readonly files: Readonly<Record<string, string>>;
    /** The blob (a file) or the blob folder (a folder) the job input points at. */
    readonly blob: string;
    readonly folder: boolean;
}

/**
 * The local parts of the workload by job input name (`code` or `script`,
 * `requirements`, and each local model or input under `data/<name>/`). Pure
 * but for listing the files of a folder.
 */
export function localUploads(ctx: { readonly spec: Pick<ResolvedRunSpec, "workload"> }): Record<string, LocalUpload> {
    const { code, inputs, model } = ctx.spec.workload;
    const file = (folder: string, local: string): LocalUpload => {
        const blob = `${folder}/${path.basename(local)}`;
        return { files: { [blob]: local }, blob, folder: false };
    };
    const dir = (folder: string, local: string): LocalUpload => ({
        files: folderFiles(local, folder),
        blob: folder,
        folder: true,
    });
    const parts: Record<string, LocalUpload> = code.dir
        ? { code: dir("code", code.dir) }
        : { script: file("script", code.script) };
    if (code.requirements) parts.requirements = file("requirements", code.requirements);
    const data = Object.entries({ ...(model ? { model } : {}), ...inputs });
    for (const [name, ref] of data) {
        if (ref.kind === "local")
            parts[name] = ref.folder ? dir(`data/${name}`, ref.path) : file(`data/${name}`, ref.path);
    }
    return parts;
}

/** What both run stacks build on: see `runStackBase`. */
export interface RunStackBase {
    /** The provider of every Azure resource and read of the run stack. */
    readonly provider: Provider;
    /** Resource options that put a resource in the spec's subscription. */
    readonly inSubscription: { readonly providers: Provider[] };
    readonly ws: Workspace;
    /** The blob datastore that holds the uploads and, when the spec names none, the outputs. */
    readonly datastore: string;
    /** Tags of the run's resources: its series and run id. */
    readonly tags: Readonly<Record<string, string>>;
    /** The local parts of the workload by job input name (`localUploads`). */
    readonly local: Readonly<Record<string, LocalUpload>>;
    /** Every local part, uploaded under the run's folder (`<run folder>inputs/<blob>`). */
    readonly files: BlobFiles;
}

/**
 * The start of both run stacks' programs: the provider for the spec's
 * subscription, the workspace, and the upload of the workload's local parts
 * into the container of `datastore`. Call it inside the program.
 */
export function runStackBase(
    ctx: RunPlace & {
        readonly runId: string;
        readonly spec: Pick<ResolvedRunSpec<WorkspaceSection>, "series" | "outputs" | "workload" | "section">;
    },
    datastore: string = DEFAULT_DATASTORE,
): RunStackBase {
    const { spec } = ctx;
    // Every Azure resource and read of the run stack goes through this provider: the spec's subscription,
    // never whichever one the credential happens to default to.
    const provider = new Provider("azure", { subscriptionId: spec.section.subscriptionId });
    const ws = readWorkspace(spec.section, provider);
    const store = datastoreBlobs(ws, datastore, { provider });
    const local = localUploads(ctx);
    const files = new BlobFiles("inputs", {
        blobEndpoint: store.blobEndpoint,
        container: store.container,
        prefix: `${runFolder(ctx)}inputs`,
        files: Object.assign({}, ...Object.values(local).map((part) => part.files)),
    });
    return {
        provider,
        inSubscription: { providers: [provider] },
        ws,
        datastore,
        tags: { "customai-series": spec.series, "customai-run": ctx.runId },
        local,
        files,
    };
}
