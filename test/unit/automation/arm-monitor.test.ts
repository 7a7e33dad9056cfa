import * as assert from "node:assert/strict";
import { ArmClient, ArmError, armErrorBody, parseRetryAfter } from "../../../automation/azure/arm";
import {
    AmlJobStatusUpdate,
    amlJobResourceId,
    defaultPollSchedule,
    mapAmlStatus,
    preemptionSaid,
    watchAmlJob,
} from "../../../automation/azure/job-monitor";
import { FakeArm, FakeCredential, fakeArmPerTest, jobBody, statuses } from "./fake-arm";

const JOB_ID = amlJobResourceId("sub-1", "rg-ml", "mlw-x", "job1");
const FAST = () => 10;

/** A client with short waits, so retries finish in milliseconds unless the server asks for more. */
function client(fake: FakeArm, credential = new FakeCredential(), attempts = 3): ArmClient {
    return new ArmClient({ endpoint: fake.endpoint, credential, attempts, baseDelayMs: 20, maxDelayMs: 40 });
}

describe("ARM client and Azure ML job monitor against a fake ARM server", () => {
    const serve = fakeArmPerTest();

    it("polls through the statuses to Completed, reporting each change in order and returning outputs", async () => {
        const outputs = {
            scores: { jobOutputType: "uri_folder", uri: "azureml://datastores/workspaceblobstore/paths/out/" },
        };
        const fake = await serve(
            statuses(["NotStarted", "Queued", "Queued", "Preparing", "Running", "Finalizing", "Completed"], (s) =>
                s === "Completed" ? { outputs } : {},
            ),
        );
        const credential = new FakeCredential();
        const updates: AmlJobStatusUpdate[] = [];
        const result = await watchAmlJob({
            arm: client(fake, credential),
            jobResourceId: JOB_ID,
            pollSchedule: FAST,
            onStatus: (u) => updates.push(u),
        });
        assert.equal(result.status, "succeeded");
        assert.equal(result.amlStatus, "Completed");
        assert.deepEqual(result.outputs, { scores: outputs.scores.uri });
        assert.deepEqual(
            updates.map((u) => `${u.amlStatus}:${u.status}`),
            [
                "NotStarted:starting",
                "Queued:starting",
                "Preparing:starting",
                "Running:running",
                "Finalizing:running",
                "Completed:succeeded",
            ],
        );
        assert.equal(fake.requests.length, 7);
        for (const r of fake.requests) {
            assert.equal(r.method, "GET");
            assert.equal(r.path, JOB_ID);
            assert.equal(r.apiVersion, "2025-12-01");
            assert.equal(r.authorization, "Bearer fake-token");
        }
        assert.equal(credential.calls, 1, "the token is cached between requests");
    });

    it("builds the job id from its parts and reports a Failed job with the service's error and studio link", async () => {
        const fake = await serve(
            statuses(["Running", "Failed"], (s) =>
                s === "Failed"
                    ? {
                          error: { code: "UserError", message: "scoring failed: input is missing column(s) f3" },
                          services: { Studio: { endpoint: "https://ml.azure.com/runs/job1" } },
                      }
                    : {},
            ),
        );
        const result = await watchAmlJob({
            arm: client(fake),
            subscriptionId: "sub-1",
            resourceGroup: "rg-ml",
            workspaceName: "mlw-x",
            jobName: "job1",
            pollSchedule: FAST,
        });
        assert.equal(fake.requests[0].path, JOB_ID);
        assert.equal(result.status, "failed");
        assert.deepEqual(result.error, { code: "UserError", message: "scoring failed: input is missing column(s) f3" });
        assert.match(result.detail ?? "", /UserError: scoring failed: input is missing column\(s\) f3/);
        assert.match(result.detail ?? "", /logs: https:\/\/ml\.azure\.com\/runs\/job1/);
        assert.equal(fake.requests.filter((r) => r.method === "POST").length, 0, "a finished job is not canceled");
    });

    it("waits out a 429's Retry-After before the next attempt", async () => {
        const fake = await serve((_req, i) =>
            i === 0
                ? {
                      status: 429,
                      headers: { "retry-after": "1" },
                      body: {
                          error: { code: "SubscriptionRequestsThrottled", message: "Number of read requests exceeded" },
                      },
                  }
                : { status: 200, body: jobBody("Completed") },
        );
        const retries: number[] = [];
        const arm = new ArmClient({
            endpoint: fake.endpoint,
            credential: new FakeCredential(),
            baseDelayMs: 1,
            onRetry: (r) => retries.push(r.delayMs),
        });
        const job = await arm.get<{ properties: { status: string } }>(JOB_ID, "2025-12-01");
        assert.equal(job.properties.status, "Completed");
        assert.equal(fake.requests.length, 2);
        const waited = fake.requests[1].at - fake.requests[0].at;
        assert.ok(waited >= 1000, `second attempt came ${waited} ms after the 429; Retry-After asked for 1000`);
        assert.deepEqual(retries, [1000]);
    });

    it("retries 5xx and succeeds when the service recovers", async () => {
        const fake = await serve((_req, i) =>
            i < 2
                ? { status: i === 0 ? 503 : 500, body: { error: { code: "ServiceUnavailable", message: "try later" } } }
                : { status: 200, body: jobBody("Running") },
        );
        const job = await client(fake).get<{ properties: { status: string } }>(JOB_ID, "2025-12-01");
        assert.equal(job.properties.status, "Running");
        assert.equal(fake.requests.length, 3);
    });

    it("gives up on 5xx after the bounded attempts with a classified ArmError", async () => {
        const fake = await serve(() => ({
            status: 502,
            body: { error: { code: "BadGateway", message: "upstream failed" } },
        }));
        const started = Date.now();
        await assert.rejects(
            watchAmlJob({
                arm: client(fake, undefined, 3),
                jobResourceId: JOB_ID,
                pollSchedule: FAST,
                maxPollErrors: 2,
            }),
            (err: unknown) => {
                assert.ok(err instanceof ArmError);
                assert.equal(err.status, 502);
                assert.equal(err.code, "BadGateway");
                assert.equal(err.classification.kind, "transient");
                assert.match(err.message, /GET .*\/jobs\/job1 failed with HTTP 502/);
                return true;
            },
        );
        // 2 tolerated polls x 3 attempts each, then the error.
        assert.equal(fake.requests.length, 6);
        assert.ok(Date.now() - started < 5000);
    });

    it("cancels a job stalled in NotResponding and reports a timeout that says so", async () => {
        let canceled = false;
        const fake = await serve((req) => {
            if (req.method === "POST") {
                canceled = true;
                return { status: 202 };
            }
            return { status: 200, body: jobBody(canceled ? "Canceled" : "NotResponding") };
        });
        const result = await watchAmlJob({
            arm: client(fake),
            jobResourceId: JOB_ID,
            pollSchedule: () => 20,
            stalledTimeoutMs: 200,
        });
        assert.equal(result.status, "timed-out");
        assert.match(
            result.detail ?? "",
            /job stalled: Azure ML reported NotResponding for more than 0.2 s; job canceled/,
        );
        const posts = fake.requests.filter((r) => r.method === "POST");
        assert.equal(posts.length, 1);
        assert.equal(posts[0].path, `${JOB_ID}/cancel`);
    });

    it("on abort posts cancel once and keeps polling through CancelRequested until Canceled", async () => {
        let cancelAt: number | undefined;
        let pollsAfterCancel = 0;
        const fake = await serve((req) => {
            if (req.method === "POST") {
                cancelAt ??= req.at;
                return { status: 202 };
            }
            if (cancelAt === undefined) return { status: 200, body: jobBody("Running") };
            pollsAfterCancel++;
            return { status: 200, body: jobBody(pollsAfterCancel < 4 ? "CancelRequested" : "Canceled") };
        });
        const controller = new AbortController();
        const updates: string[] = [];
        setTimeout(() => controller.abort(new Error("user pressed Ctrl-C")), 150);
        const result = await watchAmlJob({
            arm: client(fake),
            jobResourceId: JOB_ID,
            signal: controller.signal,
            pollSchedule: () => 30,
            onStatus: (u) => updates.push(u.amlStatus),
        });
        assert.equal(result.status, "canceled");
        assert.equal(result.amlStatus, "Canceled");
        assert.equal(fake.requests.filter((r) => r.method === "POST").length, 1);
        assert.equal(pollsAfterCancel, 4, "polling continued until Canceled");
        assert.deepEqual(updates, ["Running", "CancelRequested", "Canceled"]);
    });

    it("says a job was preempted only when Azure ML said so, and not when the driver canceled it", async () => {
        const preempted = "AzureMLCompute job failed. PreemptionError: Nodes of this job got pre-empted.";
        const failed = await watchAmlJob({
            arm: client(await serve(statuses(["Failed"], () => ({ statusMessage: preempted })))),
            jobResourceId: JOB_ID,
            pollSchedule: FAST,
        });
        assert.equal(failed.status, "failed");
        assert.equal(failed.preempted, true);
        const canceledJob = await watchAmlJob({
            arm: client(await serve(statuses(["Canceled"], () => ({ statusMessage: preempted })))),
            jobResourceId: JOB_ID,
            pollSchedule: FAST,
        });
        assert.equal(canceledJob.status, "canceled");
        assert.equal(canceledJob.preempted, false, "only a Failed job carries the service's PreemptionError");
        assert.match(canceledJob.detail ?? "", /job canceled outside the driver: AzureMLCompute job failed/);
        const otherFailure = await watchAmlJob({
            arm: client(await serve(statuses(["Failed"], () => ({ statusMessage: "exit code 2" })))),
            jobResourceId: JOB_ID,
            pollSchedule: FAST,
        });
        assert.equal(otherFailure.preempted, false);
        let canceled = false;
        const timedOut = await watchAmlJob({
            arm: client(
                await serve((req) => {
                    if (req.method === "POST") canceled = true;
                    const body = jobBody(canceled ? "Canceled" : "Running", { statusMessage: preempted });
                    return req.method === "POST" ? { status: 202 } : { status: 200, body };
                }),
            ),
            jobResourceId: JOB_ID,
            pollSchedule: () => 25,
            timeoutMs: 100,
        });
        assert.equal(timedOut.status, "timed-out");
        assert.equal(timedOut.preempted, false, "a job the driver canceled is not resubmitted");
    });

    it("times out a job that runs too long: cancel, then Canceled is reported as timed-out", async () => {
        let canceled = false;
        const fake = await serve((req) => {
            if (req.method === "POST") canceled = true;
            return req.method === "POST"
                ? { status: 202 }
                : { status: 200, body: jobBody(canceled ? "Canceled" : "Running") };
        });
        const started = Date.now();
        const result = await watchAmlJob({
            arm: client(fake),
            jobResourceId: JOB_ID,
            pollSchedule: () => 25,
            timeoutMs: 300,
        });
        assert.equal(result.status, "timed-out");
        assert.match(result.detail ?? "", /job timed out after 0.3 s; job canceled/);
        assert.ok(canceled);
        assert.ok(Date.now() - started >= 300);
    });

    it("bounds the wait for Canceled after a cancel request", async () => {
        const fake = await serve((req) =>
            req.method === "POST" ? { status: 202 } : { status: 200, body: jobBody("CancelRequested") },
        );
        const controller = new AbortController();
        controller.abort();
        const started = Date.now();
        const result = await watchAmlJob({
            arm: client(fake),
            jobResourceId: JOB_ID,
            signal: controller.signal,
            pollSchedule: () => 20,
            cancelTimeoutMs: 300,
        });
        assert.equal(result.status, "canceled");
        assert.match(result.detail ?? "", /cancel requested but Azure ML still reports CancelRequested after 0.3 s/);
        assert.ok(Date.now() - started < 2000);
    });

    it("fails fast on a quota error with the numbers, without retrying", async () => {
        const message =
            "Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota. " +
            "Additional details - Deployment Model: Resource Manager, Location: westeurope, Current Limit: 10, " +
            "Current Usage: 8, Additional Required: 4, (Minimum) New Limit Required: 12.";
        const fake = await serve(() => ({ status: 409, body: { error: { code: "OperationNotAllowed", message } } }));
        await assert.rejects(client(fake).post(`${JOB_ID}/cancel`, "2025-12-01"), (err: unknown) => {
            assert.ok(err instanceof ArmError);
            assert.equal(err.classification.kind, "quota");
            assert.equal(err.retryable, false);
            assert.deepEqual(err.classification.quota, {
                family: "standardDSv5Family",
                location: "westeurope",
                limit: 10,
                usage: 8,
                required: 4,
                newLimit: 12,
            });
            assert.match(err.message, /limit 10, in use 8, this request needs 4 more/);
            return true;
        });
        assert.equal(fake.requests.length, 1);
    });

    it("retries dropped connections with backoff, then fails with a network ArmError", async () => {
        const fake = await serve(() => ({ status: 200, body: jobBody("Running") }));
        const endpoint = fake.endpoint;
        await fake.close();
        const retries: number[] = [];
        const arm = new ArmClient({
            endpoint,
            credential: new FakeCredential(),
            attempts: 3,
            baseDelayMs: 40,
            random: () => 0.5,
            onRetry: (r) => retries.push(r.delayMs),
        });
        await assert.rejects(arm.get(JOB_ID, "2025-12-01"), (err: unknown) => {
            assert.ok(err instanceof ArmError);
            assert.equal(err.status, undefined);
            assert.match(err.message, /ECONNREFUSED|connect/i);
            return true;
        });
        // Equal jitter with random 0.5: 3/4 of 40 ms, then of 80 ms.
        assert.deepEqual(retries, [30, 60]);
    });

    it("gives up on an attempt that gets no answer in time and retries it", async () => {
        const fake = await serve((_req, i) =>
            i === 0
                ? { status: 200, body: jobBody("Queued"), delayMs: 1000 }
                : { status: 200, body: jobBody("Running") },
        );
        const arm = new ArmClient({
            endpoint: fake.endpoint,
            credential: new FakeCredential(),
            requestTimeoutMs: 200,
            baseDelayMs: 10,
        });
        const started = Date.now();
        const job = await arm.get<{ properties: { status: string } }>(JOB_ID, "2025-12-01");
        assert.equal(job.properties.status, "Running", "the hung first answer was not used");
        assert.equal(fake.requests.length, 2);
        assert.ok(Date.now() - started < 2000);
    });

    it("stops waiting for a retry as soon as the caller aborts", async () => {
        const fake = await serve(() => ({ status: 429, headers: { "retry-after": "30" }, body: {} }));
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error("stop now")), 100);
        const started = Date.now();
        await assert.rejects(client(fake).get(JOB_ID, "2025-12-01", controller.signal), /stop now/);
        assert.ok(Date.now() - started < 2000, "the 30 s Retry-After wait was interrupted");
        assert.equal(fake.requests.length, 1);
    });

    it("refuses a plain-http endpoint that is not loopback", () => {
        assert.throws(() => new ArmClient({ endpoint: "http://management.example.com" }), /must use https/);
    });
});

