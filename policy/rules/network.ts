/**
 * Network security groups must not let the whole internet reach a shell or a
 * notebook. Azure reads `*`, `Internet` and any `/0` prefix as every address,
 * a `*` port as every port and `a-b` as a range ("Network security groups",
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules).
 * The ports: SSH 22, RDP 3389 (TCP, and UDP for RDP's UDP transport), Jupyter
 * 8888 (its default) and JupyterHub 8000, which the Data Science VM serves
 * ("Data Science Virtual Machine for Linux", JupyterHub section,
 * https://learn.microsoft.com/azure/machine-learning/data-science-virtual-machine/dsvm-ubuntu-intro).
 *
 * References: Checkov CKV_AZURE_10 (SSH) and CKV_AZURE_9 (RDP),
 * checkov/arm/checks/resource/NSGRuleSSHAccessRestricted.py and
 * NSGRuleRDPAccessRestricted.py in https://github.com/bridgecrewio/checkov;
 * PSRule for Azure Azure.NSG.AnyInboundSource
 * (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.NSG.AnyInboundSource/),
 * which refuses any inbound source whatever the port.
 */
import { isOpenToInternet } from "../../components/common/validation";
import { PolicyRule, Props, arrayOf, describeResource, isObject, sameText, validateType } from "./rule";

const NSG = "azure-native:network:NetworkSecurityGroup";
const SECURITY_RULE = "azure-native:network:SecurityRule";

/** A port that gives a shell or a notebook, and the protocols that reach it. */
export interface AdminPort {
    readonly port: number;
    readonly service: string;
    readonly protocols: readonly ("tcp" | "udp")[];
}

export const ADMIN_PORTS: readonly AdminPort[] = [
    { port: 22, service: "SSH", protocols: ["tcp"] },
    { port: 3389, service: "RDP", protocols: ["tcp", "udp"] },
    { port: 8000, service: "JupyterHub", protocols: ["tcp"] },
    { port: 8888, service: "Jupyter", protocols: ["tcp"] },
];

/** True when a port range of a rule (`22`, `20-30`, `*`) includes `port`. */
export function portRangeCovers(range: unknown, port: number): boolean {
    const text = String(range).trim();
    if (text === "*") return true;
    const bounds = /^(\d+)\s*-\s*(\d+)$/.exec(text);
    if (bounds) return Number(bounds[1]) <= port && port <= Number(bounds[2]);
    return /^\d+$/.test(text) && Number(text) === port;
}

/** The rule's sources that admit every address. A bare `0.0.0.0` is counted too, as Checkov does. */
function openSources(rule: Props): string[] {
    const sources = [rule.sourceAddressPrefix, ...arrayOf(rule.sourceAddressPrefixes)];
    return sources.filter((s): s is string => typeof s === "string" && (isOpenToInternet(s) || s.trim() === "0.0.0.0"));
}

function protocolReaches(protocol: unknown, port: AdminPort): boolean {
    if (protocol === undefined || sameText(protocol, "*") || sameText(protocol, "Any")) return true;
    return port.protocols.some((p) => sameText(protocol, p));
}

/**
 * What one security rule (inline in a group, or a SecurityRule resource)
 * exposes to the internet, in words, e.g. `SSH (port 22) from "*"`. Empty
 * for deny, outbound and closed rules.
 */
export function adminPortExposures(rule: Props): string[] {
    if (!sameText(rule.access, "Allow") || !sameText(rule.direction, "Inbound")) return [];
    const sources = openSources(rule);
    if (sources.length === 0) return [];
    const ranges = [rule.destinationPortRange, ...arrayOf(rule.destinationPortRanges)].filter((r) => r !== undefined);
    return ADMIN_PORTS.filter(
        (p) => protocolReaches(rule.protocol, p) && ranges.some((range) => portRangeCovers(range, p.port)),
    ).map((p) => `${p.service} (port ${p.port}) from ${sources.map((s) => JSON.stringify(s)).join(", ")}`);
}

const ADVICE = "allow only known address ranges, or reach the machine through Azure Bastion";

export const nsgNoAdminPortsFromInternet: PolicyRule = {
    name: "nsg-no-admin-ports-from-internet",
    description: "Network security rules must not allow SSH, RDP, Jupyter or JupyterHub from any address.",
    enforcementLevel: "mandatory",
    references: { checkov: ["CKV_AZURE_9", "CKV_AZURE_10"], psrule: ["Azure.NSG.AnyInboundSource"] },
    validateResource: [
        validateType(NSG, (props, args, reportViolation) => {
            for (const rule of arrayOf(props.securityRules).filter(isObject)) {
                for (const exposure of adminPortExposures(rule)) {
                    const ruleName = JSON.stringify(rule.name ?? "(unnamed)");
                    reportViolation(`${describeResource(args)}: rule ${ruleName} allows ${exposure}; ${ADVICE}.`);
                }
            }
        }),
        validateType(SECURITY_RULE, (props, args, reportViolation) => {
            for (const exposure of adminPortExposures(props)) {
                reportViolation(`${describeResource(args)} allows ${exposure}; ${ADVICE}.`);
            }
        }),
    ],
};
