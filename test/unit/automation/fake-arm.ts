/**
 * A fake ARM endpoint for client and job-monitor tests: a real HTTP server on
 * 127.0.0.1 (ephemeral port) that answers with a handler written by the test
 * and records every request with its arrival time.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { ArmClient } from "../../../automation/azure/arm";

export interface FakeRequest {
    readonly method: string;
    /** Path without the query string. */
    readonly path: string;
    readonly apiVersion: string | null;
    readonly authorization?: string;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
    /** `Date.now()` when the request arrived. */
    readonly at: number;
}

export interface FakeResponse {
    readonly status: number;
    readonly headers?: Record<string, string>;
    /** Serialized as JSON unless a string. */
    readonly body?: unknown;
    /** Answer only after this many ms (a slow or hung server). @default 0 */
    readonly delayMs?: number;
}

export type FakeHandler = (req: FakeRequest, index: number) => FakeResponse;

export interface FakeArm {
    readonly endpoint: string;
    readonly requests: FakeRequest[];
    close(): Promise<void>;
}

export async function startFakeArm(handler: FakeHandler): Promise<FakeArm> {
    const requests: FakeRequest[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://127.0.0.1");
            const recorded: FakeRequest = {
                method: req.method ?? "",
                path: url.pathname,
                apiVersion: url.searchParams.get("api-version"),
                authorization: req.headers.authorization,
                headers: req.headers,
                body: Buffer.concat(chunks).toString("utf8"),
                at: Date.now(),
            };
            requests.push(recorded);
            let answer: FakeResponse;
            try {
                answer = handler(recorded, requests.length - 1);
            } catch (err) {
                answer = { status: 599, body: { error: { code: "FakeHandlerError", message: String(err) } } };
            }
            const body =
                answer.body === undefined
                    ? ""
                    : typeof answer.body === "string"
                      ? answer.body
                      : JSON.stringify(answer.body);
            const send = () => {
                if (res.destroyed) return;
                res.writeHead(answer.status, { "content-type": "application/json", ...(answer.headers ?? {}) });
                res.end(body);
            };
            if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
            else send();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        endpoint: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/**
 * For a describe block: returns the function that starts a fake ARM server,
 * and closes whatever server a test started once it ends.
 */
export function fakeArmPerTest(): (handler: FakeHandler) => Promise<FakeArm> {
    // Every server a test starts is closed after it: one left listening keeps mocha from exiting.
    let started: FakeArm[] = [];
    afterEach(async () => {
        await Promise.all(started.map((fake) => fake.close()));
        started = [];
    });
    return async (handler) => {
        const fake = await startFakeArm(handler);
        started.push(fake);
        return fake;
    };
}

/** A credential that hands out a fixed token and counts how often it was asked. */
export class FakeCredential implements TokenCredential {
    calls = 0;
    constructor(private readonly token = "fake-token") {}
    async getToken(): Promise<AccessToken> {
        this.calls++;
        return { token: this.token, expiresOnTimestamp: Date.now() + 3600_000 };
    }
}

/** How a target watches jobs on `fake`: an ARM client with a fake credential, polling every `pollMs`. */
export function watchOn(fake: FakeArm, pollMs: number): { arm: ArmClient; pollSchedule: () => number } {
    return {
        arm: new ArmClient({ endpoint: fake.endpoint, credential: new FakeCredential() }),
        pollSchedule: () => pollMs,
    };
}

/** A job resource body as ARM returns it. */
export function jobBody(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/jobs/job1",
        name: "job1",
        type: "Microsoft.MachineLearningServices/workspaces/jobs",
        properties: { jobType: "Command", status, ...extra },
    };
}

/** Answers job GETs from a list of statuses (the last repeats) and cancel POSTs with 202. */
export function statuses(list: string[], extra: (s: string) => Record<string, unknown> = () => ({})): FakeHandler {
    let i = 0;
    return (req) => {
        if (req.method === "POST") return { status: 202 };
        const status = list[Math.min(i++, list.length - 1)];
        return { status: 200, body: jobBody(status, extra(status)) };
    };
}
