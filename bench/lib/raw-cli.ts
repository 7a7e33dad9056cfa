/**
 * The baseline: the same lifecycle as a driver run, issued as plain CLI
 * commands through child_process. The CLI cannot start a Node program by
 * itself here (no `pulumi-language-nodejs`), so this module serves the
 * program the way the Automation API does internally: it starts the SDK's
 * `LanguageServer` on a local gRPC port and hands `--client=127.0.0.1:<port>`
 * to `up` and `destroy`. Nothing else of the Automation API is used.
 */
import { PulumiFn } from "@pulumi/pulumi/automation";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The SDK's own copies, so the server and the program share one `@pulumi/pulumi` runtime. */
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const langrpc = sdkRequire("./proto/language_grpc_pb") as typeof import("@pulumi/pulumi/proto/language_grpc_pb");
const settings = sdkRequire("./runtime/settings") as { grpcChannelOptions: Record<string, unknown> };
/** Internal to the SDK (its typings export nothing), hence the hand-written shape. */
const { LanguageServer } = sdkRequire("./automation/server") as {
    LanguageServer: new (program: PulumiFn) => import("@grpc/grpc-js").UntypedServiceImplementation & {
        onPulumiExit(hasError: boolean): void;
    };
};

export interface RawCliOptions {
    /** Required. The `pulumi` executable. */
    readonly pulumi: string;
    /** Required. Directory for Pulumi.yaml; the CLI runs there. */
    readonly workDir: string;
    /** Required. Environment of every command (backend, passphrase, offline switches). */
    readonly env: Readonly<Record<string, string>>;
    readonly project: string;
    readonly stackName: string;
    /** Config set with `pulumi config set` before the update. */
    readonly config: Readonly<Record<string, string>>;
    readonly program: PulumiFn;
    /** Optional. Called between `up` and `destroy` (to check the resources exist). @default - nothing */
    readonly afterUp?: () => void;
}

/** Runs `pulumi <args>` in the work directory; rejects with the CLI's stderr on failure. */
async function pulumiCmd(options: RawCliOptions, args: string[]): Promise<string> {
    try {
        const { stdout } = await execFileAsync(options.pulumi, [...args, "--non-interactive"], {
            cwd: options.workDir,
            env: { ...process.env, ...options.env },
            maxBuffer: 16 * 1024 * 1024,
        });
        return stdout;
    } catch (err) {
        const stderr = (err as { stderr?: string }).stderr ?? "";
        throw new Error(`pulumi ${args[0]} failed: ${stderr.trim() || String(err)}`);
    }
}

/** Runs `pulumi <args> --client=<language server>` with a server that serves `program` for this command only. */
async function withProgram(options: RawCliOptions, args: string[]): Promise<string> {
    const server = new grpc.Server(settings.grpcChannelOptions);
    const language = new LanguageServer(options.program);
    server.addService(langrpc.LanguageRuntimeService, language);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
            err ? reject(err) : resolve(p),
        ),
    );
    let failed = false;
    try {
        return await pulumiCmd(options, [...args, `--client=127.0.0.1:${port}`, "--exec-kind", "inline"]);
    } catch (err) {
        failed = true;
        throw err;
    } finally {
        language.onPulumiExit(failed);
        server.forceShutdown();
    }
}

/** stack init → config set → up → destroy → stack rm, each one CLI process. */
export async function rawCliLifecycle(options: RawCliOptions): Promise<void> {
    fs.mkdirSync(options.workDir, { recursive: true });
    // What the Automation API would write too: the project, with the runtime the language server answers for.
    fs.writeFileSync(path.join(options.workDir, "Pulumi.yaml"), `name: ${options.project}\nruntime: nodejs\n`);
    const stack = ["--stack", options.stackName];
    await pulumiCmd(options, ["stack", "init", options.stackName]);
    for (const [key, value] of Object.entries(options.config)) {
        await pulumiCmd(options, ["config", "set", key, value, ...stack]);
    }
    await withProgram(options, ["up", "--yes", "--skip-preview", ...stack]);
    options.afterUp?.();
    await withProgram(options, ["destroy", "--yes", "--skip-preview", ...stack]);
    await pulumiCmd(options, ["stack", "rm", "--yes", ...stack]);
}
