import * as assert from "node:assert/strict";
import * as path from "node:path";
import { readConfig } from "../../../components/common/config";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import { CONFIG_CHECKS, CONFIG_SPEC, program } from "../../../programs/1-1/program";
import { loadExampleConfig, runProgram } from "../../harness/programs";
import { MOCK_PUBLIC_IP, isSecretInput } from "../../harness/mocks";

const PROGRAM_DIR = path.join(__dirname, "../../../programs/1-1");
const VM = "azure-native:compute:VirtualMachine";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGdK0mQ8bE0p4y3o6ZfXoH2Vb1yq9W0mX3dJ8kC5eR7t you@laptop";
/** The two values only the user knows, set as the program's README says. */
const USER_VALUES = { allowedSshCidrs: "203.0.113.7", sshPublicKey: KEY };
const STORAGE =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ml-dev/providers/Microsoft.Storage/storageAccounts/stmldevabc123";

describe("programs/1-1 (Data Science VM)", () => {
    const example = loadExampleConfig(PROGRAM_DIR);

    it("names each value only the user knows, with how to get it, when the example is copied alone", async () => {
        await assert.rejects(runProgram(program, example), (err: unknown) => {
            assert.ok(err instanceof ValidationError, String(err));
            assert.deepEqual([...err.fields].sort(), ["allowedSshCidrs", "sshPublicKey"]);
            assert.match(
                err.message,
                /allowedSshCidrs: required — your public address, e.g. from `curl -s https:\/\/ifconfig.me`/,
            );
            assert.match(err.message, /sshPublicKey: required: .* — your public key: pulumi config set sshPublicKey/);
            assert.match(err.message, /ssh-keygen -t ed25519/);
            return true;
        });
    });

    it("deploys the example with the user's address and key: DSVM, locked-down NSG, shutdown schedule", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, USER_VALUES);

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
        assert.equal(vm.osProfile.linuxConfiguration.ssh.publicKeys[0].keyData, KEY);

        const rules = recorder.one("azure-native:network:NetworkSecurityGroup").inputs.securityRules;
        assert.deepEqual(
            rules.map((r: Record<string, unknown>) => [
                r.name,
                r.destinationPortRange,
                r.sourceAddressPrefixes ?? r.sourceAddressPrefix,
            ]),
            [
                ["allow-ssh", "22", ["203.0.113.7"]],
                ["deny-all-inbound", "*", "*"],
            ],
        );

        const schedule = recorder.one("azure-native:devtestlab:GlobalSchedule").inputs;
        assert.match(schedule.name, /^shutdown-computevm-vm-dsvm-dev-[a-z0-9]{6}$/);
        assert.deepEqual(schedule.dailyRecurrence, { time: "1900" });

        assert.equal(recorder.count("azure-native:authorization:RoleAssignment"), 0, "no storage account named");

        assert.equal(outputs.sshCommand, `ssh azureuser@${MOCK_PUBLIC_IP}`);
        assert.equal(outputs.jupyterHubUrl, undefined);
        assert.equal(outputs.publicIpAddress, MOCK_PUBLIC_IP);
        assert.equal(outputs.autoShutdown, "1900 UTC");
        assert.equal(outputs.privateKeyPem, undefined);
        assert.deepEqual(secretOutputs, []);
    });

    it("opens JupyterHub to its own sources with the secret password, and grants blob read by RBAC", async () => {
        const { recorder, outputs } = await runProgram(program, example, {
            ...USER_VALUES,
            jupyterHub: "true",
            jupyterHubPassword: "correct-horse-battery",
            jupyterHubCidrs: '["198.51.100.0/24"]',
            storageAccountId: STORAGE,
        });
        const vm = recorder.one(VM).inputs;
        assert.ok(isSecretInput(vm.osProfile), "JupyterHub's password travels as a secret");
        const rules = recorder.one("azure-native:network:NetworkSecurityGroup").inputs.securityRules;
        assert.deepEqual(
            rules.map((r: Record<string, unknown>) => [r.name, r.sourceAddressPrefixes ?? r.sourceAddressPrefix]),
            [
                ["allow-ssh", ["203.0.113.7"]],
                ["allow-jupyterhub", ["198.51.100.0/24"]],
                ["deny-all-inbound", "*"],
            ],
        );
        assert.equal(outputs.jupyterHubUrl, `https://${MOCK_PUBLIC_IP}:8000`);
        const grant = recorder.one("azure-native:authorization:RoleAssignment").inputs;
        assert.equal(grant.scope, STORAGE);
        assert.equal(grant.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.StorageBlobDataReader);
        assert.equal(grant.principalId, outputs.principalId);
    });

    it("generates a key on request and exports the private key as a secret", async () => {
        const { recorder, outputs, secretOutputs } = await runProgram(program, example, {
            allowedSshCidrs: USER_VALUES.allowedSshCidrs,
            generateSshKey: "true",
        });
        assert.equal(recorder.count("pulumi-nodejs:dynamic/customai:SshKeyPair"), 1);
        assert.deepEqual(secretOutputs, ["privateKeyPem"]);
        assert.match(String(outputs.privateKeyPem), /BEGIN RSA PRIVATE KEY/);
        assert.match(String(outputs.sshCommand), /^ssh -i /);
        assert.equal(outputs.jupyterHubUrl, undefined);
    });

    it("uses a GPU Spot VM with a user-assigned identity and contributor access when configured", async () => {
        const { recorder, outputs } = await runProgram(program, example, {
            ...USER_VALUES,
            vmSize: "Standard_NC4as_T4_v3",
            spot: "true",
            identity: "user",
            storageAccountId: STORAGE,
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

    /** The program's whole check on raw config, as `pulumi up` runs it, without the engine. */
    const check = (raw: Record<string, string | undefined>) =>
        readConfig((k) => raw[k], CONFIG_SPEC, { ...CONFIG_CHECKS, present: Object.keys(raw) });

    // Rules of the DataScienceVm (sizes, sources, key format, disks, time zone, ids), reported under the key.
    const badInputs: [string, string, RegExp][] = [
        ["vmSize", "Standard_NC6s_v3", /retired on 2025-09-30; use Standard_NC24ads_A100_v4/],
        ["vmSize", "Standard_NV12s_v3", /current family/],
        ["allowedSshCidrs", '["0.0.0.0/0"]', /whole internet/],
        ["allowedSshCidrs", '["*"]', /whole internet/],
        ["allowedSshCidrs", "[]", /at least one/],
        ["allowedSshCidrs", '["203.0.113.7/32", 7]', /JSON list/],
        ["sshPublicKey", "ssh-dss AAAA", /ssh-rsa or ssh-ed25519/],
        ["spot", "yes", /true or false/],
        ["autoShutdownTime", "7pm", /HHmm/],
        ["autoShutdownTimeZone", "Europe/Berlin", /Windows time zone/],
        ["autoShutdownEmail", "nobody", /e-mail/],
        ["osDiskType", "Premium_SSD", /one of/],
        ["osDiskSizeGb", "10", /30 to 4095/],
        ["dataDiskSizeGb", "5000", /4 to 4095/],
        ["identity", "both", /one of "system", "user"/],
        ["storageAccountId", "stdata", /storage account resource id/],
        ["subnetId", "default", /subnet resource id/],
        ["publicIp", "false", /needs subnetId/],
        ["adminUsername", "root", /does not reserve/],
        ["environment", "Prod!", /lowercase/],
    ];
    for (const [key, value, rule] of badInputs) {
        it(`rejects ${key}=${value}, naming the key, the rule and the value`, () => {
            assert.throws(
                () => check({ ...USER_VALUES, [key]: value }),
                (err: unknown) =>
                    err instanceof ValidationError &&
                    err.fields.every((f) => f === key || f.startsWith(`${key}[`)) &&
                    rule.test(err.message) &&
                    err.message.includes(value.replace(/[[\]"]/g, "").slice(0, 8)),
            );
        });
    }

    it("refuses a misspelt key, naming the key it meant, instead of keeping the default", async () => {
        await assert.rejects(
            runProgram(program, example, { ...USER_VALUES, autoShutdwn: "false" }),
            /autoShutdwn: not a known key \(did you mean "autoShutdown"\?\)/,
        );
    });

    it("reports every bad key at once, with secrets redacted", () => {
        assert.throws(
            () =>
                check({
                    ...USER_VALUES,
                    vmSize: "Standard_NC6",
                    jupyterHub: "true",
                    jupyterHubPassword: "short",
                    allowedSshCidrs: '["0.0.0.0/0"]',
                    sshPublicKey: "not a key",
                }),
            (err: unknown) =>
                err instanceof ValidationError &&
                ["vmSize", "jupyterHubPassword", "allowedSshCidrs", "sshPublicKey"].every((f) =>
                    err.fields.some((x) => x === f || x.startsWith(`${f}[`)),
                ) &&
                !err.message.includes("short"),
        );
    });

    it("checks the rules that span keys and no component owns", () => {
        const fields = (raw: Record<string, string>) => {
            try {
                check({ ...USER_VALUES, ...raw });
                return [];
            } catch (err) {
                return (err as ValidationError).fields;
            }
        };
        assert.deepEqual(fields({ jupyterHub: "true" }), ["jupyterHubPassword"]);
        assert.deepEqual(fields({ jupyterHubPassword: "correct-horse-battery", jupyterHubCidrs: '["1.2.3.4"]' }), [
            "jupyterHubPassword",
            "jupyterHubCidrs",
        ]);
        assert.deepEqual(fields({ storageRole: "contributor" }), ["storageRole"]);
        // Key rules the VM owns are its own: one key, one message, never a second copy from the program.
        assert.deepEqual(fields({ sshPublicKey: undefined as unknown as string }), ["sshPublicKey"]);
        assert.deepEqual(fields({ generateSshKey: "true" }), ["generateSshKey"]);
    });

    it("refuses to run with conflicting keys", async () => {
        await assert.rejects(
            runProgram(program, example, { ...USER_VALUES, jupyterHub: "true" }),
            /jupyterHubPassword: required when jupyterHub is true — pulumi config set --secret jupyterHubPassword/,
        );
    });
});
