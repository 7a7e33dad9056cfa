/**
 * Path 2-3 on Azure, small (its own platform with a registry, two partitions,
 * one consumer node at most), checking what only Azure can tell:
 *   1. up, then a second preview of the same stack: every step `same`;
 *   2. the consumer image built in the platform's registry (`az acr build`,
 *      the README's buildCommand);
 *   3. sample events sent over Event Hubs' REST API with a Microsoft Entra
 *      token (the runner is a sender of the stack);
 *   4. the backlog drains: KEDA starts consumers, which score the events and
 *      checkpoint until every partition's checkpoint has reached its last
 *      event, read from the checkpoint blobs' metadata as KEDA reads it;
 *   5. destroy, in `finally`.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "../../automation/common/paths";
import {
    accessToken,
    changingSteps,
    destroyStack,
    previewSteps,
    requireAzure,
    smallPathStack,
    STACK_LOG,
} from "./azure-env";

const EVENTS = 400;
const FEATURES = ["tenure_months", "monthly_charges", "support_calls", "late_payments"];
/** Blob service version with container listing by prefix and metadata. */
const BLOB_API_VERSION = "2021-08-06";

/** The caller's object id, and whether it is a user (delegated token) or a service principal. */
function whoAmI(token: string): { objectId: string; principalType: "User" | "ServicePrincipal" } {
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as {
        oid: string;
        scp?: string;
    };
    return { objectId: claims.oid, principalType: claims.scp !== undefined ? "User" : "ServicePrincipal" };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sample rows as event bodies: what the sample producer sends. */
function sampleBodies(count: number): string[] {
    return Array.from({ length: count }, (_, i) =>
        JSON.stringify({
            id: `c${String(i).padStart(6, "0")}`,
            ...Object.fromEntries(FEATURES.map((f, j) => [f, (i * (j + 3)) % 50])),
        }),
    );
}

/**
 * Sends bodies in batches over the REST API ("Send batch events": POST
 * …/messages, Content-Type application/vnd.microsoft.servicebus.json, an
 * Entra token for https://eventhubs.azure.net). The sender role may take
 * minutes to apply: 401 and 403 are retried for up to 10 minutes.
 */
async function sendEvents(host: string, hub: string, bodies: string[]): Promise<void> {
    for (let i = 0; i < bodies.length; i += 50) {
        const batch = JSON.stringify(bodies.slice(i, i + 50).map((body) => ({ Body: body })));
        for (let waited = 0; ; waited += 30_000) {
            const response = await fetch(`https://${host}/${hub}/messages?timeout=60&api-version=2014-01`, {
                method: "POST",
                headers: {
                    authorization: `Bearer ${await accessToken("https://eventhubs.azure.net")}`,
                    "content-type": "application/vnd.microsoft.servicebus.json",
                },
                body: batch,
            });
            const text = await response.text();
            if (response.status === 201) break;
            if ((response.status !== 401 && response.status !== 403) || waited >= 600_000) {
                assert.fail(`sending events: ${response.status} ${text}`);
            }
            await sleep(30_000);
        }
    }
}

/**
 * The events the consumers have checkpointed, over all partitions: each
 * partition's checkpoint blob holds the sequence number of the last event
 * processed (metadata `sequencenumber`, the blob checkpoint store's), and a
 * fresh hub numbers each partition's events from 0.
 */
async function checkpointedEvents(account: string, container: string, prefix: string): Promise<number> {
    const url =
        `https://${account}.blob.core.windows.net/${container}?restype=container&comp=list&include=metadata` +
        `&prefix=${encodeURIComponent(prefix)}`;
    const response = await fetch(url, {
        headers: {
            authorization: `Bearer ${await accessToken("https://storage.azure.com")}`,
            "x-ms-version": BLOB_API_VERSION,
        },
    });
    const xml = await response.text();
    if (response.status === 403) return -1; // the runner's blob role is not applied yet
    assert.equal(response.status, 200, xml);
    return [...xml.matchAll(/<sequencenumber>(\d+)<\/sequencenumber>/gi)].reduce((sum, m) => sum + Number(m[1]) + 1, 0);
}

describe("path 2-3 on Azure", function () {
    it("deploys, stays unchanged on a second preview, drains a backlog of sample events through KEDA-scaled consumers, and destroys", async function () {
        requireAzure(this);
        if (spawnSync("az", ["version"], { encoding: "utf8" }).status !== 0) {
            console.log("      skipped: the Azure CLI (az) builds the consumer image; it is not on PATH");
            this.skip();
        }
        const me = whoAmI(await accessToken("https://management.azure.com/"));
        const stack = await smallPathStack("2-3", {
            registry: "true",
            partitions: "2",
            poolMaxCount: "1",
            systemNodeCount: "1",
            senderPrincipalIds: JSON.stringify([me.objectId]),
            senderPrincipalType: me.principalType,
            deployerAccess: me.principalType,
            // Blob read on the platform's storage, to read the checkpoints.
            ...(me.principalType === "User"
                ? { dataScientistPrincipalIds: JSON.stringify([me.objectId]) }
                : { runnerPrincipalIds: JSON.stringify([me.objectId]) }),
        });
        try {
            const up = await stack.up(STACK_LOG);
            const out = (key: string) => String(up.outputs[key].value);

            // 1. The same program and config again: nothing to do.
            const again = await previewSteps(stack);
            assert.ok(again.length > 0, "the preview saw the stack's resources");
            assert.deepEqual(changingSteps(again), [], "a second deployment changes nothing");

            // 2. The consumer image, where the Deployment pulls it from.
            const [, ...command] = out("buildCommand").split(" ");
            const built = spawnSync("az", command, { cwd: PROJECT_ROOT, encoding: "utf8" });
            assert.equal(built.status, 0, built.stderr);

            // 3. A backlog of sample events.
            const host = out("fullyQualifiedNamespace");
            const hub = out("eventHubName");
            await sendEvents(host, hub, sampleBodies(EVENTS));

            // 4. KEDA starts consumers (the pool grows from zero nodes), which score and checkpoint everything.
            const prefix = `${host}/${hub}/${out("consumerGroup")}/checkpoint/`.toLowerCase();
            let done = 0;
            for (let waited = 0; waited <= 1_800_000 && done < EVENTS; waited += 30_000) {
                done = await checkpointedEvents(out("checkpointStorageAccount"), out("checkpointContainer"), prefix);
                if (done < EVENTS) await sleep(30_000);
            }
            assert.equal(done, EVENTS, `checkpointed events after 30 minutes (sent ${EVENTS})`);
        } finally {
            await destroyStack(stack);
        }
    });
});
