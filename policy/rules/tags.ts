/**
 * Azure resources that take tags carry `managed-by` and `path`: cost reports
 * and clean-up scripts group by `path`, and `managed-by` tells people not to
 * edit the resource by hand (components/common/tags.ts).
 *
 * Which resources take tags: ARM's tracked resources, those with a location,
 * have tags; proxy resources (a blob container, a role assignment) have
 * neither ("TrackedResource: ... has 'tags' and a 'location'",
 * https://learn.microsoft.com/javascript/api/@azure/arm-msi/trackedresource;
 * "ProxyResource: ... will not have tags and a location",
 * https://learn.microsoft.com/javascript/api/@azure/arm-synapse/proxyresource).
 * So the rule checks azure-native resources whose inputs have a `location`,
 * except the few whose schema has a location but no tags
 * (untaggable-types.ts), and any whose inputs already carry `tags` (child
 * resources such as AKS agent pools take tags without a location).
 *
 * Advisory: a missing tag costs a report its grouping, not security, and
 * users add their own resources next to ours.
 *
 * Reference: PSRule for Azure Azure.Resource.UseTags
 * (https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Resource.UseTags/). Checkov has no tag check.
 */
import { PolicyRule, Props, describeResource, isObject, validateWhere } from "./rule";
import { LOCATION_WITHOUT_TAGS } from "./untaggable-types";

/** The tags every taggable resource must carry, with a non-empty value. */
export const REQUIRED_TAGS: readonly string[] = ["managed-by", "path"];

/** True for an azure-native resource that takes tags, judged from its type and inputs. */
export function takesTags(type: string, props: Props): boolean {
    if (!type.startsWith("azure-native:") || LOCATION_WITHOUT_TAGS.has(type)) return false;
    return props.location !== undefined || props.tags !== undefined;
}

export const azureStandardTags: PolicyRule = {
    name: "azure-standard-tags",
    description: `Azure resources that take tags should carry the ${REQUIRED_TAGS.join(" and ")} tags.`,
    enforcementLevel: "advisory",
    references: { psrule: ["Azure.Resource.UseTags"] },
    validateResource: validateWhere(takesTags, "azure-native resources that take tags", (props, args, report) => {
        const tags = isObject(props.tags) ? props.tags : {};
        const missing = REQUIRED_TAGS.filter((key) => typeof tags[key] !== "string" || tags[key] === "");
        if (missing.length === 0) return;
        const names = missing.map((key) => JSON.stringify(key)).join(" and ");
        report(`${describeResource(args)} lacks the ${names} tag${missing.length > 1 ? "s" : ""}.`);
    }),
};
