/**
 * The contract between the platform base stack (`programs/platform`) and
 * everything that builds on it: path programs that reuse its workspace, the
 * driver's `aml` run stacks, users' own programs. The base stack writes its
 * outputs with `platformStackOutputs`; everyone else reads them with
 * `readPlatformStack`, the one reader, so a renamed output breaks a type
 * check here instead of a deployment somewhere else.
 */
import * as pulumi from "@pulumi/pulumi";
import { MlPlatform } from "./ml-platform";

/** What a platform base stack exports, by output name. */
export interface PlatformStackOutputs {
    readonly resourceGroupName: string;
    readonly location: string;
    readonly workspaceName: string;
    /** ARM id of the Azure ML workspace. */
    readonly workspaceId: string;
    /** Link that opens the workspace in Azure ML studio. */
    readonly studioUrl: string;
    readonly storageAccountName: string;
    /** ARM id of the storage account (the workspace's, with the `data`, `models`, `predictions` containers). */
    readonly storageAccountId: string;
    /** Blob endpoint, `https://<account>.blob.core.windows.net/`. */
    readonly blobEndpoint: string;
    readonly keyVaultId: string;
    readonly keyVaultUri: string;
    /** ARM id of the container registry; absent when the stack has none. */
    readonly registryId?: string;
    /** Login server of the container registry; absent when the stack has none. */
    readonly registryLoginServer?: string;
    /** ARM id of the Log Analytics workspace every diagnostic goes to. */
    readonly logAnalyticsWorkspaceId: string;
    /** Application Insights connection string (a secret output). */
    readonly appInsightsConnectionString: string;
}

/**
 * Whether a base stack must export each output: the compiler makes this list
 * every output of the interface, exactly once.
 */
const OUTPUT_PRESENCE: Readonly<Record<keyof PlatformStackOutputs, "required" | "optional">> = {
    resourceGroupName: "required",
    location: "required",
    workspaceName: "required",
    workspaceId: "required",
    studioUrl: "required",
    storageAccountName: "required",
    storageAccountId: "required",
    blobEndpoint: "required",
    keyVaultId: "required",
    keyVaultUri: "required",
    registryId: "optional",
    registryLoginServer: "optional",
    logAnalyticsWorkspaceId: "required",
    appInsightsConnectionString: "required",
};

/** Every output name of the contract, in a stable order. */
export const PLATFORM_STACK_OUTPUTS = Object.keys(OUTPUT_PRESENCE) as readonly (keyof PlatformStackOutputs)[];

/** The contract's values as Pulumi outputs: what a program exports, or what the reader hands back. */
export type PlatformStack = {
    readonly [K in keyof PlatformStackOutputs]-?: pulumi.Output<PlatformStackOutputs[K]>;
};

/** The resource group a platform lives in, as the base stack knows it. */
export interface PlatformGroup {
    readonly name: pulumi.Input<string>;
    readonly location: pulumi.Input<string>;
}

/** The outputs a base stack exports for `platform` in `group`; export them all from the program. */
export function platformStackOutputs(platform: MlPlatform, group: PlatformGroup): PlatformStack {
    return {
        resourceGroupName: pulumi.output(group.name),
        location: pulumi.output(group.location),
        workspaceName: platform.workspace.workspaceName,
        workspaceId: platform.workspace.workspaceId,
        studioUrl: platform.workspace.studioUrl,
        storageAccountName: platform.storage.accountName,
        storageAccountId: platform.storage.accountId,
        blobEndpoint: platform.storage.blobEndpoint,
        keyVaultId: platform.vault.vaultId,
        keyVaultUri: platform.vault.vaultUri,
        registryId: pulumi.output(platform.registry?.registryId),
        registryLoginServer: pulumi.output(platform.registry?.loginServer),
        logAnalyticsWorkspaceId: platform.monitoring.logAnalyticsWorkspaceId,
        appInsightsConnectionString: pulumi.secret(platform.monitoring.appInsightsConnectionString),
    };
}

/**
 * Reads a platform base stack, typed. `stack` is a StackReference the caller
 * made, or a stack name (`org/customai-platform/dev`, or `customai-platform/dev`
 * on a self-managed backend) for which one is made, named after it. A
 * required output the stack lacks fails the deployment, naming it.
 */
export function readPlatformStack(
    stack: pulumi.StackReference | string,
    opts?: pulumi.CustomResourceOptions,
): PlatformStack {
    const ref = typeof stack === "string" ? new pulumi.StackReference(stack, { name: stack }, opts) : stack;
    const entries = PLATFORM_STACK_OUTPUTS.map((key) => [
        key,
        OUTPUT_PRESENCE[key] === "optional" ? ref.getOutput(key) : ref.requireOutput(key),
    ]);
    return Object.fromEntries(entries) as PlatformStack;
}

/**
 * Whether the base stack has a container registry, known before any resource
 * is declared, so a program can decide what to create (e.g. an AcrPull grant).
 */
export async function platformHasRegistry(ref: pulumi.StackReference): Promise<boolean> {
    const details = await ref.getOutputDetails("registryId");
    return details.value !== undefined || details.secretValue !== undefined;
}
