import * as assert from "node:assert/strict";
import {
    DEFAULT_SUFFIX_LENGTH,
    componentResourceName,
    componentWorkload,
    NAME_RULES,
    NameRule,
    ResourceKind,
    nameIssues,
    resourceName,
    shortSuffix,
    validateName,
} from "../../../components/common/naming";
import { ValidationError } from "../../../components/common/validation";

/**
 * One name checked against one kind. `broken` lists, in order, the rule every
 * issue must state (as a pattern over the issue's `rule` text); absent means
 * the name is valid. Rules come from Azure's "Naming rules and restrictions for Azure resources".
 */
interface NameCase {
    readonly kind: ResourceKind;
    readonly field: string;
    readonly name: string;
    readonly broken?: readonly RegExp[];
    readonly why: string;
}

const LENGTH = (min: number, max: number) => new RegExp(`names are ${min}-${max} characters$`);

const CASES: readonly NameCase[] = [
    // Resource group: 1-90, letters, digits, _ - . ( ), not ending in '.'
    { kind: "resourceGroup", field: "resourceGroupName", name: "rg-ml_dev.(eu)", why: "every allowed character" },
    { kind: "resourceGroup", field: "resourceGroupName", name: "r", why: "minimum length 1" },
    { kind: "resourceGroup", field: "resourceGroupName", name: "g".repeat(90), why: "maximum length 90" },
    {
        kind: "resourceGroup",
        field: "resourceGroupName",
        name: "rg-ml.",
        broken: [/not ending in '\.'/],
        why: "ends with '.'",
    },
    {
        kind: "resourceGroup",
        field: "resourceGroupName",
        name: "rg ml",
        broken: [/letters, digits, '_', '-'/],
        why: "contains a space",
    },
    {
        kind: "resourceGroup",
        field: "resourceGroupName",
        name: "g".repeat(91),
        broken: [LENGTH(1, 90)],
        why: "one over the maximum",
    },

    // Storage account: 3-24 lowercase letters and digits
    { kind: "storageAccount", field: "accountName", name: "stmldata01", why: "lowercase and digits" },
    { kind: "storageAccount", field: "accountName", name: "st0", why: "minimum length 3" },
    { kind: "storageAccount", field: "accountName", name: "s".repeat(24), why: "maximum length 24" },
    { kind: "storageAccount", field: "accountName", name: "st", broken: [LENGTH(3, 24)], why: "too short" },
    {
        kind: "storageAccount",
        field: "accountName",
        name: "s".repeat(25),
        broken: [LENGTH(3, 24)],
        why: "one over the maximum",
    },
    {
        kind: "storageAccount",
        field: "accountName",
        name: "stMlData",
        broken: [/lowercase letters and digits only/],
        why: "uppercase letters",
    },
    {
        kind: "storageAccount",
        field: "accountName",
        name: "st-ml-data",
        broken: [/lowercase letters and digits only/],
        why: "hyphens",
    },
    {
        kind: "storageAccount",
        field: "accountName",
        name: "ST_ML_DATA_WITH_A_VERY_LONG_NAME",
        broken: [LENGTH(3, 24), /lowercase letters and digits only/],
        why: "both too long and bad characters: both reported",
    },

    // Blob container: 3-63 lowercase, digits, '-'; starts alnum; no '--'; no trailing '-'
    { kind: "blobContainer", field: "containers[0]", name: "raw-data-2024", why: "words and digits" },
    { kind: "blobContainer", field: "containers[0]", name: "abc", why: "minimum length 3" },
    { kind: "blobContainer", field: "containers[0]", name: "c".repeat(63), why: "maximum length 63" },
    { kind: "blobContainer", field: "containers[0]", name: "ab", broken: [LENGTH(3, 63)], why: "too short" },
    {
        kind: "blobContainer",
        field: "containers[1]",
        name: "Data",
        broken: [/lowercase letters, digits and '-'/],
        why: "uppercase",
    },
    {
        kind: "blobContainer",
        field: "containers[1]",
        name: "-data",
        broken: [/starting and ending with a letter or digit/],
        why: "leading hyphen",
    },
    {
        kind: "blobContainer",
        field: "containers[1]",
        name: "data-",
        broken: [/starting and ending with a letter or digit/],
        why: "trailing hyphen",
    },
    {
        kind: "blobContainer",
        field: "containers[2]",
        name: "raw--data",
        broken: [/no consecutive hyphens/],
        why: "double hyphen",
    },

    // Key vault: 3-24 alnum and '-'; starts with a letter; ends alnum; no '--'
    { kind: "keyVault", field: "vaultName", name: "kv-Scoring-01", why: "mixed case, hyphens, digits" },
    { kind: "keyVault", field: "vaultName", name: "kv1", why: "minimum length 3" },
    { kind: "keyVault", field: "vaultName", name: "k".repeat(24), why: "maximum length 24" },
    {
        kind: "keyVault",
        field: "vaultName",
        name: "1kv-scoring",
        broken: [/starting with a letter/],
        why: "digit first",
    },
    {
        kind: "keyVault",
        field: "vaultName",
        name: "kv-scoring-",
        broken: [/ending with a letter or digit/],
        why: "trailing hyphen",
    },
    {
        kind: "keyVault",
        field: "vaultName",
        name: "kv--scoring",
        broken: [/no consecutive hyphens/],
        why: "double hyphen",
    },
    {
        kind: "keyVault",
        field: "vaultName",
        name: "kv_scoring",
        broken: [/letters, digits and '-'/],
        why: "underscore",
    },
    {
        kind: "keyVault",
        field: "vaultName",
        name: "k".repeat(25),
        broken: [LENGTH(3, 24)],
        why: "one over the maximum",
    },

    // Container registry: 5-50 alphanumerics
    { kind: "containerRegistry", field: "registryName", name: "crScoring01", why: "letters and digits" },
    { kind: "containerRegistry", field: "registryName", name: "c".repeat(50), why: "maximum length 50" },
    { kind: "containerRegistry", field: "registryName", name: "cr01", broken: [LENGTH(5, 50)], why: "too short" },
    {
        kind: "containerRegistry",
        field: "registryName",
        name: "cr-scoring",
        broken: [/letters and digits only/],
        why: "hyphen",
    },
    {
        kind: "containerRegistry",
        field: "registryName",
        name: "c".repeat(51),
        broken: [LENGTH(5, 50)],
        why: "one over the maximum",
    },

    // ML workspace: ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$
    { kind: "mlWorkspace", field: "workspaceName", name: "mlw_scoring-Dev", why: "underscore, hyphen, case" },
    { kind: "mlWorkspace", field: "workspaceName", name: "1ab", why: "digit first, minimum length 3" },
    { kind: "mlWorkspace", field: "workspaceName", name: "w".repeat(33), why: "maximum length 33" },
    { kind: "mlWorkspace", field: "workspaceName", name: "ws", broken: [LENGTH(3, 33)], why: "too short" },
    {
        kind: "mlWorkspace",
        field: "workspaceName",
        name: "-mlw",
        broken: [/starting with a letter or digit/],
        why: "leading hyphen",
    },
    {
        kind: "mlWorkspace",
        field: "workspaceName",
        name: "mlw.scoring",
        broken: [/letters, digits, '_' and '-'/],
        why: "dot",
    },
    {
        kind: "mlWorkspace",
        field: "workspaceName",
        name: "w".repeat(34),
        broken: [LENGTH(3, 33)],
        why: "one over the maximum",
    },

    // AML compute cluster and instance 3-24 (the Azure ML docs): letters, digits, '-'; starts with a letter; a
    // letter somewhere after each '-'
    { kind: "amlCompute", field: "computeName", name: "gpu-cluster-01a", why: "hyphens and digits" },
    { kind: "amlCompute", field: "computeName", name: "g".repeat(24), why: "maximum length 24" },
    {
        kind: "amlCompute",
        field: "computeName",
        name: "gpu-cluster-01",
        broken: [/a letter somewhere after each '-'/],
        why: "digits only after the last hyphen",
    },
    { kind: "amlCompute", field: "computeName", name: "1gpu", broken: [/starting with a letter/], why: "digit first" },
    {
        kind: "amlCompute",
        field: "computeName",
        name: "gpu_cluster",
        broken: [/letters, digits and '-'/],
        why: "underscore",
    },
    { kind: "amlCompute", field: "computeName", name: "g".repeat(25), broken: [LENGTH(3, 24)], why: "too long" },
    { kind: "amlComputeInstance", field: "instanceName", name: "i".repeat(24), why: "maximum length 24" },
    {
        kind: "amlComputeInstance",
        field: "instanceName",
        name: "i".repeat(25),
        broken: [LENGTH(3, 24)],
        why: "one over the maximum",
    },

    // AML online/batch endpoint and deployment: 3-32, starts with a letter, letters, digits, single '-'
    { kind: "mlEndpoint", field: "endpointName", name: "score-v1", why: "letters, digits, one hyphen" },
    { kind: "mlEndpoint", field: "endpointName", name: "ep", broken: [LENGTH(3, 32)], why: "too short" },
    { kind: "mlEndpoint", field: "endpointName", name: "9score", broken: [/starting with a letter/], why: "digit" },
    {
        kind: "mlEndpoint",
        field: "endpointName",
        name: "score--v1",
        broken: [/no consecutive hyphens/],
        why: "double hyphen",
    },
    {
        kind: "mlEndpoint",
        field: "endpointName",
        name: "score-",
        broken: [/ending with a letter or digit/],
        why: "trailing hyphen",
    },
    { kind: "mlDeployment", field: "deploymentName", name: "blue", why: "a plain word" },
    {
        kind: "mlDeployment",
        field: "deploymentName",
        name: "blue_1",
        broken: [/letters, digits and single '-'/],
        why: "underscore",
    },

    // AKS cluster: 1-63 alnum, '_', '-'; starts and ends alnum
    { kind: "aksCluster", field: "clusterName", name: "aks_scoring-01", why: "underscore and hyphen inside" },
    { kind: "aksCluster", field: "clusterName", name: "a", why: "minimum length 1" },
    {
        kind: "aksCluster",
        field: "clusterName",
        name: "-aks",
        broken: [/starting and ending with a letter or digit/],
        why: "leading hyphen",
    },
    {
        kind: "aksCluster",
        field: "clusterName",
        name: "aks_",
        broken: [/starting and ending with a letter or digit/],
        why: "trailing underscore",
    },
    { kind: "aksCluster", field: "clusterName", name: "a".repeat(64), broken: [LENGTH(1, 63)], why: "too long" },

    // AKS node pool (Linux): 1-12 lowercase alnum, starts with a letter
    { kind: "aksNodePool", field: "pools[0].name", name: "gpu1", why: "lowercase and digit" },
    { kind: "aksNodePool", field: "pools[0].name", name: "p".repeat(12), why: "maximum length 12" },
    { kind: "aksNodePool", field: "pools[0].name", name: "GPU", broken: [/lowercase letters/], why: "uppercase" },
    {
        kind: "aksNodePool",
        field: "pools[1].name",
        name: "1gpu",
        broken: [/starting with a letter/],
        why: "digit first",
    },
    {
        kind: "aksNodePool",
        field: "pools[1].name",
        name: "gpu-pool",
        broken: [/lowercase letters and digits/],
        why: "hyphen",
    },
    {
        kind: "aksNodePool",
        field: "pools[2].name",
        name: "p".repeat(13),
        broken: [LENGTH(1, 12)],
        why: "one over the maximum",
    },

    // AKS dnsPrefix: 1-54 alnum and '-', starts and ends alnum
    { kind: "aksDnsPrefix", field: "dnsPrefix", name: "scoring-dev", why: "hyphenated" },
    { kind: "aksDnsPrefix", field: "dnsPrefix", name: "d".repeat(55), broken: [LENGTH(1, 54)], why: "too long" },

    // VM (also the Linux host name): 1-64; no spaces or ~!@#$%^&*()=+_[]{}\|;:.'",<>/?; not ending '.' or '-'
    { kind: "virtualMachine", field: "vmName", name: "vm-scoring-01", why: "hyphens and digits" },
    { kind: "virtualMachine", field: "vmName", name: "v".repeat(64), why: "maximum length 64" },
    {
        kind: "virtualMachine",
        field: "vmName",
        name: "vm_scoring",
        broken: [/no spaces or special characters/],
        why: "underscore is not allowed in a Linux host name",
    },
    {
        kind: "virtualMachine",
        field: "vmName",
        name: "vm.scoring",
        broken: [/no spaces or special characters/],
        why: "dot",
    },
    {
        kind: "virtualMachine",
        field: "vmName",
        name: "my vm",
        broken: [/no spaces or special characters/],
        why: "space",
    },
    { kind: "virtualMachine", field: "vmName", name: "vm-", broken: [/not ending in '-'/], why: "trailing hyphen" },
    {
        kind: "virtualMachine",
        field: "vmName",
        name: "v".repeat(65),
        broken: [LENGTH(1, 64)],
        why: "one over the maximum",
    },

    // NSG 1-80 / VNet 2-64 / public IP 1-80: alnum _ . -; starts alnum; ends alnum or '_'
    { kind: "networkSecurityGroup", field: "nsgName", name: "nsg.app-01_", why: "ends with '_'" },
    { kind: "networkSecurityGroup", field: "nsgName", name: "n", why: "minimum length 1" },
    {
        kind: "networkSecurityGroup",
        field: "nsgName",
        name: "_nsg",
        broken: [/starting with a letter or digit/],
        why: "leading underscore",
    },
    {
        kind: "networkSecurityGroup",
        field: "nsgName",
        name: "nsg-",
        broken: [/ending with one or '_'/],
        why: "trailing hyphen",
    },
    {
        kind: "networkSecurityGroup",
        field: "nsgName",
        name: "n".repeat(81),
        broken: [LENGTH(1, 80)],
        why: "too long",
    },
    { kind: "virtualNetwork", field: "vnetName", name: "vn", why: "minimum length 2" },
    {
        kind: "virtualNetwork",
        field: "vnetName",
        name: "v",
        broken: [LENGTH(2, 64), /starting with a letter or digit, ending with one or '_'/],
        why: "too short: both the length and the pattern are reported",
    },
    {
        kind: "virtualNetwork",
        field: "vnetName",
        name: "vnet.",
        broken: [/ending with one or '_'/],
        why: "trailing dot",
    },
    { kind: "publicIp", field: "publicIpName", name: "pip-gw_", why: "ends with '_'" },
    { kind: "publicIp", field: "publicIpName", name: "pip gw", broken: [/letters, digits, '_'/], why: "space" },

    // Event Hubs namespace 6-50: alnum and '-', starts with a letter, ends alnum
    { kind: "eventHubsNamespace", field: "namespaceName", name: "evhns-ingest", why: "hyphenated" },
    { kind: "eventHubsNamespace", field: "namespaceName", name: "evhns1", why: "minimum length 6" },
    {
        kind: "eventHubsNamespace",
        field: "namespaceName",
        name: "evhns",
        broken: [LENGTH(6, 50)],
        why: "one under the minimum",
    },
    {
        kind: "eventHubsNamespace",
        field: "namespaceName",
        name: "1evhns-ingest",
        broken: [/starting with a letter/],
        why: "digit first",
    },
    {
        kind: "eventHubsNamespace",
        field: "namespaceName",
        name: "evhns-ingest-",
        broken: [/ending with a letter or digit/],
        why: "trailing hyphen",
    },
    { kind: "eventHub", field: "hubName", name: "scores.v1_raw-events", why: "dots, underscores, hyphens inside" },
    {
        kind: "eventHub",
        field: "hubName",
        name: "scores.",
        broken: [/starting and ending with a letter or digit/],
        why: "trailing dot",
    },
    { kind: "subnet", field: "subnetName", name: "snet-compute_", why: "ends with '_'" },
    {
        kind: "subnet",
        field: "subnetName",
        name: "snet-compute.",
        broken: [/ending with one or '_'/],
        why: "trailing dot",
    },

    // Log Analytics 4-63: alnum and '-', starts and ends alnum
    { kind: "logAnalytics", field: "workspaceName", name: "log1", why: "minimum length 4" },
    { kind: "logAnalytics", field: "workspaceName", name: "log", broken: [LENGTH(4, 63)], why: "too short" },
    {
        kind: "logAnalytics",
        field: "workspaceName",
        name: "log_ops",
        broken: [/letters, digits and '-'/],
        why: "underscore",
    },
    {
        kind: "logAnalytics",
        field: "workspaceName",
        name: "-logs",
        broken: [/starting and ending with a letter or digit/],
        why: "leading hyphen",
    },

    // Application Insights and managed identity
    { kind: "applicationInsights", field: "appInsightsName", name: "appi-scoring (dev)", why: "spaces, parentheses" },
    {
        kind: "applicationInsights",
        field: "appInsightsName",
        name: "appi/scoring",
        broken: [/no '%', '&', '\\', '\?' or '\/'/],
        why: "slash",
    },
    { kind: "managedIdentity", field: "identityName", name: "id-scorer_01", why: "hyphen and underscore" },
    { kind: "managedIdentity", field: "identityName", name: "id", broken: [LENGTH(3, 128)], why: "too short" },
    {
        kind: "managedIdentity",
        field: "identityName",
        name: "_id-scorer",
        broken: [/starting with a letter or digit/],
        why: "leading underscore",
    },
    { kind: "aksDnsPrefix", field: "dnsPrefix", name: "scoring-", broken: [/letters, digits and '-'/], why: "dash" },
    { kind: "amlComputeInstance", field: "instanceName", name: "nb-alice", why: "hyphenated" },
    { kind: "mlDeployment", field: "deploymentName", name: "ab", broken: [LENGTH(3, 32)], why: "too short" },
    {
        kind: "applicationInsights",
        field: "appInsightsName",
        name: "appi-scoring.",
        broken: [/not ending in '\.' or a space/],
        why: "trailing dot",
    },
    { kind: "publicIp", field: "publicIpName", name: "p", why: "minimum length 1" },
    { kind: "batchPool", field: "poolName", name: "b".repeat(65), broken: [LENGTH(1, 64)], why: "too long" },

    // Synapse workspace 1-50: lowercase, digits, '-'; Spark pool 1-15: letters and digits, starts with a letter
    { kind: "synapseWorkspace", field: "synapseName", name: "synw-ml-01", why: "lowercase and hyphens" },
    {
        kind: "synapseWorkspace",
        field: "synapseName",
        name: "SynwML",
        broken: [/lowercase letters, digits and '-'/],
        why: "uppercase",
    },
    {
        kind: "synapseWorkspace",
        field: "synapseName",
        name: "synw-ondemand",
        broken: [/must not contain '-ondemand'/],
        why: "reserved '-ondemand'",
    },
    {
        kind: "synapseWorkspace",
        field: "synapseName",
        name: "s".repeat(51),
        broken: [LENGTH(1, 50)],
        why: "too long",
    },
    { kind: "sparkPool", field: "sparkPoolName", name: "Pool01", why: "letters and digits" },
    { kind: "sparkPool", field: "sparkPoolName", name: "p".repeat(15), why: "maximum length 15" },
    { kind: "sparkPool", field: "sparkPoolName", name: "1pool", broken: [/starting with a letter/], why: "digit" },
    {
        kind: "sparkPool",
        field: "sparkPoolName",
        name: "pool-1",
        broken: [/letters and digits, starting with a letter/],
        why: "hyphen",
    },
    {
        kind: "sparkPool",
        field: "sparkPoolName",
        name: "p".repeat(16),
        broken: [LENGTH(1, 15)],
        why: "one over the maximum",
    },

    // Batch account 3-24 lowercase alnum; pool 1-64 alnum _ -
    { kind: "batchAccount", field: "batchAccountName", name: "bascoring01", why: "lowercase and digits" },
    {
        kind: "batchAccount",
        field: "batchAccountName",
        name: "BaScoring",
        broken: [/lowercase letters and digits only/],
        why: "uppercase",
    },
    {
        kind: "batchAccount",
        field: "batchAccountName",
        name: "ba-scoring",
        broken: [/lowercase letters and digits only/],
        why: "hyphen",
    },
    { kind: "batchAccount", field: "batchAccountName", name: "ba", broken: [LENGTH(3, 24)], why: "too short" },
    { kind: "batchPool", field: "poolName", name: "gpu_pool-1", why: "underscore and hyphen" },
    {
        kind: "batchPool",
        field: "poolName",
        name: "gpu.pool",
        broken: [/letters, digits, '_' and '-'/],
        why: "dot",
    },
];

