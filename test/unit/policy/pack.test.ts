/**
 * The pack as the CLI runs it: started in its own folder, it serves the
 * analyzer gRPC API of @pulumi/policy. GIVEN the served pack, WHEN asked what
 * it enforces and to analyze resources, THEN it answers as the rules say, and
 * the offline evaluator finds the same violations.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeRequest,
    AnalyzeResponse,
    AnalyzeStackRequest,
    AnalyzerInfo,
    AnalyzerResource,
    AnalyzerResourceOptions,
    EnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { checkPolicies } from "../../../automation/plan/policy-check";
import { PlannedResource } from "../../../automation/plan/resources";
import { POLICY_RULES } from "../../../policy/rules";

const ROOT = path.join(__dirname, "../../..");
const POLICY_DIR = path.join(ROOT, "policy");

/** Starts policy/pack.ts as the CLI would (cwd = the pack's folder) and resolves with the port it prints. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", 'require("./pack.ts")'], {
        cwd: POLICY_DIR,
        env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
        stdio: ["ignore", "pipe", "pipe"],
    });
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk) => {
            stdout += chunk;
            const port = /^(\d+)\s*$/m.exec(stdout);
            if (port) resolve({ child, port: Number(port[1]) });
        });
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before serving:\n${stderr}`)));
    });
}

function call<Req, Res>(
    method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
    req: Req,
) {
    return new Promise<Res>((resolve, reject) => method(req, (err, res) => (err ? reject(err) : resolve(res))));
}

const URN = (type: string, name: string) => `urn:pulumi:dev::customai::${type}::${name}`;

function analyzeRequest(resource: PlannedResource): AnalyzeRequest {
    return new AnalyzeRequest()
        .setType(resource.type)
        .setName(resource.name)
        .setUrn(resource.urn)
        .setProperties(Struct.fromJavaScript(resource.inputs as never))
        .setOptions(new AnalyzerResourceOptions());
}

function analyzerResource(resource: PlannedResource): AnalyzerResource {
    return new AnalyzerResource()
        .setType(resource.type)
        .setName(resource.name)
        .setUrn(resource.urn)
        .setProperties(Struct.fromJavaScript(resource.inputs as never))
        .setOptions(new AnalyzerResourceOptions());
}

const planned = (type: string, name: string, inputs: Record<string, unknown>): PlannedResource => ({
    urn: URN(type, name),
    type,
    name,
    custom: true,
    inputs,
    secretPaths: [],
});

const insecureAccount = planned("azure-native:storage:StorageAccount", "st", {
    location: "westeurope",
    enableHttpsTrafficOnly: false,
    minimumTlsVersion: "TLS1_0",
    allowBlobPublicAccess: true,
    tags: { "managed-by": "custom-ai-on-azure", path: "1-2" },
});
const secureAccount = planned("azure-native:storage:StorageAccount", "st-ok", {
    location: "westeurope",
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    tags: { "managed-by": "custom-ai-on-azure", path: "1-2" },
});
const lonelyVm = planned("azure-native:compute:VirtualMachine", "vm", {
    vmName: "vm-dev",
    location: "westeurope",
    hardwareProfile: { vmSize: "Standard_D4s_v5" },
    tags: { "managed-by": "custom-ai-on-azure", path: "1-1" },
});

describe("policy pack served to the CLI", function () {
    // Loading @pulumi/policy and the SDK's gRPC code in a fresh process takes a few seconds.
    this.timeout(60000);
    let pack: { child: ChildProcess; port: number };
    let client: AnalyzerClient;

    before(async () => {
        pack = await startPack();
        client = new AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        pack?.child.kill();
    });

    it("announces every rule under its name and level, as custom-ai-on-azure 0.1.0", async () => {
        const info = await call<Empty, AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
        assert.equal(info.getName(), "custom-ai-on-azure");
        assert.equal(info.getVersion(), "0.1.0");
        const served = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
        const expected = POLICY_RULES.map((r) => [
            r.name,
            r.enforcementLevel === "mandatory" ? EnforcementLevel.MANDATORY : EnforcementLevel.ADVISORY,
        ]);
        assert.deepEqual(served, expected);
    });

    for (const resource of [insecureAccount, secureAccount]) {
        it(`finds what the offline evaluator finds on ${resource.name}`, async () => {
            const response = await call<AnalyzeRequest, AnalyzeResponse>(
                client.analyze.bind(client),
                analyzeRequest(resource),
            );
            // The server prefixes each message with the rule's description and a newline.
            const served = response
                .getDiagnosticsList()
                .map((d) => `${d.getPolicyname()}: ${d.getMessage().split("\n").slice(1).join("\n")}`);
            const offline = (await checkPolicies([resource])).results.flatMap((r) =>
                r.violations.map((v) => `${r.name}: ${v.message}`),
            );
            assert.deepEqual([...served].sort(), [...offline].sort());
            if (resource === insecureAccount) assert.ok(served.length >= 3, served.join("\n"));
        });
    }

    it("runs the stack rule as the offline evaluator does", async () => {
        const response = await call<AnalyzeStackRequest, AnalyzeResponse>(
            client.analyzeStack.bind(client),
            new AnalyzeStackRequest().setResourcesList([analyzerResource(lonelyVm)]),
        );
        const served = response.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getUrn()]);
        const offline = (await checkPolicies([lonelyVm])).results
            .filter((r) => "validateStack" in (POLICY_RULES.find((p) => p.name === r.name) ?? {}))
            .flatMap((r) => r.violations.map((v) => [r.name, v.urn]));
        assert.deepEqual(served, [["vm-auto-shutdown", lonelyVm.urn]]);
        assert.deepEqual(served, offline);
    });
});
