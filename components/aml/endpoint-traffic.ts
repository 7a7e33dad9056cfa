/**
 * EndpointTraffic: sets an online endpoint's live and mirrored traffic once
 * its deployments exist. Azure ML routes traffic only to deployments of the
 * endpoint, so the split cannot be part of creating the endpoint: the
 * endpoint is created without it, then the deployments, then this resource,
 * which depends on them. EndpointRouting does the same for a batch
 * endpoint's default deployment (`defaults.deploymentName`), which the Azure
 * ML CLI also sets by updating the endpoint after the deployment exists
 * (Azure/azureml-examples#4035).
 *
 * How it writes: the endpoint is read over ARM, its `traffic` and
 * `mirrorTraffic` replaced, and the whole endpoint PUT back. A PATCH cannot
 * do it: PATCH on an online endpoint takes only `identity` and `tags`
 * (`PartialMinimalTrackedResourceWithIdentity`; example
 * https://github.com/Azure/azure-rest-api-specs-examples/blob/main/specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2024-04-01/examples-js/Workspace/OnlineEndpoint/update.js),
 * while PUT takes the full endpoint with `properties`
 * (https://learn.microsoft.com/rest/api/azureml/online-endpoints/create-or-update).
 * The endpoint resource ignores changes of both properties, so a refresh
 * never reverts them.
 *
 * A dynamic resource (no provider download), authenticated with an Entra
 * token for ARM from the identity running the deployment. The provider is
 * serialized into the engine's provider process: it uses only what it
 * requires.
 */
import * as pulumi from "@pulumi/pulumi";

/** The ARM API version of the endpoint reads and writes: the one azure-native's OnlineEndpoint uses. */
export const ENDPOINT_API_VERSION = "2025-12-01";

/** What the provider receives (inputs resolved). */
export interface EndpointTrafficState {
    /** ARM id of the online endpoint. */
    readonly endpointId: string;
    /** Deployment name (as Azure names it) → percent of live traffic; sums to 100. */
    readonly traffic: Record<string, number>;
    /** Deployment name → percent of traffic copied to it; at most 50 in all. */
    readonly mirrorTraffic: Record<string, number>;
    /**
     * A stamp of the endpoint's own settings. It changes when the endpoint is
     * updated, so the traffic is written again after any PUT of the endpoint,
     * whatever such a PUT does to a traffic it does not carry.
     */
    readonly revision: string;
}

/** An ARM answer as the provider reads it. */
export interface ArmResponse {
    readonly status: number;
    readonly headers: { get(name: string): string | null };
    text(): Promise<string>;
}

/** An ARM body as the provider reads it: an endpoint, or an async operation's status. */
interface ArmBody {
    readonly status?: string;
    readonly error?: unknown;
    readonly properties?: { readonly provisioningState?: string };
    readonly [key: string]: unknown;
}