/** Length bounds straight from Azure's naming rules, written out independently of NAME_RULES. */
const DOCUMENTED_LENGTHS: Partial<Record<ResourceKind, [number, number]>> = {
    resourceGroup: [1, 90],
    storageAccount: [3, 24],
    blobContainer: [3, 63],
    keyVault: [3, 24],
    containerRegistry: [5, 50],
    mlWorkspace: [3, 33],
    amlCompute: [3, 24],
    amlComputeInstance: [3, 24],
    mlEndpoint: [3, 32],
    mlDeployment: [3, 32],
    aksCluster: [1, 63],
    aksNodePool: [1, 12],
    aksDnsPrefix: [1, 54],
    virtualMachine: [1, 64],
    networkSecurityGroup: [1, 80],
    virtualNetwork: [2, 64],
    publicIp: [1, 80],
    eventHubsNamespace: [6, 50],
    eventHub: [1, 256],
    logAnalytics: [4, 63],
    synapseWorkspace: [1, 50],
    sparkPool: [1, 15],
    batchAccount: [3, 24],
    batchPool: [1, 64],
};

/** Kinds the table marks as unique across all of Azure. */
const GLOBAL_KINDS: readonly ResourceKind[] = [
    "storageAccount",
    "keyVault",
    "containerRegistry",
    "eventHubsNamespace",
    "synapseWorkspace",
];

