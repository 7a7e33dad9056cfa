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
import { RunSpec } from "../../../automation";
import { Driver } from "../../../automation/run/driver";
import { fileCheck, resolveRunSpec, runSpecIssues, validateRunSpec } from "../../../automation/spec";
import { specSections, targetRegistry } from "../../../automation/targets";
import { DEFAULT_AML_ENVIRONMENT, DEFAULT_AML_MAX_NODES, ResolvedAmlSection } from "../../../automation/targets/aml";
import { ValidationError } from "../../../components/common/validation";

/** The built-in targets' sections, as a Driver without overrides uses them. */
const SECTIONS = specSections(targetRegistry());
const issuesOf = (spec: unknown, cwd?: string) => runSpecIssues(spec, SECTIONS, fileCheck(cwd));

const SUB = "00000000-0000-4000-8000-000000000000";

interface SpecScratch {
    readonly root: string;
    readonly backendDir: string;
    readonly runsDir: string;
    /** Written by the stand-in CLI each time it is started. */
    readonly cliLog: string;
    readonly data: string;
    readonly model: string;
    readonly script: string;
    /** A code folder holding `pkg/score.py` and `requirements.txt`. */
    readonly codeDir: string;
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
    const script = path.join(inputs, "score.py");
    fs.writeFileSync(script, "print('scored')\n");
    const codeDir = path.join(root, "code");
    fs.mkdirSync(path.join(codeDir, "pkg"), { recursive: true });
    fs.writeFileSync(path.join(codeDir, "pkg", "score.py"), "");
    fs.writeFileSync(path.join(codeDir, "requirements.txt"), "");
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
        script,
        codeDir,
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
    /** `good` with its workload changed. */
    const withWorkload = (g: RunSpec, workload: Record<string, unknown>) => ({
        ...g,
        workload: { ...g.workload, ...workload },
    });

    before(() => {
        scratch = makeSpecScratch();
        good = {
            series: "nightly",
            target: "local",
            workload: { code: scratch.script, inputs: { input: scratch.data }, model: scratch.model },
            timeoutMinutes: 5,
        };
    });
    after(() => fs.rmSync(scratch.root, { recursive: true, force: true }));

