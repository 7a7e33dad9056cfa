/**
 * Resources that live on this machine, for the `local` run target and the
 * engine tests: real create/delete through the Pulumi engine (dynamic
 * providers), no cloud account needed.
 *
 * The provider functions are serialized by the SDK into the provider process,
 * so they must only use what they `require` themselves.
 */
import * as pulumi from "@pulumi/pulumi";

export interface LocalDirectoryInputs {
    /** Required. Absolute path of the directory to create. */
    readonly path: pulumi.Input<string>;
    /** Optional. Files to write into it: relative name → content. @default {} */
    readonly files?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

interface DirectoryState {
    path: string;
    files: Record<string, string>;
}

const directoryProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: DirectoryState) {
        const fs = require("node:fs") as typeof import("node:fs"); // eslint-disable-line @typescript-eslint/no-require-imports
        const path = require("node:path") as typeof import("node:path"); // eslint-disable-line @typescript-eslint/no-require-imports
        fs.mkdirSync(inputs.path, { recursive: true });
        for (const [name, content] of Object.entries(inputs.files ?? {})) {
            const target = path.resolve(inputs.path, name);
            if (!target.startsWith(path.resolve(inputs.path) + path.sep))
                throw new Error(`file ${name} escapes ${inputs.path}`);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.writeFileSync(target, content);
        }
        return { id: inputs.path, outs: { path: inputs.path, files: inputs.files ?? {} } };
    },
    async diff(_id: string, olds: DirectoryState, news: DirectoryState) {
        const replaces = olds.path !== news.path ? ["path"] : [];
        const changes = replaces.length > 0 || JSON.stringify(olds.files) !== JSON.stringify(news.files);
        return { changes, replaces, deleteBeforeReplace: true };
    },
    async update(_id: string, _olds: DirectoryState, news: DirectoryState) {
        const fs = require("node:fs") as typeof import("node:fs"); // eslint-disable-line @typescript-eslint/no-require-imports
        const path = require("node:path") as typeof import("node:path"); // eslint-disable-line @typescript-eslint/no-require-imports
        for (const [name, content] of Object.entries(news.files ?? {})) {
            fs.writeFileSync(path.resolve(news.path, name), content);
        }
        return { outs: { path: news.path, files: news.files ?? {} } };
    },
    async delete(id: string) {
        const fs = require("node:fs") as typeof import("node:fs"); // eslint-disable-line @typescript-eslint/no-require-imports
        fs.rmSync(id, { recursive: true, force: true });
    },
};

/** A directory (with optional files) that exists exactly as long as the resource. */
export class LocalDirectory extends pulumi.dynamic.Resource {
    declare readonly path: pulumi.Output<string>;

    constructor(name: string, args: LocalDirectoryInputs, opts?: pulumi.CustomResourceOptions) {
        super(
            directoryProvider,
            name,
            { path: args.path, files: args.files ?? {} },
            opts,
            "customai-local",
            "Directory",
        );
    }
}
