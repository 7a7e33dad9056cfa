/**
 * The offline evaluator calls rules as @pulumi/policy's server would and
 * counts what they find.
 */
import * as assert from "node:assert/strict";
import type { ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { checkPolicies } from "../../../automation/plan/policy-check";
import { PlannedResource } from "../../../automation/plan/resources";
import { POLICY_RULES } from "../../../policy/rules";
import { PolicyRule, validateType } from "../../../policy/rules/rule";

const ACCOUNT = "azure-native:storage:StorageAccount";
const STACK_URN = "urn:pulumi:dev::customai::pulumi:pulumi:Stack::customai-dev";

function planned(type: string, name: string, inputs: Record<string, unknown> = {}, custom = true): PlannedResource {
    return {
        urn: `urn:pulumi:dev::customai::${type}::${name}`,
        type,
        name,
        parent: STACK_URN,
        custom,
        inputs,
        secretPaths: [],
    };
}

const component = planned("customai:storage:DataStorage", "st", {}, false);
const account = planned(ACCOUNT, "st-account", { allowBlobPublicAccess: true, tags: { a: "b" } });
const vault = planned("azure-native:keyvault:Vault", "kv", { properties: {} });

const rule = (name: string, enforcementLevel: "mandatory" | "advisory", extra: object): PolicyRule =>
    ({ name, description: `Rule ${name}.`, enforcementLevel, references: {}, ...extra }) as PolicyRule;

describe("checkPolicies", () => {
    it("runs resource and stack rules, and counts their findings by level", async () => {
        const rules = [
            rule("every-resource", "mandatory", {
                validateResource: (args: ResourceValidationArgs, report: (m: string) => void) =>
                    report(`saw ${args.name}`),
            }),
            rule("the-stack", "advisory", {
                validateStack: (args: StackValidationArgs, report: (m: string, urn?: string) => void) => {
                    report(`${args.resources.length} resources`);
                    report("blame one", args.resources[1].urn);
                },
            }),
        ];
        const report = await checkPolicies([account, vault], rules);
        assert.deepEqual(
            report.results.map((r) => [r.name, r.enforcement, r.violations]),
            [
                [
                    "every-resource",
                    "mandatory",
                    [
                        { urn: account.urn, message: "saw st-account" },
                        { urn: vault.urn, message: "saw kv" },
                    ],
                ],
                [
                    "the-stack",
                    "advisory",
                    [
                        { urn: undefined, message: "2 resources" },
                        { urn: vault.urn, message: "blame one" },
                    ],
                ],
            ],
        );
        assert.equal(report.mandatoryViolations, 2);
        assert.equal(report.advisoryViolations, 2);
    });

    it("counts the project's rules by their level on a mixed plan", async () => {
        const report = await checkPolicies([component, account, vault]);
        const byLevel = (level: string) =>
            report.results.filter((r) => r.enforcement === level).reduce((n, r) => n + r.violations.length, 0);
        assert.equal(report.results.length, POLICY_RULES.length);
        assert.ok(report.mandatoryViolations > 0 && report.advisoryViolations > 0);
        assert.equal(report.mandatoryViolations, byLevel("mandatory"));
        assert.equal(report.advisoryViolations, byLevel("advisory"));
        const names = (level: string) =>
            report.results.filter((r) => r.enforcement === level && r.violations.length > 0).map((r) => r.name);
        assert.deepEqual(names("mandatory"), [
            "storage-encrypted-transport",
            "storage-no-anonymous-blob-access",
            "keyvault-rbac-authorization",
        ]);
        assert.deepEqual(names("advisory"), [
            "storage-no-shared-key",
            "keyvault-purge-protection",
            "azure-standard-tags",
        ]);
    });

    it("passes components and the root stack to resource rules, as the engine does", async () => {
        const seen: [string, string | undefined][] = [];
        const watcher = rule("watch", "advisory", {
            validateResource: (args: ResourceValidationArgs) => void seen.push([args.type, args.opts.parent]),
        });
        await checkPolicies([component, account], [watcher], { project: "customai", stack: "dev" });
        assert.deepEqual(seen, [
            ["pulumi:pulumi:Stack", undefined],
            ["customai:storage:DataStorage", STACK_URN],
            [ACCOUNT, STACK_URN],
        ]);
    });

    it("links stack resources to their parents", async () => {
        let parentName: string | undefined;
        const stackRule = rule("parents", "advisory", {
            validateStack: (args: StackValidationArgs) => {
                parentName = args.resources.find((r) => r.type === ACCOUNT)?.parent?.name;
            },
        });
        await checkPolicies([account], [stackRule], { project: "customai", stack: "dev" });
        assert.equal(parentName, "customai-dev");
    });

    it("does not call a type-bound validation for other types, and skips not-applicable resources", async () => {
        const called: string[] = [];
        const bound = rule("bound", "mandatory", {
            validateResource: validateType(ACCOUNT, (_props, args) => void called.push(args.name)),
        });
        const report = await checkPolicies([component, account, vault], [bound]);
        assert.deepEqual(called, ["st-account"]);
        assert.deepEqual(report.results[0].violations, []);
        assert.equal(report.results[0].error, undefined);
    });

    it("reports a rule that throws as a failed, mandatory result, and keeps checking", async () => {
        const broken = rule("broken", "advisory", {
            validateResource: (args: ResourceValidationArgs, report: (m: string) => void) => {
                if (args.name === "kv") throw new Error("cannot read properties");
                report(`checked ${args.name}`);
            },
        });
        const report = await checkPolicies([vault, account], [broken, ...POLICY_RULES.slice(0, 1)]);
        const [result, next] = report.results;
        assert.equal(result.enforcement, "mandatory");
        assert.equal(result.error, "cannot read properties");
        assert.deepEqual(result.violations, [
            { urn: vault.urn, message: `The rule failed on ${vault.urn}: cannot read properties` },
            { urn: account.urn, message: "checked st-account" },
        ]);
        assert.equal(next.error, undefined, "other rules still run");
        assert.equal(report.mandatoryViolations, 2);
    });

    it("reports a stack rule that throws, too", async () => {
        const broken = rule("broken-stack", "advisory", {
            validateStack: () => Promise.reject(new Error("boom")),
        });
        const [result] = (await checkPolicies([account], [broken])).results;
        assert.equal(result.enforcement, "mandatory");
        assert.deepEqual(result.violations, [{ urn: undefined, message: "The rule failed on the stack: boom" }]);
    });

    it("gives rules a copy of the inputs, the SDK's type checks, and empty config and tags", async () => {
        const typed = { __pulumiType: ACCOUNT };
        const probe = rule("probe", "advisory", {
            validateResource: (args: ResourceValidationArgs) => {
                args.props.allowBlobPublicAccess = false;
                assert.equal(args.isType(typed as never), true);
                assert.equal(args.asType(typed as never), args.type === ACCOUNT ? args.props : undefined);
                assert.deepEqual(args.getConfig(), {});
                assert.equal(args.stackTags.size, 0);
            },
        });
        const report = await checkPolicies([account], [probe]);
        assert.equal(report.results[0].error, undefined);
        assert.equal(account.inputs.allowBlobPublicAccess, true, "the plan's inputs are untouched");
    });

    it("leaves disabled rules out and treats a rule without a level as the pack default, advisory", async () => {
        const noisy = { validateResource: (_a: ResourceValidationArgs, report: (m: string) => void) => report("x") };
        const disabled = { ...rule("off", "mandatory", noisy), enforcementLevel: "disabled" } as unknown as PolicyRule;
        const unset = { ...rule("unset", "mandatory", noisy), enforcementLevel: undefined } as unknown as PolicyRule;
        const report = await checkPolicies([account], [disabled, unset]);
        assert.deepEqual(
            report.results.map((r) => [r.name, r.enforcement]),
            [["unset", "advisory"]],
        );
    });
});
