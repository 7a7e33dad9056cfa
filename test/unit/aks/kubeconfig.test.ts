import * as assert from "node:assert/strict";
import { decodeKubeconfig, kubeconfigWithLogin, kubeloginArgs } from "../../../components/aks/kubeconfig";
import { AKS_EXEC_KUBECONFIG, SERVER_ID, TENANT } from "../../harness/aks";

/** The exec arguments of a kubeconfig written by `kubeconfigWithLogin`. */
function execArgs(kubeconfig: string): string[] {
    const lines = kubeconfig.split("\n");
    const start = lines.findIndex((l) => l.trim() === "args:");
    const args: string[] = [];
    for (const line of lines.slice(start + 1)) {
        const m = /^\s*- (.*)$/.exec(line);
        if (!m) break;
        args.push(m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1]);
    }
    return args;
}

describe("AKS kubeconfig (pure)", () => {
    it("rewrites the exec plugin for the Azure CLI login, keeping only the server id", () => {
        const out = kubeconfigWithLogin(AKS_EXEC_KUBECONFIG, "azurecli");
        assert.deepEqual(execArgs(out), ["get-token", "--login", "azurecli", "--server-id", SERVER_ID]);
        assert.ok(!out.includes("devicecode"), "no trace of the interactive login is left");
        assert.ok(!out.includes(TENANT), "the Azure CLI login takes its tenant from az login");
    });

    it("keeps everything but the arguments byte for byte", () => {
        const out = kubeconfigWithLogin(AKS_EXEC_KUBECONFIG, "workloadidentity");
        const strip = (k: string) => k.split("\n").filter((l) => !/^ {6}- /.test(l));
        assert.deepEqual(strip(out), strip(AKS_EXEC_KUBECONFIG));
        assert.ok(out.includes("server: https://aks-score-dev-abc123.hcp.westeurope.azmk8s.io:443"));
        assert.ok(out.includes("      command: kubelogin\n"), "the keys after the list keep their place");
    });

    it("gives a managed identity login its client id when one is named", () => {
        const id = "22222222-3333-4444-5555-666666666666";
        assert.deepEqual(execArgs(kubeconfigWithLogin(AKS_EXEC_KUBECONFIG, "msi", { clientId: id })), [
            "get-token",
            "--login",
            "msi",
            "--server-id",
            SERVER_ID,
            "--client-id",
            id,
        ]);
        assert.deepEqual(kubeloginArgs(["--server-id", "s"], "msi"), [
            "get-token",
            "--login",
            "msi",
            "--server-id",
            "s",
        ]);
    });

    it("leaves AKS's device code login as it is", () => {
        const args = execArgs(kubeconfigWithLogin(AKS_EXEC_KUBECONFIG, "devicecode"));
        assert.equal(args.length, 11);
        assert.deepEqual(args.slice(0, 5), [
            "get-token",
            "--environment",
            "AzurePublicCloud",
            "--server-id",
            SERVER_ID,
        ]);
        assert.deepEqual(args.slice(-2), ["--login", "devicecode"]);
    });

    it("reads quoted list items and list items indented under their key", () => {
        const indented = `users:\n- user:\n    exec:\n      args:\n        - "get-token"\n        - '--server-id'\n        - "${SERVER_ID}"\n      command: kubelogin\n`;
        const out = kubeconfigWithLogin(indented, "azurecli");
        assert.ok(out.includes(`        - "--server-id"\n        - "${SERVER_ID}"\n      command: kubelogin`));
    });

    it("fails clearly on a kubeconfig without exec arguments or without a server id", () => {
        assert.throws(
            () => kubeconfigWithLogin("users:\n- user:\n    token: abc\n", "azurecli"),
            /no exec plugin arguments/,
        );
        assert.throws(() => kubeloginArgs(["get-token", "--login", "devicecode"], "azurecli"), /no --server-id/);
    });

    it("decodes the first kubeconfig AKS returns", () => {
        const value = Buffer.from(AKS_EXEC_KUBECONFIG).toString("base64");
        assert.equal(decodeKubeconfig([{ value }, { value: "ignored" }]), AKS_EXEC_KUBECONFIG);
        assert.throws(() => decodeKubeconfig([]), /no kubeconfig/);
    });
});
