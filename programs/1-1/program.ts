/**
 * Path 1-1, single-node experimentation: a Data Science VM (the 2018 material
 * ran it on NC-series GPUs, all retired) reachable only from your networks,
 * shut down every evening, optionally on Spot, reading data by RBAC.
 *
 * The rules on the VM's settings are the DataScienceVm's; each key names the
 * argument it becomes, so the component's checks are reported under the key.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    ConfigChecks,
    ConfigSpec,
    ConfigValues,
    DEFAULT_CPU_VM_SIZE,
    issuesOf,
    readProgramConfig,
    Settings,
    ValidationIssue,
} from "../../components/common";
import { WorkloadIdentity } from "../../components/identity";
import {
    DataScienceVm,
    DataScienceVmArgs,
    DEFAULT_ADMIN_USERNAME,
    DEFAULT_OS_DISK_TYPE,
    DEFAULT_SHUTDOWN_TIME,
    DEFAULT_SHUTDOWN_TIME_ZONE,
    DiskType,
    validateDataScienceVmArgs,
} from "../../components/vm";
import { baseConfigSpec, createPathBase, pathTags, ProgramOptions, unusedKeyIssues } from "../shared";

export const CONFIG_SPEC = {
    ...baseConfigSpec("dsvm"),
    vmSize: {
        type: "string",
        default: DEFAULT_CPU_VM_SIZE,
        description: "VM size: a CPU size, or a current GPU size such as Standard_NC4as_T4_v3.",
        arg: "vmSize",
    },
    adminUsername: {
        type: "string",
        default: DEFAULT_ADMIN_USERNAME,
        description: "Admin user on the VM.",
        arg: "adminUsername",
    },
    sshPublicKey: {
        type: "string",
        description: "Your OpenSSH public key (ssh-ed25519 or ssh-rsa); or set generateSshKey.",
        hint:
            'your public key: pulumi config set sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)" ' +
            "(make one with ssh-keygen -t ed25519), or pulumi config set generateSshKey true",
        arg: "sshPublicKey",
    },
    generateSshKey: {
        type: "boolean",
        default: false,
        description: "Generate a key pair kept (encrypted) in state; export privateKeyPem to connect.",
        arg: "generateSshKey",
    },
    allowedSshCidrs: {
        type: "string[]",
        required: true,
        description: "Public IPv4 addresses/CIDRs allowed to SSH in (never 0.0.0.0/0).",
        hint: "your public address, e.g. from `curl -s https://ifconfig.me`: pulumi config set allowedSshCidrs <address>",
        arg: "allowedSshCidrs",
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
        hint: "pulumi config set --secret jupyterHubPassword",
        arg: "jupyterHub.password",
    },
    jupyterHubCidrs: {
        type: "string[]",
        description: "Sources allowed to reach JupyterHub (unset: allowedSshCidrs).",
        arg: "jupyterHub.allowedCidrs",
    },
    publicIp: {
        type: "boolean",
        default: true,
        description: "Give the VM a static public IP (false needs subnetId).",
        arg: "publicIp",
    },
    subnetId: { type: "string", description: "Existing subnet id for the VM (unset: a new VNet).", arg: "subnetId" },
    spot: {
        type: "boolean",
        default: false,
        description: "Run on Spot capacity (evicted VMs are deallocated).",
        arg: "spot",
    },
    autoShutdown: {
        type: "boolean",
        default: true,
        description: "Shut the VM down every day.",
        arg: "autoShutdown.enabled",
    },
    autoShutdownTime: {
        type: "string",
        default: DEFAULT_SHUTDOWN_TIME,
        description: "Daily shutdown time, HHmm.",
        arg: "autoShutdown.time",
    },
    autoShutdownTimeZone: {
        type: "string",
        default: DEFAULT_SHUTDOWN_TIME_ZONE,
        description: "Windows time zone id of the shutdown time, e.g. 'W. Europe Standard Time'.",
        arg: "autoShutdown.timeZone",
    },
    autoShutdownEmail: {
        type: "string",
        description: "E-mail warned 30 minutes before shutdown.",
        arg: "autoShutdown.notificationEmail",
    },
    osDiskSizeGb: {
        type: "integer",
        description: "OS disk size in GiB (unset: the image's size).",
        arg: "osDisk.sizeGb",
    },
    osDiskType: {
        type: "string",
        default: DEFAULT_OS_DISK_TYPE,
        description: "OS disk type.",
        arg: "osDisk.type",
    },
    dataDiskSizeGb: {
        type: "integer",
        description: "Size of an empty data disk in GiB (unset: none).",
        arg: "dataDisk.sizeGb",
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
        arg: "storageAccess.storageAccountId",
    },
    storageRole: {
        type: "string",
        default: "reader",
        oneOf: ["reader", "contributor"],
        description: "Blob role on storageAccountId: Storage Blob Data Reader or Contributor.",
    },
} as const satisfies ConfigSpec;

type Config = ConfigValues<typeof CONFIG_SPEC>;
/** Config as the program reads it: the password a secret Output, everything else as parsed. */
type VmConfig = Omit<Config, "jupyterHubPassword"> & { readonly jupyterHubPassword?: pulumi.Input<string> };

