/**
 * The policy pack the Pulumi CLI runs (`pulumi preview --policy-pack policy/`).
 *
 * The only module that constructs PolicyPack: the constructor reads the
 * version from `${process.cwd()}/package.json` (the CLI starts packs in their
 * own folder, so policy/package.json) and starts the gRPC server the CLI
 * talks to. Import POLICY_RULES from ./rules instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_RULES, toSdkPolicy } from "./rules";

new PolicyPack("custom-ai-on-azure", {
    description: "Security, cost and tagging rules for the Custom AI on Azure learning paths.",
    provider: "azure",
    policies: POLICY_RULES.map(toSdkPolicy),
});
