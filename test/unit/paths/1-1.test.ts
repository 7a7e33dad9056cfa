import * as assert from "node:assert/strict";
import * as path from "node:path";
import { readConfig } from "../../../components/common/config";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { CONFIG_SPEC, crossKeyIssues, program } from "../../../programs/1-1/program";
import { loadExampleConfig, runProgram } from "../../harness/programs";
import { MOCK_PUBLIC_IP, isSecretInput } from "../../harness/mocks";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/1-1");
const VM = "azure-native:compute:VirtualMachine";

describe("programs/1-1 (Data Science VM)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("deploys the example: DSVM, locked-down NSG, shutdown schedule, blob read by RBAC", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {});

        const group = recorder.one("azure-native:resources:ResourceGroup").inputs;
        assert.equal(group.resourceGroupName, "rg-dsvm-dev");
        assert.equal(group.location, "westeurope");
        for (const type of [
            VM,
            "azure-native:network:NetworkSecurityGroup",
            "azure-native:network:VirtualNetwork",
            "azure-native:network:PublicIPAddress",
            "azure-native:network:NetworkInterface",
            "azure-native:devtestlab:GlobalSchedule",
        ]) {
            assert.equal(recorder.count(type), 1, type);
            assert.deepEqual(
                recorder.one(type).inputs.tags,
                { "cost-center": "research", path: "1-1", environment: "dev", "managed-by": "custom-ai-on-azure" },
                type,
            );
        }

        assert.equal(recorder.count("azure-native:network:Subnet"), 1);
        const vm = recorder.one(VM).inputs;
        assert.equal(vm.hardwareProfile.vmSize, "Standard_D4s_v5");
        assert.equal(vm.storageProfile.imageReference.publisher, "microsoft-dsvm");
        assert.ok(isSecretInput(vm.osProfile), "JupyterHub's password travels as a secret");

        const rules = recorder.one("azure-native:network:NetworkSecurityGroup").inputs.securityRules;
        assert.deepEqual(
            rules.map((r: Record<string, unknown>) => [
                r.name,
                r.destinationPortRange,
                r.sourceAddressPrefixes ?? r.sourceAddressPrefix,
            ]),
            [
                ["allow-ssh", "22", ["203.0.113.7/32"]],
                ["allow-jupyterhub", "8000", ["203.0.113.7/32"]],
                ["deny-all-inbound", "*", "*"],
            ],
        );

        const schedule = recorder.one("azure-native:devtestlab:GlobalSchedule").inputs;
        assert.match(schedule.name, /^shutdown-computevm-vm-dsvm-dev-[a-z0-9]{6}$/);
        assert.deepEqual(schedule.dailyRecurrence, { time: "1900" });

        const grant = recorder.one("azure-native:authorization:RoleAssignment").inputs;
        assert.match(grant.scope, /\/storageAccounts\/stmldevexample$/);
        assert.equal(grant.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.StorageBlobDataReader);
        assert.equal(grant.principalId, outputs.principalId);

        assert.equal(outputs.sshCommand, `ssh azureuser@${MOCK_PUBLIC_IP}`);
        assert.equal(outputs.jupyterHubUrl, `https://${MOCK_PUBLIC_IP}:8000`);
        assert.equal(outputs.publicIpAddress, MOCK_PUBLIC_IP);
        assert.equal(outputs.autoShutdown, "1900 UTC");
        assert.equal(outputs.privateKeyPem, undefined);
        assert.deepEqual(secretOutputs, []);
    });

    it("generates a key on request and exports the private key as a secret", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {
            sshPublicKey: undefined,
            generateSshKey: "true",
            jupyterHub: "false",
            jupyterHubPassword: undefined,
            jupyterHubCidrs: undefined,
        });
        assert.equal(recorder.count("pulumi-nodejs:dynamic/customai:SshKeyPair"), 1);
        assert.deepEqual(secretOutputs, ["privateKeyPem"]);
        assert.match(String(outputs.privateKeyPem), /BEGIN RSA PRIVATE KEY/);
        assert.match(String(outputs.sshCommand), /^ssh -i /);
        assert.equal(outputs.jupyterHubUrl, undefined);
    });

    it("uses a GPU Spot VM with a user-assigned identity and contributor access when configured", async () => {
        const { recorder, outputs } = await runProgram(program, example, {
            vmSize: "Standard_NC4as_T4_v3",
            spot: "true",
            identity: "user",
            storageRole: "contributor",
            autoShutdown: "false",
        });
        const vm = recorder.one(VM).inputs;
        assert.equal(vm.priority, "Spot");
        assert.equal(vm.identity.type, "UserAssigned");
        const identity = recorder.one("azure-native:managedidentity:UserAssignedIdentity");
        assert.deepEqual(vm.identity.userAssignedIdentities, [identity.id]);
        const grant = recorder.one("azure-native:authorization:RoleAssignment").inputs;
        assert.equal(grant.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.StorageBlobDataContributor);
        assert.match(grant.principalId, /^principal-id-/);
        assert.equal(outputs.principalId, grant.principalId);
        assert.equal(recorder.count("azure-native:devtestlab:GlobalSchedule"), 0);
        assert.equal(outputs.autoShutdown, "off");
    });

    const badInputs: [string, string, RegExp][] = [
        ["vmSize", "Standard_NC6s_v3", /retired on 2025-09-30; use Standard_NC24ads_A100_v4/],
        ["vmSize", "Standard_NV12s_v3", /current family/],
        ["allowedSshCidrs", '["0.0.0.0/0"]', /whole internet/],
        ["allowedSshCidrs", '["*"]', /whole internet/],
        ["allowedSshCidrs", "[]", /at least one/],
        ["allowedSshCidrs", "203.0.113.7/32", /JSON list/],
        ["jupyterHubCidrs", '["Internet"]', /whole internet/],
        ["sshPublicKey", "ssh-dss AAAA", /ssh-rsa or ssh-ed25519/],
        ["spot", "yes", /true or false/],
        ["autoShutdownTime", "7pm", /HHmm/],
        ["autoShutdownTimeZone", "Europe/Berlin", /Windows time zone/],
        ["autoShutdownEmail", "nobody", /e-mail/],
        ["osDiskType", "Premium_SSD", /one of/],
        ["osDiskSizeGb", "10", /30 to 4095/],
        ["identity", "both", /one of "system", "user"/],
        ["storageAccountId", "stdata", /Microsoft.Storage\/storageAccounts resource id/],
        ["subnetId", "default", /virtualNetworks\/subnets resource id/],
        ["environment", "Prod!", /lowercase/],
    ];
    for (const [key, value, rule] of badInputs) {
        it(`rejects ${key}=${value}, naming the key, the rule and the value`, () => {
            const raw: Record<string, string> = { allowedSshCidrs: '["203.0.113.7/32"]', [key]: value };
            assert.throws(
                () => readConfig((k) => raw[k], CONFIG_SPEC),
                (err: unknown) =>
                    err instanceof ValidationError &&
                    err.fields.includes(key) &&
                    rule.test(err.message) &&
                    err.message.includes(value.replace(/[[\]"]/g, "").slice(0, 8)),
            );
        });
    }

    it("reports every bad key at once, with secrets redacted", () => {
        const raw: Record<string, string> = {
            vmSize: "Standard_NC6",
            spot: "maybe",
            jupyterHubPassword: "short",
            allowedSshCidrs: '["0.0.0.0/0"]',
        };
        assert.throws(
            () => readConfig((k) => raw[k], CONFIG_SPEC),
            (err: unknown) =>
                err instanceof ValidationError &&
                ["vmSize", "spot", "jupyterHubPassword", "allowedSshCidrs"].every((f) => err.fields.includes(f)) &&
                !err.message.includes("short"),
        );
    });

    it("requires allowedSshCidrs", () => {
        assert.throws(() => readConfig(() => undefined, CONFIG_SPEC), /allowedSshCidrs: required/);
    });

    it("checks the rules that span keys, all at once", () => {
        const issues = crossKeyIssues({
            generateSshKey: false,
            jupyterHub: true,
            publicIp: false,
        });
        assert.deepEqual(
            issues.map((i) => i.field),
            ["sshPublicKey", "jupyterHubPassword", "publicIp"],
        );
        assert.deepEqual(
            crossKeyIssues({
                sshPublicKey: "k",
                generateSshKey: true,
                jupyterHub: false,
                jupyterHubCidrs: ["1.2.3.4"],
                publicIp: true,
            }).map((i) => i.field),
            ["generateSshKey", "jupyterHubCidrs"],
        );
    });

    it("refuses to run with conflicting keys", async () => {
        await assert.rejects(
            runProgram(program, example, { jupyterHubPassword: undefined }),
            /jupyterHubPassword: required when jupyterHub is true/,
        );
    });
});
