/**
 * The mock harness for component tests: records every resource the code under
 * test registers, answers invokes only for tokens a test registered, and fails
 * the test on any other invoke. Resources get ARM-shaped ids and the computed
 * outputs components read (endpoints, identities), so code that parses ids
 * runs as it would against Azure.
 */
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";

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

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
export const MOCK_TENANT = "00000000-0000-0000-0000-0000000000aa";
export const MOCK_RESOURCE_GROUP = "rg-test";

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

/** Azure name property candidates, in the order azure-native resources use them. */
const NAME_KEYS = [
    // Child resources first: they also carry their parent's name (accountName…).
    "containerName",
    "blobServicesName",
    "computeName",
    "roleAssignmentName",
    "vmName",
    "networkSecurityGroupName",
    "publicIpAddressName",
    "networkInterfaceName",
    "virtualNetworkName",
    "subnetName",
    "vaultName",
    "registryName",
    "workspaceName",
    "resourceName",
    "accountName",
];

function azureNameOf(type: string, name: string, inputs: Record<string, unknown>): string {
    if (type === "azure-native:resources:ResourceGroup") return String(inputs.resourceGroupName ?? name);
    for (const key of NAME_KEYS) {
        if (typeof inputs[key] === "string") return inputs[key] as string;
    }
    if (typeof inputs.name === "string") return inputs.name;
    return name;
}

function armId(type: string, azureName: string, inputs: Record<string, unknown>): string {
    const [pkg, mod, kind] = type.split(":");
    if (pkg !== "azure-native") return `${azureName}-id`;
    if (kind === "ResourceGroup") return `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${azureName}`;
    if (kind === "RoleAssignment" || kind === "DiagnosticSetting") {
        const scope = String(inputs.scope ?? inputs.resourceUri ?? "");
        return `${scope}/providers/Microsoft.${mod}/${kind}s/${azureName}`;
    }
    const rg = typeof inputs.resourceGroupName === "string" ? inputs.resourceGroupName : MOCK_RESOURCE_GROUP;
    const where = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers`;
    // Components that read an id back (a federated credential finds its identity's group and name) get ARM's shape.
    if (type === "azure-native:managedidentity:UserAssignedIdentity") {
        return `${where}/Microsoft.ManagedIdentity/userAssignedIdentities/${azureName}`;
    }
    return `${where}/Mock.${mod}/${kind}/${azureName}`;
}

/** Computed outputs that components read; a test can add more with `MockRecorder.outputsFor`. */
function computedOutputs(type: string, azureName: string): Record<string, unknown> {
    switch (type) {
        case "azure-native:storage:StorageAccount":
            return { primaryEndpoints: { blob: `https://${azureName}.blob.core.windows.net/` } };
        case "azure-native:containerregistry:Registry":
            return { loginServer: `${azureName}.azurecr.io` };
        case "azure-native:managedidentity:UserAssignedIdentity":
            return { principalId: `principal-${azureName}`, clientId: `client-${azureName}`, tenantId: MOCK_TENANT };
        case "azure-native:applicationinsights:Component":
            return {
                connectionString: `InstrumentationKey=mock-${azureName}`,
                instrumentationKey: `mock-${azureName}`,
            };
        case "azure-native:keyvault:Vault":
            return { properties: { vaultUri: `https://${azureName}.vault.azure.net/` } };
        default:
            return {};
    }
}

export const MOCK_PRIVATE_IP = "10.20.1.4";
/** The salt a DeploymentSalt has under these mocks. */
export const MOCK_SALT = "m0ck";
export const MOCK_PUBLIC_IP = "203.0.113.10";
export const MOCK_PUBLIC_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAACAQmock generated@vm";
export const MOCK_PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nmock\n-----END RSA PRIVATE KEY-----\n";

/** The principal id Azure gives a system-assigned identity, when the inputs ask for one. */
function systemPrincipal(azureName: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const identity = inputs.identity as { type?: string } | undefined;
    if (!identity?.type?.includes("SystemAssigned")) return {};
    return { identity: { ...identity, principalId: `principal-${azureName}` } };
}

/** Outputs Azure derives from the inputs; applied over the inputs. */
function derivedOutputs(type: string, azureName: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "azure-native:compute:VirtualMachine":
        case "azure-native:machinelearningservices:Compute":
        case "azure-native:machinelearningservices:Workspace":
            return systemPrincipal(azureName, inputs);
        case "azure-native:network:NetworkInterface":
            return {
                ipConfigurations: ((inputs.ipConfigurations as Record<string, unknown>[]) ?? []).map((c, i) => ({
                    ...c,
                    privateIPAddress: i === 0 ? MOCK_PRIVATE_IP : undefined,
                })),
            };
        case "azure-native:network:PublicIPAddress":
            return { ipAddress: MOCK_PUBLIC_IP };
        case "pulumi-nodejs:dynamic/customai:DeploymentSalt":
            // What a stack's state would keep: one salt, the same on every run (the program makes a random one).
            return { value: MOCK_SALT };
        case "pulumi-nodejs:dynamic/customai:SshKeyPair":
            return {
                publicKeyOpenssh: MOCK_PUBLIC_KEY,
                privateKeyPem: MOCK_PRIVATE_KEY,
                fingerprintSha256: "SHA256:mock",
            };
        default:
            return {};
    }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Inputs over computed outputs, merging nested objects: a resource's inputs
 * `properties: { sku }` and its computed `properties: { vaultUri }` both survive,
 * as they do in the state Azure returns.
 */
function mergeOutputs(computed: Record<string, unknown>, inputs: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...computed };
    for (const [key, value] of Object.entries(inputs)) {
        out[key] = isPlainObject(value) && isPlainObject(out[key]) ? mergeOutputs(out[key], value) : value;
    }
    return out;
}

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
        const azureName = azureNameOf(args.type, args.name, inputs);
        const id = armId(args.type, azureName, inputs);
        const options = registrationOptions.get(`${args.type}::${args.name}`) ?? {
            replaceOnChanges: [],
            ignoreChanges: [],
            deleteBeforeReplace: false,
            dependencies: [],
        };
        this.resources.push({ type: args.type, name: args.name, inputs, id, provider: args.provider ?? "", options });
        const computed = {
            ...computedOutputs(args.type, azureName),
            ...(this.extraOutputs.get(args.type)?.(inputs) ?? {}),
        };
        const state = { ...mergeOutputs(computed, inputs), ...derivedOutputs(args.type, azureName, inputs) };
        return { id, state: { ...state, name: azureName, id } };
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
