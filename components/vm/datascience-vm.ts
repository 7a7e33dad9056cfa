/**
 * DataScienceVm: the single-node experimentation path (1-1). An Ubuntu Data
 * Science VM reachable only from the caller's networks, SSH keys only, shut
 * down every evening, optionally on Spot, with a managed identity that reads
 * data by RBAC instead of keys copied onto the disk.
 */
import * as compute from "@pulumi/azure-native/compute";
import * as devtestlab from "@pulumi/azure-native/devtestlab";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { applyRoleAssignments, diagnosticSetting, grantRole } from "../common/access";
import { ManagedIdentities, identityWithList } from "../common/interface";
import { withManagedBy } from "../common/tags";
import { DataScienceVmArgs, passwordIssues, validateDataScienceVmArgs } from "./datascience-vm-args";
import { SshKeyPair } from "./ssh-key";
import { JUPYTERHUB_PORT, inboundRules } from "./vm-network";
import { ValidationError } from "../common/validation";
import { azureName, withFormerTypes } from "../common/component";

/**
 * cloud-config that sets the admin user's password for JupyterHub (which signs
 * in with Linux accounts) while keeping SSH password logins off.
 */
export function jupyterHubCloudInit(username: string, password: string): string {
    const issues = passwordIssues(password, "jupyterHub.password");
    if (issues.length > 0) throw new ValidationError(issues, "DataScienceVm");
    return [
        "#cloud-config",
        "ssh_pwauth: false",
        "chpasswd:",
        "  expire: false",
        "  users:",
        `    - name: ${JSON.stringify(username)}`,
        `      password: ${JSON.stringify(password)}`,
        "      type: text",
        "",
    ].join("\n");
}

/** The VM's identity block: the shared one, with the pair spelled as compute spells it (with a space). */
function vmIdentity(spec: ManagedIdentities | undefined): compute.VirtualMachineArgs["identity"] {
    const { type, ...rest } = identityWithList(spec);
    return { ...rest, type: type.replace(",", ", ") as compute.ResourceIdentityType };
}

export class DataScienceVm extends pulumi.ComponentResource {
    readonly vm: compute.VirtualMachine;
    readonly nsg: network.NetworkSecurityGroup;
    readonly nic: network.NetworkInterface;
    readonly publicIp?: network.PublicIPAddress;
    readonly shutdownSchedule?: devtestlab.GlobalSchedule;
    readonly sshKey?: SshKeyPair;
    readonly vmName: pulumi.Output<string>;
    readonly vmId: pulumi.Output<string>;
    readonly adminUsername: string;
    readonly privateIpAddress: pulumi.Output<string>;
    /** Undefined without a public IP. */
    readonly publicIpAddress?: pulumi.Output<string>;
    /** e.g. `ssh azureuser@203.0.113.7` (with `-i <key file>` when the key was generated). */
    readonly sshCommand: pulumi.Output<string>;
    /** `https://<ip>:8000`; undefined when JupyterHub is off. */
    readonly jupyterHubUrl?: pulumi.Output<string>;
    /** Object id of the system-assigned identity; else `storageAccess.principalId`, else "". */
    readonly principalId: pulumi.Output<string>;
    /** The generated private key (PEM), a secret; undefined when a public key was supplied. */
    readonly privateKeyPem?: pulumi.Output<string>;

