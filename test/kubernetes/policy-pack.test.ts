/**
 * The policy pack under the real Pulumi CLI: `preview --policy-pack policy/`
 * on Kubernetes objects against a real API server, as a user with the full
 * CLI runs it. A LoadBalancer open to every address fails the preview; a
 * compliant Service and Deployment pass, and the CLI reports the pack ran.
 * (The Azure rules cannot run here: there is no azure-native provider plugin;
 * `customai plan` evaluates them offline, and the unit tests cover each.)
 */
import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { kubeStack, KubeStack, providerPluginMissing } from "../harness/kube-stack";
import { KubeTestEnv, kubeTestEnvMissing, startKubeTestEnv } from "../harness/kube-testenv";

/** The pack as an executable analyzer: this CLI has no Node.js language plugin to run the folder (policy/README.md). */
const POLICY_PACK = path.join(__dirname, "../../policy/analyzer");
const PACK_ENTRY = path.join(__dirname, "../../dist/policy/pack.js");

describe("the policy pack under the real CLI (preview --policy-pack on a Kubernetes stack)", function () {
    const missing =
        kubeTestEnvMissing() ??
        providerPluginMissing() ??
        (fs.existsSync(PACK_ENTRY) ? undefined : `${PACK_ENTRY} is not built: run npm run build`);
    let env: KubeTestEnv;
    let stack: KubeStack | undefined;

    before(async function () {
        if (missing) {
            console.log(`      skipped: ${missing}`);
            this.skip();
        }
        env = await startKubeTestEnv();
    });
    afterEach(async () => {
        await stack?.cleanup();
        stack = undefined;
    });
    after(async () => {
        await env?.stop();
    });

    const labels = { app: "scorer" };

    it("fails the preview of a LoadBalancer Service open to every address, naming the rule", async () => {
        stack = await kubeStack("policy-open", env.kubeconfig, (provider) => {
            new k8s.core.v1.Service(
                "open",
                { spec: { type: "LoadBalancer", selector: labels, ports: [{ port: 80 }] } },
                { provider },
            );
        });
        await assert.rejects(stack.stack.preview({ policyPacks: [POLICY_PACK] }), (err: Error) => {
            assert.match(err.message, /mandatory/i);
            assert.match(err.message, /k8s-no-open-load-balancer/);
            return true;
        });
    });

    it("passes the preview of a ClusterIP Service and a restricted Deployment with limits, with the pack loaded", async () => {
        stack = await kubeStack("policy-ok", env.kubeconfig, (provider) => {
            new k8s.core.v1.Service("scorer", { spec: { selector: labels, ports: [{ port: 80 }] } }, { provider });
            new k8s.apps.v1.Deployment(
                "scorer",
                {
                    spec: {
                        selector: { matchLabels: labels },
                        template: {
                            metadata: { labels },
                            spec: {
                                containers: [
                                    {
                                        name: "scorer",
                                        image: "crtest.azurecr.io/scorer:1",
                                        resources: { limits: { cpu: "1", memory: "1Gi" } },
                                        securityContext: { allowPrivilegeEscalation: false, privileged: false },
                                    },
                                ],
                            },
                        },
                    },
                },
                { provider },
            );
        });
        const result = await stack.stack.preview({ policyPacks: [POLICY_PACK] });
        assert.match(result.stdout, /custom-ai-on-azure/, "the CLI names the pack it ran");
        assert.doesNotMatch(result.stdout, /mandatory/i);
    });
});
