/**
 * Path 1-1, single-node experimentation: a Data Science VM (the 2018 material
 * ran it on NC-series GPUs, all retired) reachable only from your networks,
 * shut down every evening, optionally on Spot, reading data by RBAC.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    ConfigSpec,
    ValidationIssue,
    configChecks,
    joinRules,
    readProgramConfig,
    vmSizeIssues,
} from "../../components/common";
import {
    DataScienceVm,
    DISK_TYPES,
    EMAIL_PATTERN,
    SHUTDOWN_TIME_PATTERN,
    SSH_PUBLIC_KEY_PATTERN,
    WINDOWS_TIME_ZONE_PATTERN,
    passwordIssues,
    sourceRangeIssues,
} from "../../components/vm";
import { WorkloadIdentity } from "../../components/identity";
import { baseConfigSpec, createPathBase } from "../shared";

const sources = (key: string) => (ranges: string[]) =>
    ranges.length === 0 ? "at least one IPv4 address or CIDR" : joinRules(sourceRangeIssues(ranges, key));

export const CONFIG_SPEC = {
    ...baseConfigSpec("dsvm"),
    vmSize: {
        type: "string",
        default: "Standard_D4s_v5",
        description: "VM size: a CPU size, or a current GPU size such as Standard_NC4as_T4_v3.",
        check: (size: string) => joinRules(vmSizeIssues(size, "vmSize")),
    },
    adminUsername: { type: "string", default: "azureuser", description: "Admin user on the VM." },
    sshPublicKey: {
        type: "string",
        description: "OpenSSH public key (ssh-rsa/ssh-ed25519); or set generateSshKey.",
        check: (key: string) =>
            SSH_PUBLIC_KEY_PATTERN.test(key.trim())
                ? undefined
                : "an OpenSSH public key line starting with ssh-rsa or ssh-ed25519",
    },
    generateSshKey: {
        type: "boolean",
        default: false,
        description: "Generate a key pair kept (encrypted) in state; export privateKeyPem to connect.",
    },
    allowedSshCidrs: {
        type: "string[]",
        required: true,
        description: "Public IPv4 addresses/CIDRs allowed to SSH in (never 0.0.0.0/0).",
        check: sources("allowedSshCidrs"),
    },
    jupyterHub: {
        type: "boolean",
        default: false,
        description: "Open JupyterHub on port 8000 (needs jupyterHubPassword).",
    },
    jupyterHubPassword: {
        type: "string",
        secret: true,
        description: "Initial password JupyterHub signs in with (12-72 characters); SSH stays key-only.",
        check: (pw: string) =>
            passwordIssues(pw, "jupyterHubPassword")
                .map((i) => i.rule)
                .join("; ") || undefined,
    },
    jupyterHubCidrs: {
        type: "string[]",
        description: "Sources allowed to reach JupyterHub (unset: allowedSshCidrs).",
        check: sources("jupyterHubCidrs"),
    },
    publicIp: { type: "boolean", default: true, description: "Give the VM a static public IP (false needs subnetId)." },
    subnetId: {
        type: "string",
        description: "Existing subnet id for the VM (unset: a new VNet).",
        check: configChecks.armResourceId("Microsoft.Network", "virtualNetworks", "subnets"),
    },
    spot: { type: "boolean", default: false, description: "Run on Spot capacity (evicted VMs are deallocated)." },
    autoShutdown: { type: "boolean", default: true, description: "Shut the VM down every day." },
    autoShutdownTime: {
        type: "string",
        default: "1900",
        description: "Daily shutdown time, HHmm.",
        check: (t: string) => (SHUTDOWN_TIME_PATTERN.test(t) ? undefined : "a 24-hour time HHmm such as 1900"),
    },
    autoShutdownTimeZone: {
        type: "string",
        default: "UTC",
        description: "Windows time zone id of the shutdown time, e.g. 'W. Europe Standard Time'.",
        check: (tz: string) =>
            WINDOWS_TIME_ZONE_PATTERN.test(tz) ? undefined : "a Windows time zone id such as UTC (not Europe/Berlin)",
    },
    autoShutdownEmail: {
        type: "string",
        description: "E-mail warned 30 minutes before shutdown.",
        check: (e: string) => (EMAIL_PATTERN.test(e) ? undefined : "an e-mail address"),
    },
    osDiskSizeGb: {
        type: "integer",
        description: "OS disk size in GiB (unset: the image's size).",
        check: (n: number) => (n >= 30 && n <= 4095 ? undefined : "an integer from 30 to 4095"),
    },
    osDiskType: { type: "string", default: "StandardSSD_LRS", description: "OS disk type.", oneOf: DISK_TYPES },
    dataDiskSizeGb: {
        type: "integer",
        description: "Size of an empty data disk in GiB (unset: none).",
        check: (n: number) => (n >= 4 && n <= 4095 ? undefined : "an integer from 4 to 4095"),
    },
    identity: {
        type: "string",
        default: "system",
        oneOf: ["system", "user"],
        description: "VM identity: system-assigned, or a user-assigned identity created alongside.",
    },
    storageAccountId: {
        type: "string",
        description: "Storage account the VM's identity may read (unset: none).",
        check: configChecks.armResourceId("Microsoft.Storage", "storageAccounts"),
    },
    storageRole: {
        type: "string",
        default: "reader",
        oneOf: ["reader", "contributor"],
        description: "Blob role on storageAccountId: Storage Blob Data Reader or Contributor.",
    },
} as const satisfies ConfigSpec;

/** Rules that span several keys; checked once every key parsed. */
export function crossKeyIssues(c: {
    sshPublicKey?: string;
    generateSshKey: boolean;
    jupyterHub: boolean;
    jupyterHubPassword?: unknown;
    jupyterHubCidrs?: string[];
    publicIp: boolean;
    subnetId?: string;
}): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (c.sshPublicKey === undefined && !c.generateSshKey) {
        issues.push({ field: "sshPublicKey", rule: "required unless generateSshKey is true", value: undefined });
    }
    if (c.sshPublicKey !== undefined && c.generateSshKey) {
        issues.push({ field: "generateSshKey", rule: "must be false when sshPublicKey is set", value: true });
    }
    if (c.jupyterHub && c.jupyterHubPassword === undefined) {
        issues.push({ field: "jupyterHubPassword", rule: "required when jupyterHub is true", value: undefined });
    }
    if (!c.jupyterHub && c.jupyterHubPassword !== undefined) {
        issues.push({ field: "jupyterHubPassword", rule: "only used when jupyterHub is true", value: "[secret]" });
    }
    if (!c.jupyterHub && c.jupyterHubCidrs !== undefined) {
        issues.push({ field: "jupyterHubCidrs", rule: "only used when jupyterHub is true", value: c.jupyterHubCidrs });
    }
    if (!c.publicIp && c.subnetId === undefined) {
        issues.push({ field: "publicIp", rule: "false needs subnetId (a network you can reach)", value: false });
    }
    return issues;
}

