/**
 * The job process helper on its own (no engine): exit codes, a command that
 * cannot start, the timeout, and output split into lines.
 */
import * as assert from "node:assert/strict";
import * as os from "node:os";
import { runJobProcess } from "../../../automation/targets/local/job-process";

const base = { cwd: os.tmpdir(), env: { PATH: process.env.PATH }, timeoutMs: 10_000 };

describe("job process", () => {
    it("succeeds on exit code 0 and reports its output line by line", async () => {
        const lines: string[] = [];
        const result = await runJobProcess({
            ...base,
            command: "python3",
            args: ["-c", "print('a'); print('b')"],
            onLine: (stream, line) => lines.push(`${stream}:${line}`),
        });
        assert.equal(result.outcome, "succeeded");
        assert.deepEqual(lines, ["stdout:a", "stdout:b"]);
    });

    it("fails with the last stderr lines on a non-zero exit", async () => {
        const result = await runJobProcess({
            ...base,
            command: "python3",
            args: ["-c", "import sys; sys.exit('boom')"],
        });
        assert.equal(result.outcome, "failed");
        assert.equal(result.exitCode, 1);
        assert.deepEqual(result.stderrTail, ["boom"]);
    });

    it("fails, naming the command, when it cannot start", async () => {
        const result = await runJobProcess({ ...base, command: "/nonexistent/python3", args: [] });
        assert.equal(result.outcome, "failed");
        assert.match(result.stderrTail.join("\n"), /cannot start \/nonexistent\/python3.*ENOENT/);
    });

    it("stops a job past its timeout, escalating to SIGKILL when SIGTERM is ignored", async () => {
        const started = Date.now();
        const lines: string[] = [];
        const result = await runJobProcess({
            ...base,
            command: "python3",
            args: [
                "-c",
                "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\ntime.sleep(30)",
            ],
            timeoutMs: 500,
            killGraceMs: 300,
            onLine: (_stream, line) => lines.push(line),
        });
        assert.equal(result.outcome, "timed-out");
        // SIGTERM came after the job ignored it, so only the SIGKILL after the grace period ended it.
        assert.deepEqual(lines, ["ready"], "the job did not get to ignore SIGTERM before the timeout");
        assert.ok(result.durationMs >= 500 + 300, `ended after ${result.durationMs} ms, before the grace period`);
        assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    });
});
