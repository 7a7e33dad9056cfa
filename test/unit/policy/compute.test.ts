import * as assert from "node:assert/strict";
import { checkPolicies } from "../../../automation/plan/policy-check";
import { PlannedResource } from "../../../automation/plan/resources";
import { amlClusterScalesToZero, shutsDown, vmAutoShutdown } from "../../../policy/rules/cost";
import { noRetiredVmSizes } from "../../../policy/rules/retired-sizes";
import { PolicyRule } from "../../../policy/rules/rule";
import { vmNoPasswordLogin } from "../../../policy/rules/vm-login";

const VM = "azure-native:compute:VirtualMachine";
const SCHEDULE = "azure-native:devtestlab:GlobalSchedule";
const COMPUTE = "azure-native:machinelearningservices:Compute";

function planned(type: string, name: string, inputs: Record<string, unknown>): PlannedResource {
    return { urn: `urn:pulumi:dev::customai::${type}::${name}`, type, name, custom: true, inputs, secretPaths: [] };
}

async function findings(rule: PolicyRule, ...resources: PlannedResource[]) {
    const [result] = (await checkPolicies(resources, [rule])).results;
    assert.equal(result.error, undefined);
    return result.violations;
}
const messages = async (rule: PolicyRule, ...resources: PlannedResource[]) =>
    (await findings(rule, ...resources)).map((v) => v.message);

/** The 1-1 path's VM and its schedule, as recorded (the schedule's target id is the mock engine's). */
const dsvm = (osProfile: Record<string, unknown>, vmSize = "Standard_D4s_v5") =>
    planned(VM, "dsvm-dev-vm", {
        vmName: "vm-dsvm-dev-u69qpc",
        hardwareProfile: { vmSize },
        osProfile,
        location: "westeurope",
    });
const KEY_ONLY = {
    adminUsername: "azureuser",
    linuxConfiguration: {
        disablePasswordAuthentication: true,
        ssh: { publicKeys: [{ keyData: "ssh-rsa AAAA", path: "/home/azureuser/.ssh/authorized_keys" }] },
    },
};
const schedule = (extra: Record<string, unknown> = {}) =>
    planned(SCHEDULE, "dsvm-dev-shutdown", {
        name: "shutdown-computevm-vm-dsvm-dev-u69qpc",
        taskType: "ComputeVmShutdownTask",
        status: "Enabled",
        dailyRecurrence: { time: "1900" },
        targetResourceId:
            "/subscriptions/0000/resourceGroups/rg-dsvm-dev/providers/Mock.compute/VirtualMachine/vm-dsvm-dev-u69qpc",
        ...extra,
    });

describe("policy vm-no-password-login", () => {
    it("passes an SSH-key-only Linux VM", async () => {
        assert.deepEqual(await messages(vmNoPasswordLogin, dsvm(KEY_ONLY)), []);
    });

    it("refuses an admin password, naming the VM and the field", async () => {
        const [message] = await messages(vmNoPasswordLogin, dsvm({ ...KEY_ONLY, adminPassword: "Secr3t!" }));
        assert.match(message, /^VirtualMachine "dsvm-dev-vm" sets osProfile\.adminPassword/);
        assert.doesNotMatch(message, /Secr3t/, "the password is never printed");
    });

    it("refuses Linux password sign-in left on, or not said off", async () => {
        for (const disablePasswordAuthentication of [false, undefined]) {
            const [message] = await messages(
                vmNoPasswordLogin,
                dsvm({ ...KEY_ONLY, linuxConfiguration: { disablePasswordAuthentication } }),
            );
            assert.match(
                message,
                /"dsvm-dev-vm" does not set osProfile\.linuxConfiguration\.disablePasswordAuthentication/,
            );
        }
    });

    it("leaves a VM without an OS profile (attached disk) alone", async () => {
        assert.deepEqual(await messages(vmNoPasswordLogin, planned(VM, "attached", { hardwareProfile: {} })), []);
    });
});