const ALL_KINDS = Object.keys(NAME_RULES) as ResourceKind[];

function suffixOf(name: string): string {
    return name.slice(-DEFAULT_SUFFIX_LENGTH);
}

describe("naming: nameIssues / validateName", () => {
    for (const c of CASES) {
        const shown = c.name.length > 30 ? `${c.name.slice(0, 12)}…(${c.name.length})` : c.name;
        const label = `${c.kind} ${JSON.stringify(shown)}`;
        if (!c.broken) {
            it(`accepts ${label} (${c.why})`, () => {
                assert.deepEqual(nameIssues(c.kind, c.name, c.field), []);
                assert.equal(validateName(c.kind, c.name, c.field), c.name);
            });
            continue;
        }
        const broken = c.broken;
        it(`rejects ${label} (${c.why}), naming ${c.field} and the rule`, () => {
            const issues = nameIssues(c.kind, c.name, c.field);
            assert.equal(issues.length, broken.length, `issues: ${JSON.stringify(issues)}`);
            issues.forEach((issue, i) => {
                assert.equal(issue.field, c.field);
                assert.equal(issue.value, c.name);
                assert.ok(issue.rule.startsWith(`${c.kind} names`), `rule names the kind: ${issue.rule}`);
                assert.match(issue.rule, broken[i]);
            });
            assert.throws(
                () => validateName(c.kind, c.name, c.field),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.deepEqual(err.issues, issues);
                    assert.ok(err.message.includes(`${c.field}: ${issues[0].rule}`), err.message);
                    return true;
                },
            );
        });
    }

    it("has at least one valid and one invalid case for every kind", () => {
        for (const kind of ALL_KINDS) {
            const cases = CASES.filter((c) => c.kind === kind);
            assert.ok(
                cases.some((c) => !c.broken),
                `${kind} has a valid case`,
            );
            assert.ok(
                cases.some((c) => c.broken),
                `${kind} has an invalid case`,
            );
        }
    });

    it("uses the documented length bounds for every kind", () => {
        for (const [kind, [min, max]] of Object.entries(DOCUMENTED_LENGTHS) as [ResourceKind, [number, number]][]) {
            assert.deepEqual(
                [NAME_RULES[kind].minLength, NAME_RULES[kind].maxLength],
                [min, max],
                `${kind} length bounds`,
            );
        }
    });

    it("treats exactly the documented kinds as globally unique", () => {
        const global = ALL_KINDS.filter((k) => NAME_RULES[k].uniqueIn === "global");
        assert.deepEqual([...global].sort(), [...GLOBAL_KINDS].sort());
    });

    it("reports an empty name as a length problem only, with the default field `name`", () => {
        const issues = nameIssues("keyVault", "");
        assert.deepEqual(issues, [{ field: "name", rule: "keyVault names are 3-24 characters", value: "" }]);
    });

    it("reports a non-string name instead of crashing", () => {
        const issues = nameIssues("storageAccount", 42 as unknown as string, "accountName");
        assert.equal(issues.length, 1);
        assert.equal(issues[0].field, "accountName");
        assert.match(issues[0].rule, /storageAccount name \(string\)/);
    });
});

