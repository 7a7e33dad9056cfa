/**
 * Arguments of the DataScienceVm, their defaults and their validation. Pure:
 * everything here runs before any resource exists, and is tested without the
 * engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs, identityType, ManagedIdentities, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues } from "../common/tags";
import { Validator, cidrContains, isArmResourceId, isIntInRange, isIpv4Cidr } from "../common/validation";
import { sourceRangeIssues } from "./vm-network";
import { DEFAULT_CPU_VM_SIZE, vmSizeIssues } from "../common/vm-sizes";

/**
 * The Ubuntu 22.04 Data Science VM image. It is a first-party image published
 * without a purchase plan (Microsoft's DSVM quickstart template,
 * vm-ubuntu-DSVM-GPU-or-CPU, deploys a `microsoft-dsvm` image with an
 * imageReference alone), so no `plan` block and no marketplace terms
 * acceptance are needed. Images that do carry a plan can pass `plan`.
 */
export const DSVM_IMAGE = { publisher: "microsoft-dsvm", offer: "ubuntu-2204", sku: "2204-gen2", version: "latest" };
export const DEFAULT_ADMIN_USERNAME = "azureuser";
export const DEFAULT_VNET_ADDRESS_SPACE = "10.20.0.0/16";
export const DEFAULT_SUBNET_PREFIX = "10.20.1.0/24";
export const DEFAULT_SHUTDOWN_TIME = "1900";
export const DEFAULT_SHUTDOWN_TIME_ZONE = "UTC";
export const DEFAULT_OS_DISK_TYPE = "StandardSSD_LRS";
export const DISK_TYPES = ["Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "StandardSSD_ZRS", "Premium_ZRS"] as const;
export type DiskType = (typeof DISK_TYPES)[number];
export const STORAGE_ACCESS_ROLES = ["StorageBlobDataReader", "StorageBlobDataContributor"] as const;
export type StorageAccessRole = (typeof STORAGE_ACCESS_ROLES)[number];

/** User names Azure refuses for Linux VMs. */
const RESERVED_USERNAMES = new Set(
    (
        "administrator admin user user1 test user2 test1 user3 admin1 1 123 a actuser adm admin2 aspnet backup " +
        "console david guest john owner root server sql support support_388945a0 sys test2 test3 user4 user5"
    ).split(" "),
);

export interface VmImage {
    readonly publisher: string;
    readonly offer: string;
    readonly sku: string;
    /** Optional. @default "latest" */
    readonly version?: string;
}

export interface JupyterHubArgs {
    /**
     * Required. Initial password of the admin user, which JupyterHub signs in
     * with (SSH stays key-only). Pass a secret. Set once at creation; change it
     * later with `sudo passwd <user>` on the VM.
     */
    readonly password: pulumi.Input<string>;
    /** Optional. Sources allowed to reach port 8000. @default - the `allowedSshCidrs` */
    readonly allowedCidrs?: readonly string[];
}

export interface AutoShutdownArgs {
    /** Optional. Shut the VM down every day. @default true */
    readonly enabled?: boolean;
    /** Optional. Local time `HHmm`. @default "1900" */
    readonly time?: string;
    /** Optional. Windows time zone id, e.g. "W. Europe Standard Time". @default "UTC" */
    readonly timeZone?: string;
    /** Optional. E-mail warned 30 minutes before shutdown. @default - no notification */
    readonly notificationEmail?: string;
}

export interface DiskArgs {
    /** Optional for the OS disk (the image's size is used), required for a data disk. Size in GiB. */
    readonly sizeGb?: number;
    /** Optional. @default "StandardSSD_LRS" */
    readonly type?: DiskType;
}

export interface StorageAccessArgs {
    /** Required. Resource id of the storage account the VM reads (or writes). */
    readonly storageAccountId: pulumi.Input<string>;
    /** Optional. @default "StorageBlobDataReader" */
    readonly role?: StorageAccessRole;
    /**
     * Conditional. Principal that gets the role; required when the VM has no
     * system-assigned identity (pass the user-assigned identity's principal id).
     * @default - the VM's system-assigned identity
     */
    readonly principalId?: pulumi.Input<string>;
}

export interface DataScienceVmArgs extends CommonArgs {
    /** Optional. VM and host name. @default - `vm-<component>-<suffix>` */
    readonly vmName?: string;
    /** Optional. VM size; retired sizes are refused with a replacement. @default "Standard_D4s_v5" */
    readonly vmSize?: string;
    /** Optional. Image. @default - Ubuntu 22.04 DSVM (microsoft-dsvm / ubuntu-2204 / 2204-gen2 / latest) */
    readonly image?: VmImage;
    /** Optional. Purchase plan, for marketplace images that need one. @default - none (the DSVM has no plan) */
    readonly plan?: { readonly name: string; readonly product: string; readonly publisher: string };
    /** Optional. Admin user. @default "azureuser" */
    readonly adminUsername?: string;
    /** Conditional. OpenSSH public key (`ssh-rsa …` or `ssh-ed25519 …`); required unless `generateSshKey`. */
    readonly sshPublicKey?: pulumi.Input<string>;
    /** Optional. Generate a key pair kept in state; the private key is a secret output. @default false */
    readonly generateSshKey?: boolean;
    /** Required. IPv4 addresses or CIDRs allowed to SSH in; never the whole internet. */
    readonly allowedSshCidrs: readonly string[];
    /** Optional. Open JupyterHub (port 8000) with a password. @default - JupyterHub closed, no password */
    readonly jupyterHub?: JupyterHubArgs;
    /** Optional. Existing subnet for the NIC. @default - a new VNet and subnet */
    readonly subnetId?: pulumi.Input<string>;
    /** Optional. Address space of the new VNet. @default "10.20.0.0/16" */
    readonly vnetAddressSpace?: string;
    /** Optional. Prefix of the new subnet (inside the VNet). @default "10.20.1.0/24" */
    readonly subnetPrefix?: string;
    /** Optional. Give the VM a static Standard public IP. @default - true, false when `networkIsolation` */
    readonly publicIp?: boolean;
    /** Optional. Daily auto-shutdown. @default { enabled: true, time: "1900", timeZone: "UTC" } */
    readonly autoShutdown?: AutoShutdownArgs;
    /** Optional. Run on Spot capacity (evicted VMs are deallocated, never priced above pay-as-you-go). @default false */
    readonly spot?: boolean;
    /** Optional. OS disk. @default { type: "StandardSSD_LRS" } and the image's size */
    readonly osDisk?: DiskArgs;
    /** Optional. An empty data disk at LUN 0. @default - none */
    readonly dataDisk?: DiskArgs;
    /** Optional. Identities of the VM. @default { systemAssigned: true } */
    readonly managedIdentities?: ManagedIdentities;
    /** Optional. Blob data access for the VM's identity, by RBAC. @default - none */
    readonly storageAccess?: StorageAccessArgs;
}

export interface ResolvedDataScienceVmArgs {
    readonly vmSize: string;
    readonly image: Required<VmImage>;
    readonly adminUsername: string;
    readonly generateSshKey: boolean;
    readonly allowedSshCidrs: readonly string[];
    /** Sources of the JupyterHub rule; undefined when JupyterHub is off. */
    readonly jupyterCidrs?: readonly string[];
    readonly createNetwork: boolean;
    readonly vnetAddressSpace: string;
    readonly subnetPrefix: string;
    readonly publicIp: boolean;
    readonly autoShutdown: Required<Omit<AutoShutdownArgs, "notificationEmail">> & { notificationEmail?: string };
    readonly spot: boolean;
    readonly osDisk: { sizeGb?: number; type: DiskType };
    readonly dataDisk?: { sizeGb: number; type: DiskType };
    readonly systemIdentity: boolean;
    readonly storageRole: StorageAccessRole;
}

export function resolveDataScienceVmArgs(args: Settings<DataScienceVmArgs>): ResolvedDataScienceVmArgs {
    const shutdown = args.autoShutdown ?? {};
    return {
        vmSize: args.vmSize ?? DEFAULT_CPU_VM_SIZE,
        image: { ...DSVM_IMAGE, ...(args.image ?? {}), version: args.image?.version ?? "latest" },
        adminUsername: args.adminUsername ?? DEFAULT_ADMIN_USERNAME,
        generateSshKey: args.generateSshKey ?? false,
        allowedSshCidrs: args.allowedSshCidrs ?? [],
        jupyterCidrs: args.jupyterHub ? (args.jupyterHub.allowedCidrs ?? args.allowedSshCidrs ?? []) : undefined,
        createNetwork: args.subnetId === undefined,
        vnetAddressSpace: args.vnetAddressSpace ?? DEFAULT_VNET_ADDRESS_SPACE,
        subnetPrefix: args.subnetPrefix ?? DEFAULT_SUBNET_PREFIX,
        publicIp: args.publicIp ?? !(args.networkIsolation ?? false),
        autoShutdown: {
            enabled: shutdown.enabled ?? true,
            time: shutdown.time ?? DEFAULT_SHUTDOWN_TIME,
            timeZone: shutdown.timeZone ?? DEFAULT_SHUTDOWN_TIME_ZONE,
            notificationEmail: shutdown.notificationEmail,
        },
        spot: args.spot ?? false,
        osDisk: { sizeGb: args.osDisk?.sizeGb, type: args.osDisk?.type ?? DEFAULT_OS_DISK_TYPE },
        dataDisk: args.dataDisk
            ? { sizeGb: args.dataDisk.sizeGb ?? 0, type: args.dataDisk.type ?? DEFAULT_OS_DISK_TYPE }
            : undefined,
        systemIdentity: args.managedIdentities?.systemAssigned ?? true,
        storageRole: args.storageAccess?.role ?? "StorageBlobDataReader",
    };
}

/** An OpenSSH public key line (type, base64 blob, optional comment). */
export const SSH_PUBLIC_KEY_PATTERN = /^(ssh-rsa|ssh-ed25519) [A-Za-z0-9+/]+={0,3}( \S.*)?$/;
/** A 24-hour time `HHmm`, as the auto-shutdown schedule takes it. */
export const SHUTDOWN_TIME_PATTERN = /^([01]\d|2[0-3])[0-5]\d$/;
/** The characters of a Windows time zone id such as `W. Europe Standard Time` (IANA ids have '/'). */
export const WINDOWS_TIME_ZONE_PATTERN = /^[A-Za-z0-9 .()+-]{1,64}$/;
export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function diskIssues(v: Validator, field: string, disk: DiskArgs | undefined, min: number, required: boolean): void {
    if (!disk) return;
    if (disk.sizeGb !== undefined || required) {
        v.check(
            `${field}.sizeGb`,
            isIntInRange(disk.sizeGb, min, 4095),
            `an integer from ${min} to 4095 (GiB)`,
            disk.sizeGb,
        );
    }
    if (disk.type !== undefined) {
        v.check(`${field}.type`, DISK_TYPES.includes(disk.type), `one of ${DISK_TYPES.join(", ")}`, disk.type);
    }
}

/** Checks every argument; throws one ValidationError listing every problem. */
export function validateDataScienceVmArgs(args: Settings<DataScienceVmArgs>): ResolvedDataScienceVmArgs {
    const r = resolveDataScienceVmArgs(args);
    const v = new Validator("DataScienceVm");
    if (args.vmName !== undefined) v.merge(nameIssues("virtualMachine", args.vmName, "vmName"));
    v.merge(vmSizeIssues(r.vmSize, "vmSize"));
    for (const key of ["publisher", "offer", "sku", "version"] as const) {
        v.check(
            `image.${key}`,
            typeof r.image[key] === "string" && r.image[key].length > 0,
            "a non-empty string",
            r.image[key],
        );
    }
    const user = r.adminUsername;
    if (
        v.check(
            "adminUsername",
            /^[a-z_][a-z0-9_-]{0,31}$/.test(user),
            "1-32 lowercase letters, digits, '_' or '-', not starting with a digit or '-'",
            user,
        )
    ) {
        v.check(
            "adminUsername",
            !RESERVED_USERNAMES.has(user),
            "a name Azure does not reserve (not root, admin, user, test…)",
            user,
        );
    }

    const hasKey = args.sshPublicKey !== undefined;
    v.check(
        "sshPublicKey",
        hasKey || r.generateSshKey,
        "required: give an OpenSSH public key, or set generateSshKey: true",
        undefined,
    );
    v.check(
        "generateSshKey",
        !(hasKey && r.generateSshKey),
        "not with sshPublicKey: choose one way to get a key",
        true,
    );
    if (typeof args.sshPublicKey === "string") {
        v.check(
            "sshPublicKey",
            SSH_PUBLIC_KEY_PATTERN.test(args.sshPublicKey.trim()),
            "an OpenSSH public key line starting with ssh-rsa or ssh-ed25519",
            args.sshPublicKey,
        );
    }

    v.check(
        "allowedSshCidrs",
        Array.isArray(args.allowedSshCidrs) && args.allowedSshCidrs.length > 0,
        "at least one IPv4 address or CIDR (SSH is the only way in)",
        args.allowedSshCidrs,
    );
    if (Array.isArray(args.allowedSshCidrs)) v.merge(sourceRangeIssues(args.allowedSshCidrs, "allowedSshCidrs"));
    if (args.jupyterHub?.allowedCidrs !== undefined) {
        v.check(
            "jupyterHub.allowedCidrs",
            args.jupyterHub.allowedCidrs.length > 0,
            "at least one IPv4 address or CIDR",
            args.jupyterHub.allowedCidrs,
        );
        v.merge(sourceRangeIssues(args.jupyterHub.allowedCidrs, "jupyterHub.allowedCidrs"));
    }
    if (args.jupyterHub && typeof args.jupyterHub.password === "string") {
        v.merge(passwordIssues(args.jupyterHub.password, "jupyterHub.password"));
    }

    if (typeof args.subnetId === "string") {
        v.check(
            "subnetId",
            isArmResourceId(args.subnetId, "Microsoft.Network", "virtualNetworks", "subnets"),
            "a subnet resource id (/subscriptions/…/virtualNetworks/<vnet>/subnets/<subnet>)",
            args.subnetId,
        );
    }
    if (r.createNetwork) {
        const vnetOk = v.check(
            "vnetAddressSpace",
            isIpv4Cidr(r.vnetAddressSpace),
            "an IPv4 CIDR such as 10.20.0.0/16",
            r.vnetAddressSpace,
        );
        const subnetOk = v.check(
            "subnetPrefix",
            isIpv4Cidr(r.subnetPrefix) && Number(r.subnetPrefix.split("/")[1]) <= 29,
            "an IPv4 CIDR of /29 or wider",
            r.subnetPrefix,
        );
        if (vnetOk && subnetOk) {
            v.check(
                "subnetPrefix",
                cidrContains(r.vnetAddressSpace, r.subnetPrefix),
                `inside vnetAddressSpace ${r.vnetAddressSpace}`,
                r.subnetPrefix,
            );
        }
        v.check(
            "publicIp",
            r.publicIp,
            "a VM without a public IP needs subnetId: a network you reach by VPN, peering or Bastion (a new VNet would be unreachable)",
            r.publicIp,
        );
    }
    v.check("publicIp", !(r.publicIp && args.networkIsolation), "must be false with networkIsolation", r.publicIp);

    const s = r.autoShutdown;
    v.check(
        "autoShutdown.time",
        typeof s.time === "string" && SHUTDOWN_TIME_PATTERN.test(s.time),
        "a 24-hour time HHmm such as 1900",
        s.time,
    );
    const tzOk = typeof s.timeZone === "string" && WINDOWS_TIME_ZONE_PATTERN.test(s.timeZone);
    v.check(
        "autoShutdown.timeZone",
        tzOk,
        "a Windows time zone id such as UTC or 'W. Europe Standard Time' (not an IANA id like Europe/Berlin)",
        s.timeZone,
    );
    if (s.notificationEmail !== undefined) {
        v.check(
            "autoShutdown.notificationEmail",
            EMAIL_PATTERN.test(s.notificationEmail),
            "an e-mail address",
            s.notificationEmail,
        );
    }

    diskIssues(v, "osDisk", args.osDisk, 30, false);
    diskIssues(v, "dataDisk", args.dataDisk, 4, true);

    v.check(
        "managedIdentities",
        identityType(args.managedIdentities) !== "None",
        "at least one identity (system- or user-assigned)",
        args.managedIdentities,
    );
    if (args.storageAccess) {
        const sa = args.storageAccess;
        if (typeof sa.storageAccountId === "string") {
            v.check(
                "storageAccess.storageAccountId",
                isArmResourceId(sa.storageAccountId, "Microsoft.Storage", "storageAccounts"),
                "a storage account resource id",
                sa.storageAccountId,
            );
        }
        v.check(
            "storageAccess.role",
            STORAGE_ACCESS_ROLES.includes(r.storageRole),
            `one of ${STORAGE_ACCESS_ROLES.join(", ")}`,
            r.storageRole,
        );
        v.check(
            "storageAccess.principalId",
            r.systemIdentity || sa.principalId !== undefined,
            "required when the VM has no system-assigned identity",
            undefined,
        );
    }
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
    return r;
}

/** JupyterHub's password rules: long enough to survive an exposed port, one line. */
export function passwordIssues(password: string, field: string) {
    const v = new Validator();
    v.check(field, password.length >= 12 && password.length <= 72, "12-72 characters", "[secret]");
    v.check(field, !/[\r\n]/.test(password), "a single line", "[secret]");
    return [...v.issues];
}
