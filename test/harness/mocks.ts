/**
 * The mock harness for component tests: records every resource the code under
 * test registers, answers invokes only for tokens a test registered, and fails
 * the test on any other invoke. Resources get ARM-shaped ids and the computed
 * outputs components read (endpoints, identities), as the offline plan gives
 * them (automation/plan/mock-azure.ts), so code that parses ids runs as it
 * would against Azure.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { azureResourceState, MOCK_SUBSCRIPTION, MOCK_TENANT } from "../../automation/plan/mock-azure";

export {
    MOCK_PRIVATE_IP,
    MOCK_PRIVATE_KEY,
    MOCK_PUBLIC_IP,
    MOCK_PUBLIC_KEY,
    MOCK_RESOURCE_GROUP,
    MOCK_SALT,
    MOCK_SUBSCRIPTION,
    MOCK_TENANT,
} from "../../automation/plan/mock-azure";

// Internal SDK helper: resolves once every outstanding registration has been
// answered by the mock monitor. Public alternatives only await single outputs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

/** The resource options that decide how Pulumi changes a resource, as the engine receives them. */
export interface RecordedOptions {
    readonly replaceOnChanges: readonly string[];
    readonly ignoreChanges: readonly string[];
    readonly deleteBeforeReplace: boolean;
    /** URNs of the resources this one waits for (`dependsOn`, and parents' dependencies). */
    readonly dependencies: readonly string[];
}

/** The subset of a registration request the harness reads (see the patch below). */
interface RegistrationRequest {
    getType(): string;
    getName(): string;
    getReplaceonchangesList(): string[];
    getIgnorechangesList(): string[];
    getDeletebeforereplace(): boolean;
    getDependenciesList(): string[];
}

/**
 * Options of each registration by `type::name`. The SDK's mock monitor sees
 * the whole registration request but hands the mocks only type, name, inputs
 * and provider; patching its `registerResource` (internal API) lets tests
 * assert the options that make Azure changes replace rather than update.
 */
const registrationOptions = new Map<string, RecordedOptions>();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
    MockMonitor: { prototype: { registerResource(req: RegistrationRequest, callback: unknown): Promise<void> } };
};
const registerResource = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (req: RegistrationRequest, callback: unknown) {
    registrationOptions.set(`${req.getType()}::${req.getName()}`, {
        replaceOnChanges: req.getReplaceonchangesList(),
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        dependencies: req.getDependenciesList(),
    });
    return registerResource.call(this, req, callback);
};

export interface RecordedResource {
    /** Type token, e.g. `azure-native:storage:StorageAccount`. */
    readonly type: string;
    /** Pulumi logical name. */
    readonly name: string;
    /** Inputs as the provider receives them: outputs resolved; top-level secrets unwrapped, nested ones wrapped (see `unwrapSecrets`). */
    readonly inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly id: string;
    /** Reference (`urn::id`) of the explicit provider the resource uses; empty for the default provider. */
    readonly provider: string;
    readonly options: RecordedOptions;
}

export type CallHandler = (inputs: Record<string, unknown>) => Record<string, unknown>;

export class MockRecorder implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly calls: { token: string; inputs: Record<string, unknown>; provider: string }[] = [];
    readonly unmockedCalls: string[] = [];
    private readonly handlers = new Map<string, CallHandler>();
    private readonly extraOutputs = new Map<string, (inputs: Record<string, unknown>) => Record<string, unknown>>();

    constructor() {
        this.onCall("azure-native:authorization:getClientConfig", () => ({
            clientId: "mock-client",
            objectId: "mock-object",
            subscriptionId: MOCK_SUBSCRIPTION,
            tenantId: MOCK_TENANT,
        }));
    }

    /** Answers invokes of `token`. Any other invoke fails the test. */
    onCall(token: string, handler: CallHandler): this {
        this.handlers.set(token, handler);
        return this;
    }

    /** Adds computed outputs (merged under the inputs) to every resource of `type`. */
    outputsFor(type: string, outputs: (inputs: Record<string, unknown>) => Record<string, unknown>): this {
        this.extraOutputs.set(type, outputs);
        return this;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const inputs = args.inputs as Record<string, unknown>;
        const options = registrationOptions.get(`${args.type}::${args.name}`) ?? {
            replaceOnChanges: [],
            ignoreChanges: [],
            deleteBeforeReplace: false,
            dependencies: [],
        };
        const answer = azureResourceState(args.type, args.name, inputs, this.extraOutputs.get(args.type)?.(inputs));
        this.resources.push({
            type: args.type,
            name: args.name,
            inputs,
            id: answer.id,
            provider: args.provider ?? "",
            options,
        });
        return answer;
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const inputs = args.inputs as Record<string, unknown>;
        this.calls.push({ token: args.token, inputs, provider: args.provider ?? "" });
        const handler = this.handlers.get(args.token);
        if (!handler) {
            this.unmockedCalls.push(args.token);
            throw new Error(`unmocked invoke ${args.token}: register it with recorder.onCall()`);
        }
        return handler(inputs);
    }

    /** Resources of one type token. */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of `type`; fails when there are none or several. */
    one(type: string): RecordedResource {
        const found = this.ofType(type);
        assert.equal(found.length, 1, `expected exactly one ${type}, found ${found.length}`);
        return found[0];
    }

    /** The resource with this logical name; fails when absent. */
    named(name: string): RecordedResource {
        const found = this.resources.find((r) => r.name === name);
        assert.ok(found, `no resource named ${name}; have: ${this.resources.map((r) => r.name).join(", ")}`);
        return found;
    }

    count(type: string): number {
        return this.ofType(type).length;
    }
}

/** Installs a fresh recorder as the Pulumi mocks (project `customai`, stack `test` by default). */
export async function useMocks(project = "customai", stack = "test", preview = false): Promise<MockRecorder> {
    const recorder = new MockRecorder();
    await pulumi.runtime.setMocks(recorder, project, stack, preview);
    return recorder;
}

/**
 * Waits until every registration and invoke has been answered, then fails if
 * any invoke was not mocked. Call it after constructing the code under test.
 */
export async function settle(recorder: MockRecorder): Promise<void> {
    await waitForRPCs();
    // A registration can schedule another once its inputs resolve; drain again.
    await new Promise((resolve) => setImmediate(resolve));
    await waitForRPCs();
    assert.deepEqual(recorder.unmockedCalls, [], "the code under test made invokes that no test mocked");
}

/** Resolves an Output's value in a mock test. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Whether an Output is marked secret. */
export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
    return pulumi.isSecret(output) as Promise<boolean>;
}

/** Pulumi's marker of a secret value inside the inputs the mock monitor receives. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARK = "1b47061264138c4ac30d75fd1eb44270";

/** True when `value` reached the provider as a secret (nested secrets stay wrapped in recorded inputs). */
export function isSecretInput(value: unknown): boolean {
    return !!value && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG] === SECRET_MARK;
}

/** `value` with every secret wrapper removed, for asserting on what is inside. */
export function unwrapSecrets<T>(value: T): T {
    if (Array.isArray(value)) return value.map(unwrapSecrets) as T;
    if (!value || typeof value !== "object") return value;
    if (isSecretInput(value)) return unwrapSecrets((value as Record<string, unknown>).value) as T;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)])) as T;
}
