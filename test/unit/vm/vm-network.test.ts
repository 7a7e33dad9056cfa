import * as assert from "node:assert/strict";
import { inboundRules, sourceRangeIssues } from "../../../components/vm/vm-network";

describe("DSVM network rules", () => {
    it("allows SSH and JupyterHub from the given sources only, then denies everything", () => {
        const rules = inboundRules(["203.0.113.7/32", "198.51.100.0/24"], ["203.0.113.7/32"]);
        assert.deepEqual(
            rules.map((r) => [r.name, r.priority, r.access, r.protocol, r.destinationPortRange]),
            [
                ["allow-ssh", 100, "Allow", "Tcp", "22"],
                ["allow-jupyterhub", 110, "Allow", "Tcp", "8000"],
                ["deny-all-inbound", 4096, "Deny", "*", "*"],
            ],
        );
        assert.deepEqual(rules[0].sourceAddressPrefixes, ["203.0.113.7/32", "198.51.100.0/24"]);
        assert.deepEqual(rules[1].sourceAddressPrefixes, ["203.0.113.7/32"]);
        assert.equal(rules[2].sourceAddressPrefix, "*");
        assert.ok(rules.every((r) => r.direction === "Inbound"));
    });

    it("has no JupyterHub rule when JupyterHub is off", () => {
        assert.deepEqual(
            inboundRules(["10.0.0.0/8"]).map((r) => r.name),
            ["allow-ssh", "deny-all-inbound"],
        );
    });

    it("accepts addresses and CIDRs down to /8", () => {
        assert.deepEqual(sourceRangeIssues(["203.0.113.7", "203.0.113.0/24", "10.0.0.0/8"], "allowedSshCidrs"), []);
    });

    const bad: [string, RegExp][] = [
        ["0.0.0.0/0", /whole internet/],
        ["*", /whole internet/],
        ["Internet", /whole internet/],
        ["any", /whole internet/],
        ["0.0.0.0/1", /no wider than \/8/],
        ["300.1.1.1", /valid IPv4 address/],
        ["10.0.0.0/33", /IPv4 address or CIDR/],
        ["VirtualNetwork", /IPv4 address or CIDR/],
        ["2001:db8::/32", /IPv4 address or CIDR/],
    ];
    for (const [range, rule] of bad) {
        it(`refuses source ${range}`, () => {
            const issues = sourceRangeIssues(["203.0.113.7/32", range], "allowedSshCidrs");
            assert.equal(issues.length, 1);
            assert.equal(issues[0].field, "allowedSshCidrs[1]");
            assert.equal(issues[0].value, range);
            assert.match(issues[0].rule, rule);
        });
    }

    it("refuses duplicates", () => {
        assert.deepEqual(
            sourceRangeIssues(["203.0.113.7/32", "203.0.113.7/32"], "x").map((i) => i.rule),
            ["no duplicate entries"],
        );
    });
});
