/**
 * A newcomer's first deploy of every program, minus Azure: on a temporary
 * file backend with the real CLI, `pulumi stack init dev` beside the copied
 * `Pulumi.example.yaml`, the `pulumi config set` lines its README gives for
 * the values only the user knows, then `pulumi config --json --show-secrets`
 * (which decrypts every value and applies the defaults the program's
 * Pulumi.yaml declares), and the program evaluated under mocks with exactly
 * that stack's config.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { PULUMI_DIR, pulumiCommand } from "../../automation/stacks/engine";
import { ValidationError } from "../../components/common";
import { PATHS } from "../../programs/catalog";
import { isSecretInput } from "../harness/mocks";
import { ExampleConfig, runProgram } from "../harness/programs";
import { mockAksCluster } from "../harness/aks";
import { mockDatastore } from "../harness/run-targets";

const ROOT = path.join(__dirname, "../..");
const PULUMI = path.join(PULUMI_DIR, "bin", "pulumi");

/** A stack of a copied program directory on its own file backend. */
interface Newcomer {
    readonly dir: string;
    /** The environment the CLI runs with (its own backend, passphrase and home). */
    readonly env: Record<string, string>;
    /** Runs the real CLI in the program's copy, as a user would type it. */
    pulumi(...args: string[]): string;
    /** The stack's config as the engine hands it to the program. */
    config(): ExampleConfig;
    cleanup(): void;
}

function newcomer(id: string): Newcomer {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `customai-first-${id}-`));
    const source = path.join(ROOT, "programs", id);
    fs.copyFileSync(path.join(source, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.copyFileSync(path.join(source, "Pulumi.example.yaml"), path.join(dir, "Pulumi.dev.yaml"));
    const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        PATH: [path.dirname(PULUMI), process.env.PATH].join(path.delimiter),
        PULUMI_HOME: path.join(dir, ".pulumi-home"),
        PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "first-deploy",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    fs.mkdirSync(path.join(dir, "state"));
    const pulumi = (...args: string[]) => execFileSync(PULUMI, args, { cwd: dir, env, encoding: "utf8" });
    return {
        dir,
        env,
        pulumi,
        config: () => {
            const project = (/^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) ?? [])[1];
            const shown = JSON.parse(pulumi("config", "--json", "--show-secrets")) as Record<
                string,
                { value: string; secret: boolean }
            >;
            return {
                project,
                values: Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, v.value])),
                secretKeys: Object.entries(shown)
                    .filter(([, v]) => v.secret)
                    .map(([k]) => k),
            };
        },
        cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}

/** The values a user gives each program before `pulumi up`, as its README tells them to. */
const USER_STEPS: Readonly<Record<string, (n: Newcomer) => void>> = {
    platform: () => undefined,
    "1-2": () => undefined,
    "2-1": () => undefined,
    "2-2": () => undefined,
    "2-3": () => undefined,
    "2-4": () => undefined,
    "2-5": () => undefined,
    "2-6": () => undefined,
    "1-1": (n) => {
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(n.dir, "id_ed25519")]);
        n.pulumi("config", "set", "allowedSshCidrs", "203.0.113.7");
        n.pulumi("config", "set", "sshPublicKey", fs.readFileSync(path.join(n.dir, "id_ed25519.pub"), "utf8").trim());
    },
};

describe("a newcomer's first deploy of each program (real CLI config, program under mocks)", function () {
    const programs = PATHS;

    it("covers every program of the catalog", () => {
        assert.deepEqual(programs.map((p) => p.id).sort(), Object.keys(USER_STEPS).sort());
    });

    for (const entry of programs) {
        it(`programs/${entry.id}: the copied example, plus the README's config steps, evaluates`, async () => {
            const n = newcomer(entry.id);
            try {
                n.pulumi("stack", "init", "dev");
                USER_STEPS[entry.id](n);
                // A key the stack file leaves out takes the default the program's Pulumi.yaml declares.
                n.pulumi("config", "rm", "environment");
                const config = n.config();
                assert.equal(config.values[`${config.project}:environment`], "dev", "Pulumi.yaml's default arrives");
                const { program } = await entry.load();
                // What Azure answers the programs' reads: the default datastore, where code and models go, and
                // an AKS cluster's credentials.
                const run = await runProgram(program, config, {}, (r) => {
                    mockDatastore(r);
                    mockAksCluster(r);
                });
                assert.ok(run.recorder.resources.length > 0, "the program declared resources");
            } finally {
                n.cleanup();
            }
        });
    }

    it("programs/1-1: the copied example alone misses exactly the two values only the user has, each named with how to get it", async () => {
        const n = newcomer("1-1");
        try {
            n.pulumi("stack", "init", "dev");
            const { program } = await PATHS.find((p) => p.id === "1-1")!.load();
            await assert.rejects(runProgram(program, n.config()), (err: unknown) => {
                assert.ok(err instanceof ValidationError, String(err));
                assert.deepEqual([...err.fields].sort(), ["allowedSshCidrs", "sshPublicKey"]);
                assert.match(err.message, /curl -s https:\/\/ifconfig\.me/);
                assert.match(err.message, /ssh-keygen -t ed25519/);
                return true;
            });
        } finally {
            n.cleanup();
        }
    });

    it("programs/1-1: a secret set with `pulumi config set --secret` is encrypted in the stack file, read as a secret, and reaches the VM as one", async () => {
        const n = newcomer("1-1");
        try {
            n.pulumi("stack", "init", "dev");
            USER_STEPS["1-1"](n);
            n.pulumi("config", "set", "jupyterHub", "true");
            n.pulumi("config", "set", "--secret", "jupyterHubPassword", "correct-horse-battery");
            const stackFile = fs.readFileSync(path.join(n.dir, "Pulumi.dev.yaml"), "utf8");
            assert.ok(!stackFile.includes("correct-horse-battery"), "the stack file holds the secret encrypted");
            const config = n.config();
            assert.deepEqual(config.secretKeys, ["customai-1-1:jupyterHubPassword"]);
            const { program } = await PATHS.find((p) => p.id === "1-1")!.load();
            const { recorder } = await runProgram(program, config);
            const vm = recorder.one("azure-native:compute:VirtualMachine").inputs;
            assert.ok(isSecretInput(vm.osProfile), "the password reaches the VM as a secret");
        } finally {
            n.cleanup();
        }
    });

    it("the CLI refuses a value of the wrong type for a key the Pulumi.yaml declares, before the program runs", async () => {
        const n = newcomer("1-1");
        try {
            n.pulumi("stack", "init", "dev");
            n.pulumi("config", "set", "spot", "maybe");
            // An inline program needs no language plugin; the CLI checks the config against the project first.
            let ran = false;
            const ws = await LocalWorkspace.create({
                workDir: n.dir,
                program: async () => {
                    ran = true;
                },
                envVars: n.env,
                pulumiCommand: await pulumiCommand(),
            });
            const stack = await Stack.select("dev", ws);
            await assert.rejects(stack.preview(), /configuration key 'spot' must be of type 'boolean'/);
            assert.equal(ran, false, "the program never ran");
        } finally {
            n.cleanup();
        }
    });
});
