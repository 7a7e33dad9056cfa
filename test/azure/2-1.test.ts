/**
 * Path 2-1 on Azure, small (its own platform without a registry, one blue
 * instance of the default size), checking what only Azure can tell:
 *   1. up, then a second preview of the same stack: every step `same` (the
 *      traffic the endpoint ignores, and the asset versions named by content,
 *      do not show as changes);
 *   2. the endpoint as ARM reports it: token auth, all traffic on the blue
 *      deployment, which is Succeeded on the configured size;
 *   3. a scoring call over HTTPS with a Microsoft Entra token for
 *      https://ml.azure.com returns, for the sample request, the scores the
 *      sample model gives;
 *   4. destroy, in `finally`.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { ENDPOINT_API_VERSION } from "../../components/aml/endpoint-traffic";
import { SAMPLE_REQUEST } from "../../programs/2-1/program";
import { SAMPLE_MODEL } from "../../programs/shared";
import {
    accessToken,
    armGet,
    changingSteps,
    destroyStack,
    previewSteps,
    requireAzure,
    smallPathStack,
    STACK_LOG,
} from "./azure-env";

/** A data-plane token for online endpoints. */
const scoringToken = () => accessToken("https://ml.azure.com");

/** The caller's object id, and whether it is a user (delegated token) or a service principal. */
function whoAmI(token: string): { objectId: string; principalType: "User" | "ServicePrincipal" } {
    const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as {
        oid: string;
        scp?: string;
    };
    return { objectId: claims.oid, principalType: claims.scp !== undefined ? "User" : "ServicePrincipal" };
}

/** What the sample model gives for a row: the logistic regression, computed here. */
function expectedScore(row: Record<string, number>): number {
    const model = JSON.parse(fs.readFileSync(SAMPLE_MODEL, "utf8")) as {
        features: string[];
        coefficients: number[];
        intercept: number;
    };
    const z = model.intercept + model.features.reduce((sum, f, i) => sum + model.coefficients[i] * row[f], 0);
    return 1 / (1 + Math.exp(-z));
}

describe("path 2-1 on Azure", function () {
    it("deploys an endpoint, stays unchanged on a second preview, scores the sample request with an Entra token, and destroys", async function () {
        const access = requireAzure(this);
        const token = await scoringToken();
        const me = whoAmI(token);
        const stack = await smallPathStack("2-1", {
            scorerPrincipalIds: JSON.stringify([me.objectId]),
            deployerPrincipalType: me.principalType,
        });
        try {
            const up = await stack.up(STACK_LOG);
            const scoringUri = String(up.outputs.scoringUri.value);
            const blue = String((up.outputs.deployments.value as Record<string, string>).blue);

            // 1. The same program and config again: nothing to do.
            const again = await previewSteps(stack);
            assert.ok(again.length > 0, "the preview saw the stack's resources");
            assert.deepEqual(changingSteps(again), [], "a second deployment changes nothing");

            // 2. What ARM reports.
            const rg = String(up.outputs.resourceGroupName.value);
            const ws = String(up.outputs.workspaceName.value);
            const endpointId =
                `/subscriptions/${access.subscriptionId}/resourceGroups/${rg}/providers/` +
                `Microsoft.MachineLearningServices/workspaces/${ws}/onlineEndpoints/${up.outputs.endpointName.value}`;
            const endpoint = await armGet(endpointId, ENDPOINT_API_VERSION);
            assert.equal(endpoint.properties.authMode, "AADToken");
            assert.deepEqual(endpoint.properties.traffic, { [blue]: 100 });
            assert.equal(endpoint.properties.scoringUri, scoringUri);
            const deployment = await armGet(`${endpointId}/deployments/${blue}`, ENDPOINT_API_VERSION);
            assert.equal(deployment.properties.provisioningState, "Succeeded");
            assert.equal(String(deployment.properties.instanceType).toLowerCase(), "standard_ds2_v2");
            assert.equal(deployment.properties.appInsightsEnabled, true);

            // 3. A real call. The scorer role may take minutes to apply: retry 403s for up to 10 minutes.
            const body = fs.readFileSync(SAMPLE_REQUEST, "utf8");
            let response: Response | undefined;
            for (let waited = 0; waited <= 600_000; waited += 30_000) {
                response = await fetch(scoringUri, {
                    method: "POST",
                    headers: { authorization: `Bearer ${await scoringToken()}`, "content-type": "application/json" },
                    body,
                });
                if (response.status !== 403 && response.status !== 401) break;
                await new Promise((resolve) => setTimeout(resolve, 30_000));
            }
            assert.ok(response, "the endpoint answered");
            const text = await response.text();
            assert.equal(response.status, 200, text);
            const answer = JSON.parse(text) as { model: string; predictions: { id: string; score: number }[] };
            const rows = (JSON.parse(body) as { data: (Record<string, number> & { id: string })[] }).data;
            assert.equal(answer.model, "churn-sample");
            assert.deepEqual(
                answer.predictions.map((p) => p.id),
                rows.map((r) => r.id),
            );
            answer.predictions.forEach((p, i) => {
                assert.ok(Math.abs(p.score - expectedScore(rows[i])) < 1e-6, `${p.id}: ${p.score}`);
            });
        } finally {
            await destroyStack(stack);
        }
    });
});