export async function program(): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { crossChecks: crossKeyIssues });
    const { tags, resourceGroup: group } = createPathBase("1-1", config);
    const common = { resourceGroupName: group.name, location: group.location, tags };
    const name = `${config.workload}-${config.environment}`;

    const userIdentity = config.identity === "user" ? new WorkloadIdentity(`${name}-id`, { ...common }) : undefined;

    const vm = new DataScienceVm(name, {
        ...common,
        vmSize: config.vmSize,
        adminUsername: config.adminUsername,
        sshPublicKey: config.sshPublicKey,
        generateSshKey: config.generateSshKey,
        allowedSshCidrs: config.allowedSshCidrs,
        jupyterHub:
            config.jupyterHub && config.jupyterHubPassword
                ? { password: config.jupyterHubPassword as pulumi.Output<string>, allowedCidrs: config.jupyterHubCidrs }
                : undefined,
        publicIp: config.publicIp,
        subnetId: config.subnetId,
        spot: config.spot,
        autoShutdown: {
            enabled: config.autoShutdown,
            time: config.autoShutdownTime,
            timeZone: config.autoShutdownTimeZone,
            notificationEmail: config.autoShutdownEmail,
        },
        osDisk: { sizeGb: config.osDiskSizeGb, type: config.osDiskType },
        dataDisk: config.dataDiskSizeGb !== undefined ? { sizeGb: config.dataDiskSizeGb } : undefined,
        managedIdentities: userIdentity
            ? { systemAssigned: false, userAssignedResourceIds: [userIdentity.identityId] }
            : { systemAssigned: true },
        storageAccess: config.storageAccountId
            ? {
                  storageAccountId: config.storageAccountId,
                  role: config.storageRole === "contributor" ? "StorageBlobDataContributor" : "StorageBlobDataReader",
                  principalId: userIdentity?.principalId,
              }
            : undefined,
    });

    return {
        resourceGroupName: group.name,
        vmName: vm.vmName,
        vmId: vm.vmId,
        adminUsername: vm.adminUsername,
        sshCommand: vm.sshCommand,
        jupyterHubUrl: vm.jupyterHubUrl,
        privateIpAddress: vm.privateIpAddress,
        publicIpAddress: vm.publicIpAddress,
        principalId: userIdentity?.principalId ?? vm.principalId,
        autoShutdown: config.autoShutdown ? `${config.autoShutdownTime} ${config.autoShutdownTimeZone}` : "off",
        privateKeyPem: vm.privateKeyPem,
    };
}