/** Rules across keys that no component owns: JupyterHub's switch and its settings, the role and its account. */
export function crossKeyIssues(c: Config): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (c.jupyterHub && c.jupyterHubPassword === undefined) {
        const rule = `required when jupyterHub is true — ${CONFIG_SPEC.jupyterHubPassword.hint}`;
        issues.push({ field: "jupyterHubPassword", rule, value: undefined });
    }
    if (!c.jupyterHub) {
        issues.push(
            ...unusedKeyIssues(c, CONFIG_SPEC, ["jupyterHubPassword", "jupyterHubCidrs"], "when jupyterHub is true"),
        );
    }
    if (c.storageAccountId === undefined) {
        issues.push(...unusedKeyIssues(c, CONFIG_SPEC, ["storageRole"], "with storageAccountId"));
    }
    return issues;
}

/** A user-assigned identity of the VM: its resource id and principal. */
interface UserIdentityRef {
    readonly id: pulumi.Input<string>;
    readonly principalId: pulumi.Input<string>;
}

/** What stands for the user identity when the settings are checked before it exists. */
const PLANNED_IDENTITY: UserIdentityRef = { id: "the user-assigned identity", principalId: "its principal" };

/**
 * The DataScienceVm settings the config asks for; `identity` is the
 * user-assigned identity when `identity` is `user` (the program creates it).
 * The program adds the resource group. Pure.
 */
export function vmSettings(
    c: VmConfig,
    tags: Record<string, string>,
    identity: UserIdentityRef = PLANNED_IDENTITY,
): Settings<DataScienceVmArgs> {
    const user = c.identity === "user";
    return {
        tags,
        vmSize: c.vmSize,
        adminUsername: c.adminUsername,
        sshPublicKey: c.sshPublicKey,
        generateSshKey: c.generateSshKey,
        allowedSshCidrs: c.allowedSshCidrs,
        jupyterHub:
            c.jupyterHub && c.jupyterHubPassword !== undefined
                ? { password: c.jupyterHubPassword, allowedCidrs: c.jupyterHubCidrs }
                : undefined,
        publicIp: c.publicIp,
        subnetId: c.subnetId,
        spot: c.spot,
        autoShutdown: {
            enabled: c.autoShutdown,
            time: c.autoShutdownTime,
            timeZone: c.autoShutdownTimeZone,
            notificationEmail: c.autoShutdownEmail,
        },
        osDisk: { sizeGb: c.osDiskSizeGb, type: c.osDiskType as DiskType },
        dataDisk: c.dataDiskSizeGb !== undefined ? { sizeGb: c.dataDiskSizeGb } : undefined,
        managedIdentities: user
            ? { systemAssigned: false, userAssignedResourceIds: [identity.id] }
            : { systemAssigned: true },
        storageAccess: c.storageAccountId
            ? {
                  storageAccountId: c.storageAccountId,
                  role: c.storageRole === "contributor" ? "StorageBlobDataContributor" : "StorageBlobDataReader",
                  principalId: user ? identity.principalId : undefined,
              }
            : undefined,
    };
}

/** Every rule on the config besides each key's type: the program's own, and the DataScienceVm's. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    crossChecks: crossKeyIssues,
    components: (c) => issuesOf(() => validateDataScienceVmArgs(vmSettings(c, pathTags("1-1", c)))),
};

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const { tags, resourceGroup: group } = createPathBase("1-1", config);
    const common = { resourceGroupName: group.name, location: group.location, tags };
    const name = `${config.workload}-${config.environment}`;
    const userIdentity = config.identity === "user" ? new WorkloadIdentity(`${name}-id`, { ...common }) : undefined;
    const identity = userIdentity && { id: userIdentity.identityId, principalId: userIdentity.principalId };
    const vm = new DataScienceVm(name, { ...common, ...vmSettings(config as VmConfig, tags, identity) });

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