    constructor(name: string, args: DataScienceVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:vm:DataScienceVm", name, {}, withFormerTypes(opts, "customai:compute:DataScienceVm"));
        const r = validateDataScienceVmArgs(args);
        const child = { parent: this };
        const tags = withManagedBy(args.tags);
        const base = { resourceGroupName: args.resourceGroupName, location: args.location, tags };
        const vmName = azureName("virtualMachine", name, args.vmName, "vmName");
        this.adminUsername = r.adminUsername;

        this.nsg = new network.NetworkSecurityGroup(
            `${name}-nsg`,
            {
                ...base,
                networkSecurityGroupName: `nsg-${vmName}`,
                // Inline rules only: mixing them with SecurityRule resources makes each overwrite the other.
                securityRules: inboundRules(r.allowedSshCidrs, r.jupyterCidrs),
            },
            child,
        );

        let subnetId: pulumi.Input<string>;
        if (r.createNetwork) {
            const vnet = new network.VirtualNetwork(
                `${name}-vnet`,
                {
                    ...base,
                    virtualNetworkName: `vnet-${vmName}`,
                    addressSpace: { addressPrefixes: [r.vnetAddressSpace] },
                },
                { parent: this, ignoreChanges: ["subnets"] },
            );
            const subnet = new network.Subnet(
                `${name}-snet`,
                {
                    resourceGroupName: args.resourceGroupName,
                    virtualNetworkName: vnet.name,
                    subnetName: "snet-dsvm",
                    addressPrefix: r.subnetPrefix,
                    networkSecurityGroup: { id: this.nsg.id },
                },
                child,
            );
            subnetId = subnet.id;
        } else {
            subnetId = args.subnetId!;
        }

        if (r.publicIp) {
            this.publicIp = new network.PublicIPAddress(
                `${name}-pip`,
                {
                    ...base,
                    publicIpAddressName: `pip-${vmName}`,
                    sku: { name: "Standard", tier: "Regional" },
                    publicIPAllocationMethod: "Static",
                    publicIPAddressVersion: "IPv4",
                },
                child,
            );
        }

        this.nic = new network.NetworkInterface(
            `${name}-nic`,
            {
                ...base,
                networkInterfaceName: `nic-${vmName}`,
                networkSecurityGroup: { id: this.nsg.id },
                ipConfigurations: [
                    {
                        name: "ipconfig1",
                        primary: true,
                        subnet: { id: subnetId },
                        privateIPAllocationMethod: "Dynamic",
                        publicIPAddress: this.publicIp ? { id: this.publicIp.id } : undefined,
                    },
                ],
            },
            child,
        );

        let publicKey: pulumi.Input<string>;
        if (r.generateSshKey) {
            this.sshKey = new SshKeyPair(`${name}-ssh-key`, { comment: `${r.adminUsername}@${vmName}` }, child);
            publicKey = this.sshKey.publicKeyOpenssh;
            // Secret here as well: the engine applies additionalSecretOutputs, but callers must never depend on that.
            this.privateKeyPem = pulumi.secret(this.sshKey.privateKeyPem);
        } else {
            publicKey = pulumi.output(args.sshPublicKey!).apply((k) => k.trim());
        }

        const customData = args.jupyterHub
            ? pulumi
                  .secret(args.jupyterHub.password)
                  .apply((pw) => Buffer.from(jupyterHubCloudInit(r.adminUsername, pw)).toString("base64"))
            : undefined;

        this.vm = new compute.VirtualMachine(
            `${name}-vm`,
            {
                ...base,
                vmName,
                hardwareProfile: { vmSize: r.vmSize },
                storageProfile: {
                    imageReference: r.image,
                    osDisk: {
                        name: `osdisk-${vmName}`,
                        createOption: "FromImage",
                        caching: "ReadWrite",
                        deleteOption: "Delete",
                        diskSizeGB: r.osDisk.sizeGb,
                        managedDisk: { storageAccountType: r.osDisk.type },
                    },
                    dataDisks: r.dataDisk
                        ? [
                              {
                                  name: `datadisk-${vmName}`,
                                  lun: 0,
                                  createOption: "Empty",
                                  caching: "ReadOnly",
                                  // Kept on delete: the data outlives the VM unless removed on purpose.
                                  deleteOption: "Detach",
                                  diskSizeGB: r.dataDisk.sizeGb,
                                  managedDisk: { storageAccountType: r.dataDisk.type },
                              },
                          ]
                        : [],
                },
                plan: args.plan,
                osProfile: {
                    computerName: vmName,
                    adminUsername: r.adminUsername,
                    customData,
                    linuxConfiguration: {
                        disablePasswordAuthentication: true,
                        provisionVMAgent: true,
                        ssh: {
                            publicKeys: [{ path: `/home/${r.adminUsername}/.ssh/authorized_keys`, keyData: publicKey }],
                        },
                    },
                },
                networkProfile: { networkInterfaces: [{ id: this.nic.id, primary: true, deleteOption: "Detach" }] },
                // Managed boot diagnostics: serial console and screenshots without a storage account.
                diagnosticsProfile: { bootDiagnostics: { enabled: true } },
                identity: vmIdentity(args.managedIdentities),
                ...(r.spot ? { priority: "Spot", evictionPolicy: "Deallocate", billingProfile: { maxPrice: -1 } } : {}),
            },
            // customData is read only at first boot: a new password must not rebuild the VM (rotate it with passwd).
            { parent: this, ignoreChanges: ["osProfile.customData"] },
        );

        if (r.autoShutdown.enabled) {
            const email = r.autoShutdown.notificationEmail;
            this.shutdownSchedule = new devtestlab.GlobalSchedule(
                `${name}-shutdown`,
                {
                    resourceGroupName: args.resourceGroupName,
                    location: this.vm.location,
                    // Azure finds a VM's schedule by this exact name.
                    name: `shutdown-computevm-${vmName}`,
                    taskType: "ComputeVmShutdownTask",
                    status: "Enabled",
                    dailyRecurrence: { time: r.autoShutdown.time },
                    timeZoneId: r.autoShutdown.timeZone,
                    targetResourceId: this.vm.id,
                    notificationSettings: email
                        ? { status: "Enabled", timeInMinutes: 30, emailRecipient: email }
                        : { status: "Disabled" },
                    tags,
                },
                child,
            );
        }

        const userPrincipal = args.storageAccess?.principalId;
        this.principalId = r.systemIdentity
            ? this.vm.identity.apply((i) => {
                  if (!i?.principalId) throw new Error(`DataScienceVm ${name}: the VM reported no principal id`);
                  return i.principalId;
              })
            : pulumi.output(userPrincipal ?? "");
        if (args.storageAccess) {
            grantRole(
                `${name}-storage-${r.storageRole === "StorageBlobDataReader" ? "read" : "write"}`,
                {
                    scope: args.storageAccess.storageAccountId,
                    principalId: userPrincipal ?? this.principalId,
                    role: r.storageRole,
                },
                child,
            );
        }
        applyRoleAssignments(name, this.vm.id, args.roleAssignments, this);
        if (args.diagnostics) {
            // VMs have no diagnostic-setting logs (that is the Azure Monitor agent's job); their NSG and IP do.
            diagnosticSetting(`${name}-nsg-diag`, this.nsg.id, args.diagnostics, child, { metrics: false });
            if (this.publicIp) diagnosticSetting(`${name}-pip-diag`, this.publicIp.id, args.diagnostics, child);
        }

        this.vmName = this.vm.name;
        this.vmId = this.vm.id;
        this.privateIpAddress = this.nic.ipConfigurations.apply((c) => c?.[0]?.privateIPAddress ?? "");
        this.publicIpAddress = this.publicIp?.ipAddress.apply((ip) => ip ?? "");
        const host = this.publicIpAddress ?? this.privateIpAddress;
        const keyFlag = r.generateSshKey ? `-i ~/.ssh/${vmName}.pem ` : "";
        this.sshCommand = pulumi.interpolate`ssh ${keyFlag}${r.adminUsername}@${host}`;
        if (args.jupyterHub) this.jupyterHubUrl = pulumi.interpolate`https://${host}:${JUPYTERHUB_PORT}`;
        this.registerOutputs({
            vmId: this.vmId,
            privateIpAddress: this.privateIpAddress,
            publicIpAddress: this.publicIpAddress,
            sshCommand: this.sshCommand,
            jupyterHubUrl: this.jupyterHubUrl,
            principalId: this.principalId,
        });
    }
}
