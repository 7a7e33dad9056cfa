import * as assert from "node:assert/strict";
import { componentTagIssues, MAX_TAGS } from "../../../components/common/tags";
import { firewallRangeIssues, isArmResourceId, isGuid } from "../../../components/common/validation";

describe("shared checks used by several components", () => {
    describe("firewallRangeIssues", () => {
        it("accepts addresses and CIDRs with network isolation", () => {
            assert.deepEqual(firewallRangeIssues(["203.0.113.7", "198.51.100.0/24"], true, "vault"), []);
            assert.deepEqual(firewallRangeIssues([], false, "vault"), []);
        });

        it("names each bad range by index, and the list when isolation is off", () => {
            const issues = firewallRangeIssues(["not-an-ip", "10.0.0.0/0", "203.0.113.7"], false, "account");
            assert.deepEqual(
                issues.map((i) => [i.field, i.value]),
                [
                    ["allowedIpRanges[0]", "not-an-ip"],
                    ["allowedIpRanges[1]", "10.0.0.0/0"],
                    ["allowedIpRanges", ["not-an-ip", "10.0.0.0/0", "203.0.113.7"]],
                ],
            );
            assert.match(issues[1].rule, /must not open the account to the whole internet/);
            assert.match(issues[2].rule, /networkIsolation: true/);
        });

        it("refuses private ranges, which service firewalls refuse, and /31 where storage refuses it", () => {
            const issues = firewallRangeIssues(
                ["10.1.2.3", "172.20.0.0/16", "192.168.1.0/24", "172.15.0.0/16", "203.0.113.6/31"],
                true,
                "account",
                { noSlash31: true },
            );
            assert.deepEqual(
                issues.map((i) => i.field),
                ["allowedIpRanges[0]", "allowedIpRanges[1]", "allowedIpRanges[2]", "allowedIpRanges[4]"],
            );
            assert.match(issues[0].rule, /firewall rules refuse private ranges/);
            assert.match(issues[3].rule, /not a \/31/);
            assert.deepEqual(firewallRangeIssues(["203.0.113.6/31"], true, "vault"), [], "a vault takes a /31");
        });
    });

    describe("isArmResourceId", () => {
        const subnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a";
        it("matches the provider and every type segment, case-insensitively", () => {
            assert.equal(isArmResourceId(subnet, "Microsoft.Network", "virtualNetworks", "subnets"), true);
            assert.equal(
                isArmResourceId(subnet.toLowerCase(), "Microsoft.Network", "virtualNetworks", "subnets"),
                true,
            );
        });
        it("rejects another type, a missing segment and a look-alike provider", () => {
            assert.equal(isArmResourceId(subnet, "Microsoft.Network", "virtualNetworks"), false);
            assert.equal(isArmResourceId(subnet, "Microsoft.Storage", "storageAccounts"), false);
            const lookAlike = subnet.replace("Microsoft.Network", "MicrosoftxNetwork");
            assert.equal(isArmResourceId(lookAlike, "Microsoft.Network", "virtualNetworks", "subnets"), false);
        });
    });

    describe("isGuid", () => {
        it("takes the 8-4-4-4-12 form in either case and nothing else", () => {
            assert.equal(isGuid("f6c7c914-8db3-469d-8ca1-694a8f32e121"), true);
            assert.equal(isGuid("F6C7C914-8DB3-469D-8CA1-694A8F32E121"), true);
            for (const bad of [
                "f6c7c9148db3469d8ca1694a8f32e121",
                "f6c7c914-8db3-469d-8ca1-694a8f32e12",
                "alice",
                42,
            ]) {
                assert.equal(isGuid(bad), false, String(bad));
            }
        });
    });

    describe("componentTagIssues", () => {
        it("counts the managed-by tag every component adds", () => {
            const tags = Object.fromEntries(Array.from({ length: MAX_TAGS }, (_, i) => [`t${i}`, "v"]));
            assert.deepEqual(componentTagIssues({}), []);
            assert.deepEqual(componentTagIssues(undefined), []);
            const issues = componentTagIssues(tags);
            assert.equal(issues.length, 1);
            assert.equal(issues[0].value, MAX_TAGS + 1);
        });
    });
});
