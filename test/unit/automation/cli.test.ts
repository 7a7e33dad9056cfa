/**
 * The command line without the engine: argv → command and spec (file values
 * overridden by flags, repeatable maps, secrets read from the environment),
 * exit codes, schedule validation, and bad command lines rejected with a
 * message that names what is wrong.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CommanderError } from "commander";
import {
    CliCommand,
    CliIo,
    DEFAULT_TAIL,
    EXIT_CODES_HELP,
    exitCodeFor,
    main,
    parseCommandLine,
    specFromFlags,
    UsageError,
} from "../../../automation/cli";
import { PulumiCliMissingError } from "../../../automation/common/errors";
import { RunRecord } from "../../../automation/common/records";
import { DEFAULT_REAP_AGE_MINUTES } from "../../../automation/common/limits";
import { scheduleIssues, validateSchedule } from "../../../automation/schedule/scheduler";
import { ValidationError } from "../../../components/common/validation";

/** An in-memory io that keeps what was written. */
function captureIo(): CliIo & { stdout(): string; stderr(): string } {
    const out: string[] = [];
    const err: string[] = [];
    return {
        out: (text) => out.push(text),
        err: (text) => err.push(text),
        stdout: () => out.join(""),
        stderr: () => err.join(""),
    };
}

function expectCommand<K extends CliCommand["command"]>(cmd: CliCommand, kind: K): Extract<CliCommand, { command: K }> {
    assert.equal(cmd.command, kind);
    return cmd as Extract<CliCommand, { command: K }>;
}

