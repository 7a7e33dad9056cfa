/**
 * Run specs without the engine: bad ones are rejected by the driver before
 * anything exists (no backend directory, no runs directory, not even a CLI
 * lookup), each error naming its field; good ones get their defaults; and
 * relative paths are checked from the same base they are resolved from.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Driver } from "../../../automation/driver";
import {
    DEFAULT_AML_MAX_NODES,
    DEFAULT_SCRIPT,
    fileExists,
    resolveRunSpec,
    RunSpec,
    runSpecIssues,
    validateRunSpec,
} from "../../../automation/spec";
import { ValidationError } from "../../../components/common/validation";

const SUB = "00000000-0000-4000-8000-000000000000";

interface SpecScratch {
    readonly root: string;
    readonly backendDir: string;
    readonly runsDir: string;
    /** Written by the stand-in CLI each time it is started. */
    readonly cliLog: string;
    readonly data: string;
    readonly model: string;
    driver(cwd?: string): Driver;
}

/**
 * Input and model files (validation only checks that they exist) and a
 * driver whose CLI is a stand-in that logs every start and fails: a test
 * that sees the log knows the driver looked for the engine.
 */
function makeSpecScratch(): SpecScratch {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "customai-spec-"));
    const inputs = path.join(root, "inputs");
    fs.mkdirSync(inputs);
    const data = path.join(inputs, "data.csv");
    const model = path.join(inputs, "model.json");
    fs.writeFileSync(data, "x1,x2\n0.5,1.5\n");
    fs.writeFileSync(model, JSON.stringify({ intercept: 0, coefficients: { x1: 1, x2: -1 } }));
    const pulumiRoot = path.join(root, "pulumi");
    const cliLog = path.join(root, "cli.log");
    fs.mkdirSync(path.join(pulumiRoot, "bin"), { recursive: true });
    fs.writeFileSync(path.join(pulumiRoot, "bin", "pulumi"), `#!/bin/sh\necho "$@" >> '${cliLog}'\nexit 1\n`, {
        mode: 0o755,
    });
    const backendDir = path.join(root, "state");
    const runsDir = path.join(root, "runs");
    return {
        root,
        backendDir,
        runsDir,
        cliLog,
        data,
        model,
        driver: (cwd) =>
            new Driver({
                runsDir,
                cwd,
                engine: { backendUrl: `file://${backendDir}`, passphrase: "unit-test-passphrase", pulumiRoot },
            }),
    };
}

