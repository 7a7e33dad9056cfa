/**
 * What the Azure integration tests need from the machine: credentials (or the
 * reason there are none, so the test can skip visibly), an ARM token for
 * checking what was deployed, and a throwaway stack of a path program.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../automation/common/paths";
import { workspaceOptions } from "../../automation/stacks/engine";

export interface AzureAccess {
    readonly subscriptionId: string;
}

/** The subscription to deploy to, or why the tests cannot run here. */
export function findAzureAccess(env: NodeJS.ProcessEnv = process.env): AzureAccess | { skip: string } {
    const fromEnv = env.AZURE_SUBSCRIPTION_ID ?? env.ARM_SUBSCRIPTION_ID;
    if (fromEnv && (env.ARM_CLIENT_ID || env.AZURE_CLIENT_ID || env.ARM_USE_MSI || azLoggedIn())) {
        return { subscriptionId: fromEnv };
    }
    const account = spawnSync("az", ["account", "show", "--query", "id", "-o", "tsv"], { encoding: "utf8" });
    if (account.status === 0 && account.stdout.trim()) return { subscriptionId: account.stdout.trim() };
    return {
        skip:
            "no Azure credentials: set AZURE_SUBSCRIPTION_ID (or ARM_SUBSCRIPTION_ID with ARM_CLIENT_ID/ARM_CLIENT_SECRET/" +
            "ARM_TENANT_ID), or run `az login`",
    };
}

function azLoggedIn(): boolean {
    return spawnSync("az", ["account", "show"], { encoding: "utf8" }).status === 0;
}

/**
 * Set by `npm run test:azure`. Without it (as in `npm test`) the tier is
 * listed and skipped: credentials alone must not make a test run deploy and
 * spend money.
 */
export const AZURE_OPT_IN = "CUSTOMAI_AZURE_TESTS";

/** Skips the current test with a reason printed in the report, or returns the access. */
export function requireAzure(ctx: Mocha.Context): AzureAccess {
    const access: AzureAccess | { skip: string } =
        process.env[AZURE_OPT_IN] === "1"
            ? findAzureAccess()
            : { skip: "opt-in: `npm run test:azure` deploys to a real Azure subscription (and costs money)" };
    if ("skip" in access) {
        console.log(`      skipped: ${access.skip}`);
        ctx.skip();
    }
    return access as AzureAccess;
}

