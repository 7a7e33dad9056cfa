/**
 * Path 2-5 on Azure, small (its own platform with a registry, one system
 * node, one GPU node at most, one scoring pod), the way its README deploys
 * it:
 *   1. a first `up` that does not wait for the scoring pods (the registry is
 *      new, the image not built yet);
 *   2. the sample image built into that registry with `az acr build`;
 *   3. a second `up` that waits for the pods and for the public load
 *      balancer, open only to this machine's IP; then a preview: every step
 *      `same`;
 *   4. over HTTP: `/ready` answers, and the scores for the sample request are
 *      the sample model's;
 *   5. destroy, in `finally`.
 * Needs quota for one node of the GPU size; `CUSTOMAI_2_5_POOL_VM_SIZE` names
 * another size (a CPU size runs the scorer without a GPU).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { PROJECT_ROOT } from "../../automation/common/paths";
import { classifyVmSize } from "../../components/common/vm-sizes";
import { SAMPLE_REQUEST } from "../../programs/2-1/program";
import { SAMPLE_MODEL } from "../../programs/shared";
import {
    armToken,
    changingSteps,
    destroyStack,
    previewSteps,
    publicIpv4,
    requireAzure,
    smallPathStack,
    STACK_LOG,
} from "./azure-env";

/** Whether the signed-in identity is a user (a delegated token has scopes) or a service principal. */
async function deployerKind(): Promise<"User" | "ServicePrincipal"> {
    const payload = (await armToken()).split(".")[1];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { scp?: string };
    return claims.scp === undefined ? "ServicePrincipal" : "User";
}

/** The sample model's score for a row, computed here from its coefficients. */
function sampleScore(row: Record<string, number>): number {
    const m = JSON.parse(fs.readFileSync(SAMPLE_MODEL, "utf8")) as {
        features: string[];
        coefficients: number[];
        intercept: number;
    };
    const z = m.features.reduce((sum, f, i) => sum + m.coefficients[i] * row[f], m.intercept);
    return 1 / (1 + Math.exp(-z));
}

/** GETs `url` until it answers 200 or `ms` pass (a new load balancer takes a while to route). */
async function waitFor200(url: string, ms: number): Promise<Response> {
    const deadline = Date.now() + ms;
    let last = "";
    while (Date.now() < deadline) {
        try {
            const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
            if (response.status === 200) return response;
            last = `${response.status} ${await response.text()}`;
        } catch (err) {
            last = String(err);
        }
        await new Promise((resolve) => setTimeout(resolve, 15_000));
    }
    throw new Error(`${url} never answered 200: ${last}`);
}

describe("path 2-5 on Azure", function () {
    it("deploys AKS with a GPU pool, builds the sample image, serves the sample model behind a load balancer open only to this machine, and destroys", async function () {
        requireAzure(this);
        const poolVmSize = process.env.CUSTOMAI_2_5_POOL_VM_SIZE;
        const cpuOnly = poolVmSize !== undefined && classifyVmSize(poolVmSize).kind === "cpu";
        const stack = await smallPathStack("2-5", {
            registry: "true",
            systemNodeCount: "1",
            poolMaxCount: "1",
            maxReplicas: "1",
            exposure: "Public",
            allowedSourceRanges: JSON.stringify([`${await publicIpv4()}/32`]),
            deployerAccess: await deployerKind(),
            awaitRollout: "false",
            ...(poolVmSize !== undefined ? { poolVmSize } : {}),
            ...(cpuOnly ? { gpusPerPod: "0" } : {}),
        });
        try {
            // 1. The platform, the cluster and the scoring objects, without waiting for pods.
            const first = await stack.up(STACK_LOG);
            assert.equal(first.outputs.devicePlugin.value, !cpuOnly);

            // 2. The image, built by ACR from the sample folder.
            const build = spawnSync("sh", ["-c", String(first.outputs.buildCommand.value)], {
                cwd: PROJECT_ROOT,
                encoding: "utf8",
                stdio: ["ignore", "inherit", "inherit"],
            });
            assert.equal(build.status, 0, "az acr build failed");

            // 3. Deploy again, waiting for the pods and the load balancer; then nothing is left to change.
            await stack.setConfig("awaitRollout", { value: "true" });
            const second = await stack.up(STACK_LOG);
            const scoringUrl = String(second.outputs.scoringUrl.value);
            assert.match(scoringUrl, /^http:\/\/\d+\.\d+\.\d+\.\d+\/score$/, "the load balancer's public IP");
            const again = await previewSteps(stack);
            assert.ok(again.length > 0, "the preview saw the stack's resources");
            assert.deepEqual(changingSteps(again), [], "a second deployment changes nothing");

            // 4. Over HTTP, from this machine.
            const ready = await waitFor200(scoringUrl.replace(/\/score$/, "/ready"), 600_000);
            assert.deepEqual(await ready.json(), { status: "ready", model: "churn-sample" });
            const body = fs.readFileSync(SAMPLE_REQUEST, "utf8");
            const response = await fetch(scoringUrl, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body,
            });
            const text = await response.text();
            assert.equal(response.status, 200, text);
            const answer = JSON.parse(text) as { model: string; predictions: { id: string; score: number }[] };
            const rows = (JSON.parse(body) as { data: (Record<string, number> & { id: string })[] }).data;
            assert.deepEqual(
                answer.predictions.map((p) => p.id),
                rows.map((r) => r.id),
            );
            answer.predictions.forEach((p, i) => {
                assert.ok(Math.abs(p.score - sampleScore(rows[i])) < 1e-6, `${p.id}: ${p.score}`);
            });
        } finally {
            await destroyStack(stack);
        }
    });
});
