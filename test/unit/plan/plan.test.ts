/**
 * The offline plan of every path with its example config, as `customai plan`
 * makes it: resources, cost lines with their sources, policy results, and
 * the Kubernetes manifests; plus a program directory of a user's own.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ValidationError } from "../../../components/common/validation";
import { Plan, plan } from "../../../automation/plan/plan";
import { formatPlan } from "../../../automation/plan/report";
import { PATHS } from "../../../programs/catalog";

/** What 1-1's example leaves for its user to give: their address and a key. */
const USER_VALUES: Readonly<Record<string, readonly string[]>> = {
    "1-1": ["allowedSshCidrs=203.0.113.7", "generateSshKey=true"],
};

const plans = new Map<string, Plan>();
async function planOf(id: string): Promise<Plan> {
    if (!plans.has(id)) plans.set(id, await plan({ program: id, config: USER_VALUES[id] ?? [] }));
    return plans.get(id)!;
}

function lineOf(p: Plan, predicate: (description: string) => boolean) {
    const line = p.cost.lines.find((l) => predicate(l.description));
    assert.ok(line, `no cost line matches; have: ${p.cost.lines.map((l) => l.description).join(" | ")}`);
    return line;
}

describe("plan: every path with its example config, offline", () => {
    for (const entry of PATHS) {
        it(`plans ${entry.id}: resources recorded, no mandatory policy violated, every line priced or said why`, async () => {
            const p = await planOf(entry.id);
            assert.ok(p.resources.filter((r) => r.custom).length >= 5, `${entry.id}: too few resources`);
            assert.equal(
                p.program.configFile,
                path.join(entry.id === "platform" ? "" : "", p.program.dir, "Pulumi.example.yaml"),
            );
            const mandatory = p.policy.results.filter((r) => r.enforcement === "mandatory" && r.violations.length > 0);
            assert.deepEqual(
                mandatory.map((r) => `${r.name}: ${r.violations.map((v) => v.message).join("; ")}`),
                [],
                `${entry.id} example violates mandatory rules`,
            );
            for (const line of p.cost.lines) {
                if (line.unpriced !== undefined) assert.ok(line.unpriced.length > 0);
                else assert.match(`${line.source} ${line.date}`, /^https:\/\/\S+ \d{4}-\d{2}-\d{2}$/, line.description);
            }
            assert.ok(p.cost.monthly > 0, `${entry.id}: a month costs something`);
        });
    }

    it("prices 2-5's always-on system pool and shows its GPU pool as 0 when idle, at the stated usage", async () => {
        const p = await planOf("2-5");
        const system = lineOf(p, (d) => d.includes("system") && d.includes("Standard_D4s_v5"));
        assert.equal(system.minUnits, 2);
        assert.equal(system.idleZero, false);
        assert.ok(Math.abs(system.monthly! - 2 * 730 * system.unitPrice!) < 1e-9);
        const gpu = lineOf(p, (d) => d.includes("Standard_NC4as_T4_v3"));
        assert.equal(gpu.minUnits, 0);
        assert.equal(gpu.maxUnits, 2);
        assert.equal(gpu.idleZero, true);
        assert.ok(Math.abs(gpu.hourlyAtMax! - 2 * gpu.unitPrice!) < 1e-9);
        assert.ok(Math.abs(gpu.monthly! - 2 * 60 * gpu.unitPrice!) < 1e-9);
        const text = formatPlan(p);
        assert.match(text, /0 when idle/);
        assert.match(text, /Price sources:\n {2}\[1\] https:\/\//);
    });

    it("renders 2-5's Kubernetes objects as manifests, written to the folder asked for", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-manifests-"));
        try {
            const p = await plan({ program: "2-5", manifestsDir: dir });
            assert.equal(p.manifests.dir, dir);
            const kinds = p.manifests.files.map(
                (f) => (yaml.load(fs.readFileSync(f, "utf8")) as { kind: string }).kind,
            );
            assert.deepEqual([...kinds].sort(), [
                "DaemonSet",
                "Deployment",
                "HorizontalPodAutoscaler",
                "Namespace",
                "PodDisruptionBudget",
                "Service",
            ]);
            const deployment = yaml.load(fs.readFileSync(p.manifests.files[kinds.indexOf("Deployment")], "utf8")) as {
                apiVersion: string;
                spec: { template: { spec: { containers: { resources: unknown }[] } } };
            };
            assert.equal(deployment.apiVersion, "apps/v1");
            assert.deepEqual(deployment.spec.template.spec.containers[0].resources, {
                limits: { cpu: "2", memory: "4Gi", "nvidia.com/gpu": "1" },
                requests: { cpu: "500m", memory: "1Gi" },
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("masks secrets: 2-5's kubeconfig appears nowhere in the plan, as input or output", async () => {
        const p = await planOf("2-5");
        const provider = p.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.equal(provider.inputs.kubeconfig, "[secret]");
        assert.equal(p.outputs.kubeconfig, "[secret]");
        assert.ok(!JSON.stringify(p).includes("kubelogin"), "no kubeconfig text in the plan");
    });

    it("refuses 1-1 without the values only its user knows, naming them (the program's own check)", async () => {
        await assert.rejects(plan({ program: "1-1" }), (err: unknown) => {
            assert.ok(err instanceof ValidationError, String(err));
            assert.deepEqual([...err.fields].sort(), ["allowedSshCidrs", "sshPublicKey"]);
            return true;
        });
    });

    it("reads a stack config file, applies overrides over it, and says which encrypted values it could not read", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-config-"));
        try {
            const file = path.join(dir, "Pulumi.dev.yaml");
            fs.writeFileSync(
                file,
                yaml.dump({
                    config: {
                        "customai-1-1:allowedSshCidrs": ["198.51.100.7"],
                        "customai-1-1:generateSshKey": true,
                        "customai-1-1:vmSize": "Standard_D8s_v5",
                        "customai-1-1:jupyterHub": true,
                        "customai-1-1:jupyterHubPassword": { secure: "v1:AAAA:ciphertext" },
                    },
                }),
            );
            const p = await plan({ program: "1-1", configFile: file, config: ["vmSize=Standard_D2s_v5"] });
            const vm = p.resources.find((r) => r.type === "azure-native:compute:VirtualMachine")!;
            assert.deepEqual(vm.inputs.hardwareProfile, { vmSize: "Standard_D2s_v5" });
            assert.ok(
                p.notes.some((n) => n.startsWith("customai-1-1:jupyterHubPassword is encrypted")),
                p.notes.join("\n"),
            );
            assert.ok(
                !JSON.stringify(p).includes("offline-plan-placeholder"),
                "the placeholder is masked like any secret",
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("plans a program directory of a user's own (JavaScript, top-level resources)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-program-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: mine\nruntime: nodejs\n");
            fs.writeFileSync(path.join(dir, "Pulumi.example.yaml"), "config:\n  mine:size: Standard_D4s_v5\n");
            const nodeModules = JSON.stringify(path.join(__dirname, "../../../node_modules"));
            fs.writeFileSync(
                path.join(dir, "index.js"),
                `const compute = require(${nodeModules} + "/@pulumi/azure-native/compute");
const pulumi = require(${nodeModules} + "/@pulumi/pulumi");
const size = new pulumi.Config().require("size");
new compute.VirtualMachine("vm", { resourceGroupName: "rg", location: "westeurope", hardwareProfile: { vmSize: size },
    osProfile: { adminUsername: "me", linuxConfiguration: { disablePasswordAuthentication: true } } });
exports.size = size;`,
            );
            const p = await plan({ program: dir });
            assert.equal(p.program.project, "mine");
            assert.deepEqual(p.outputs, { size: "Standard_D4s_v5" });
            const vm = lineOf(p, (d) => d.includes("Standard_D4s_v5"));
            assert.equal(vm.minUnits, 1);
            assert.equal(vm.idleZero, false, "no auto-shutdown: always on");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a target that is neither a path nor a program directory, listing the paths", async () => {
        await assert.rejects(
            plan({ program: "3-1" }),
            /"3-1" is neither a path \(platform, 1-1, .*2-6\) nor a program directory/,
        );
    });
});