describe("ARM helpers", () => {
    it("recognises the service's words for preempted nodes, and only those", () => {
        assert.ok(preemptionSaid({ message: "PreemptionError: Nodes of this job got pre-empted." }));
        assert.ok(!preemptionSaid({ message: "UserError: exit code 2" }));
        assert.ok(!preemptionSaid({ message: "UserError: my script was preempted by its own timer" }));
        assert.ok(!preemptionSaid(undefined));
    });

    it("reads Retry-After as seconds or an HTTP date", () => {
        const now = Date.parse("2026-11-02T10:00:00Z");
        assert.equal(parseRetryAfter("7", now), 7000);
        assert.equal(parseRetryAfter("Mon, 02 Nov 2026 10:00:30 GMT", now), 30_000);
        assert.equal(parseRetryAfter("Mon, 02 Nov 2026 09:59:00 GMT", now), 0);
        assert.equal(parseRetryAfter("soon", now), undefined);
        assert.equal(parseRetryAfter(undefined, now), undefined);
    });

    it("keeps a non-JSON error body as the message", () => {
        assert.deepEqual(armErrorBody("<html>Bad Gateway</html>"), { message: "<html>Bad Gateway</html>" });
        assert.deepEqual(armErrorBody('{"error":{"code":"X","message":"y"}}'), { code: "X", message: "y" });
    });

    it("polls every 2 s at first and never slower than every 60 s", () => {
        const delays = Array.from({ length: 12 }, (_, n) => defaultPollSchedule(n));
        assert.equal(delays[0], 2000);
        assert.ok(delays.every((d, i) => i === 0 || d >= delays[i - 1]));
        assert.equal(delays[11], 60_000);
        assert.equal(defaultPollSchedule(1000), 60_000);
    });

    it("maps every Azure ML status onto the driver's", () => {
        const table: Record<string, string> = {
            NotStarted: "starting",
            Starting: "starting",
            Provisioning: "starting",
            Preparing: "starting",
            Queued: "starting",
            Running: "running",
            Finalizing: "running",
            CancelRequested: "running",
            NotResponding: "running",
            Paused: "running",
            Unknown: "running",
            Completed: "succeeded",
            Failed: "failed",
            Canceled: "canceled",
        };
        for (const [aml, status] of Object.entries(table)) assert.equal(mapAmlStatus(aml), status, aml);
    });
});
