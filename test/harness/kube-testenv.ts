/**
 * A real Kubernetes API server for tests: etcd and kube-apiserver (built by
 * scripts/setup-kube.mjs from the Go module proxy) started on 127.0.0.1 with
 * free ports, a scratch data directory, a self-signed serving certificate
 * and one static admin token; stopped and removed by `stop()`. There are no
 * controllers, scheduler or nodes: objects are stored, validated and
 * defaulted by the API server, and nothing runs them.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { PULUMI_DIR } from "../../automation/stacks/engine";

export const KUBE_BIN = path.join(PULUMI_DIR, "kube", "bin");

/** Why the API server cannot start here, or undefined when its binaries are built. */
export function kubeTestEnvMissing(): string | undefined {
    const missing = ["kube-apiserver", "etcd"].filter((b) => !fs.existsSync(path.join(KUBE_BIN, b)));
    return missing.length === 0
        ? undefined
        : `${missing.join(" and ")} not built in ${KUBE_BIN} (run node scripts/setup-kube.mjs; it needs Go)`;
}

export interface KubeResponse {
    readonly status: number;
    /** The parsed JSON body (a Kubernetes object, list or Status). */
    readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface KubeTestEnv {
    /** https://127.0.0.1:<port> */
    readonly server: string;
    /** A kubeconfig for the admin token, with the server's certificate as its CA. */
    readonly kubeconfig: string;
    /** A request to the API as the admin, e.g. `get("/apis/apps/v1/namespaces/x/deployments/y")`. */
    request(method: string, apiPath: string, body?: unknown): Promise<KubeResponse>;
    get(apiPath: string): Promise<KubeResponse>;
    stop(): Promise<void>;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Starts `command` with its output kept in `logFile`, so a failed start can say why. */
function start(command: string, args: string[], logFile: string): ChildProcess {
    const out = fs.openSync(logFile, "a");
    const child = spawn(path.join(KUBE_BIN, command), args, { stdio: ["ignore", out, out] });
    fs.closeSync(out);
    return child;
}

function lastLines(file: string, count = 8): string {
    try {
        return fs.readFileSync(file, "utf8").trim().split("\n").slice(-count).join("\n");
    } catch {
        return "(no log)";
    }
}

async function stopProcess(child: ChildProcess, graceMs = 10000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
}

/** Polls `probe` until it is true, the process exits, or `timeoutMs` passes. */
async function waitFor(
    what: string,
    child: ChildProcess,
    logFile: string,
    timeoutMs: number,
    probe: () => Promise<boolean>,
) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}):\n${lastLines(logFile)}`);
        }
        if (await probe().catch(() => false)) return;
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${what} not ready after ${timeoutMs / 1000}s:\n${lastLines(logFile)}`);
}

export async function startKubeTestEnv(): Promise<KubeTestEnv> {
    const missing = kubeTestEnvMissing();
    if (missing) throw new Error(missing);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "customai-kube-"));
    const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
    const processes: ChildProcess[] = [];
    const stop = async () => {
        for (const child of processes.reverse()) await stopProcess(child);
        fs.rmSync(dir, { recursive: true, force: true });
    };

    try {
        const etcdLog = path.join(dir, "etcd.log");
        const etcdUrl = `http://127.0.0.1:${clientPort}`;
        const etcd = start(
            "etcd",
            [
                "--name=test",
                `--data-dir=${path.join(dir, "etcd")}`,
                `--listen-client-urls=${etcdUrl}`,
                `--advertise-client-urls=${etcdUrl}`,
                `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
                `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
                `--initial-cluster=test=http://127.0.0.1:${peerPort}`,
                // A throwaway store: skipping fsync makes it several times faster on slow disks.
                "--unsafe-no-fsync",
                "--log-level=warn",
            ],
            etcdLog,
        );
        processes.push(etcd);
        await waitFor("etcd", etcd, etcdLog, 30000, async () => (await fetch(`${etcdUrl}/health`)).ok);

        const token = crypto.randomBytes(24).toString("hex");
        fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`, { mode: 0o600 });
        const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        fs.writeFileSync(path.join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
        fs.writeFileSync(path.join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));

        const apiLog = path.join(dir, "kube-apiserver.log");
        const certDir = path.join(dir, "certs");
        const apiserver = start(
            "kube-apiserver",
            [
                `--etcd-servers=${etcdUrl}`,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                // The `kubernetes` Service's endpoints would point at the advertised address, which may
                // not be a loopback one; nothing here reaches the API server through that Service.
                "--endpoint-reconciler-type=none",
                `--secure-port=${securePort}`,
                // No certificate given: the server writes a self-signed one here, used below as the CA.
                `--cert-dir=${certDir}`,
                `--token-auth-file=${path.join(dir, "tokens.csv")}`,
                "--authorization-mode=RBAC",
                `--service-account-issuer=https://127.0.0.1:${securePort}`,
                `--service-account-key-file=${path.join(dir, "sa.pub")}`,
                `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
                "--service-cluster-ip-range=10.0.0.0/24",
                "--allow-privileged=true",
                // No controller manager creates the default service accounts, so this admission
                // plugin would refuse pods; the tests create workloads, which do not need it.
                "--disable-admission-plugins=ServiceAccount",
            ],
            apiLog,
        );
        processes.push(apiserver);
        const server = `https://127.0.0.1:${securePort}`;

        let ca: Buffer | undefined;
        const request = (method: string, apiPath: string, body?: unknown): Promise<KubeResponse> =>
            new Promise((resolve, reject) => {
                const payload = body === undefined ? undefined : JSON.stringify(body);
                const req = https.request(
                    `${server}${apiPath}`,
                    {
                        method,
                        ca,
                        headers: {
                            authorization: `Bearer ${token}`,
                            accept: "application/json",
                            ...(payload ? { "content-type": "application/json" } : {}),
                        },
                    },
                    (res) => {
                        let text = "";
                        res.setEncoding("utf8");
                        res.on("data", (d) => (text += d));
                        res.on("end", () => {
                            let parsed: unknown = text;
                            try {
                                parsed = JSON.parse(text);
                            } catch {
                                /* not JSON: keep the text (e.g. /readyz answers "ok") */
                            }
                            resolve({ status: res.statusCode ?? 0, body: parsed });
                        });
                    },
                );
                req.on("error", reject);
                req.end(payload);
            });

        const certFile = path.join(certDir, "apiserver.crt");
        await waitFor("kube-apiserver", apiserver, apiLog, 120000, async () => {
            if (!fs.existsSync(certFile)) return false;
            ca = fs.readFileSync(certFile);
            return (await request("GET", "/readyz")).status === 200;
        });

        const kubeconfig = [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: test",
            "  cluster:",
            `    server: ${server}`,
            `    certificate-authority-data: ${ca!.toString("base64")}`,
            "users:",
            "- name: admin",
            "  user:",
            `    token: ${token}`,
            "contexts:",
            "- name: test",
            "  context: {cluster: test, user: admin}",
            "current-context: test",
            "",
        ].join("\n");

        return {
            server,
            kubeconfig,
            request,
            get: (apiPath) => request("GET", apiPath),
            stop,
        };
    } catch (err) {
        await stop();
        throw err;
    }
}
