/**
 * A Pulumi stack whose program creates Kubernetes objects in a test API
 * server (kube-testenv.ts) through the real engine and the real Kubernetes
 * provider plugin (built by scripts/setup-kube.mjs), on a file backend.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, Stack, UpResult } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PULUMI_DIR, workspaceOptions } from "../../automation/stacks/engine";
import { SKIP_AWAIT_ANNOTATION } from "../../components/kubernetes";

/** The provider plugin version the SDK asks the engine for. */
export const PROVIDER_VERSION: string = JSON.parse(
    fs.readFileSync(require.resolve("@pulumi/kubernetes/package.json"), "utf8"),
).version;

/** Why the provider plugin is not available here, or undefined. */
export function providerPluginMissing(): string | undefined {
    const plugin = path.join(
        PULUMI_DIR,
        "plugins",
        `resource-kubernetes-v${PROVIDER_VERSION}`,
        "pulumi-resource-kubernetes",
    );
    return fs.existsSync(plugin)
        ? undefined
        : `the Kubernetes provider ${PROVIDER_VERSION} is not built at ${plugin} (run node scripts/setup-kube.mjs; it needs Go)`;
}

/**
 * The test API server has no controllers and no nodes, so no Deployment
 * rolls out, no DaemonSet schedules, no Service gets endpoints or a load
 * balancer, and no garbage collector finishes a foreground deletion (the
 * provider's default propagation). The provider would wait for each of
 * those; this transform tells it not to, on every Kubernetes object of the
 * stack: no readiness wait, and background deletion, which the API server
 * completes itself. What is checked is what the API server stores.
 */
export function skipAwaitEverywhere(): void {
    pulumi.runtime.registerResourceTransform((args) => {
        if (!args.type.startsWith("kubernetes:")) return;
        const props = { ...args.props };
        const metadata = { ...(props.metadata ?? {}) };
        metadata.annotations = {
            ...(metadata.annotations ?? {}),
            [SKIP_AWAIT_ANNOTATION]: "true",
            "pulumi.com/deletionPropagationPolicy": "background",
        };
        props.metadata = metadata;
        return { props, opts: args.opts };
    });
}

export interface KubeStack {
    readonly stack: Stack;
    /** Replaces the stack's config with `config` (fully qualified keys, plain values) and runs `up`. */
    up(config: Record<string, string>): Promise<UpResult>;
    destroy(): Promise<void>;
    cleanup(): Promise<void>;
}

/**
 * A stack of project `projectName` (whose config namespace a path
 * program reads) that runs `program(provider)`, where `provider` is an
 * explicit Kubernetes provider for `kubeconfig`.
 */
export async function kubeStack(
    projectName: string,
    kubeconfig: string,
    program: (provider: k8s.Provider) => Record<string, unknown> | void,
): Promise<KubeStack> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "customai-kstack-"));
    const opts = await workspaceOptions({ backendUrl: `file://${scratch}/state`, passphrase: "kube-test" });
    const stack = await LocalWorkspace.createOrSelectStack(
        {
            stackName: "test",
            projectName,
            program: async () => {
                skipAwaitEverywhere();
                const provider = new k8s.Provider("test-cluster", { kubeconfig: pulumi.secret(kubeconfig) });
                return program(provider) ?? {};
            },
        },
        { ...opts, workDir: scratch },
    );
    return {
        stack,
        async up(config) {
            const current = Object.keys(await stack.getAllConfig());
            if (current.length > 0) await stack.removeAllConfig(current);
            await stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, value]) => [k, { value }])));
            return stack.up();
        },
        async destroy() {
            await stack.destroy();
        },
        async cleanup() {
            await stack.destroy().catch(() => undefined);
            fs.rmSync(scratch, { recursive: true, force: true });
        },
    };
}