describe("policy no-retired-vm-sizes", () => {
    it("refuses a retired VM size with its family, date and replacement", async () => {
        const [message] = await messages(noRetiredVmSizes, dsvm(KEY_ONLY, "Standard_NC6s_v3"));
        assert.equal(
            message,
            'VirtualMachine "dsvm-dev-vm" uses hardwareProfile.vmSize "Standard_NC6s_v3": the NCv3 (V100) family ' +
                "was retired on 2025-09-30; use Standard_NC24ads_A100_v4 instead.",
        );
    });

    const elsewhere: [string, Record<string, unknown>, RegExp][] = [
        [
            COMPUTE,
            { properties: { computeType: "AmlCompute", properties: { vmSize: "STANDARD_NC6" } } },
            /properties\.properties\.vmSize "STANDARD_NC6"/,
        ],
        [
            "azure-native:containerservice:ManagedCluster",
            {
                agentPoolProfiles: [
                    { name: "system", vmSize: "Standard_D4s_v5" },
                    { name: "gpu", vmSize: "Standard_NV6" },
                ],
            },
            /agentPoolProfiles\[1\]\.vmSize "Standard_NV6"/,
        ],
        ["azure-native:containerservice:AgentPool", { vmSize: "Standard_ND6s" }, /vmSize "Standard_ND6s"/],
        [
            "azure-native:machinelearningservices:OnlineDeployment",
            { properties: { instanceType: "Standard_A2" } },
            /properties\.instanceType "Standard_A2"/,
        ],
    ];
    for (const [type, inputs, expected] of elsewhere) {
        it(`checks ${type.split(":").pop()} too`, async () => {
            const [message, ...rest] = await messages(noRetiredVmSizes, planned(type, "r", inputs));
            assert.deepEqual(rest, []);
            assert.match(message, expected);
            assert.match(message, /"r"/);
        });
    }

    it("passes current sizes, as the paths use them", async () => {
        const current = [
            dsvm(KEY_ONLY),
            planned(COMPUTE, "gpu", {
                properties: { computeType: "AmlCompute", properties: { vmSize: "Standard_NC4as_T4_v3" } },
            }),
            planned("azure-native:containerservice:AgentPool", "pool", { vmSize: "Standard_NC4as_T4_v3" }),
            planned("azure-native:machinelearningservices:OnlineDeployment", "blue", {
                properties: { instanceType: "Standard_DS2_v2" },
            }),
        ];
        assert.deepEqual(await messages(noRetiredVmSizes, ...current), []);
    });
});

describe("policy vm-auto-shutdown", () => {
    it("passes the 1-1 path's VM with its schedule", async () => {
        assert.deepEqual(await messages(vmAutoShutdown, dsvm(KEY_ONLY), schedule()), []);
    });

    it("reports a VM without a schedule, on the VM's URN", async () => {
        const vm = dsvm(KEY_ONLY);
        const [violation, ...rest] = await findings(vmAutoShutdown, vm);
        assert.deepEqual(rest, []);
        assert.equal(violation.urn, vm.urn);
        assert.match(
            violation.message,
            /^VirtualMachine "dsvm-dev-vm" \(vm-dsvm-dev-u69qpc\) has no enabled auto-shutdown/,
        );
    });

    it("does not count a disabled schedule, another task, or another VM's schedule", async () => {
        const other = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/other-vm";
        for (const wrong of [
            schedule({ status: "Disabled" }),
            schedule({ taskType: "LabVmsShutdownTask" }),
            schedule({ name: "shutdown-computevm-other-vm", targetResourceId: other }),
        ]) {
            assert.equal(
                (await messages(vmAutoShutdown, dsvm(KEY_ONLY), wrong)).length,
                1,
                JSON.stringify(wrong.inputs),
            );
        }
    });

    it("matches a schedule by its target id (CLI outputs) or by Azure's required name", () => {
        const target = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/VM-A";
        const byTarget = { taskType: "ComputeVmShutdownTask", status: "Enabled", name: "x", targetResourceId: target };
        assert.equal(shutsDown(byTarget, "vm-a"), true);
        assert.equal(shutsDown({ ...byTarget, targetResourceId: `${target}-2` }, "vm-a"), false);
        const byName = { taskType: "ComputeVmShutdownTask", status: "Enabled", name: "shutdown-computevm-vm-a" };
        assert.equal(shutsDown(byName, "vm-a"), true);
    });

    it("asks for vmName when the VM's Azure name is unknown", async () => {
        const [message] = await messages(vmAutoShutdown, planned(VM, "anon", { location: "westeurope" }), schedule());
        assert.match(message, /"anon" has no vmName/);
    });
});

describe("policy aml-cluster-scales-to-zero", () => {
    const cluster = (minNodeCount: number, computeType = "AmlCompute") =>
        planned(COMPUTE, "train-dev-cluster-compute", {
            properties: {
                computeType,
                disableLocalAuth: true,
                properties: { vmSize: "Standard_D4s_v5", scaleSettings: { minNodeCount, maxNodeCount: 2 } },
            },
        });

    it("passes a cluster that scales to zero", async () => {
        assert.deepEqual(await messages(amlClusterScalesToZero, cluster(0)), []);
    });

    it("advises on idle nodes, naming the cluster and how many", async () => {
        const [message] = await messages(amlClusterScalesToZero, cluster(2));
        assert.match(message, /^Compute "train-dev-cluster-compute" keeps 2 node\(s\) running while idle/);
        const [result] = (await checkPolicies([cluster(2)], [amlClusterScalesToZero])).results;
        assert.equal(result.enforcement, "advisory");
    });

    it("leaves other compute types alone", async () => {
        assert.deepEqual(await messages(amlClusterScalesToZero, cluster(1, "ComputeInstance")), []);
    });
});