describe("naming: shortSuffix", () => {
    it("is pinned to base-36 SHA-256, so existing resource names never change", () => {
        // Expected values computed independently in Python:
        //   int(hashlib.sha256(seed.encode()).hexdigest(), 16) in base 36, last `length` digits.
        assert.equal(shortSuffix("scoring"), "iljxop");
        assert.equal(shortSuffix("scoring", 24), "wl3zua2xno5rpf8moeiljxop");
        assert.equal(shortSuffix("storageAccount:fraud/dev"), "cdjgrf");
    });

    it("is deterministic and lowercase alphanumeric at every allowed length", () => {
        for (const length of [1, 6, 12, 24]) {
            const a = shortSuffix("customai/dev/ml-data", length);
            assert.equal(a, shortSuffix("customai/dev/ml-data", length));
            assert.match(a, new RegExp(`^[a-z0-9]{${length}}$`));
        }
    });

    it("differs between seeds", () => {
        const seeds = ["dev", "prod", "test", "customai/dev/a", "customai/dev/b", "customai/prod/a"];
        const suffixes = new Set(seeds.map((s) => shortSuffix(s)));
        assert.equal(suffixes.size, seeds.length);
    });

    for (const bad of [0, 25, 1.5, -6, Number.NaN]) {
        it(`rejects length ${bad}, naming the field`, () => {
            assert.throws(
                () => shortSuffix("x", bad),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.equal(err.issues[0].field, "length");
                    assert.equal(err.issues[0].rule, "an integer from 1 to 24");
                    return true;
                },
            );
        });
    }
});

