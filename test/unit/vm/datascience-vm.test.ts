import * as assert from "node:assert/strict";
import { DataScienceVm, jupyterHubCloudInit } from "../../../components/vm/datascience-vm";
import { cidrContains } from "../../../components/common/validation";
import { DataScienceVmArgs, validateDataScienceVmArgs } from "../../../components/vm/datascience-vm-args";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { ValidationError } from "../../../components/common/validation";
import {
    MOCK_RESOURCE_GROUP,
    MOCK_SUBSCRIPTION,
    MockRecorder,
    isSecret,
    settle,
    useMocks,
    valueOf,
    MOCK_PRIVATE_IP,
    MOCK_PUBLIC_IP,
    MOCK_PUBLIC_KEY,
    isSecretInput,
    unwrapSecrets,
} from "../../harness/mocks";

const VM = "azure-native:compute:VirtualMachine";
const NSG = "azure-native:network:NetworkSecurityGroup";
const SCHEDULE = "azure-native:devtestlab:GlobalSchedule";
const RA = "azure-native:authorization:RoleAssignment";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyForTests me@laptop";
const STORAGE = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
const SUBNET = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/lab`;
const UAI = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-x`;
const LAW = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log`;

const base: DataScienceVmArgs = {
    resourceGroupName: MOCK_RESOURCE_GROUP,
    sshPublicKey: KEY,
    allowedSshCidrs: ["203.0.113.7/32"],
    tags: { team: "ai" },
};

describe("DataScienceVm under mocks", () => {
    let recorder: MockRecorder;
    beforeEach(async () => {
        recorder = await useMocks();
    });

    it("defaults to a key-only CPU DSVM in its own VNet, open to the given CIDR on SSH only", async () => {
        const dsvm = new DataScienceVm("lab", base);
        await settle(recorder);

        const vm = recorder.one(VM).inputs;
        assert.match(vm.vmName, /^vm-lab-[a-z0-9]{6}$/);
        assert.deepEqual(vm.hardwareProfile, { vmSize: "Standard_D4s_v5" });
        assert.deepEqual(vm.storageProfile.imageReference, {
            publisher: "microsoft-dsvm",
            offer: "ubuntu-2204",
            sku: "2204-gen2",
            version: "latest",
        });
        assert.equal(vm.plan, undefined, "the DSVM image needs no purchase plan");
        assert.equal(vm.storageProfile.osDisk.createOption, "FromImage");
        assert.equal(vm.storageProfile.osDisk.deleteOption, "Delete");
        assert.deepEqual(vm.storageProfile.osDisk.managedDisk, { storageAccountType: "StandardSSD_LRS" });
        assert.equal(vm.storageProfile.osDisk.diskSizeGB, undefined);
        assert.deepEqual(vm.storageProfile.dataDisks, []);
        assert.equal(vm.osProfile.adminUsername, "azureuser");
        assert.equal(vm.osProfile.adminPassword, undefined);
        assert.equal(vm.osProfile.customData, undefined);
        assert.equal(vm.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
        assert.deepEqual(vm.osProfile.linuxConfiguration.ssh.publicKeys, [
            { path: "/home/azureuser/.ssh/authorized_keys", keyData: KEY },
        ]);
        assert.deepEqual(vm.identity, { type: "SystemAssigned" });
        assert.equal(vm.priority, undefined);
        assert.equal(vm.billingProfile, undefined);
        assert.deepEqual(vm.diagnosticsProfile, { bootDiagnostics: { enabled: true } });
        assert.deepEqual(vm.tags, { team: "ai", "managed-by": "custom-ai-on-azure" });

        // The NSG: SSH from the one CIDR, then an explicit deny of everything else.
        const nsg = recorder.one(NSG);
        const rules = nsg.inputs.securityRules;
        assert.deepEqual(
            rules.map((r: Record<string, unknown>) => [r.name, r.priority, r.access, r.destinationPortRange]),
            [
                ["allow-ssh", 100, "Allow", "22"],
                ["deny-all-inbound", 4096, "Deny", "*"],
            ],
        );
        assert.deepEqual(rules[0].sourceAddressPrefixes, ["203.0.113.7/32"]);
        assert.equal(rules[0].protocol, "Tcp");

        // Network wiring: VNet -> subnet (with the NSG) -> NIC (with the NSG and the public IP) -> VM.
        const vnet = recorder.one("azure-native:network:VirtualNetwork").inputs;
        assert.deepEqual(vnet.addressSpace, { addressPrefixes: ["10.20.0.0/16"] });
        const subnet = recorder.one("azure-native:network:Subnet");
        assert.equal(subnet.inputs.addressPrefix, "10.20.1.0/24");
        assert.equal(subnet.inputs.networkSecurityGroup.id, nsg.id);
        const pip = recorder.one("azure-native:network:PublicIPAddress");
        assert.deepEqual(pip.inputs.sku, { name: "Standard", tier: "Regional" });
        assert.equal(pip.inputs.publicIPAllocationMethod, "Static");
        const nic = recorder.one("azure-native:network:NetworkInterface");
        assert.equal(nic.inputs.networkSecurityGroup.id, nsg.id);
        assert.equal(nic.inputs.ipConfigurations[0].subnet.id, subnet.id);
        assert.equal(nic.inputs.ipConfigurations[0].publicIPAddress.id, pip.id);
        assert.equal(vm.networkProfile.networkInterfaces[0].id, nic.id);

        // Daily shutdown at 19:00 UTC, found by Azure through its name.
        const schedule = recorder.one(SCHEDULE).inputs;
        assert.equal(schedule.name, `shutdown-computevm-${vm.vmName}`);
        assert.equal(schedule.taskType, "ComputeVmShutdownTask");
        assert.equal(schedule.status, "Enabled");
        assert.deepEqual(schedule.dailyRecurrence, { time: "1900" });
        assert.equal(schedule.timeZoneId, "UTC");
        assert.equal(schedule.targetResourceId, recorder.one(VM).id);
        assert.deepEqual(schedule.notificationSettings, { status: "Disabled" });

        // Children are named after the component.
        const children = recorder.resources.filter((r) => !r.type.startsWith("customai:"));
        assert.ok(
            children.every((r) => r.name.startsWith("lab-")),
            children.map((r) => r.name).join(),
        );
        assert.equal(recorder.count(RA), 0);
        assert.equal(recorder.count("azure-native:monitor:DiagnosticSetting"), 0);

        assert.equal(await valueOf(dsvm.sshCommand), `ssh azureuser@${MOCK_PUBLIC_IP}`);
        assert.equal(await valueOf(dsvm.privateIpAddress), MOCK_PRIVATE_IP);
        assert.equal(await valueOf(dsvm.principalId), `principal-${recorder.one(VM).inputs.vmName}`);
        assert.equal(dsvm.jupyterHubUrl, undefined);
        assert.equal(dsvm.privateKeyPem, undefined);
    });

    it("opens JupyterHub to its own CIDRs and sets the password by cloud-init, keeping SSH key-only", async () => {
        const dsvm = new DataScienceVm("hub", {
            ...base,
            jupyterHub: { password: "correct-horse-battery", allowedCidrs: ["198.51.100.0/24"] },
        });
        await settle(recorder);
        const rules = recorder.one(NSG).inputs.securityRules;
        const hub = rules.find((r: { name: string }) => r.name === "allow-jupyterhub");
        assert.equal(hub.priority, 110);
        assert.equal(hub.destinationPortRange, "8000");
        assert.deepEqual(hub.sourceAddressPrefixes, ["198.51.100.0/24"]);

        const raw = recorder.one(VM).inputs;
        assert.ok(isSecretInput(raw.osProfile), "the password reaches the provider as a secret");
        const vm = unwrapSecrets(raw);
        assert.equal(vm.osProfile.linuxConfiguration.disablePasswordAuthentication, true);
        const cloudInit = Buffer.from(vm.osProfile.customData, "base64").toString();
        assert.match(cloudInit, /^#cloud-config\nssh_pwauth: false\n/);
        assert.match(cloudInit, /- name: "azureuser"\n {6}password: "correct-horse-battery"/);
        assert.equal(await valueOf(dsvm.jupyterHubUrl!), `https://${MOCK_PUBLIC_IP}:8000`);
    });

    it("runs on Spot with a GPU, a data disk and an existing subnet, private only", async () => {
        const dsvm = new DataScienceVm("gpu", {
            ...base,
            vmSize: "Standard_NC4as_T4_v3",
            spot: true,
            subnetId: SUBNET,
            publicIp: false,
            osDisk: { sizeGb: 256, type: "Premium_LRS" },
            dataDisk: { sizeGb: 512 },
            autoShutdown: { time: "2130", timeZone: "W. Europe Standard Time", notificationEmail: "me@example.com" },
        });
        await settle(recorder);
        const vm = recorder.one(VM).inputs;
        assert.equal(vm.hardwareProfile.vmSize, "Standard_NC4as_T4_v3");
        assert.equal(vm.priority, "Spot");
        assert.equal(vm.evictionPolicy, "Deallocate");
        assert.deepEqual(vm.billingProfile, { maxPrice: -1 });
        assert.equal(vm.storageProfile.osDisk.diskSizeGB, 256);
        assert.deepEqual(vm.storageProfile.osDisk.managedDisk, { storageAccountType: "Premium_LRS" });
        const [disk] = vm.storageProfile.dataDisks;
        assert.equal(disk.lun, 0);
        assert.equal(disk.createOption, "Empty");
        assert.equal(disk.diskSizeGB, 512);
        assert.equal(disk.deleteOption, "Detach");
        assert.equal(recorder.count("azure-native:network:VirtualNetwork"), 0);
        assert.equal(recorder.count("azure-native:network:PublicIPAddress"), 0);
        const nic = recorder.one("azure-native:network:NetworkInterface").inputs;
        assert.equal(nic.ipConfigurations[0].subnet.id, SUBNET);
        assert.equal(nic.ipConfigurations[0].publicIPAddress, undefined);
        const schedule = recorder.one(SCHEDULE).inputs;
        assert.deepEqual(schedule.dailyRecurrence, { time: "2130" });
        assert.equal(schedule.timeZoneId, "W. Europe Standard Time");
        assert.deepEqual(schedule.notificationSettings, {
            status: "Enabled",
            timeInMinutes: 30,
            emailRecipient: "me@example.com",
        });
        assert.equal(await valueOf(dsvm.sshCommand), `ssh azureuser@${MOCK_PRIVATE_IP}`);
        assert.equal(dsvm.publicIpAddress, undefined);
    });

    it("generates a key pair when asked, and keeps the private key secret", async () => {
        const dsvm = new DataScienceVm("gen", { ...base, sshPublicKey: undefined, generateSshKey: true });
        await settle(recorder);
        assert.equal(recorder.count("pulumi-nodejs:dynamic/customai:SshKeyPair"), 1);
        const vm = recorder.one(VM).inputs;
        assert.equal(vm.osProfile.linuxConfiguration.ssh.publicKeys[0].keyData, MOCK_PUBLIC_KEY);
        assert.ok(await isSecret(dsvm.privateKeyPem!));
        assert.match(await valueOf(dsvm.sshCommand), /^ssh -i ~\/\.ssh\/vm-gen-[a-z0-9]{6}\.pem azureuser@/);
    });

    it("grants Storage Blob Data Reader on the given account to the system identity", async () => {
        new DataScienceVm("reader", { ...base, storageAccess: { storageAccountId: STORAGE } });
        await settle(recorder);
        const grant = recorder.one(RA).inputs;
        assert.equal(grant.scope, STORAGE);
        assert.equal(grant.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.StorageBlobDataReader);
        assert.equal(grant.principalId, `principal-${recorder.one(VM).inputs.vmName}`);
        assert.equal(grant.principalType, "ServicePrincipal");
    });

    it("uses a user-assigned identity and grants Contributor to its principal when configured", async () => {
        const dsvm = new DataScienceVm("writer", {
            ...base,
            managedIdentities: { systemAssigned: false, userAssignedResourceIds: [UAI] },
            storageAccess: {
                storageAccountId: STORAGE,
                role: "StorageBlobDataContributor",
                principalId: "uai-principal",
            },
        });
        await settle(recorder);
        assert.deepEqual(recorder.one(VM).inputs.identity, { type: "UserAssigned", userAssignedIdentities: [UAI] });
        const grant = recorder.one(RA).inputs;
        assert.equal(grant.roleDefinitionId.split("/").pop(), BUILT_IN_ROLES.StorageBlobDataContributor);
        assert.equal(grant.principalId, "uai-principal");
        assert.equal(await valueOf(dsvm.principalId), "uai-principal");
    });

    it("sends NSG and public IP diagnostics, and skips the schedule when auto-shutdown is off", async () => {
        new DataScienceVm("diag", {
            ...base,
            diagnostics: { logAnalyticsWorkspaceId: LAW },
            autoShutdown: { enabled: false },
        });
        await settle(recorder);
        assert.equal(recorder.count(SCHEDULE), 0);
        const diags = recorder.ofType("azure-native:monitor:DiagnosticSetting").map((d) => d.inputs);
        assert.equal(diags.length, 2);
        const nsgDiag = diags.find((d) => d.resourceUri === recorder.one(NSG).id)!;
        assert.deepEqual(nsgDiag.metrics, []);
        assert.deepEqual(nsgDiag.logs, [{ categoryGroup: "allLogs", enabled: true }]);
        assert.ok(diags.every((d) => d.workspaceId === LAW));
    });

    it("rejects bad args before creating anything, naming every field", () => {
        const bad: DataScienceVmArgs = {
            resourceGroupName: "rg",
            vmName: "bad_name",
            vmSize: "Standard_NC6s_v3",
            adminUsername: "root",
            sshPublicKey: "not-a-key",
            generateSshKey: true,
            allowedSshCidrs: ["0.0.0.0/0"],
            jupyterHub: { password: "short", allowedCidrs: ["*"] },
            vnetAddressSpace: "10.0.0.0/16",
            subnetPrefix: "10.1.0.0/24",
            autoShutdown: { time: "25:00", timeZone: "Europe/Berlin", notificationEmail: "nobody" },
            osDisk: { sizeGb: 10 },
            dataDisk: {},
            managedIdentities: { systemAssigned: false },
            storageAccess: { storageAccountId: "stdata" },
        };
        assert.throws(
            () => new DataScienceVm("x", bad),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError);
                assert.deepEqual(
                    [...new Set(err.fields)],
                    [
                        "vmName",
                        "vmSize",
                        "adminUsername",
                        "generateSshKey",
                        "sshPublicKey",
                        "allowedSshCidrs[0]",
                        "jupyterHub.allowedCidrs[0]",
                        "jupyterHub.password",
                        "subnetPrefix",
                        "autoShutdown.time",
                        "autoShutdown.timeZone",
                        "autoShutdown.notificationEmail",
                        "osDisk.sizeGb",
                        "dataDisk.sizeGb",
                        "managedIdentities",
                        "storageAccess.storageAccountId",
                        "storageAccess.principalId",
                    ],
                );
                assert.match(
                    err.message,
                    /NCv3 \(V100\) family was retired on 2025-09-30; use Standard_NC24ads_A100_v4/,
                );
                assert.ok(!err.message.includes("short"), "the password is redacted");
                return true;
            },
        );
        assert.equal(recorder.resources.length, 0);
    });

    it("requires a key, a source range, and a reachable network", () => {
        assert.throws(
            () =>
                validateDataScienceVmArgs({
                    allowedSshCidrs: [],
                    publicIp: false,
                }),
            (err: unknown) =>
                err instanceof ValidationError &&
                JSON.stringify(err.fields) === JSON.stringify(["sshPublicKey", "allowedSshCidrs", "publicIp"]) &&
                /needs subnetId/.test(err.message),
        );
        assert.throws(
            () => validateDataScienceVmArgs({ ...base, networkIsolation: true, publicIp: true, subnetId: SUBNET }),
            /publicIp: must be false with networkIsolation/,
        );
    });

    it("defaults to no public IP under network isolation", () => {
        assert.equal(validateDataScienceVmArgs({ ...base, networkIsolation: true, subnetId: SUBNET }).publicIp, false);
    });

    it("checks subnet containment and the cloud-init password rules", () => {
        assert.ok(cidrContains("10.20.0.0/16", "10.20.1.0/24"));
        assert.ok(!cidrContains("10.20.0.0/16", "10.21.0.0/24"));
        assert.ok(!cidrContains("10.20.1.0/24", "10.20.0.0/16"));
        assert.throws(
            () => jupyterHubCloudInit("azureuser", "two\nlines-password"),
            /jupyterHub.password: a single line/,
        );
    });
});