describe("run spec validation (before any stack exists)", function () {
    let scratch: SpecScratch;
    let good: RunSpec;

    before(() => {
        scratch = makeSpecScratch();
        good = {
            series: "nightly",
            target: "local",
            input: scratch.data,
            model: scratch.model,
            timeoutMinutes: 5,
        };
    });
    after(() => fs.rmSync(scratch.root, { recursive: true, force: true }));

    const aml = { subscriptionId: SUB, resourceGroup: "rg-ml", workspaceName: "mlw-scoring" };
    const cases: [string, (g: RunSpec) => unknown, string][] = [
        ["empty series", (g) => ({ ...g, series: "" }), "series"],
        ["uppercase series", (g) => ({ ...g, series: "Nightly" }), "series"],
        ["series of 41 characters", (g) => ({ ...g, series: "a".repeat(41) }), "series"],
        ["series with leading hyphen", (g) => ({ ...g, series: "-nightly" }), "series"],
        ["series with underscore", (g) => ({ ...g, series: "night_ly" }), "series"],
        ["unknown target", (g) => ({ ...g, target: "gpu" }), "target"],
        ["missing input file", (g) => ({ ...g, input: "/nonexistent/data.csv" }), "input"],
        ["remote input on the local target", (g) => ({ ...g, input: "https://example.org/data.csv" }), "input"],
        ["missing model", (g) => ({ ...g, model: undefined }), "model"],
        ["model is a directory", (g) => ({ ...g, model: path.dirname(g.model) }), "model"],
        ["zero timeout", (g) => ({ ...g, timeoutMinutes: 0 }), "timeoutMinutes"],
        ["timeout over a day", (g) => ({ ...g, timeoutMinutes: 1441 }), "timeoutMinutes"],
        ["timeout as a string", (g) => ({ ...g, timeoutMinutes: "10" }), "timeoutMinutes"],
        ["keepOnFailure not boolean", (g) => ({ ...g, keepOnFailure: "yes" }), "keepOnFailure"],
        ["config key with a space", (g) => ({ ...g, config: { "bad key": "x" } }), "config.bad key"],
        ["config value not a string", (g) => ({ ...g, config: { region: 3 } }), "config.region"],
        ["empty secret", (g) => ({ ...g, secrets: { token: "" } }), "secrets.token"],
        [
            "secret key also in config",
            (g) => ({ ...g, config: { token: "a" }, secrets: { token: "b" } }),
            "secrets.token",
        ],
        ["negative waitSeconds", (g) => ({ ...g, waitSeconds: -1 }), "waitSeconds"],
        ["fractional waitSeconds", (g) => ({ ...g, waitSeconds: 1.5 }), "waitSeconds"],
        ["missing script", (g) => ({ ...g, script: "/nonexistent/score.py" }), "script"],
        ["empty outputDir", (g) => ({ ...g, outputDir: "" }), "outputDir"],
        ["aml settings on the local target", (g) => ({ ...g, aml }), "aml"],
        ["aml target without aml settings", (g) => ({ ...g, target: "aml" }), "aml"],
        [
            "aml subscription not a GUID",
            (g) => ({ ...g, target: "aml", aml: { ...aml, subscriptionId: "sub-1" } }),
            "aml.subscriptionId",
        ],
        [
            "aml without workspace or base stack",
            (g) => ({ ...g, target: "aml", aml: { subscriptionId: SUB, resourceGroup: "rg" } }),
            "aml.workspaceName",
        ],
        [
            "aml workspace name too short",
            (g) => ({ ...g, target: "aml", aml: { ...aml, workspaceName: "ws" } }),
            "aml.workspaceName",
        ],
        [
            "aml resource group ending in a dot",
            (g) => ({ ...g, target: "aml", aml: { ...aml, resourceGroup: "rg." } }),
            "aml.resourceGroup",
        ],
        ["aml maxNodes 0", (g) => ({ ...g, target: "aml", aml: { ...aml, maxNodes: 0 } }), "aml.maxNodes"],
        ["aml priority Spot", (g) => ({ ...g, target: "aml", aml: { ...aml, priority: "Spot" } }), "aml.priority"],
        ["aml vmSize without tier", (g) => ({ ...g, target: "aml", aml: { ...aml, vmSize: "NC6" } }), "aml.vmSize"],
        [
            "aml vmSize of a retired GPU family",
            (g) => ({ ...g, target: "aml", aml: { ...aml, vmSize: "Standard_NC6s_v3" } }),
            "aml.vmSize",
        ],
        [
            "aml workspace without its resource group",
            (g) => ({ ...g, target: "aml", aml: { subscriptionId: SUB, workspaceName: "mlw-scoring" } }),
            "aml.resourceGroup",
        ],
        [
            "aml base stack not a reference",
            (g) => ({ ...g, target: "aml", aml: { ...aml, baseStack: "prod" } }),
            "aml.baseStack",
        ],
        ["spec not an object", () => "nightly", "spec"],
    ];

    for (const [title, make, field] of cases) {
        it(`rejects ${title}, naming ${field}`, async () => {
            const driver = scratch.driver();
            await assert.rejects(driver.run(make(good) as RunSpec), (err: unknown) => {
                assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
                assert.ok(err.fields.includes(field), `fields ${JSON.stringify(err.fields)} lack ${field}`);
                assert.match(err.message, new RegExp(field.replace(/[.[\]]/g, "\\$&")));
                return true;
            });
            // Nothing was touched: no backend directory, no lock, no record, no CLI started.
            assert.equal(fs.existsSync(scratch.backendDir), false, "the backend was created");
            assert.equal(fs.existsSync(scratch.runsDir), false, "the runs directory was created");
            assert.equal(fs.existsSync(scratch.cliLog), false, "the Pulumi CLI was started");
        });
    }

    it("reports every problem at once", () => {
        const issues = runSpecIssues({ series: "Bad_", target: "x", input: "", model: "", timeoutMinutes: -1 });
        assert.deepEqual(
            [...new Set(issues.map((i) => i.field))],
            ["series", "target", "input", "model", "timeoutMinutes"],
        );
    });

    it("never puts a secret value in an error", () => {
        const err = new ValidationError(runSpecIssues({ ...good, secrets: { token: 123456789 } }));
        assert.deepEqual(err.fields, ["secrets.token"]);
        assert.ok(!err.message.includes("123456789"), err.message);
        assert.match(err.message, /\[secret\]/);
    });

    it("says which size to use instead of a retired one", () => {
        const spec = { ...good, target: "aml" as const, aml: { ...aml, vmSize: "Standard_NC6s_v3" } };
        const issue = runSpecIssues(spec).find((i) => i.field === "aml.vmSize");
        assert.ok(issue, "aml.vmSize is reported");
        assert.match(issue.rule, /retired/);
        assert.match(issue.rule, /Standard_NC24ads_A100_v4|Standard_NC4as_T4_v3/);
    });

    it("takes the resource group from the base stack when there is one", () => {
        const spec = {
            ...good,
            target: "aml" as const,
            input: "azureml://datastores/d/paths/x.csv",
            aml: { subscriptionId: SUB, baseStack: "org/customai-platform/dev" },
        };
        assert.deepEqual(runSpecIssues(spec), []);
    });

    it("accepts a valid aml spec with a remote input (running it needs Azure: see test/azure)", () => {
        const spec = { ...good, target: "aml" as const, input: "azureml://datastores/d/paths/x.csv", aml };
        assert.deepEqual(runSpecIssues(spec), []);
    });

    it("resolves defaults", () => {
        const resolved = resolveRunSpec({ ...good, input: "data.csv", target: "aml", aml }, "/base");
        assert.equal(resolved.input, "/base/data.csv");
        assert.equal(resolved.keepOnFailure, false);
        assert.equal(resolved.waitSeconds, 0);
        assert.equal(resolved.script, DEFAULT_SCRIPT);
        assert.deepEqual(resolved.secrets, {});
        assert.equal(resolved.outputDir, undefined);
        assert.equal(resolved.aml?.maxNodes, DEFAULT_AML_MAX_NODES);
        assert.equal(resolved.aml?.priority, "Dedicated");
        assert.equal(resolved.aml?.vmSize, "Standard_D4s_v5");
    });

    describe("relative paths", () => {
        const relative = (g: RunSpec): RunSpec => ({ ...g, input: "data.csv", model: "model.json" });

        it("are checked from the cwd given, the base resolveRunSpec uses too", () => {
            const base = path.dirname(scratch.data);
            assert.notEqual(process.cwd(), base);
            assert.deepEqual(runSpecIssues(relative(good), fileExists, base), []);
            const resolved = resolveRunSpec(validateRunSpec(relative(good), fileExists, base), base);
            assert.equal(resolved.input, scratch.data);
            assert.equal(resolved.model, scratch.model);
            // Without a base they are read from the process's working directory, where they are not.
            const fields = runSpecIssues(relative(good)).map((i) => i.field);
            assert.deepEqual(fields, ["input", "model"]);
        });

        it("are checked by the driver from its cwd option, not the process's", async () => {
            // The timeout is wrong, so the run is rejected before the engine; only the field at fault is named.
            const driver = scratch.driver(path.dirname(scratch.data));
            await assert.rejects(driver.run({ ...relative(good), timeoutMinutes: 0 }), (err: unknown) => {
                assert.ok(err instanceof ValidationError, String(err));
                assert.deepEqual(err.fields, ["timeoutMinutes"]);
                return true;
            });
            // The same spec from a driver without the option: the files are missing where it looks.
            await assert.rejects(scratch.driver().run(relative(good)), (err: unknown) => {
                assert.ok(err instanceof ValidationError, String(err));
                assert.deepEqual(err.fields, ["input", "model"]);
                return true;
            });
        });
    });
});