/** The HTTP client the provider uses: `fetch`, or a fake in tests. */
export type HttpClient = (
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<ArmResponse>;

/** Options of the provider: for tests, which call it without Azure. */
export interface EndpointTrafficProviderOptions {
    /** Optional. ARM bearer token. @default - a DefaultAzureCredential token for https://management.azure.com/.default */
    readonly token?: () => Promise<string>;
    /** Optional. HTTP client. @default - the global fetch */
    readonly http?: HttpClient;
    /** Optional. Pause between polls and retries, in ms. @default 10000 */
    readonly pollMs?: number;
    /** Optional. Give up waiting for the endpoint after this long, in ms. @default 1800000 (30 minutes) */
    readonly timeoutMs?: number;
}

/**
 * The body of the PUT that sets the traffic, from the endpoint as ARM
 * returned it: its settings kept, read-only fields left out (state, URIs,
 * system data, identity principals), traffic and mirror replaced. Pure.
 */
export function trafficPutBody(
    current: Record<string, unknown>,
    traffic: Record<string, number>,
    mirrorTraffic: Record<string, number>,
): Record<string, unknown> {
    return endpointPutBody(current, { traffic, mirrorTraffic });
}

/**
 * The body of a PUT that writes `routing` into an endpoint's properties
 * (online or batch), from the endpoint as ARM returned it: its settings
 * kept, read-only fields left out. Pure.
 */
export function endpointPutBody(
    current: Record<string, unknown>,
    routing: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
    const properties = { ...((current.properties as Record<string, unknown>) ?? {}) };
    for (const readOnly of ["provisioningState", "scoringUri", "swaggerUri"]) delete properties[readOnly];
    const identity = current.identity as
        { type?: string; userAssignedIdentities?: Record<string, unknown> } | undefined;
    const body: Record<string, unknown> = {
        location: current.location,
        properties: { ...properties, ...routing },
    };
    if (current.tags !== undefined) body.tags = current.tags;
    if (current.kind !== undefined) body.kind = current.kind;
    if (current.sku !== undefined) body.sku = current.sku;
    if (identity?.type !== undefined) {
        const users = Object.keys(identity.userAssignedIdentities ?? {});
        body.identity =
            users.length > 0
                ? { type: identity.type, userAssignedIdentities: Object.fromEntries(users.map((id) => [id, {}])) }
                : { type: identity.type };
    }
    return body;
}

/** The provider; see the module comment. Exported for its tests. */
export function endpointTrafficProvider(options: EndpointTrafficProviderOptions = {}): pulumi.dynamic.ResourceProvider {
    return endpointWriter(options, {
        keys: ["endpointId", "traffic", "mirrorTraffic", "revision"],
        routing: (s: EndpointTrafficState) => ({ traffic: s.traffic, mirrorTraffic: s.mirrorTraffic }),
        // Before the deployments go: no live or mirrored traffic on any of them.
        cleared: (s: EndpointTrafficState) => ({
            traffic: Object.fromEntries(Object.keys(s.traffic).map((name) => [name, 0])),
            mirrorTraffic: {},
        }),
    });
}

/** What EndpointRouting's provider receives (inputs resolved). */
export interface EndpointRoutingState {
    /** ARM id of the endpoint. */
    readonly endpointId: string;
    /** Properties written into the endpoint, e.g. `{ defaults: { deploymentName } }` of a batch endpoint. */
    readonly routing: Record<string, unknown>;
    /** A stamp of the endpoint's own settings (see EndpointTrafficState.revision). */
    readonly revision: string;
}

/** The provider of EndpointRouting: writes `routing`, and leaves the endpoint as it is on delete. */
export function endpointRoutingProvider(options: EndpointTrafficProviderOptions = {}): pulumi.dynamic.ResourceProvider {
    return endpointWriter(options, {
        keys: ["endpointId", "routing", "revision"],
        routing: (s: EndpointRoutingState) => s.routing,
    });
}

/** How a writer reads its state: what it writes, and what it writes on delete (nothing when absent). */
interface RoutingOf<S> {
    /** The inputs whose change is an update (the engine adds its own, e.g. the serialized provider). */
    readonly keys: readonly (keyof S)[];
    readonly routing: (state: S) => Record<string, unknown>;
    readonly cleared?: (state: S) => Record<string, unknown>;
}

/** A provider that writes properties into an endpoint over ARM (GET, then PUT of the whole endpoint). */
function endpointWriter<S extends { readonly endpointId: string }>(
    options: EndpointTrafficProviderOptions,
    of: RoutingOf<S>,
): pulumi.dynamic.ResourceProvider {
    const pollMs = options.pollMs ?? 10_000;
    const timeoutMs = options.timeoutMs ?? 30 * 60_000;
    const terminal = ["Succeeded", "Failed", "Canceled"];

    async function token(): Promise<string> {
        if (options.token) return options.token();
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const identity = require("@azure/identity") as typeof import("@azure/identity");
        const t = await new identity.DefaultAzureCredential().getToken("https://management.azure.com/.default");
        return t.token;
    }
    const http: HttpClient = options.http ?? ((url, init) => fetch(url, init));
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    async function call(
        method: string,
        url: string,
        body?: unknown,
    ): Promise<{ status: number; json: ArmBody | undefined; async?: string }> {
        // Conflicts (another operation on the endpoint), throttling and server errors are retried, bounded.
        for (let attempt = 0; ; attempt++) {
            const headers: Record<string, string> = { authorization: `Bearer ${await token()}` };
            if (body !== undefined) headers["content-type"] = "application/json";
            const response = await http(url, {
                method,
                headers,
                body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await response.text();
            const retriable = response.status === 409 || response.status === 429 || response.status >= 500;
            if (retriable && attempt < 12) {
                await sleep(pollMs);
                continue;
            }
            let json: ArmBody | undefined = undefined;
            try {
                json = text ? (JSON.parse(text) as ArmBody) : undefined;
            } catch {
                json = { text };
            }
            if (response.status >= 400 && response.status !== 404) {
                throw new Error(
                    `${method} ${url.split("?")[0]} failed with HTTP ${response.status}: ${text.slice(0, 500)}`,
                );
            }
            return {
                status: response.status,
                json,
                async: response.headers.get("azure-asyncoperation") ?? undefined,
            };
        }
    }

    const endpointUrl = (id: string) => `https://management.azure.com${id}?api-version=${ENDPOINT_API_VERSION}`;

    /** Waits for the PUT to finish: through its async operation when ARM names one, else the endpoint's state. */
    async function settle(endpointId: string, asyncUrl: string | undefined): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            if (asyncUrl) {
                const op = await call("GET", asyncUrl);
                const status = op.json?.status as string | undefined;
                if (status === "Succeeded") return;
                if (status && terminal.includes(status)) {
                    throw new Error(
                        `setting the traffic of ${endpointId} ended ${status}: ${JSON.stringify(op.json?.error ?? {})}`,
                    );
                }
            } else {
                const ep = await call("GET", endpointUrl(endpointId));
                const state = ep.json?.properties?.provisioningState as string | undefined;
                if (state === "Succeeded") return;
                if (state && terminal.includes(state)) throw new Error(`endpoint ${endpointId} is ${state}`);
            }
            await sleep(pollMs);
        }
        throw new Error(
            `setting the traffic of ${endpointId} did not finish within ${Math.round(timeoutMs / 60000)} minutes`,
        );
    }

    /** Reads the endpoint, writes `routing` back with the rest unchanged; `false` when the endpoint is gone. */
    async function write(endpointId: string, routing: Record<string, unknown>): Promise<boolean> {
        const current = await call("GET", endpointUrl(endpointId));
        if (current.status === 404) return false;
        const put = await call("PUT", endpointUrl(endpointId), endpointPutBody(current.json ?? {}, routing));
        await settle(endpointId, put.async);
        return true;
    }

    return {
        async create(inputs: S) {
            if (!(await write(inputs.endpointId, of.routing(inputs)))) {
                throw new Error(`endpoint ${inputs.endpointId} not found`);
            }
            return { id: `${inputs.endpointId}/traffic`, outs: inputs };
        },
        async diff(_id: string, olds: S, news: S) {
            const changed = of.keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
            return { changes: changed.length > 0, replaces: changed.includes("endpointId") ? ["endpointId"] : [] };
        },
        async update(_id: string, _olds: S, news: S) {
            if (!(await write(news.endpointId, of.routing(news)))) {
                throw new Error(`endpoint ${news.endpointId} not found`);
            }
            return { outs: news };
        },
        async delete(_id: string, olds: S) {
            // An endpoint already gone is fine.
            if (of.cleared) await write(olds.endpointId, of.cleared(olds));
        },
    };
}

export interface EndpointTrafficArgs {
    /** Required. ARM id of the online endpoint. */
    readonly endpointId: pulumi.Input<string>;
    /** Required. Deployment name → percent of live traffic (sum 100). */
    readonly traffic: pulumi.Input<Record<string, pulumi.Input<number>>>;
    /** Optional. Deployment name → percent of mirrored traffic (sum at most 50). @default {} */
    readonly mirrorTraffic?: pulumi.Input<Record<string, pulumi.Input<number>>>;
    /** Required. Stamp of the endpoint's settings (see EndpointTrafficState.revision). */
    readonly revision: pulumi.Input<string>;
}

export class EndpointTraffic extends pulumi.dynamic.Resource {
    declare readonly traffic: pulumi.Output<Record<string, number>>;
    declare readonly mirrorTraffic: pulumi.Output<Record<string, number>>;

    constructor(name: string, args: EndpointTrafficArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            endpointTrafficProvider(),
            name,
            {
                endpointId: args.endpointId,
                traffic: args.traffic,
                mirrorTraffic: args.mirrorTraffic ?? {},
                revision: args.revision,
            },
            opts,
            "customai",
            "EndpointTraffic",
        );
    }
}

export interface EndpointRoutingArgs {
    /** Required. ARM id of the endpoint. */
    readonly endpointId: pulumi.Input<string>;
    /** Required. Properties to write, e.g. `{ defaults: { deploymentName } }`; the endpoint must ignore their changes. */
    readonly routing: pulumi.Input<Record<string, unknown>>;
    /** Required. Stamp of the endpoint's settings (see EndpointTrafficState.revision). */
    readonly revision: pulumi.Input<string>;
}

/** Writes routing properties of an endpoint once what they name exists (a batch endpoint's default deployment). */
export class EndpointRouting extends pulumi.dynamic.Resource {
    constructor(name: string, args: EndpointRoutingArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            endpointRoutingProvider(),
            name,
            { endpointId: args.endpointId, routing: args.routing, revision: args.revision },
            opts,
            "customai",
            "EndpointRouting",
        );
    }
}