/** An access token for `resource`: from the Azure CLI, else by client credentials from ARM_* variables. */
export async function accessToken(resource: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
    const cli = spawnSync(
        "az",
        ["account", "get-access-token", "--resource", resource, "--query", "accessToken", "-o", "tsv"],
        {
            encoding: "utf8",
        },
    );
    if (cli.status === 0 && cli.stdout.trim()) return cli.stdout.trim();
    const tenant = env.ARM_TENANT_ID ?? env.AZURE_TENANT_ID;
    const client = env.ARM_CLIENT_ID ?? env.AZURE_CLIENT_ID;
    const secret = env.ARM_CLIENT_SECRET ?? env.AZURE_CLIENT_SECRET;
    if (!tenant || !client || !secret) {
        throw new Error(
            `no token for ${resource}: log in with \`az login\` or set ARM_TENANT_ID/ARM_CLIENT_ID/ARM_CLIENT_SECRET`,
        );
    }
    const response = await fetch(`https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: client,
            client_secret: secret,
            scope: `${resource.replace(/\/+$/, "")}/.default`,
        }),
    });
    if (!response.ok) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
}

/** An ARM access token (see accessToken). */
export function armToken(env: NodeJS.ProcessEnv = process.env): Promise<string> {
    return accessToken("https://management.azure.com/", env);
}

/** GETs an ARM list (a collection URL with its query, e.g. a `$filter`); returns the items of every page. */
export async function armList(pathAndQuery: string): Promise<ArmBody[]> {
    const items: ArmBody[] = [];
    let url: string | undefined = `https://management.azure.com${pathAndQuery}`;
    while (url) {
        const response = await fetch(url, { headers: { authorization: `Bearer ${await armToken()}` } });
        if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
        const body = (await response.json()) as { value: ArmBody[]; nextLink?: string };
        items.push(...body.value);
        url = body.nextLink;
    }
    return items;
}

/** An ARM response body: read field by field in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ArmBody = Record<string, any>;

/** GETs an ARM resource by id; returns its JSON body. */
export async function armGet(resourceId: string, apiVersion: string): Promise<ArmBody> {
    const response = await fetch(`https://management.azure.com${resourceId}?api-version=${apiVersion}`, {
        headers: { authorization: `Bearer ${await armToken()}` },
    });
    if (!response.ok) throw new Error(`GET ${resourceId}: ${response.status} ${await response.text()}`);
    return (await response.json()) as ArmBody;
}

/** The HTTP status of a GET of an ARM resource: 200 while it exists, 404 once it is gone. */
export async function armStatus(resourceId: string, apiVersion: string): Promise<number> {
    const response = await fetch(`https://management.azure.com${resourceId}?api-version=${apiVersion}`, {
        headers: { authorization: `Bearer ${await armToken()}` },
    });
    await response.text();
    return response.status;
}

/** One step of a preview: the resource's type and what the engine would do to it. */
export interface PreviewStep {
    readonly type: string;
    readonly urn: string;
    /** `same`, `update`, `replace`, `create`, `delete`, … */
    readonly op: string;
}

/** Every step a preview of `stack` would take, from the engine's events. */
export async function previewSteps(stack: Stack): Promise<PreviewStep[]> {
    const steps: PreviewStep[] = [];
    await stack.preview({
        diff: true,
        onEvent: (event) => {
            const m = event.resourcePreEvent?.metadata;
            if (m) steps.push({ type: m.type, urn: m.urn, op: m.op });
        },
    });
    return steps;
}

/** The steps of `steps` that change something (anything but `same`), as `op type urn` lines for a message. */
export function changingSteps(steps: readonly PreviewStep[]): string[] {
    return steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.type} ${s.urn}`);
}

/** A new stack of `programs/<id>` with a unique name, its config set (secrets as secrets). */
export async function temporaryStack(
    id: string,
    config: Record<string, string>,
    secrets: Record<string, string> = {},
): Promise<Stack> {
    const stackName = `it-${id}-${Date.now().toString(36)}`;
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, workDir: path.join(PROJECT_ROOT, "programs", id) },
        await workspaceOptions(),
    );
    for (const [key, value] of Object.entries(config)) await stack.setConfig(key, { value });
    for (const [key, value] of Object.entries(secrets)) await stack.setConfig(key, { value, secret: true });
    return stack;
}

/**
 * A throwaway stack of path `id` with its own small platform: a fresh
 * three-character environment (the default's length, so names keep their
 * default length), the test region, no registry, and a vault without purge
 * protection so it can be purged after the test; `config` adds the path's keys.
 */
export function smallPathStack(id: string, config: Record<string, string> = {}): Promise<Stack> {
    return temporaryStack(id, {
        environment: `t${Date.now().toString(36).slice(-2)}`,
        location: process.env.AZURE_LOCATION ?? "westeurope",
        registry: "false",
        purgeProtection: "false",
        ...config,
    });
}

/** Writes engine output of a test's stack operations to its own output. */
export const STACK_LOG = { onOutput: (line: string) => process.stdout.write(line) };

/** Destroys and removes a stack, retrying once on a transient failure; never throws over the test's own error. */
export async function destroyStack(stack: Stack): Promise<void> {
    for (let attempt = 1; attempt <= 2; attempt++) {
        try {
            await stack.destroy({ onOutput: (line) => process.stdout.write(line) });
            await stack.workspace.removeStack(stack.name);
            return;
        } catch (err) {
            console.error(`destroy of ${stack.name} failed (attempt ${attempt}): ${String(err)}`);
        }
    }
    console.error(
        `stack ${stack.name} is left behind: run \`pulumi destroy -s ${stack.name}\` in its program directory`,
    );
}

/** This machine's public IPv4 address, as the NSG will see it. */
export async function publicIpv4(): Promise<string> {
    const response = await fetch("https://api.ipify.org");
    const ip = (await response.text()).trim();
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip))
        throw new Error(`could not find this machine's public IPv4 address (got ${ip})`);
    return ip;
}
