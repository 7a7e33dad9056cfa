/**
 * The kubeconfig an AKS cluster with Entra ID hands out, adapted to whoever
 * runs Pulumi. AKS returns it (listClusterUserCredential with `format=exec`)
 * with a `kubelogin get-token` exec plugin set up for an interactive device
 * code login; Pulumi runs unattended, so the exec arguments are rewritten to
 * the login the caller chose: the Azure CLI's signed-in account, a workload
 * identity (CI with federated credentials), or a managed identity. Pure, so
 * the rewrite is tested without a cluster.
 *
 * The arguments follow kubelogin's own `convert-kubeconfig` (Azure/kubelogin,
 * pkg/internal/converter/convert.go; login modes in docs/book/src/concepts/login-modes):
 * every mode keeps `--server-id` (the AKS Entra server application); the Azure
 * CLI mode takes its tenant from `az login`; the workload identity mode reads
 * AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE from the
 * environment; the managed identity mode takes an optional `--client-id` for a
 * user-assigned identity.
 */

/** How the kubeconfig's kubelogin exec plugin gets its Entra token. */
export type KubeconfigLogin = "azurecli" | "workloadidentity" | "msi" | "devicecode";
export const KUBECONFIG_LOGINS: readonly KubeconfigLogin[] = ["azurecli", "workloadidentity", "msi", "devicecode"];

/** Options of a login mode. */
export interface KubeconfigLoginOptions {
    /** Optional. `msi` only: client id of the user-assigned identity to use. @default - the machine's only identity */
    readonly clientId?: string;
}

/** The value following `flag` in an argument list, if any. Pure. */
export function argValue(args: readonly string[], flag: string): string | undefined {
    const i = args.indexOf(flag);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
}

/**
 * The `kubelogin` arguments for `login`, from the arguments AKS generated.
 * `devicecode` keeps AKS's arguments as they are. Throws when AKS's arguments
 * lack `--server-id`, which every mode needs. Pure.
 */
export function kubeloginArgs(
    current: readonly string[],
    login: KubeconfigLogin,
    options: KubeconfigLoginOptions = {},
): string[] {
    if (login === "devicecode") return [...current];
    const serverId = argValue(current, "--server-id");
    if (serverId === undefined) {
        throw new Error(`the cluster's kubeconfig has no --server-id in its kubelogin arguments: ${current.join(" ")}`);
    }
    const base = ["get-token", "--login", login, "--server-id", serverId];
    return login === "msi" && options.clientId !== undefined ? [...base, "--client-id", options.clientId] : base;
}

/** A YAML scalar as written by a YAML emitter: plain, or single- or double-quoted. Pure. */
function unquote(scalar: string): string {
    const s = scalar.trim();
    if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return JSON.parse(s) as string;
    if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
    return s;
}

/**
 * `kubeconfig` with the arguments of its exec plugin rewritten for `login`;
 * everything else is kept byte for byte. The exec block is found by its
 * `args:` key, followed by its list items (at the key's indentation or
 * deeper, as YAML emitters write block sequences); each new argument is
 * written as a double-quoted scalar, valid YAML for any string. Throws when
 * the kubeconfig has no exec arguments (a cluster without Entra ID, or a
 * format this function does not know). Pure.
 */
export function kubeconfigWithLogin(
    kubeconfig: string,
    login: KubeconfigLogin,
    options: KubeconfigLoginOptions = {},
): string {
    const lines = kubeconfig.split("\n");
    const out: string[] = [];
    let rewritten = 0;
    for (let i = 0; i < lines.length; i++) {
        const key = /^(\s*)args:\s*$/.exec(lines[i]);
        if (!key) {
            out.push(lines[i]);
            continue;
        }
        const indent = key[1].length;
        const items: string[] = [];
        let itemIndent = indent;
        let j = i + 1;
        for (; j < lines.length; j++) {
            const item = /^(\s*)- (.*)$/.exec(lines[j]);
            if (!item || item[1].length < indent) break;
            itemIndent = item[1].length;
            items.push(unquote(item[2]));
        }
        out.push(lines[i]);
        const pad = " ".repeat(itemIndent);
        for (const arg of kubeloginArgs(items, login, options)) out.push(`${pad}- ${JSON.stringify(arg)}`);
        rewritten++;
        i = j - 1;
    }
    if (rewritten === 0) {
        throw new Error(
            "the cluster's kubeconfig has no exec plugin arguments: is Entra ID integration on, and the format 'exec'?",
        );
    }
    return out.join("\n");
}

/** The first kubeconfig of a listClusterUserCredential answer, decoded from base64. Pure. */
export function decodeKubeconfig(kubeconfigs: readonly { readonly value: string }[] | undefined): string {
    const first = kubeconfigs?.[0];
    if (first === undefined) throw new Error("AKS returned no kubeconfig for the cluster");
    return Buffer.from(first.value, "base64").toString("utf8");
}
