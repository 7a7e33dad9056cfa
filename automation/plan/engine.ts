/**
 * Runs a Pulumi program under the SDK's mock engine and records what it
 * declares: no CLI, no credentials, no network. Each registration is seen as
 * the engine would see it (URN, parent, inputs with their secrets marked),
 * and answered the way Azure would answer (mock-azure.ts, answers.ts).
 *
 * The SDK's runtime is one per process, so recordings run one at a time;
 * `recordProgram` serialises them.
 */
import * as pulumi from "@pulumi/pulumi";
import { PLAN_COMPUTED, PLAN_INVOKES } from "./answers";
import { azureResourceState } from "./mock-azure";
import { PlannedResource } from "./resources";

// Internal SDK helpers (public alternatives await single outputs only):
// resolves once every outstanding registration has been answered.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/** Pulumi's marker of a secret value in serialized properties. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";
/** Pulumi's marker of a resource reference in serialized properties. */
const RESOURCE_MARK = "5cf8f73096256a8f31e491e813e4eb8e";

/** The part of a registration request the recorder reads. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface RegisterResponse {
    getUrn(): string;
}
type Callback = (err: unknown, response?: RegisterResponse) => void;
interface Monitor {
    registerResource(req: RegisterRequest, callback: Callback): unknown;
}

/** What a program's config is, as the engine hands it over. */
export interface ProgramConfig {
    /** Fully qualified keys (`project:key`) → values as strings (structured values as JSON). */
    readonly values: Readonly<Record<string, string>>;
    /** Keys whose values are secrets. */
    readonly secretKeys: readonly string[];
}

export interface RecordOptions {
    readonly project: string;
    /** @default "plan" */
    readonly stack?: string;
    readonly config: ProgramConfig;
}

/** What a program declared and exported. */
export interface Recording {
    readonly resources: readonly PlannedResource[];
    /** Stack outputs, resolved; secret ones are listed in `secretOutputs`. */
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly secretOutputs: readonly string[];
    /** Invokes the program made that the plan answered with placeholders, by token. */
    readonly invokes: readonly string[];
    /** Stacks the program read through StackReferences; their outputs were placeholders. */
    readonly stackReferences: readonly string[];
}

/** A serialized value with secret markers replaced by their contents; `paths` collects where they were. */
function unwrap(value: unknown, path: string, paths: string[]): unknown {
    if (Array.isArray(value)) return value.map((v, i) => unwrap(v, `${path}[${i}]`, paths));
    if (!value || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    if (object[SECRET_SIG] === SECRET_MARK) {
        paths.push(path);
        return unwrap(object.value, path, []);
    }
    if (object[SECRET_SIG] === RESOURCE_MARK) return object.urn;
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, unwrap(v, path ? `${path}.${k}` : k, paths)]));
}

/** The mocks: Azure's answers for resources and invokes, counting what was used. */
class PlanMocks implements pulumi.runtime.Mocks {
    readonly invokes = new Set<string>();
    readonly stackReferences = new Set<string>();
    /** Invokes with no answer: the SDK reports a failed invoke without its message, so the plan says it. */
    readonly unanswered = new Set<string>();

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const inputs = args.inputs as Record<string, unknown>;
        if (args.type === "pulumi:pulumi:StackReference") this.stackReferences.add(String(inputs.name));
        return azureResourceState(args.type, args.name, inputs, PLAN_COMPUTED[args.type]?.(inputs) ?? {});
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const answer = PLAN_INVOKES[args.token];
        if (!answer) {
            this.unanswered.add(args.token);
            throw new Error(`no offline answer for ${args.token}`);
        }
        this.invokes.add(args.token);
        return answer(args.inputs as Record<string, unknown>);
    }
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` under the mock engine with `options.config` and records
 * every resource it registers. Recordings in one process run one after
 * another (the SDK's runtime is global); a failing program rejects with its
 * own error.
 */
export function recordProgram(
    program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
    options: RecordOptions,
): Promise<Recording> {
    const next = queue.then(() => record(program, options));
    queue = next.catch(() => undefined);
    return next;
}

async function record(
    program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void,
    options: RecordOptions,
): Promise<Recording> {
    const mocks = new PlanMocks();
    await pulumi.runtime.setMocks(mocks, options.project, options.stack ?? "plan", false);
    const resources: PlannedResource[] = [];
    observeRegistrations(pulumi.runtime.getMonitor() as unknown as Monitor, resources);
    pulumi.runtime.setAllConfig({ ...options.config.values }, [...options.config.secretKeys]);

    // An error inside an output (a component's check on a computed value) surfaces as an unhandled
    // rejection of the registration it feeds, and the outputs that depend on it never resolve: the
    // first such error fails the plan instead of the process, or a wait that would never end.
    let fail: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    process.on("unhandledRejection", fail);
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    const evaluate = async () => {
        const exported = (await program()) ?? {};
        for (const [name, value] of Object.entries(exported)) {
            const output: pulumi.Output<unknown> = pulumi.output(value as pulumi.Input<unknown>);
            outputs[name] = await new Promise((resolve) => output.apply(resolve));
            if (await pulumi.isSecret(output)) secretOutputs.push(name);
        }
        // A registration can schedule another once its inputs resolve: drain until quiet.
        await waitForRPCs();
        await new Promise((resolve) => setImmediate(resolve));
        await waitForRPCs();
    };
    try {
        await Promise.race([evaluate(), failed]);
    } catch (err) {
        if (mocks.unanswered.size === 0) throw err;
        const tokens = [...mocks.unanswered].join(", ");
        throw new Error(
            `the program calls ${tokens}, which an offline plan cannot answer (it answers: ${Object.keys(PLAN_INVOKES).join(", ")})`,
        );
    } finally {
        process.off("unhandledRejection", fail);
    }
    return {
        resources,
        outputs,
        secretOutputs,
        invokes: [...mocks.invokes].sort(),
        stackReferences: [...mocks.stackReferences].sort(),
    };
}

/** Wraps this runtime's monitor so each registration is recorded with its URN, once answered. */
function observeRegistrations(monitor: Monitor, into: PlannedResource[]): void {
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
        register(req, (err, response) => {
            if (!err && response && req.getType() !== "pulumi:pulumi:Stack") {
                const secretPaths: string[] = [];
                const inputs = unwrap(req.getObject()?.toJavaScript() ?? {}, "", secretPaths) as Record<
                    string,
                    unknown
                >;
                into.push({
                    urn: response.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    parent: req.getParent() || undefined,
                    custom: req.getCustom(),
                    inputs,
                    secretPaths,
                });
            }
            callback(err, response);
        });
}
