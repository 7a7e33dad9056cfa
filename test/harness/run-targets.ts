/**
 * What the driver hands a target (a run spec validated and resolved as `run`
 * does, and the run's context), and what Azure ML answers a run stack's reads
 * and uploads, mocked: shared by the target tests and the paths' run specs.
 */
import * as path from "node:path";
import { readSpecFile } from "../../automation/cli/spec-flags";
import { fileCheck, ResolvedRunSpec, resolveRunSpec, validateRunSpec } from "../../automation/spec";
import { specSections, targetRegistry } from "../../automation/targets";
import { TargetContext } from "../../automation/targets/types";
import { BlobFilesState } from "../../components/storage/blob-files";
import { MockRecorder } from "./mocks";

/** The spec sections of the built-in targets, as the driver validates with them. */
export const SECTIONS = specSections(targetRegistry());
export const BLOB_FILES = "pulumi-nodejs:dynamic/customai-azure:BlobFiles";
export const GET_DATASTORE = "azure-native:machinelearningservices:getDatastore";
/** The container of the workspace's default datastore (Azure ML names it after the workspace). */
export const DATASTORE_CONTAINER = "azureml-blobstore-1b2c3d4e-0000-4000-8000-000000000000";

/** A run spec validated and resolved as the driver does, its relative paths read from `cwd`. */
export function resolvedSpec<Section>(input: Record<string, unknown>, cwd: string): ResolvedRunSpec<Section> {
    const files = fileCheck(cwd);
    return resolveRunSpec(validateRunSpec(input, SECTIONS, files), SECTIONS, files) as ResolvedRunSpec<Section>;
}

/** A spec file (a path's `nightly.run.json`), read, validated and resolved as `run --spec` does. */
export function specOfFile<Section>(file: string): ResolvedRunSpec<Section> {
    const { spec, dir } = readSpecFile(file);
    return resolvedSpec<Section>(spec, dir);
}

/**
 * The first submission of run `run-1` on stack `stackName`, with its folders
 * under `dir`, waiting from now for the spec's timeout; `extra` replaces fields.
 */
export function targetContext<Section>(
    spec: ResolvedRunSpec<Section>,
    stackName: string,
    dir: string,
    extra: Partial<TargetContext<Section>> = {},
): TargetContext<Section> {
    return {
        runId: "run-1",
        stackName,
        attempt: 1,
        waitDeadline: Date.now() + spec.timeoutMinutes * 60_000,
        spec,
        workDir: path.join(dir, "work"),
        localOutputDir: path.join(dir, "out"),
        signal: new AbortController().signal,
        onStatus: () => undefined,
        onJobOutput: () => undefined,
        ...extra,
    };
}

export interface DatastoreMock {
    /** Optional. The storage account behind the datastore, or one per workspace read. @default "stbase" */
    readonly accountName?: string | ((workspaceName: string) => string);
    /** Optional. Its blob container. @default DATASTORE_CONTAINER */
    readonly container?: string;
}

/**
 * Mocks the workspace's default datastore as a blob container, as Azure ML
 * records it, and the URL per blob that the uploads' provider reports.
 */
export function mockDatastore(recorder: MockRecorder, datastore: DatastoreMock = {}): void {
    const { accountName = "stbase", container = DATASTORE_CONTAINER } = datastore;
    recorder.onCall(GET_DATASTORE, (inputs) => ({
        name: inputs.name,
        properties: {
            datastoreType: "AzureBlob",
            accountName: typeof accountName === "string" ? accountName : accountName(String(inputs.workspaceName)),
            containerName: container,
            endpoint: "core.windows.net",
            protocol: "https",
        },
    }));
    recorder.outputsFor(BLOB_FILES, (inputs) => {
        const state = inputs as unknown as BlobFilesState;
        const urls = Object.fromEntries(
            Object.keys(state.files).map((n) => [n, `${state.blobEndpoint}${state.container}/${state.prefix}/${n}`]),
        );
        return { urls };
    });
}
