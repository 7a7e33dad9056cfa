/**
 * The HTTP embedding example against the real CLI: a run submitted over HTTP
 * succeeds and leaves no stack, a bad spec is refused naming its fields, a
 * DELETE aborts a waiting run (stack destroyed), and close() aborts what is
 * still running and resolves once it is torn down.
 */
import * as assert from "node:assert/strict";
import { AddressInfo } from "node:net";
import { readRecords } from "../../automation/common/records";
import { createRunService, RunService } from "../../examples/http-service/server";
import { RunView } from "../../examples/http-service/run-registry";
import { makeScratch, SampleRunOverrides, Scratch } from "./helpers";

/** How long a poll waits for a state before the test fails (a local run takes ~5 s here). */
const POLL_TIMEOUT_MS = 25_000;

describe("HTTP run service example (real CLI)", function () {
    this.timeout(40_000);
    let scratch: Scratch;
    let service: RunService;
    let base: string;

    const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${base}${path}`, {
            method,
            headers: body === undefined ? {} : { "content-type": "application/json" },
            body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    /** Polls GET /runs/:id until `done` holds; fails the test past the timeout. Returns the last view. */
    const pollUntil = async (id: string, done: (view: RunView) => boolean, seen: RunView[] = []): Promise<RunView> => {
        const deadline = Date.now() + POLL_TIMEOUT_MS;
        while (Date.now() < deadline) {
            const { status, body } = await call("GET", `/runs/${id}`);
            assert.equal(status, 200);
            const view = body as unknown as RunView;
            seen.push(view);
            if (done(view)) return view;
            await new Promise((r) => setTimeout(r, 100));
        }
        assert.fail(`run ${id} did not reach the expected state; last: ${JSON.stringify(seen.at(-1))}`);
    };

    const sampleSpec = (series: string, extra: SampleRunOverrides = {}) => scratch.localSpec(series, extra);

    before(async () => {
        scratch = await makeScratch("customai-http-");
        service = createRunService({ driver: scratch.driverOptions });
        await new Promise<void>((resolve) => service.server.listen(0, "127.0.0.1", resolve));
        base = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
    });
    after(async () => {
        await service?.close();
        scratch?.cleanup();
    });

    it("runs a posted spec to success, reports its progress, and leaves no stack", async () => {
        const posted = await call("POST", "/runs", sampleSpec("http-ok"));
        assert.equal(posted.status, 202);
        const id = posted.body.id as string;
        assert.match(id, /^[0-9a-f-]{36}$/);
        assert.equal(posted.body.status, "queued");

        const seen: RunView[] = [];
        const final = await pollUntil(id, (v) => v.status !== "queued" && v.status !== "running", seen);
        assert.equal(final.status, "succeeded", final.record?.error ?? final.error);
        assert.ok(
            seen.some((v) => v.status === "running" && v.phase !== undefined),
            `never saw a running phase: ${seen.map((v) => v.status).join(",")}`,
        );
        assert.equal(final.record?.series, "http-ok");
        assert.equal(final.record?.outputs?.rowCount, scratch.sample.rows);
        assert.ok(final.record?.phases.destroy !== undefined, "destroy did not run");
        assert.deepEqual(scratch.stacks(), []);

        const list = await call("GET", "/runs");
        assert.deepEqual(
            (list.body.runs as RunView[]).map((v) => [v.id, v.status]),
            [[id, "succeeded"]],
        );
        assert.equal((await call("GET", "/runs/no-such-run")).status, 404);
    });

    it("refuses an invalid spec with 400 naming every field at fault, and queues nothing", async () => {
        const bad = await call("POST", "/runs", {
            series: "Not Valid",
            target: "gpu",
            timeoutMinutes: 0,
            keepOnfailure: true,
        });
        assert.equal(bad.status, 400);
        const issues = bad.body.issues as { field: string; rule: string; value: unknown }[];
        const fields = issues.map((i) => i.field);
        for (const field of ["series", "target", "workload", "timeoutMinutes", "keepOnfailure"]) {
            assert.ok(fields.includes(field), `no issue for ${field}: ${fields.join(", ")}`);
        }
        const series = issues.find((i) => i.field === "series")!;
        assert.equal(series.value, "Not Valid");
        assert.match(series.rule, /lowercase/);

        const notJson = await call("POST", "/runs", "{not json");
        assert.equal(notJson.status, 400);
        assert.deepEqual(
            (notJson.body.issues as { field: string }[]).map((i) => i.field),
            ["body"],
        );
        assert.equal(((await call("GET", "/runs")).body.runs as RunView[]).length, 1, "a refused spec was queued");
    });

    it("aborts a waiting run on DELETE: recorded aborted, the stack destroyed", async () => {
        const posted = await call("POST", "/runs", sampleSpec("http-abort", { waitSeconds: 60 }));
        assert.equal(posted.status, 202);
        const id = posted.body.id as string;
        const waiting = await pollUntil(id, (v) => v.phase === "wait" && v.jobStatus === "running");
        assert.equal(waiting.status, "running");

        const started = Date.now();
        const deleted = await call("DELETE", `/runs/${id}`);
        assert.equal(deleted.status, 202);
        assert.equal(deleted.body.abortRequested, true);
        const final = await pollUntil(id, (v) => v.status !== "running");
        assert.equal(final.status, "aborted");
        assert.equal(final.record?.status, "aborted");
        assert.match(final.record?.error ?? "", /aborted during wait/);
        assert.ok(final.record?.phases.destroy !== undefined, "destroy did not run");
        assert.ok(Date.now() - started < 20_000, "the abort waited for the job instead of stopping it");
        assert.deepEqual(scratch.stacks(), []);
        assert.equal((await call("DELETE", `/runs/${id}`)).status, 409, "a finished run cannot be aborted");
    });

    it("close() aborts a running run, waits for its teardown, and resolves", async () => {
        const posted = await call("POST", "/runs", sampleSpec("http-close", { waitSeconds: 60 }));
        const id = posted.body.id as string;
        await pollUntil(id, (v) => v.jobStatus === "running");

        await service.close();
        // The service stops answering, but the run it held is finished and gone from the backend.
        await assert.rejects(fetch(`${base}/runs`));
        assert.deepEqual(scratch.stacks(), [], "close() resolved before the stack was destroyed");
        const record = readRecords(scratch.driver().paths.recordsFile).find((r) => r.series === "http-close");
        assert.equal(record?.status, "aborted");
    });
});