describe("naming: resourceName", () => {
    it("builds CAF names with the abbreviation, parts and suffix", () => {
        const kv = resourceName("keyVault", { workload: "scoring", environment: "dev" });
        assert.match(kv, /^kv-scoring-dev-[a-z0-9]{6}$/);
        const cr = resourceName("containerRegistry", { workload: "fraud-scoring", environment: "dev" });
        assert.match(cr, /^crfraudscoringdev[a-z0-9]{6}$/);
        // Kinds unique within a resource group get no suffix unless a seed asks for one.
        assert.equal(
            resourceName("logAnalytics", { workload: "ops", environment: "dev", instance: "01" }),
            "log-ops-dev-01",
        );
        assert.equal(resourceName("amlCompute", { workload: "gpu", instance: "a100" }), "gpu-a100");
    });

    it("drops hyphens for kinds that disallow them", () => {
        for (const kind of ALL_KINDS.filter((k) => !NAME_RULES[k].allowsHyphen)) {
            const rule: NameRule = NAME_RULES[kind];
            const name = resourceName(kind, { workload: "fraud-det", environment: "dev", suffixSeed: "s" });
            assert.ok(!name.includes("-"), `${kind}: ${name}`);
            assert.deepEqual(nameIssues(kind, name), [], `${kind}: ${name}`);
            // What sits between the abbreviation and `dev<suffix>` is the workload, hyphen gone
            // (shortened to fit where the kind is short, like node pools).
            assert.ok(name.startsWith(rule.abbreviation ?? ""), `${kind}: ${name}`);
            assert.ok(name.endsWith(`dev${suffixOf(name)}`), `${kind}: ${name}`);
            const workload = name.slice((rule.abbreviation ?? "").length, -("dev".length + DEFAULT_SUFFIX_LENGTH));
            assert.ok(workload.length > 0 && "frauddet".startsWith(workload), `${kind}: ${name}`);
        }
        assert.match(
            resourceName("storageAccount", { workload: "fraud-det", environment: "dev" }),
            /^stfrauddetdev[a-z0-9]{6}$/,
        );
        assert.match(
            resourceName("batchAccount", { workload: "nightly-scoring", suffixSeed: "s" }),
            /^banightlyscoring[a-z0-9]{6}$/,
        );
    });

    it("rejects mixed-case parts instead of silently lowercasing them", () => {
        assert.throws(
            () => resourceName("keyVault", { workload: "Scoring", environment: "Dev" }),
            (err: unknown) =>
                err instanceof ValidationError &&
                err.fields.join(",") === "workload,environment" &&
                err.issues.every((i) => i.rule.startsWith("lowercase")),
        );
    });

    describe("fits every kind's maximum length for a long workload and keeps the suffix", () => {
        const longWorkload = "customer-churn-prediction-for-the-retail-banking-division-" + "x".repeat(200);
        for (const kind of ALL_KINDS) {
            it(kind, () => {
                const rule: NameRule = NAME_RULES[kind];
                const seed = `customai/dev/${kind}`;
                const name = resourceName(kind, { workload: longWorkload, environment: "dev", suffixSeed: seed });
                assert.ok(name.length <= rule.maxLength, `${name} (${name.length}) > ${rule.maxLength}`);
                assert.deepEqual(nameIssues(kind, name), []);
                // The suffix is the same whatever the workload: it is never cut.
                const short = resourceName(kind, { workload: "a", environment: "dev", suffixSeed: seed });
                assert.equal(suffixOf(name), suffixOf(short));
                assert.equal(suffixOf(name), shortSuffix(`${kind}:${seed}`));
                // Only the workload is shortened: the abbreviation and environment stay.
                const sep = rule.allowsHyphen ? "-" : "";
                assert.ok(name.startsWith(`${rule.abbreviation ? rule.abbreviation + sep : ""}c`), name);
                assert.ok(name.endsWith(`${sep}dev${sep}${suffixOf(name)}`), name);
            });
        }
    });

    it("fills the room left by the other parts exactly, without a dangling hyphen", () => {
        // kv-<workload>-dev-<6> leaves 24 - 3 - 4 - 7 = 10 characters for the workload;
        // the 10th is a hyphen, which must go rather than produce `--`.
        const name = resourceName("keyVault", { workload: "abcdefghi-jklmn", environment: "dev" });
        assert.match(name, /^kv-abcdefghi-dev-[a-z0-9]{6}$/);
        const full = resourceName("keyVault", { workload: "abcdefghijklmn", environment: "dev" });
        assert.match(full, /^kv-abcdefghij-dev-[a-z0-9]{6}$/);
        assert.equal(full.length, 24);
    });

    it("is deterministic: same parts, same name", () => {
        for (const kind of ALL_KINDS) {
            const parts = { workload: "scoring", environment: "prod", instance: "a1" };
            assert.equal(resourceName(kind, parts), resourceName(kind, { ...parts }), kind);
        }
    });

    it("gives a different suffix for a different seed, environment or kind", () => {
        const a = resourceName("storageAccount", { workload: "scoring", suffixSeed: "customai/dev/data" });
        const b = resourceName("storageAccount", { workload: "scoring", suffixSeed: "customai/prod/data" });
        assert.notEqual(suffixOf(a), suffixOf(b));
        assert.equal(a.slice(0, -6), b.slice(0, -6));
        const dev = resourceName("keyVault", { workload: "scoring", environment: "dev" });
        const prod = resourceName("keyVault", { workload: "scoring", environment: "prod" });
        assert.notEqual(suffixOf(dev), suffixOf(prod));
        const st = resourceName("storageAccount", { workload: "scoring", suffixSeed: "same" });
        const cr = resourceName("containerRegistry", { workload: "scoring", suffixSeed: "same" });
        assert.notEqual(suffixOf(st), suffixOf(cr));
    });

    it("adds a suffix to globally unique kinds even without a seed, and to others only with one", () => {
        for (const kind of GLOBAL_KINDS) {
            const name = resourceName(kind, { workload: "scoring" });
            assert.equal(suffixOf(name), shortSuffix(`${kind}:scoring`), `${kind}: ${name}`);
        }
        assert.equal(resourceName("aksCluster", { workload: "scoring" }), "aks-scoring");
        assert.match(resourceName("aksCluster", { workload: "scoring", suffixSeed: "x" }), /^aks-scoring-[a-z0-9]{6}$/);
    });

    const badParts: { parts: { workload: string; environment?: string; instance?: string }; fields: string[] }[] = [
        { parts: { workload: "Fraud_Scoring" }, fields: ["workload"] },
        { parts: { workload: "" }, fields: ["workload"] },
        { parts: { workload: "-scoring" }, fields: ["workload"] },
        { parts: { workload: "scoring", environment: "dev--1" }, fields: ["environment"] },
        { parts: { workload: "scoring", instance: "" }, fields: ["instance"] },
        {
            parts: { workload: "a b", environment: "dev.", instance: "0_1" },
            fields: ["workload", "environment", "instance"],
        },
    ];
    for (const { parts, fields } of badParts) {
        it(`rejects bad parts ${JSON.stringify(parts)}, naming ${fields.join(", ")}`, () => {
            assert.throws(
                () => resourceName("storageAccount", parts),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError);
                    assert.deepEqual(err.fields, fields);
                    for (const issue of err.issues) {
                        assert.equal(issue.rule, "lowercase letters and digits, words separated by single '-'");
                        assert.equal(issue.value, parts[issue.field as keyof typeof parts]);
                    }
                    assert.ok(err.message.startsWith("storageAccount name: "), err.message);
                    return true;
                },
            );
        });
    }

    it("rejects parts that cannot form a valid name for the kind", () => {
        // Compute names start with a letter and have no abbreviation to put in front.
        assert.throws(
            () => resourceName("amlCompute", { workload: "1gpu" }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.equal(err.issues[0].field, "amlCompute name");
                assert.match(err.issues[0].rule, /starting with a letter/);
                assert.equal(err.issues[0].value, "1gpu");
                return true;
            },
        );
        // Synapse reserves `-ondemand`.
        assert.throws(() => resourceName("synapseWorkspace", { workload: "ondemand" }), /must not contain '-ondemand'/);
        // The fixed parts alone overflow a storage account name.
        assert.throws(
            () => resourceName("storageAccount", { workload: "a", environment: "production-west-europe" }),
            (err: unknown) => err instanceof ValidationError && /3-24 characters/.test(err.issues[0].rule),
        );
    });
});

