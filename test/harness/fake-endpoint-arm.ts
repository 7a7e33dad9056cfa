/** A fake ARM for the endpoint writers (EndpointTraffic, EndpointRouting): one endpoint, GET and PUT. */
import { ArmResponse } from "../../components/aml/endpoint-traffic";

/** An endpoint that answers GET and PUT, with an async operation per PUT; `conflicts` PUTs answer 409 first. */
export function fakeEndpointArm(initial: Record<string, unknown> | undefined, opts: { conflicts?: number } = {}) {
    let endpoint = initial;
    let conflicts = opts.conflicts ?? 0;
    const requests: { method: string; url: string; body?: Record<string, unknown> }[] = [];
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}): ArmResponse => ({
        status,
        headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
        text: async () => (body === undefined ? "" : JSON.stringify(body)),
    });
    const http = async (url: string, init: { method: string; body?: string }) => {
        const body = init.body ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
        requests.push({ method: init.method, url, body });
        if (url.startsWith("https://op/")) return reply(200, { status: "Succeeded" });
        if (init.method === "GET") return endpoint ? reply(200, endpoint) : reply(404, { error: { code: "NotFound" } });
        if (conflicts > 0) {
            conflicts--;
            return reply(409, { error: { code: "Conflict" } });
        }
        endpoint = { ...endpoint, ...body };
        return reply(201, endpoint, { "azure-asyncoperation": "https://op/1" });
    };
    return { http, requests, current: () => endpoint };
}
