/**
 * Every key a program reads is documented in its Pulumi.example.yaml (as a
 * value or a commented-out line), and the file names no key the program does
 * not read.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { PATHS } from "../../../programs/catalog";

const PROGRAMS = path.join(__dirname, "../../../programs");

describe("example stack configs", () => {
    for (const entry of PATHS.filter((p) => p.load)) {
        it(`programs/${entry.id}/Pulumi.example.yaml documents exactly the keys the program reads`, async () => {
            const dir = path.join(PROGRAMS, entry.id);
            const project = (yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name: string })
                .name;
            const text = fs.readFileSync(path.join(dir, "Pulumi.example.yaml"), "utf8");
            const { CONFIG_SPEC } = (await import(path.join(dir, "program"))) as { CONFIG_SPEC: object };
            const mentioned = new Set(
                [...text.matchAll(new RegExp(`^\\s*#?\\s*${project}:([A-Za-z0-9]+):`, "gm"))].map((m) => m[1]),
            );
            const read = Object.keys(CONFIG_SPEC);
            assert.deepEqual(
                read.filter((k) => !mentioned.has(k)),
                [],
                "keys the program reads but the example does not document",
            );
            assert.deepEqual(
                [...mentioned].filter((k) => !read.includes(k)),
                [],
                "keys the example names but the program never reads",
            );
        });
    }
});
