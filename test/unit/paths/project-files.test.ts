/**
 * What the catalog and each path's CONFIG_SPEC determine stays in step with
 * the files people read: each program's Pulumi.yaml (the keys `pulumi config`
 * shows and the CLI type-checks), its README's config table, and the front
 * README's paths table. `npm run docs` rewrites them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ConfigSpec } from "../../../components/common";
import { PATHS } from "../../../programs/catalog";
import {
    configTable,
    generatedBlock,
    pathsTable,
    projectConfigType,
    projectFile,
    tableCells,
} from "../../../programs/project-files";

const ROOT = path.join(__dirname, "../../..");
const read = (...parts: string[]) => fs.readFileSync(path.join(ROOT, ...parts), "utf8");
const DRIFT = "out of date: run npm run docs";

describe("files generated from the catalog and the config specs", () => {
    for (const entry of PATHS) {
        describe(`programs/${entry.id}`, () => {
            let spec: ConfigSpec;
            before(async () => {
                spec = (await entry.load()).CONFIG_SPEC;
            });

            it("Pulumi.yaml declares every key with a default, typed, and no other", () => {
                const file = yaml.load(read("programs", entry.id, "Pulumi.yaml"));
                assert.deepEqual(file, projectFile(entry, spec), `programs/${entry.id}/Pulumi.yaml ${DRIFT}`);
                const declared = Object.keys((file as { config: object }).config);
                const withDefault = Object.entries(spec)
                    .filter(([, f]) => f.default !== undefined)
                    .map(([k]) => k);
                assert.deepEqual(declared, withDefault);
            });

            it("README's config table lists every key with its type, default and meaning", () => {
                const block = generatedBlock(read("programs", entry.id, "README.md"), "config");
                assert.ok(block, `programs/${entry.id}/README.md has no generated config block`);
                assert.deepEqual(tableCells(block), tableCells(configTable(spec)), `config table ${DRIFT}`);
            });
        });
    }

    it("the front README's paths table lists every path of the catalog", () => {
        const block = generatedBlock(read("README.md"), "paths");
        assert.ok(block, "README.md has no generated paths block");
        assert.deepEqual(tableCells(block), tableCells(pathsTable(PATHS)), `paths table ${DRIFT}`);
    });
});

describe("project config declarations", () => {
    it("declare only keys with a default: the CLI would refuse a declared key without one before the program names it", () => {
        assert.equal(projectConfigType({ type: "string", description: "d", required: true }), undefined);
        assert.equal(projectConfigType({ type: "string", description: "d" }), undefined);
    });

    it("use Pulumi's types: arrays of strings, objects, and numbers as strings (Pulumi has no number type)", () => {
        assert.deepEqual(projectConfigType({ type: "string[]", description: "d", default: [] }), {
            type: "array",
            items: { type: "string" },
            description: "d",
            default: [],
        });
        assert.deepEqual(projectConfigType({ type: "json", description: "d", default: {} }), {
            type: "object",
            description: "d",
            default: {},
        });
        assert.deepEqual(projectConfigType({ type: "number", description: "d", default: 1.5 }), {
            type: "string",
            description: "d",
            default: "1.5",
        });
        assert.equal(projectConfigType({ type: "json", description: "d", default: [1] }), undefined);
    });
});
