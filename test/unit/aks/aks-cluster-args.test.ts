import * as assert from "node:assert/strict";
import {
    aksClusterIssues,
    dnsPrefixFor,
    resolveAksClusterArgs,
    validateAksClusterArgs,
    vcpusOf,
} from "../../../components/aks/aks-cluster-args";
import { ValidationError } from "../../../components/common/validation";

const ALICE = "11111111-2222-3333-4444-555555555555";
const GPU_POOL = { name: "gpu", vmSize: "Standard_NC4as_T4_v3", maxCount: 2 };

describe("AksCluster arguments (pure)", () => {
    it("defaults to a 2-node D4s_v5 system pool, Azure CNI overlay, no local accounts, no KEDA, az CLI login", () => {
        assert.deepEqual(resolveAksClusterArgs({}), {
            systemVmSize: "Standard_D4s_v5",
            systemNodeCount: 2,
            networkPlugin: "azure",
            localAccounts: false,
            keda: false,
            kubeconfigLogin: "azurecli",
            clusterAdminPrincipalType: "User",
            deployerAccess: "none",
            userPools: [],
            deleteUnreachable: false,
        });
        assert.deepEqual(aksClusterIssues({ userPools: [GPU_POOL], clusterAdminPrincipalIds: [ALICE] }), []);
    });

    it("reports every problem at once, each naming the field, the rule and the value", () => {
        assert.throws(
            () =>
                validateAksClusterArgs({
                    clusterName: "-bad-",
                    kubernetesVersion: "v1.33",
                    systemPool: { vmSize: "Standard_B4ms", count: 0 },
                    userPools: [GPU_POOL, { ...GPU_POOL }, { name: "system", vmSize: "Standard_D4s_v5", maxCount: 1 }],
                    networkPlugin: "calico" as "azure",
                    kubeconfigLogin: "browser" as "msi",
                    kubeconfigLoginClientId: "not-a-guid",
                    clusterAdminPrincipalIds: ["alice@example.com", ALICE, ALICE.toUpperCase()],
                    deployerAccess: "Group" as "User",
                    networkIsolation: true,
                    tags: { "bad/name": "x" },
                }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.match(err.message, /^AksCluster: /);
                assert.deepEqual(err.fields, [
                    "clusterName",
                    "kubernetesVersion",
                    "systemPool.vmSize",
                    "systemPool.count",
                    "userPools[1].name",
                    "userPools[2].name",
                    "networkPlugin",
                    "kubeconfigLogin",
                    "kubeconfigLoginClientId",
                    "deployerAccess",
                    "clusterAdminPrincipalIds[0]",
                    "clusterAdminPrincipalIds[2]",
                    "networkIsolation",
                    "tags.bad/name",
                ]);
                const issue = (field: string) => err.issues.find((i) => i.field === field)!;
                assert.match(issue("systemPool.vmSize").rule, /B-series/);
                assert.equal(issue("systemPool.vmSize").value, "Standard_B4ms");
                assert.match(issue("userPools[1].name").rule, /unique/);
                assert.match(issue("userPools[2].name").rule, /system pool's name/);
                assert.match(issue("kubeconfigLoginClientId").rule, /only used with kubeconfigLogin "msi"/);
                assert.match(issue("clusterAdminPrincipalIds[2]").rule, /listed once/);
                return true;
            },
        );
    });

    it("refuses system pool sizes below 4 vCPUs and GPU sizes, and checks an msi client id", () => {
        const fields = (issues: { field: string; rule: string }[]) => issues.map((i) => `${i.field}: ${i.rule}`);
        assert.deepEqual(fields(aksClusterIssues({ systemPool: { vmSize: "Standard_D2s_v5" } })), [
            "systemPool.vmSize: a size with at least 4 vCPUs (AKS's minimum for system pools)",
        ]);
        assert.match(fields(aksClusterIssues({ systemPool: { vmSize: "Standard_NC4as_T4_v3" } }))[0], /a CPU size/);
        assert.match(fields(aksClusterIssues({ systemPool: { vmSize: "Standard_NC6s_v3" } }))[0], /retired/);
        assert.deepEqual(aksClusterIssues({ kubeconfigLogin: "msi", kubeconfigLoginClientId: ALICE }), []);
        assert.deepEqual(fields(aksClusterIssues({ kubeconfigLogin: "msi", kubeconfigLoginClientId: "x" })), [
            "kubeconfigLoginClientId: a client id (GUID)",
        ]);
    });

    it("leaves principal ids known only at deployment to Azure", () => {
        const pending = Promise.resolve("later");
        assert.deepEqual(aksClusterIssues({ clusterAdminPrincipalIds: [pending, "not-checked-with-an-output"] }), []);
    });

    it("reads the vCPU count from a size's name", () => {
        assert.equal(vcpusOf("Standard_D4s_v5"), 4);
        assert.equal(vcpusOf("Standard_D16ds_v5"), 16);
        assert.equal(vcpusOf("Standard_E4-2s_v5"), 2, "constrained sizes count their active vCPUs");
        assert.equal(vcpusOf("Standard_DS2_v2"), 2);
        assert.equal(vcpusOf("Basic_A1"), undefined);
    });

    it("derives a DNS prefix AKS accepts from the cluster's name", () => {
        assert.equal(dnsPrefixFor("aks-score-dev-a1b2c3"), "aks-score-dev-a1b2c3");
        assert.equal(dnsPrefixFor("my_cluster_"), "my-cluster");
        assert.equal(dnsPrefixFor("x".repeat(63)).length, 54);
        assert.equal(dnsPrefixFor("___"), "aks");
    });
});
