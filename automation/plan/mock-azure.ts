/**
 * What Azure would answer, as far as a program needs answers to go on:
 * ARM-shaped ids, the outputs Azure computes that components read back
 * (endpoints, identities, IP addresses), and placeholder values for the
 * invokes our programs make. Shared by the offline plan and the test mocks,
 * so code that parses an id or reads an endpoint runs as it would on Azure.
 * Every value here is a placeholder: Azure assigns the real ones at deploy.
 */

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
export const MOCK_TENANT = "00000000-0000-0000-0000-0000000000aa";
export const MOCK_RESOURCE_GROUP = "rg-test";
export const MOCK_PRIVATE_IP = "10.20.1.4";
export const MOCK_PUBLIC_IP = "203.0.113.10";
/** The salt a DeploymentSalt has under mocks (a deployed stack keeps one random salt). */
export const MOCK_SALT = "m0ck";
export const MOCK_PUBLIC_KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAACAQmock generated@vm";
export const MOCK_PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nmock\n-----END RSA PRIVATE KEY-----\n";

type Inputs = Record<string, unknown>;

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

/** The name Azure would know a resource by: its name input, else the logical name. */
export function azureNameOf(type: string, name: string, inputs: Inputs): string {
    if (type === "azure-native:resources:ResourceGroup") return String(inputs.resourceGroupName ?? name);
    for (const key of NAME_KEYS) {
        if (typeof inputs[key] === "string") return inputs[key] as string;
    }
    if (typeof inputs.name === "string") return inputs.name;
    return name;
}

/** An id of ARM's shape for azure-native resources; `<name>-id` for anything else. */
export function armId(type: string, azureName: string, inputs: Inputs): string {
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

/** Computed outputs that components read. */
function computedOutputs(type: string, azureName: string): Inputs {
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

/** The principal id Azure gives a system-assigned identity, when the inputs ask for one. */
function systemPrincipal(azureName: string, inputs: Inputs): Inputs {
    const identity = inputs.identity as { type?: string } | undefined;
    if (!identity?.type?.includes("SystemAssigned")) return {};
    return { identity: { ...identity, principalId: `principal-${azureName}` } };
}

/** Outputs Azure derives from the inputs; applied over the inputs. */
function derivedOutputs(type: string, azureName: string, inputs: Inputs): Inputs {
    switch (type) {
        case "azure-native:compute:VirtualMachine":
        case "azure-native:machinelearningservices:Compute":
        case "azure-native:machinelearningservices:Workspace":
            return systemPrincipal(azureName, inputs);
        case "azure-native:network:NetworkInterface":
            return {
                ipConfigurations: ((inputs.ipConfigurations as Inputs[]) ?? []).map((c, i) => ({
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

function isPlainObject(value: unknown): value is Inputs {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Inputs over computed outputs, merging nested objects: a resource's inputs
 * `properties: { sku }` and its computed `properties: { vaultUri }` both survive,
 * as they do in the state Azure returns.
 */
function mergeOutputs(computed: Inputs, inputs: Inputs): Inputs {
    const out: Inputs = { ...computed };
    for (const [key, value] of Object.entries(inputs)) {
        out[key] = isPlainObject(value) && isPlainObject(out[key]) ? mergeOutputs(out[key], value) : value;
    }
    return out;
}

/**
 * The id and state Azure would return for a resource: its inputs, over the
 * outputs Azure computes (and `extra` ones a caller adds), under those it
 * derives from the inputs; `name` and `id` as Azure reports them.
 */
export function azureResourceState(
    type: string,
    name: string,
    inputs: Inputs,
    extra: Inputs = {},
): { id: string; state: Inputs } {
    const azureName = azureNameOf(type, name, inputs);
    const id = armId(type, azureName, inputs);
    const computed = { ...computedOutputs(type, azureName), ...extra };
    const state = { ...mergeOutputs(computed, inputs), ...derivedOutputs(type, azureName, inputs) };
    return { id, state: { ...state, name: azureName, id } };
}
