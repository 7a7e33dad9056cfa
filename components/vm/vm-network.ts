/**
 * Inbound rules of the Data Science VM's network security group, as pure data:
 * SSH (22) and JupyterHub (8000) from the caller's CIDRs only, and an explicit
 * deny of everything else ahead of Azure's permissive defaults (which let the
 * whole virtual network and the load balancer in).
 */
import { ValidationIssue, isIpv4AddressOrCidr, isOpenToInternet } from "../common/validation";

export const SSH_PORT = 22;
export const JUPYTERHUB_PORT = 8000;
export const SSH_RULE_PRIORITY = 100;
export const JUPYTERHUB_RULE_PRIORITY = 110;
/** The last priority a user rule may take; Azure's defaults start at 65000. */
export const DENY_ALL_PRIORITY = 4096;
/** The widest range accepted: a /8 is already 16 million addresses. */
export const WIDEST_PREFIX = 8;

/** A rule in the shape of `network.SecurityRuleArgs` (inline in the NSG). */
export interface InboundRule {
    readonly name: string;
    readonly priority: number;
    readonly direction: "Inbound";
    readonly access: "Allow" | "Deny";
    readonly protocol: "Tcp" | "*";
    readonly sourcePortRange: "*";
    readonly destinationAddressPrefix: "*";
    readonly destinationPortRange: string;
    readonly sourceAddressPrefix?: string;
    readonly sourceAddressPrefixes?: string[];
    readonly description: string;
}

const IPV4_ADDRESS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Problems with a list of allowed sources: each must be an IPv4 address or
 * CIDR, no wider than a /8, and never the whole internet (`0.0.0.0/0`, `*`,
 * `Internet`, `Any`).
 */
export function sourceRangeIssues(ranges: readonly string[], field: string): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    if (!Array.isArray(ranges)) return [{ field, rule: "a list of IPv4 addresses or CIDRs", value: ranges }];
    ranges.forEach((range, i) => {
        const at = `${field}[${i}]`;
        if (typeof range !== "string") {
            issues.push({ field: at, rule: "an IPv4 address or CIDR such as 203.0.113.0/24", value: range });
        } else if (isOpenToInternet(range)) {
            issues.push({
                field: at,
                rule: "must not open the port to the whole internet; list your own public IP or network (e.g. 203.0.113.7/32)",
                value: range,
            });
        } else if (!isIpv4AddressOrCidr(range)) {
            // A dotted quad with an octet above 255 gets the sharper message.
            const rule = IPV4_ADDRESS.test(range)
                ? "a valid IPv4 address"
                : "an IPv4 address or CIDR such as 203.0.113.0/24";
            issues.push({ field: at, rule, value: range });
        } else if (range.includes("/") && Number(range.split("/")[1]) < WIDEST_PREFIX) {
            issues.push({ field: at, rule: `a range no wider than /${WIDEST_PREFIX}`, value: range });
        }
    });
    if (new Set(ranges).size !== ranges.length) issues.push({ field, rule: "no duplicate entries", value: ranges });
    return issues;
}

/** The NSG's inbound rules. JupyterHub's rule exists only when `jupyterSources` is given. */
export function inboundRules(sshSources: readonly string[], jupyterSources?: readonly string[]): InboundRule[] {
    const rules: InboundRule[] = [
        {
            name: "allow-ssh",
            priority: SSH_RULE_PRIORITY,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourcePortRange: "*",
            sourceAddressPrefixes: [...sshSources],
            destinationAddressPrefix: "*",
            destinationPortRange: String(SSH_PORT),
            description: "SSH from the allowed ranges only",
        },
    ];
    if (jupyterSources) {
        rules.push({
            name: "allow-jupyterhub",
            priority: JUPYTERHUB_RULE_PRIORITY,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourcePortRange: "*",
            sourceAddressPrefixes: [...jupyterSources],
            destinationAddressPrefix: "*",
            destinationPortRange: String(JUPYTERHUB_PORT),
            description: "JupyterHub (HTTPS) from the allowed ranges only",
        });
    }
    rules.push({
        name: "deny-all-inbound",
        priority: DENY_ALL_PRIORITY,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourcePortRange: "*",
        sourceAddressPrefix: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
        description: "Everything else, including the virtual network, is refused",
    });
    return rules;
}
