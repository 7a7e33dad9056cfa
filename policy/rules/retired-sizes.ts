/**
 * No retired VM size anywhere a size is chosen: a retired size cannot be
 * deployed, so ARM fails late with a capacity or SKU error. The families and
 * dates are the project's one table, components/common/vm-sizes.ts (sources
 * cited there). No Checkov or PSRule rule checks retirements.
 */
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { classifyVmSize } from "../../components/common/vm-sizes";
import { PolicyRule, Props, arrayOf, describeResource, isObject, validateType, valueAt } from "./rule";

/** Where each resource type names its size; `[]` marks an array of pools. */
const SIZE_FIELDS: readonly { readonly token: string; readonly path: string }[] = [
    { token: "azure-native:compute:VirtualMachine", path: "hardwareProfile.vmSize" },
    { token: "azure-native:machinelearningservices:Compute", path: "properties.properties.vmSize" },
    { token: "azure-native:containerservice:ManagedCluster", path: "agentPoolProfiles[].vmSize" },
    { token: "azure-native:containerservice:AgentPool", path: "vmSize" },
    { token: "azure-native:machinelearningservices:OnlineDeployment", path: "properties.instanceType" },
];

/** The sizes a resource names at `path`, with the field each came from (`agentPoolProfiles[1].vmSize`). */
export function sizesAt(props: Props, path: string): { field: string; size: unknown }[] {
    const [head, tail] = path.split("[].");
    if (tail === undefined) return [{ field: path, size: valueAt(props, path) }];
    return arrayOf(valueAt(props, head)).map((item, i) => ({
        field: `${head}[${i}].${tail}`,
        size: isObject(item) ? valueAt(item, tail) : undefined,
    }));
}

function checkSizes(path: string) {
    return (props: Props, args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        for (const { field, size } of sizesAt(props, path)) {
            if (typeof size !== "string") continue;
            const found = classifyVmSize(size);
            if (found.kind !== "retired") continue;
            reportViolation(
                `${describeResource(args)} uses ${field} "${size}": the ${found.family.family} family was retired ` +
                    `on ${found.family.retired}; use ${found.family.replacement} instead.`,
            );
        }
    };
}

export const noRetiredVmSizes: PolicyRule = {
    name: "no-retired-vm-sizes",
    description: "VMs, Azure ML computes and deployments, and AKS node pools must not use a retired VM size.",
    enforcementLevel: "mandatory",
    references: {},
    validateResource: SIZE_FIELDS.map(({ token, path }) => validateType(token, checkSizes(path))),
};