describe("customai command line (pure)", () => {
    let dir: string;
    let specFile: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "customai-cli-"));
        specFile = path.join(dir, "nightly.json");
        fs.writeFileSync(
            specFile,
            JSON.stringify({
                series: "nightly",
                target: "local",
                workload: {
                    code: "score.py",
                    inputs: { input: "data/in.csv", remote: "azureml://datastores/d/paths/in/" },
                    model: "model.json",
                },
                outputs: "out",
                timeoutMinutes: 30,
                keepOnFailure: true,
                config: { region: "westeurope", tier: "gold" },
                secrets: { dbPassword: "from-file" },
            }),
        );
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("run: file, flags and environment → spec", () => {
        it("reads the file as written, its folder becoming the base of its relative paths", () => {
            const cmd = expectCommand(parseCommandLine(["run", specFile], {}), "run");
            assert.equal(cmd.specDir, dir, "the driver resolves the file's paths from its folder");
            assert.deepEqual(cmd.spec.workload, {
                code: "score.py",
                inputs: { input: "data/in.csv", remote: "azureml://datastores/d/paths/in/" },
                model: "model.json",
            });
            assert.equal(cmd.spec.outputs, "out");
            assert.equal(cmd.spec.timeoutMinutes, 30);
            assert.deepEqual(cmd.global, {
                json: false,
                runsDir: undefined,
                backendUrl: undefined,
                secretsProvider: undefined,
            });
        });

        it("lets every flag override the file, flag paths made absolute from the working directory", () => {
            const cwd = process.cwd();
            const cmd = expectCommand(
                parseCommandLine(
                    [
                        "run",
                        specFile,
                        "--series",
                        "adhoc",
                        "--script",
                        "other.py",
                        "--arg",
                        "--threshold",
                        "--arg",
                        "0.7",
                        "--input",
                        "other.csv",
                        "--input",
                        "days=https://example.org/days/",
                        "--model",
                        "azureml:churn:3",
                        "--outputs",
                        "out2",
                        "--timeout-minutes",
                        "2.5",
                        "--no-keep-on-failure",
                    ],
                    {},
                ),
                "run",
            );
            assert.equal(cmd.spec.series, "adhoc");
            assert.equal(cmd.spec.target, "local", "a field without its flag keeps the file's value");
            assert.deepEqual(cmd.spec.workload, {
                code: { script: path.join(cwd, "other.py"), args: ["--threshold", "0.7"] },
                inputs: {
                    input: path.join(cwd, "other.csv"),
                    remote: "azureml://datastores/d/paths/in/",
                    days: "https://example.org/days/",
                },
                model: "azureml:churn:3",
            });
            assert.equal(cmd.spec.outputs, path.join(cwd, "out2"));
            assert.equal(cmd.spec.timeoutMinutes, 2.5);
            assert.equal(cmd.spec.keepOnFailure, false);
        });

        it("adds code flags to a code object of the file, and keeps its arguments first", () => {
            const merged = specFromFlags(
                { workload: { code: { script: "s.py", args: ["--a"] } } },
                { arg: ["--b"], codeDir: "src", requirements: "req.txt" },
                "/work",
            );
            assert.deepEqual(merged.workload, {
                code: { script: "s.py", args: ["--a", "--b"], dir: "/work/src", requirements: "/work/req.txt" },
            });
        });

        it("adds repeated --config pairs to the file's config, a flag winning over the same key", () => {
            const cmd = expectCommand(
                parseCommandLine(
                    ["run", specFile, "--config", "tier=silver", "--config", "batch=500", "--config", "q=a=b"],
                    {},
                ),
                "run",
            );
            assert.deepEqual(cmd.spec.config, { region: "westeurope", tier: "silver", batch: "500", q: "a=b" });
        });

        it("reads --secret-env values from the environment, so no secret is on the command line", () => {
            const env = { CHURN_TOKEN: "s3cr3t-value", DB_PASS: "from-env" };
            const cmd = expectCommand(
                parseCommandLine(
                    ["run", specFile, "--secret-env", "apiToken=CHURN_TOKEN", "--secret-env", "dbPassword=DB_PASS"],
                    env,
                ),
                "run",
            );
            assert.deepEqual(cmd.spec.secrets, { dbPassword: "from-env", apiToken: "s3cr3t-value" });
        });

        it("rejects a --secret-env whose variable is missing or empty, naming the flag and the variable", () => {
            for (const [env, pattern] of [
                [{}, /--secret-env.*CHURN_TOKEN is not set/],
                [{ CHURN_TOKEN: "" }, /--secret-env.*CHURN_TOKEN is empty/],
            ] as const) {
                assert.throws(
                    () => parseCommandLine(["run", specFile, "--secret-env", "apiToken=CHURN_TOKEN"], env),
                    (e: unknown) => e instanceof CommanderError && pattern.test(e.message),
                );
            }
        });

        it("builds a spec from flags alone, and leaves a malformed file map for validation to name", () => {
            const cmd = expectCommand(
                parseCommandLine(
                    [
                        "run",
                        "--series",
                        "s",
                        "--target",
                        "aml",
                        "--input",
                        "azureml://d/i.csv",
                        "--timeout-minutes",
                        "5",
                    ],
                    {},
                ),
                "run",
            );
            assert.deepEqual(cmd.spec, {
                series: "s",
                target: "aml",
                workload: { inputs: { input: "azureml://d/i.csv" } },
                timeoutMinutes: 5,
            });
            assert.equal(cmd.specDir, undefined, "without a file, relative paths are the working directory's");
            assert.deepEqual(specFromFlags({ config: "oops" }, { config: [["a", "b"]] }), { config: "oops" });
            assert.deepEqual(specFromFlags({ workload: "oops" }, { model: "m" }), { workload: "oops" });
        });

        it("accepts the global options before or after the command", () => {
            const before = parseCommandLine(["--json", "--runs-dir", "/r", "run", specFile], {});
            const after = parseCommandLine(["run", specFile, "--backend-url", "file:///s", "--json"], {});
            assert.deepEqual(expectCommand(before, "run").global, {
                json: true,
                runsDir: "/r",
                backendUrl: undefined,
                secretsProvider: undefined,
            });
            assert.deepEqual(expectCommand(after, "run").global, {
                json: true,
                runsDir: undefined,
                backendUrl: "file:///s",
                secretsProvider: undefined,
            });
        });
    });

    it("takes the runs directory, backend and secrets provider from the environment unless a flag gives them", () => {
        const env = {
            CUSTOMAI_RUNS_DIR: "/env/runs",
            PULUMI_BACKEND_URL: "file:///env/state",
            PULUMI_SECRETS_PROVIDER: "azurekeyvault://env.vault.azure.net/keys/k",
        };
        assert.deepEqual(expectCommand(parseCommandLine(["runs"], env), "runs").global, {
            json: false,
            runsDir: "/env/runs",
            backendUrl: "file:///env/state",
            secretsProvider: "azurekeyvault://env.vault.azure.net/keys/k",
        });
        const flagged = parseCommandLine(
            [
                "reap",
                "--runs-dir",
                "/flag/runs",
                "--backend-url",
                "file:///f",
                "--secrets-provider",
                "azurekeyvault://flag.vault.azure.net/keys/k",
            ],
            env,
        );
        assert.deepEqual(expectCommand(flagged, "reap").global, {
            json: false,
            runsDir: "/flag/runs",
            backendUrl: "file:///f",
            secretsProvider: "azurekeyvault://flag.vault.azure.net/keys/k",
        });
    });

    describe("schedule, runs, reap, help", () => {
        it("parses schedule with its cron, time zone, run limit and spec flags", () => {
            const cmd = expectCommand(
                parseCommandLine(
                    ["schedule", "*/5 * * * * *", specFile, "--timezone", "Europe/Paris", "--max-runs", "3"],
                    {},
                ),
                "schedule",
            );
            assert.equal(cmd.cron, "*/5 * * * * *");
            assert.equal(cmd.timezone, "Europe/Paris");
            assert.equal(cmd.maxRuns, 3);
            assert.equal(cmd.spec.series, "nightly");
        });

        it("parses runs (also as `records`) and reap with their defaults", () => {
            const runs = expectCommand(parseCommandLine(["records", "--status", "failed"], {}), "runs");
            assert.equal(runs.tail, DEFAULT_TAIL);
            assert.equal(runs.status, "failed");
            const reap = expectCommand(parseCommandLine(["reap"], {}), "reap");
            assert.equal(reap.olderThanMinutes, DEFAULT_REAP_AGE_MINUTES);
            assert.equal(reap.dryRun, false);
            const dry = expectCommand(
                parseCommandLine(["reap", "--dry-run", "--older-than-minutes", "90"], {}),
                "reap",
            );
            assert.deepEqual([dry.olderThanMinutes, dry.dryRun], [90, true]);
        });

        it("parses plan: the program, repeatable config values, the usage and budget flags", () => {
            const cmd = expectCommand(
                parseCommandLine(
                    ["plan", "2-5", "-c", "poolMaxCount=4", "--config", "poolSpot=true", "--budget", "500"].concat([
                        "--burst-hours",
                        "0",
                        "--vm-hours",
                        "100",
                        "--live-prices",
                        "--out",
                        "m",
                    ]),
                    {},
                ),
                "plan",
            );
            assert.equal(cmd.program, "2-5");
            assert.deepEqual(cmd.config, ["poolMaxCount=4", "poolSpot=true"]);
            assert.deepEqual(
                [cmd.budget, cmd.burstHours, cmd.vmHours, cmd.livePrices, cmd.out],
                [500, 0, 100, true, "m"],
            );
            const plain = expectCommand(parseCommandLine(["plan", "platform"], {}), "plan");
            assert.deepEqual([plain.config, plain.budget, plain.livePrices], [[], undefined, false]);
            assert.throws(() => parseCommandLine(["plan", "2-5", "--budget", "0"], {}), /--budget.*above 0/);
            assert.throws(
                () => parseCommandLine(["plan", "2-5", "--burst-hours", "-1"], {}),
                /--burst-hours.*0 or more/,
            );
            assert.throws(() => parseCommandLine(["plan"], {}), /missing required argument 'program'/);
        });

        it("answers --help on every command with its options and the exit codes, and --version", () => {
            for (const argv of [
                ["--help"],
                ["run", "--help"],
                ["schedule", "--help"],
                ["runs", "-h"],
                ["help", "reap"],
                ["plan", "--help"],
            ]) {
                const info = expectCommand(parseCommandLine(argv, {}), "info");
                assert.match(info.text, /^Usage: customai/, argv.join(" "));
                assert.ok(info.text.includes(EXIT_CODES_HELP.trim()), `no exit codes in ${argv.join(" ")}`);
            }
            assert.match(expectCommand(parseCommandLine(["run", "--help"], {}), "info").text, /--secret-env/);
            assert.match(expectCommand(parseCommandLine(["--version"], {}), "info").text, /^\d+\.\d+\.\d+\n$/);
        });
    });

    describe("exit codes", () => {
        it("maps every outcome to the documented code", () => {
            const usage = new CommanderError(1, "commander.unknownOption", "error: unknown option '--x'");
            const cases: [Parameters<typeof exitCodeFor>[0], number][] = [
                [{ kind: "succeeded" }, 0],
                [{ kind: "failed" }, 1],
                [{ kind: "error", error: usage }, 2],
                [{ kind: "error", error: new UsageError("missing command") }, 2],
                [{ kind: "error", error: new ValidationError([{ field: "series", rule: "r", value: 1 }]) }, 2],
                [{ kind: "error", error: new PulumiCliMissingError("/nowhere", new Error("no bin/pulumi")) }, 3],
                [{ kind: "error", error: new Error("backend exploded") }, 1],
                [{ kind: "interrupted", signal: "SIGINT" }, 130],
                [{ kind: "interrupted", signal: "SIGTERM" }, 143],
                [{ kind: "interrupted", signal: "SIGHUP" }, 129],
            ];
            for (const [outcome, code] of cases) assert.equal(exitCodeFor(outcome), code, JSON.stringify(outcome));
            for (const code of [0, 1, 2, 3, 130, 143]) {
                assert.match(EXIT_CODES_HELP, new RegExp(`^  ${code} `, "m"), `exit code ${code} undocumented`);
            }
        });
    });

    describe("schedule validation", () => {
        it("names the cron field for a bad expression and the timezone field for an unknown zone", () => {
            const fields = (cron: string, timezone?: string) => scheduleIssues({ cron, timezone }).map((i) => i.field);
            assert.deepEqual(fields("61 * * * *"), ["cron"]);
            assert.deepEqual(fields("* * * *"), ["cron"]);
            assert.deepEqual(fields(""), ["cron"]);
            assert.deepEqual(fields("0 0 30 2 *"), ["cron"], "February 30th never comes");
            assert.deepEqual(fields("0 2 * * *", "Mars/Olympus"), ["timezone"]);
            assert.deepEqual(fields("nope", "Mars/Olympus"), ["timezone", "cron"]);
            assert.deepEqual(fields("*/10 * * * * *", "Europe/Paris"), []);
            assert.deepEqual(fields("@daily", "UTC"), []);
            assert.deepEqual(
                scheduleIssues({ cron: "* * * * *", maxRuns: 0 }).map((i) => i.field),
                ["maxRuns"],
            );
            assert.throws(
                () => validateSchedule({ cron: "0 25 * * *" }),
                (e: unknown) => e instanceof ValidationError && e.fields[0] === "cron" && /hour/.test(e.message),
            );
        });
    });

    describe("bad command lines", () => {
        // Each: the command line, what the message must say. All exit with 2 and never reach the engine.
        const cases: [string[], RegExp][] = [
            [[], /missing command: one of run, sample, schedule, runs, reap/],
            [["frobnicate"], /unknown command 'frobnicate'/],
            [["rnu"], /unknown command 'rnu'[\s\S]*Did you mean run\?/],
            [["run", "a.json", "b.json"], /too many arguments for 'run'/],
            [["run", "--bogus"], /unknown option '--bogus'/],
            [["run", "--series"], /option '--series <name>' argument missing/],
            [["run", "--target", "gpu"], /--target.*'gpu' is invalid.*local, aml/],
            [["run", "--timeout-minutes", "soon"], /--timeout-minutes.*'soon' is invalid.*number above 0/],
            [["run", "--timeout-minutes", "-3"], /--timeout-minutes.*number above 0/],
            [["run", "--config", "novalue"], /--config.*'novalue' is invalid.*key=value/],
            [["run", "--config", "=v"], /--config.*key=value/],
            [["run", "--secret-env", "tok=lower-case-var!"], /--secret-env.*key=ENV_VAR/],
            [["run", "--secret-env", "tok=NOT_SET_ANYWHERE"], /--secret-env.*NOT_SET_ANYWHERE is not set/],
            [["run", "missing.json"], /spec file missing.json: no such file/],
            [["schedule"], /missing required argument 'cron'/],
            [["schedule", "61 * * * *"], /cron: .*minute: 61/],
            [["schedule", "* * * * *", "--timezone", "Mars/Olympus"], /timezone: an IANA time zone.*Mars\/Olympus/],
            [["schedule", "* * * * *", "--max-runs", "0"], /--max-runs.*whole number, at least 1/],
            [["schedule", "* * * * *", "--max-runs", "1.5"], /--max-runs.*whole number/],
            [["runs", "--status", "weird"], /--status.*succeeded, failed, aborted/],
            [["runs", "--tail", "0"], /--tail.*whole number, at least 1/],
            [["reap", "--older-than-minutes", "x"], /--older-than-minutes.*number above 0/],
        ];
        for (const [argv, message] of cases) {
            it(`customai ${argv.join(" ") || "(nothing)"}`, async () => {
                const io = captureIo();
                const code = await main(argv, { io, env: {} });
                assert.equal(code, 2, io.stderr());
                assert.match(io.stderr(), message);
                assert.equal(io.stdout(), "", "a usage error printed to stdout");
            });
        }

        it("reports a spec file that is not JSON, or not an object", async () => {
            const broken = path.join(dir, "broken.json");
            fs.writeFileSync(broken, "{ series: nightly");
            const list = path.join(dir, "list.json");
            fs.writeFileSync(list, "[1, 2]");
            for (const [file, message] of [
                [broken, /broken.json: not valid JSON/],
                [list, /list.json: expected a JSON object/],
            ] as const) {
                const io = captureIo();
                assert.equal(await main(["run", file], { io, env: {} }), 2);
                assert.match(io.stderr(), message);
            }
        });

        it("rejects an invalid spec with exit 2 before the engine, naming every field (JSON too)", async () => {
            const io = captureIo();
            const code = await main(
                ["run", specFile, "--series", "Bad_Series", "--timeout-minutes", "5000", "--json"],
                {
                    io,
                    env: {},
                },
            );
            assert.equal(code, 2);
            assert.match(io.stderr(), /series: lowercase letters/);
            assert.match(io.stderr(), /timeoutMinutes: a number of minutes above 0 and at most 1440/);
            const doc = JSON.parse(io.stdout()) as { error: { exitCode: number; fields: string[] } };
            assert.equal(doc.error.exitCode, 2);
            assert.ok(doc.error.fields.includes("series") && doc.error.fields.includes("timeoutMinutes"));
        });
    });

    describe("runs", () => {
        it("filters the records file by series and status and keeps the last N", async () => {
            const runsDir = path.join(dir, "runs");
            fs.mkdirSync(runsDir);
            const record = (i: number, series: string, status: RunRecord["status"]): RunRecord => ({
                id: `id-${i}`,
                series,
                target: "local",
                stackName: `${series}-2026010${i}T000000000Z`,
                startedAt: `2026-01-0${i}T00:00:00.000Z`,
                finishedAt: `2026-01-0${i}T00:00:05.000Z`,
                durationMs: 5000,
                phases: {},
                status,
                keptStack: false,
            });
            const records = [
                record(1, "a", "failed"),
                record(2, "b", "failed"),
                record(3, "a", "succeeded"),
                record(4, "a", "failed"),
                record(5, "a", "failed"),
            ];
            fs.writeFileSync(path.join(runsDir, "records.jsonl"), records.map((r) => JSON.stringify(r)).join("\n"));
            const io = captureIo();
            const argv = [
                "runs",
                "--runs-dir",
                runsDir,
                "--series",
                "a",
                "--status",
                "failed",
                "--tail",
                "2",
                "--json",
            ];
            assert.equal(await main(argv, { io, env: {} }), 0);
            assert.deepEqual(
                (JSON.parse(io.stdout()) as RunRecord[]).map((r) => r.id),
                ["id-4", "id-5"],
            );
            const human = captureIo();
            assert.equal(await main(["runs", "--runs-dir", runsDir, "--series", "b"], { io: human, env: {} }), 0);
            assert.match(human.stdout(), /^2026-01-02T00:00:00.000Z {2}b +failed +5.0 s {2}b-20260102T000000000Z\n$/);
        });
    });
});