describe("naming: names derived from component names", () => {
    const naming = (componentName: string) => ({ componentName, project: "customai-platform", stack: "dev" });

    it("drops a trailing CAF abbreviation, which the name already starts with", () => {
        assert.equal(componentWorkload("ml-dev-kv"), "ml-dev");
        assert.equal(componentWorkload("ml-dev-mlw"), "ml-dev");
        assert.equal(componentWorkload("ml-dev-st"), "ml-dev");
        // Only a whole trailing word, and never the whole name.
        assert.equal(componentWorkload("ml-dev-cluster"), "ml-dev-cluster");
        assert.equal(componentWorkload("kv"), "kv");
        assert.equal(componentWorkload("Scoring_Team.KV"), "scoring-team");
    });

    it("names MlPlatform's parts once each: kv-ml-dev-…, mlw-ml-dev-…, stmldev…", () => {
        const kv = componentResourceName("keyVault", naming("ml-dev-kv"), undefined, "vaultName");
        const mlw = componentResourceName("mlWorkspace", naming("ml-dev-mlw"), undefined, "workspaceName");
        const st = componentResourceName("storageAccount", naming("ml-dev-st"), undefined, "accountName");
        assert.match(kv, /^kv-ml-dev-[a-z0-9]{6}$/);
        assert.match(mlw, /^mlw-ml-dev-[a-z0-9]{6}$/);
        assert.match(st, /^stmldev[a-z0-9]{6}$/);
    });

    it("keeps parts of one base apart: the suffix is seeded by the full component name", () => {
        const a = componentResourceName("keyVault", naming("ml-dev-kv"), undefined, "vaultName");
        const b = componentResourceName("keyVault", naming("ml-dev"), undefined, "vaultName");
        assert.notEqual(a, b);
        const other = componentResourceName("keyVault", { ...naming("ml-dev-kv"), stack: "prod" }, undefined, "v");
        assert.notEqual(a, other, "another stack gets another name");
    });

    it("uses an explicit name as given, and names the field when it breaks the rules", () => {
        assert.equal(componentResourceName("keyVault", naming("x"), "kv-mine", "vaultName"), "kv-mine");
        assert.throws(
            () => componentResourceName("keyVault", naming("x"), "9bad--name", "vaultName"),
            (err: ValidationError) => err.fields.every((f) => f === "vaultName"),
        );
    });
});

describe("naming: Azure ML compute names", () => {
    it("give a suffix of digits only a letter, so a letter follows the last '-', and stay deterministic", () => {
        // Find a component whose suffix comes out as digits only (about 1 in 2,000).
        let seed = 0;
        while (!/^[0-9]+$/.test(shortSuffix(`amlCompute:${seed}`))) seed++;
        const digits = shortSuffix(`amlCompute:${seed}`);
        const name = resourceName("amlCompute", { workload: "score", suffixSeed: String(seed) });
        assert.equal(name, `score-${"abcdefghij"[Number(digits[0])]}${digits.slice(1)}`);
        assert.equal(resourceName("amlCompute", { workload: "score", suffixSeed: String(seed) }), name);
        // Kinds without the rule keep the digits.
        assert.match(resourceName("mlWorkspace", { workload: "score", suffixSeed: String(seed) }), /-[0-9a-z]{6}$/);
    });

    it("fit a 24-character name for a long component name, the suffix kept", () => {
        const name = resourceName("amlCompute", { workload: "training-dev-cluster", suffixSeed: "s" });
        assert.ok(name.length <= 24, name);
        assert.match(name, /-[a-z0-9]{6}$/);
        assert.deepEqual(nameIssues("amlCompute", name), []);
    });
});