    const aml = { subscriptionId: SUB, resourceGroup: "rg-ml", workspaceName: "mlw-scoring" };
    const onAml = (g: RunSpec, section: Record<string, unknown> = aml): RunSpec =>
        ({ ...g, target: "aml", aml: section }) as unknown as RunSpec;
    const cases: [string, (g: RunSpec) => unknown, string][] = [
        ["empty series", (g) => ({ ...g, series: "" }), "series"],
        ["uppercase series", (g) => ({ ...g, series: "Nightly" }), "series"],
        ["series of 41 characters", (g) => ({ ...g, series: "a".repeat(41) }), "series"],
        ["series with leading hyphen", (g) => ({ ...g, series: "-nightly" }), "series"],
        ["series with underscore", (g) => ({ ...g, series: "night_ly" }), "series"],
        ["unknown target", (g) => ({ ...g, target: "gpu" }), "target"],
        ["a misspelt field (keepOnfailure)", (g) => ({ ...g, keepOnfailure: true }), "keepOnfailure"],
        ["a field of the former spec (input)", (g) => ({ ...g, input: scratch.data }), "input"],
        ["missing workload", (g) => ({ ...g, workload: undefined }), "workload"],
        ["a misspelt workload field", (g) => withWorkload(g, { modle: scratch.model }), "workload.modle"],
        ["missing script", (g) => withWorkload(g, { code: "/nonexistent/score.py" }), "workload.code"],
        ["script that is a folder", (g) => withWorkload(g, { code: scratch.root }), "workload.code"],
        ["code object without script", (g) => withWorkload(g, { code: { args: [] } }), "workload.code.script"],
        [
            "a misspelt code field",
            (g) => withWorkload(g, { code: { script: scratch.script, arg: ["x"] } }),
            "workload.code.arg",
        ],
        [
            "code args not strings",
            (g) => withWorkload(g, { code: { script: scratch.script, args: [1] } }),
            "workload.code.args",
        ],
        [
            "code dir that does not exist",
            (g) => withWorkload(g, { code: { script: "score.py", dir: "/nonexistent" } }),
            "workload.code.dir",
        ],
        [
            "script outside the code dir",
            (g) => withWorkload(g, { code: { script: scratch.script, dir: scratch.codeDir } }),
            "workload.code.script",
        ],
        [
            "missing requirements file",
            (g) => withWorkload(g, { code: { script: scratch.script, requirements: "/nonexistent/req.txt" } }),
            "workload.code.requirements",
        ],
        [
            "missing input file",
            (g) => withWorkload(g, { inputs: { input: "/nonexistent/data.csv" } }),
            "workload.inputs.input",
        ],
        [
            "input name with a dash",
            (g) => withWorkload(g, { inputs: { "in-put": scratch.data } }),
            "workload.inputs.in-put",
        ],
        ["input named model", (g) => withWorkload(g, { inputs: { model: scratch.data } }), "workload.inputs.model"],
        ["inputs not an object", (g) => withWorkload(g, { inputs: [scratch.data] }), "workload.inputs"],
        [
            "a registered asset as an input",
            (g) => withWorkload(g, { inputs: { input: "azureml:churn-data:1" } }),
            "workload.inputs.input",
        ],
        [
            "remote input on the local target",
            (g) => withWorkload(g, { inputs: { input: "https://example.org/data.csv" } }),
            "workload.inputs.input",
        ],
        [
            "registered model on the local target",
            (g) => withWorkload(g, { model: "azureml:churn:3" }),
            "workload.model",
        ],
        ["missing model file", (g) => withWorkload(g, { model: "/nonexistent/model.json" }), "workload.model"],
        ["URI outputs on the local target", (g) => ({ ...g, outputs: "azureml://datastores/d/paths/x/" }), "outputs"],
        ["empty outputs", (g) => ({ ...g, outputs: "" }), "outputs"],
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
        ["local section not an object", (g) => ({ ...g, local: "python3" }), "local"],
        ["a misspelt local field", (g) => ({ ...g, local: { pyhton: "python3" } }), "local.pyhton"],
        ["aml settings on the local target", (g) => ({ ...g, aml }), "aml"],
        ["local settings on the aml target", (g) => ({ ...onAml(g), local: { python: "python3" } }), "local"],
        ["aml target without aml settings", (g) => ({ ...g, target: "aml" }), "aml"],
        ["a misspelt aml field", (g) => onAml(g, { ...aml, maxNode: 3 }), "aml.maxNode"],
        ["aml subscription not a GUID", (g) => onAml(g, { ...aml, subscriptionId: "sub-1" }), "aml.subscriptionId"],
        [
            "aml without workspace or base stack",
            (g) => onAml(g, { subscriptionId: SUB, resourceGroup: "rg" }),
            "aml.workspaceName",
        ],
        ["aml workspace name too short", (g) => onAml(g, { ...aml, workspaceName: "ws" }), "aml.workspaceName"],
        ["aml resource group ending in a dot", (g) => onAml(g, { ...aml, resourceGroup: "rg." }), "aml.resourceGroup"],
        ["aml maxNodes 0", (g) => onAml(g, { ...aml, maxNodes: 0 }), "aml.maxNodes"],
        ["aml priority Spot", (g) => onAml(g, { ...aml, priority: "Spot" }), "aml.priority"],
        [
            "aml maxResubmissions above the driver's bound",
            (g) => onAml(g, { ...aml, maxResubmissions: 6 }),
            "aml.maxResubmissions",
        ],
        ["aml maxResubmissions negative", (g) => onAml(g, { ...aml, maxResubmissions: -1 }), "aml.maxResubmissions"],
        ["aml vmSize without tier", (g) => onAml(g, { ...aml, vmSize: "NC6" }), "aml.vmSize"],
        ["aml vmSize of a retired GPU family", (g) => onAml(g, { ...aml, vmSize: "Standard_NC6s_v3" }), "aml.vmSize"],
        [
            "aml workspace without its resource group",
            (g) => onAml(g, { subscriptionId: SUB, workspaceName: "mlw-scoring" }),
            "aml.resourceGroup",
        ],
        ["aml base stack not a reference", (g) => onAml(g, { ...aml, baseStack: "prod" }), "aml.baseStack"],
        ["aml environment not an asset", (g) => onAml(g, { ...aml, environment: "sklearn" }), "aml.environment"],
        [
            "aml input of a scheme Azure ML does not read",
            (g) => withWorkload(onAml(g), { inputs: { input: "s3://bucket/data.csv" } }),
            "workload.inputs.input",
        ],
        ["aml outputs on a local folder", (g) => ({ ...onAml(g), outputs: scratch.root }), "outputs"],
        [
            "aml input named code (the job input of a code folder)",
            (g) => withWorkload(onAml(g), { inputs: { code: scratch.data } }),
            "workload.inputs.code",
        ],
        [
            "aml input named requirements",
            (g) => withWorkload(onAml(g), { inputs: { requirements: scratch.data } }),
            "workload.inputs.requirements",
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

    it("suggests the field a typo meant", () => {
        const typo = issuesOf({ ...good, keepOnfailure: true }).find((i) => i.field === "keepOnfailure");
        assert.match(typo?.rule ?? "", /did you mean "keepOnFailure"\?/);
        const far = issuesOf({ ...good, colour: "blue" }).find((i) => i.field === "colour");
        assert.match(far?.rule ?? "", /known: series, target/);
    });

    it("reports every problem at once", () => {
        const issues = issuesOf({ series: "Bad_", target: "x", workload: { code: "" }, timeoutMinutes: -1, extra: 1 });
        assert.deepEqual([...new Set(issues.map((i) => i.field))].sort(), [
            "extra",
            "series",
            "target",
            "timeoutMinutes",
            "workload.code",
        ]);
    });

    it("never puts a secret value in an error", () => {
        const err = new ValidationError(issuesOf({ ...good, secrets: { token: 123456789 } }));
        assert.deepEqual(err.fields, ["secrets.token"]);
        assert.ok(!err.message.includes("123456789"), err.message);
        assert.match(err.message, /\[secret\]/);
    });

    it("says which size to use instead of a retired one", () => {
        const issue = issuesOf(onAml(good, { ...aml, vmSize: "Standard_NC6s_v3" })).find(
            (i) => i.field === "aml.vmSize",
        );
        assert.ok(issue, "aml.vmSize is reported");
        assert.match(issue.rule, /retired/);
        assert.match(issue.rule, /Standard_NC24ads_A100_v4|Standard_NC4as_T4_v3/);
    });

    it("takes the resource group from the base stack when there is one", () => {
        const spec = onAml(good, { subscriptionId: SUB, baseStack: "org/customai-platform/dev" });
        assert.deepEqual(issuesOf(spec), []);
    });

    it("accepts on aml what only Azure ML reads: URIs, a registered model, a datastore output (running it needs Azure: see test/azure)", () => {
        const spec = {
            ...withWorkload(onAml(good), {
                inputs: { input: "azureml://datastores/d/paths/x.csv", extra: "abfss://c@a.dfs.core.windows.net/p/" },
                model: "azureml:churn:3",
            }),
            outputs: "azureml://datastores/workspaceblobstore/paths/scores/",
        };
        assert.deepEqual(issuesOf(spec), []);
    });

    it("accepts inputs named code, script or requirements on the local target, where only --model is taken", () => {
        const spec = withWorkload(good, {
            inputs: { code: scratch.data, script: scratch.data, requirements: scratch.data },
        });
        assert.deepEqual(issuesOf(spec), []);
    });

    it("accepts a code folder with the script, arguments and requirements inside it", () => {
        const code = {
            dir: scratch.codeDir,
            script: "pkg/score.py",
            args: ["--threshold", "0.7"],
            requirements: path.join(scratch.codeDir, "requirements.txt"),
        };
        assert.deepEqual(issuesOf(withWorkload(good, { code })), []);
    });

    it("resolves defaults, and the target's section", () => {
        const resolved = resolveRunSpec(
            { ...good, workload: { code: "score.py", inputs: { input: "data.csv" } } },
            SECTIONS,
            fileCheck("/base", () => "file"),
        );
        assert.deepEqual(resolved.workload.code, {
            script: "/base/score.py",
            dir: undefined,
            args: [],
            requirements: undefined,
        });
        assert.deepEqual(resolved.workload.inputs, { input: { kind: "local", path: "/base/data.csv", folder: false } });
        assert.equal(resolved.workload.model, undefined);
        assert.equal(resolved.keepOnFailure, false);
        assert.deepEqual(resolved.secrets, {});
        assert.deepEqual(resolved.config, {});
        assert.equal(resolved.outputs, undefined);
        assert.deepEqual(resolved.section, { python: "python3" }, "the local section's default");

        const onAzure = resolveRunSpec(onAml(good), SECTIONS, fileCheck());
        const section = onAzure.section as ResolvedAmlSection;
        assert.equal(section.maxNodes, DEFAULT_AML_MAX_NODES);
        assert.equal(section.priority, "Dedicated");
        assert.equal(section.vmSize, "Standard_D4s_v5");
        assert.equal(section.environment, DEFAULT_AML_ENVIRONMENT);
    });

    it("classifies data: local files and folders, URIs (a trailing '/' is a folder), registered models", () => {
        const spec = {
            ...onAml(good),
            workload: {
                code: scratch.script,
                inputs: { file: scratch.data, folder: scratch.codeDir, uri: "azureml://datastores/d/paths/day/" },
                model: "azureml:churn@latest",
            },
        } as RunSpec;
        const { inputs, model } = resolveRunSpec(validateRunSpec(spec, SECTIONS), SECTIONS).workload;
        assert.deepEqual(inputs.file, { kind: "local", path: scratch.data, folder: false });
        assert.deepEqual(inputs.folder, { kind: "local", path: scratch.codeDir, folder: true });
        assert.deepEqual(inputs.uri, { kind: "uri", uri: "azureml://datastores/d/paths/day/", folder: true });
        assert.deepEqual(model, { kind: "asset", ref: "azureml:churn@latest" });
    });

    describe("relative paths", () => {
        const relative = (g: RunSpec): RunSpec => ({
            ...g,
            workload: { code: "score.py", inputs: { input: "data.csv" }, model: "model.json" },
        });

        it("are checked from the cwd given, the base resolveRunSpec uses too", () => {
            const base = path.dirname(scratch.data);
            assert.notEqual(process.cwd(), base);
            assert.deepEqual(issuesOf(relative(good), base), []);
            const resolved = resolveRunSpec(
                validateRunSpec(relative(good), SECTIONS, fileCheck(base)),
                SECTIONS,
                fileCheck(base),
            );
            assert.deepEqual(resolved.workload.inputs.input, { kind: "local", path: scratch.data, folder: false });
            assert.deepEqual(resolved.workload.model, { kind: "local", path: scratch.model, folder: false });
            // Without a base they are read from the process's working directory, where they are not.
            const fields = issuesOf(relative(good)).map((i) => i.field);
            assert.deepEqual(fields, ["workload.code", "workload.inputs.input", "workload.model"]);
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
                assert.deepEqual(err.fields, ["workload.code", "workload.inputs.input", "workload.model"]);
                return true;
            });
        });
    });
});
