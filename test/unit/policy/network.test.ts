import * as assert from "node:assert/strict";
import { checkPolicies } from "../../../automation/plan/policy-check";
import { PlannedResource } from "../../../automation/plan/resources";
import { adminPortExposures, nsgNoAdminPortsFromInternet, portRangeCovers } from "../../../policy/rules/network";

const NSG = "azure-native:network:NetworkSecurityGroup";

function planned(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:dev::customai::${type}::${name}`, type, name, custom: true, inputs, secretPaths: [] };
}

async function findings(...resources: PlannedResource[]): Promise<string[]> {
    const [result] = (await checkPolicies(resources, [nsgNoAdminPortsFromInternet])).results;
    assert.equal(result.error, undefined);
    return result.violations.map((v) => v.message);
}

const allow = (extra: Record<string, unknown>) => ({
    name: "r",
    access: "Allow",
    direction: "Inbound",
    protocol: "Tcp",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    priority: 100,
    ...extra,
});

/** The Data Science VM's group as the 1-1 path declares it: SSH from one address, then deny all. */
const DSVM_RULES = [
    allow({ name: "allow-ssh", destinationPortRange: "22", sourceAddressPrefixes: ["203.0.113.7"] }),
    allow({ name: "allow-jupyterhub", destinationPortRange: "8000", sourceAddressPrefixes: ["203.0.113.0/24"] }),
    {
        name: "deny-all-inbound",
        access: "Deny",
        direction: "Inbound",
        protocol: "*",
        sourceAddressPrefix: "*",
        destinationPortRange: "*",
        destinationAddressPrefix: "*",
        priority: 4096,
    },
];

describe("policy nsg-no-admin-ports-from-internet", () => {
    it("passes the Data Science VM's group: known sources, and a deny-all", async () => {
        assert.deepEqual(await findings(planned(NSG, "dsvm-dev-nsg", { securityRules: DSVM_RULES })), []);
    });

    it("refuses SSH from anywhere, naming the group, the rule, the service and the source", async () => {
        const nsg = planned(NSG, "dsvm-dev-nsg", {
            securityRules: [allow({ name: "allow-ssh", destinationPortRange: "22", sourceAddressPrefix: "*" })],
        });
        const [message, ...rest] = await findings(nsg);
        assert.deepEqual(rest, []);
        assert.match(
            message,
            /^NetworkSecurityGroup "dsvm-dev-nsg": rule "allow-ssh" allows SSH \(port 22\) from "\*"/,
        );
    });

    const open: [string, Record<string, unknown>, RegExp][] = [
        ["RDP from Internet", { destinationPortRange: "3389", sourceAddressPrefix: "Internet" }, /RDP \(port 3389\)/],
        [
            "Jupyter from 0.0.0.0/0",
            { destinationPortRange: "8888", sourceAddressPrefix: "0.0.0.0/0" },
            /Jupyter \(port 8888\)/,
        ],
        [
            "JupyterHub from ::/0",
            { destinationPortRange: "8000", sourceAddressPrefixes: ["10.0.0.0/8", "::/0"] },
            /JupyterHub \(port 8000\) from "::\/0"/,
        ],
        ["SSH in a range", { destinationPortRange: "20-30", sourceAddressPrefix: "Any" }, /SSH \(port 22\)/],
        ["SSH in destinationPortRanges", { destinationPortRanges: ["443", "22"], sourceAddressPrefix: "*" }, /SSH/],
        ["every port", { destinationPortRange: "*", sourceAddressPrefix: "*", protocol: "*" }, /SSH.*|RDP.*/],
        ["RDP over UDP", { destinationPortRange: "3389", sourceAddressPrefix: "*", protocol: "Udp" }, /RDP/],
    ];
    for (const [label, extra, expected] of open) {
        it(`refuses ${label}`, async () => {
            const messages = await findings(planned(NSG, "nsg", { securityRules: [allow(extra)] }));
            assert.ok(messages.length > 0, label);
            assert.match(messages.join("\n"), expected);
        });
    }

    it("reports each exposed service of a wide-open rule", () => {
        const exposures = adminPortExposures(allow({ destinationPortRange: "*", sourceAddressPrefix: "*" }));
        assert.deepEqual(
            exposures.map((e) => e.split(" ")[0]),
            ["SSH", "RDP", "JupyterHub", "Jupyter"],
        );
    });

    const closed: [string, Record<string, unknown>][] = [
        ["a deny rule", { access: "Deny", destinationPortRange: "22", sourceAddressPrefix: "*" }],
        ["an outbound rule", { direction: "Outbound", destinationPortRange: "22", sourceAddressPrefix: "*" }],
        ["HTTPS from anywhere", { destinationPortRange: "443", sourceAddressPrefix: "*" }],
        ["SSH over UDP", { destinationPortRange: "22", sourceAddressPrefix: "*", protocol: "Udp" }],
        ["a range below SSH", { destinationPortRange: "1-21", sourceAddressPrefix: "*" }],
        ["SSH from a virtual network", { destinationPortRange: "22", sourceAddressPrefix: "VirtualNetwork" }],
    ];
    for (const [label, extra] of closed) {
        it(`passes ${label}`, () => assert.deepEqual(adminPortExposures(allow(extra)), []));
    }

    it("checks SecurityRule resources, outside any group, too", async () => {
        const rule = planned(
            "azure-native:network:SecurityRule",
            "ssh-rule",
            allow({ destinationPortRange: "22", sourceAddressPrefix: "*" }),
        );
        const [message] = await findings(rule);
        assert.match(message, /^SecurityRule "ssh-rule" allows SSH \(port 22\) from "\*"/);
        const fine = planned(
            "azure-native:network:SecurityRule",
            "ok",
            allow({ destinationPortRange: "22", sourceAddressPrefix: "198.51.100.4" }),
        );
        assert.deepEqual(await findings(fine), []);
    });

    it("reads port ranges as Azure does", () => {
        assert.equal(portRangeCovers("22", 22), true);
        assert.equal(portRangeCovers("*", 3389), true);
        assert.equal(portRangeCovers("3000-4000", 3389), true);
        assert.equal(portRangeCovers("3390-4000", 3389), false);
        assert.equal(portRangeCovers("220", 22), false);
        assert.equal(portRangeCovers(8888, 8888), true);
    });
});
