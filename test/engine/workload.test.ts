/**
 * A workload of the user's own on the local target (real CLI): a code folder
 * whose script imports a module beside it and a package installed from the
 * run's requirements (a wheel on disk: no network), named inputs (a file and
 * a folder), extra arguments, config and a secret; the outputs are whatever
 * the script wrote.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeScratch, Scratch } from "./helpers";

/** A minimal pure-Python wheel, built with the standard library, so pip installs it offline. */
function buildWheel(dir: string): string {
    const wheel = path.join(dir, "tinydep-0.1-py3-none-any.whl");
    const script = `
import base64, hashlib, sys, zipfile
files = {
    "tinydep/__init__.py": "GREETING = 'hello from tinydep'\\n",
    "tinydep-0.1.dist-info/METADATA": "Metadata-Version: 2.1\\nName: tinydep\\nVersion: 0.1\\n",
    "tinydep-0.1.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
digest = lambda d: "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(d.encode()).digest()).rstrip(b"=").decode()
record = "".join(f"{n},{digest(c)},{len(c.encode())}\\n" for n, c in files.items()) + "tinydep-0.1.dist-info/RECORD,,\\n"
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for n, c in files.items():
        z.writestr(n, c)
    z.writestr("tinydep-0.1.dist-info/RECORD", record)
`;
    execFileSync("python3", ["-c", script, wheel]);
    return wheel;
}

const SCRIPT = `
import argparse, json, os, sys
from helpers.words import shout
import tinydep

p = argparse.ArgumentParser()
p.add_argument("--model", required=True)
p.add_argument("--events", required=True)
p.add_argument("--days", required=True)
p.add_argument("--output-dir", required=True)
p.add_argument("--label", required=True)
a = p.parse_args()
days = sorted(os.listdir(a.days))
with open(os.path.join(a.output_dir, "report.txt"), "w") as out:
    out.write(shout(tinydep.GREETING) + "\\n")
    out.write(open(a.events).read().strip() + "\\n")
    out.write(",".join(days) + "\\n")
    out.write(a.label + "\\n")
    out.write(os.environ["CUSTOMAI_CONFIG_REGION"] + "\\n")
    out.write(str(len(os.environ["CUSTOMAI_SECRET_TOKEN"])) + "\\n")
    out.write(open(a.model).read().strip() + "\\n")
`;

describe("a workload of the user's own on the local target (real CLI)", function () {
    let scratch: Scratch;
    beforeEach(async () => {
        scratch = await makeScratch("customai-workload-");
    });
    afterEach(() => scratch.cleanup());

    it("runs a code folder with installed requirements on named inputs, and collects what it wrote", async () => {
        const root = scratch.root;
        const code = path.join(root, "code");
        fs.mkdirSync(path.join(code, "jobs"), { recursive: true });
        fs.mkdirSync(path.join(code, "helpers"));
        fs.writeFileSync(path.join(code, "jobs", "score.py"), SCRIPT);
        fs.writeFileSync(path.join(code, "helpers", "__init__.py"), "");
        fs.writeFileSync(path.join(code, "helpers", "words.py"), "def shout(s):\n    return s.upper()\n");
        const wheel = buildWheel(root);
        fs.writeFileSync(path.join(code, "requirements.txt"), `--no-index\n${wheel}\n`);
        fs.writeFileSync(path.join(root, "events.csv"), "events-1\n");
        fs.mkdirSync(path.join(root, "days"));
        for (const day of ["2026-12-01.csv", "2026-12-02.csv"]) fs.writeFileSync(path.join(root, "days", day), "");
        fs.writeFileSync(path.join(root, "model.txt"), "model-v7\n");

        const record = await scratch.driver({ cwd: root }).run({
            series: "own-code",
            target: "local",
            timeoutMinutes: 2,
            workload: {
                code: {
                    dir: "code",
                    script: "jobs/score.py",
                    requirements: "code/requirements.txt",
                    args: ["--label", "it's mine"],
                },
                inputs: { events: "events.csv", days: "days" },
                model: "model.txt",
            },
            outputs: "out",
            config: { region: "emea" },
            secrets: { token: "s3cret-token" },
        });

        assert.equal(record.status, "succeeded", record.error);
        const out = path.join(root, "out");
        assert.equal(record.outputs?.location, out);
        assert.deepEqual(record.outputs?.files, ["report.txt"]);
        assert.equal(record.outputs?.metrics, undefined, "no metrics.json, no metrics");
        assert.equal(record.outputs?.predictionsPath, undefined, "no predictions.csv, none reported");
        assert.deepEqual(fs.readFileSync(path.join(out, "report.txt"), "utf8").trim().split("\n"), [
            "HELLO FROM TINYDEP",
            "events-1",
            "2026-12-01.csv,2026-12-02.csv",
            "it's mine",
            "emea",
            String("s3cret-token".length),
            "model-v7",
        ]);
        assert.deepEqual(scratch.stacks(), [], "the run stack was destroyed");
        const work = path.join(scratch.runsDir, "work", record.stackName);
        assert.equal(fs.existsSync(work), false, "the installed packages went with the work directory");
    });

    it("fails the run, naming the step, when the requirements cannot be installed", async () => {
        const requirements = path.join(scratch.root, "requirements.txt");
        fs.writeFileSync(requirements, `--no-index\n${path.join(scratch.root, "missing-0.1-py3-none-any.whl")}\n`);
        const spec = scratch.localSpec("bad-requirements");
        const record = await scratch.driver().run({
            ...spec,
            workload: {
                ...spec.workload,
                code: {
                    ...(spec.workload.code as object),
                    script: (spec.workload.code as { script: string }).script,
                    requirements,
                },
            },
        });
        assert.equal(record.status, "failed");
        assert.match(record.error ?? "", /^installing requirements exited with code \d+/);
        assert.deepEqual(scratch.stacks(), []);
    });
});
