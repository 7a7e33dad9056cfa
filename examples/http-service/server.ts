/**
 * A small HTTP service that embeds the Driver (Node's `http` module, no
 * framework):
 *
 *   POST   /runs       JSON run spec → 202 { id, status, … }; invalid spec → 400 { error, issues }
 *   GET    /runs       → 200 { runs: [...] }
 *   GET    /runs/:id   → 200 queued/running (phase, job status) or finished (with the record); 404
 *   DELETE /runs/:id   → 202 abort requested (the driver destroys the stack); 409 if finished; 404
 *
 * `createRunService` is the library part (testable, never ends the process);
 * run this file to serve: `npx ts-node examples/http-service/server.ts --port 8080`.
 */
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { Driver, DriverOptions, RunSpec, ValidationError, ValidationIssue } from "../../automation";
import { RunRegistry } from "./run-registry";

/** Default largest request body; a run spec is a few hundred bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface RunServiceOptions {
    /** Optional. Settings of the embedded Driver (runs dir, backend, …). @default - the Driver's defaults */
    readonly driver?: DriverOptions;
    /** Optional. Largest accepted request body, in bytes. @default 1 MiB */
    readonly maxBodyBytes?: number;
    /** Optional. Finished runs kept in memory for GET. @default 1000 */
    readonly historyLimit?: number;
}

export interface RunService {
    /** Not listening yet: call `server.listen(port, host)`. */
    readonly server: http.Server;
    /** Stops accepting requests, aborts unfinished runs, waits for their teardown, closes the server. Idempotent. */
    close(): Promise<void>;
}

/** An error answered with a status and a JSON body. */
class HttpError extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly issues?: readonly ValidationIssue[],
    ) {
        super(message);
    }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
        ...headers,
    });
    res.end(text);
}

/** Reads the whole body as JSON; 413 past the limit, 400 if it is not JSON. */
async function readJson(req: http.IncomingMessage, limit: number): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw new HttpError(413, `request body larger than ${limit} bytes`);
        chunks.push(chunk);
    }
    try {
        return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
        throw new HttpError(400, "request body is not JSON", [{ field: "body", rule: "a JSON run spec", value: null }]);
    }
}

/** Builds the service; nothing listens and no run starts until requests come. */
export function createRunService(options: RunServiceOptions = {}): RunService {
    const driver = new Driver(options.driver ?? {});
    const registry = new RunRegistry(driver, options.historyLimit);
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    let closing: Promise<void> | undefined;

    async function submit(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        if (closing) throw new HttpError(503, "the service is shutting down");
        const body = await readJson(req, maxBodyBytes);
        // Checked here rather than left to the driver, which would only reject after the series' queue.
        const issues = driver.specIssues(body);
        if (issues.length > 0) {
            const error = new ValidationError(issues, "run spec");
            throw new HttpError(400, error.message, error.issues);
        }
        const view = registry.submit(body as RunSpec);
        send(res, 202, view, { location: `/runs/${view.id}` });
    }

    async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const { pathname } = new URL(req.url ?? "/", "http://localhost");
        const match = /^\/runs(?:\/([^/]+))?\/?$/.exec(pathname);
        if (!match) throw new HttpError(404, `no route ${pathname}`);
        const id = match[1];
        if (id === undefined) {
            if (req.method === "POST") return submit(req, res);
            if (req.method === "GET") return send(res, 200, { runs: registry.list() });
            throw new HttpError(405, `${req.method} not allowed on /runs (POST, GET)`);
        }
        const view = registry.get(decodeURIComponent(id));
        if (req.method !== "GET" && req.method !== "DELETE") {
            throw new HttpError(405, `${req.method} not allowed on /runs/:id (GET, DELETE)`);
        }
        if (!view) throw new HttpError(404, `no run ${id}`);
        if (req.method === "GET") return send(res, 200, view);
        const { view: after, accepted } = registry.abort(view.id)!;
        if (!accepted) return send(res, 409, { error: `run ${id} already ${after.status}`, run: after });
        send(res, 202, after);
    }

    const server = http.createServer((req, res) => {
        route(req, res).catch((err: unknown) => {
            if (res.headersSent) return res.destroy();
            if (err instanceof HttpError) return send(res, err.status, { error: err.message, issues: err.issues });
            send(res, 500, { error: err instanceof Error ? err.message : String(err) });
        });
    });

    return {
        server,
        close() {
            closing ??= (async () => {
                const closed = new Promise<void>((resolve) => server.close(() => resolve()));
                // Keep-alive connections would hold `server.close` open; in-flight requests finish first.
                server.closeIdleConnections();
                await registry.close();
                server.closeAllConnections();
                await closed;
            })();
            return closing;
        },
    };
}

/** `--name value` from argv, or `fallback`. */
function flag(argv: readonly string[], name: string, fallback?: string): string | undefined {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : fallback;
}

/** Standalone: serve until SIGINT/SIGTERM, then abort the runs, tear their stacks down and exit. */
async function main(argv: readonly string[]): Promise<void> {
    const port = Number(flag(argv, "port", "8080"));
    const host = flag(argv, "host", "127.0.0.1");
    const runsDir = flag(argv, "runs-dir");
    const backendUrl = flag(argv, "backend");
    const service = createRunService({ driver: { runsDir, engine: backendUrl ? { backendUrl } : undefined } });
    await new Promise<void>((resolve, reject) => {
        service.server.once("error", reject);
        service.server.listen(port, host, resolve);
    });
    const address = service.server.address() as AddressInfo;
    console.log(`run service listening on http://${address.address}:${address.port}`);
    const stop = (signal: string) => {
        console.log(`${signal}: aborting unfinished runs and destroying their stacks (again to force)`);
        service.close().then(
            () => console.log("stopped"),
            (err: unknown) => {
                console.error(err);
                process.exitCode = 1;
            },
        );
    };
    // `once`: a second signal gets Node's default handling, which ends the process at once.
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    });
}
