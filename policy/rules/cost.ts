/**
 * Compute that bills while nobody uses it. Both rules are advisory: an
 * always-on node or VM is sometimes what a user wants, and costs money
 * rather than exposing anything.
 *
 * - Azure ML clusters (AmlCompute) with `scaleSettings.minNodeCount` above 0
 *   keep that many nodes running, and billed, while idle; 0 lets the cluster
 *   scale down ("Create an Azure Machine Learning compute cluster",
 *   https://learn.microsoft.com/azure/machine-learning/how-to-create-attach-compute-cluster).
 *   Checkov CKV_AZURE_150 (checkov/terraform/checks/resource/azure/MLComputeClusterMinNodes.py,
 *   https://github.com/bridgecrewio/checkov).
 * - Virtual machines without auto-shutdown. A VM's auto-shutdown is a
 *   `Microsoft.DevTestLab/schedules` resource (Pulumi's GlobalSchedule) with
 *   task type `ComputeVmShutdownTask` whose `targetResourceId` is the VM
 *   ("Auto-shutdown a VM", https://learn.microsoft.com/azure/virtual-machines/auto-shutdown-vm).
 *   Its status defaults to Disabled (the SDK sends `status: "Disabled"` when
 *   unset, @pulumi/azure-native devtestlab/globalSchedule.js), so only an
 *   Enabled schedule counts. The API accepts such a schedule only
 *   under the name `shutdown-computevm-<vm name>` (found by the azurerm
 *   provider's authors, https://github.com/hashicorp/terraform-provider-azurerm/pull/5536).
 *   Neither Checkov nor PSRule checks it.
 *
 * Matching schedules to VMs: a stack check sees each resource's properties,
 * not its id (PolicyResource has no id). Under the CLI those are outputs (the
 * VM's `name`, the schedule's real `targetResourceId`); in the offline plan
 * they are inputs (the VM's `vmName`, a target id the mock engine built from
 * it). Both end in the VM's Azure name, so a schedule matches a VM when its
 * target id ends in `/virtualMachines/<vm name>` or its name is
 * `shutdown-computevm-<vm name>`.
 */
import type { StackValidation } from "@pulumi/policy";
import { PolicyRule, Props, describeResource, sameText, validateType, valueAt } from "./rule";

const VIRTUAL_MACHINE = "azure-native:compute:VirtualMachine";
const GLOBAL_SCHEDULE = "azure-native:devtestlab:GlobalSchedule";

export const amlClusterScalesToZero: PolicyRule = {
    name: "aml-cluster-scales-to-zero",
    description: "Azure ML clusters should scale to zero nodes when idle (scaleSettings.minNodeCount 0).",
    enforcementLevel: "advisory",
    references: { checkov: ["CKV_AZURE_150"] },
    validateResource: validateType("azure-native:machinelearningservices:Compute", (props, args, reportViolation) => {
        if (!sameText(valueAt(props, "properties.computeType"), "AmlCompute")) return;
        const min = valueAt(props, "properties.properties.scaleSettings.minNodeCount");
        if (typeof min !== "number" || min <= 0) return;
        reportViolation(
            `${describeResource(args)} keeps ${min} node(s) running while idle ` +
                "(properties.properties.scaleSettings.minNodeCount), billed around the clock; set it to 0.",
        );
    }),
};

/** A VM's name in Azure: its `vmName` input, or the `name` output the CLI's stack check sees. */
export function azureVmName(props: Props): string | undefined {
    const name = props.vmName ?? props.name;
    return typeof name === "string" && name.length > 0 ? name : undefined;
}

/** True when `schedule` is an enabled auto-shutdown of the VM named `vmName`. */
export function shutsDown(schedule: Props, vmName: string): boolean {
    if (!sameText(schedule.taskType, "ComputeVmShutdownTask") || !sameText(schedule.status, "Enabled")) return false;
    // The name first: it is an input, known in a preview; the target id may not be yet.
    if (sameText(schedule.name, `shutdown-computevm-${vmName}`)) return true;
    const target = typeof schedule.targetResourceId === "string" ? schedule.targetResourceId : "";
    const match = /\/virtualmachines?\/([^/]+)\/?$/i.exec(target);
    return match !== null && sameText(match[1], vmName);
}

const checkAutoShutdown: StackValidation & { __pulumiType?: string } = (args, reportViolation) => {
    const schedules = args.resources.filter((r) => r.type === GLOBAL_SCHEDULE).map((r) => r.props);
    for (const vm of args.resources.filter((r) => r.type === VIRTUAL_MACHINE)) {
        const vmName = azureVmName(vm.props);
        if (vmName === undefined) {
            reportViolation(
                `${describeResource(vm)} has no vmName, so no auto-shutdown schedule can be matched to it; set vmName.`,
                vm.urn,
            );
        } else if (!schedules.some((s) => shutsDown(s, vmName))) {
            reportViolation(
                `${describeResource(vm)} (${vmName}) has no enabled auto-shutdown schedule: add a GlobalSchedule ` +
                    `"shutdown-computevm-${vmName}" with taskType ComputeVmShutdownTask targeting it.`,
                vm.urn,
            );
        }
    }
};
// As the SDK's typed helpers do: the policy server skips this check for stacks without VMs.
checkAutoShutdown.__pulumiType = VIRTUAL_MACHINE;

export const vmAutoShutdown: PolicyRule = {
    name: "vm-auto-shutdown",
    description: "Virtual machines should have an enabled daily auto-shutdown schedule.",
    enforcementLevel: "advisory",
    references: {},
    validateStack: checkAutoShutdown,
};
