import * as assert from "node:assert/strict";
import {
    CURRENT_GPU_FAMILIES,
    DEFAULT_CPU_VM_SIZE,
    DEFAULT_GPU_VM_SIZE,
    RETIRED_FAMILIES,
    classifyVmSize,
    isGpuSize,
    vmSizeIssues,
} from "../../../components/common/vm-sizes";

describe("VM size rules", () => {
    const retired: [string, string, string][] = [
        ["Standard_NC6", "NC (K80)", "Standard_NC4as_T4_v3"],
        ["Standard_NC24r", "NC (K80)", "Standard_NC4as_T4_v3"],
        ["Standard_NC6_Promo", "NC (K80)", "Standard_NC4as_T4_v3"],
        ["Standard_NC6s_v2", "NCv2 (P100)", "Standard_NC24ads_A100_v4"],
        ["Standard_NC6s_v3", "NCv3 (V100)", "Standard_NC24ads_A100_v4"],
        ["Standard_NC24rs_v3", "NCv3 (V100)", "Standard_NC24ads_A100_v4"],
        ["standard_nc12s_v3", "NCv3 (V100)", "Standard_NC24ads_A100_v4"],
        ["Standard_ND6s", "ND (P40)", "Standard_NC24ads_A100_v4"],
        ["Standard_NV6", "NV (M60)", "Standard_NC4as_T4_v3"],
        ["Basic_A1", "A v1 / Basic A", "Standard_D4s_v5"],
        ["Standard_A4", "A v1 / Basic A", "Standard_D4s_v5"],
    ];
    for (const [size, family, replacement] of retired) {
        it(`refuses retired ${size}, naming the family, date and ${replacement}`, () => {
            const found = classifyVmSize(size);
            assert.equal(found.kind, "retired");
            assert.equal(found.kind === "retired" && found.family.family, family);
            const [issue] = vmSizeIssues(size, "vmSize");
            assert.equal(issue.field, "vmSize");
            assert.equal(issue.value, size);
            assert.match(issue.rule, new RegExp(`retired on \\d{4}-\\d{2}-\\d{2}; use ${replacement} instead`));
        });
    }

    const gpus = [
        "Standard_NC4as_T4_v3",
        "Standard_NC64as_T4_v3",
        "Standard_NC24ads_A100_v4",
        "Standard_NC96ads_A100_v4",
        "Standard_NC40ads_H100_v5",
        "Standard_NC80adis_H100_v5",
        "Standard_ND96isr_H100_v5",
        "Standard_ND96isr_H200_v5",
    ];
    for (const size of gpus) {
        it(`accepts current GPU size ${size}`, () => {
            assert.equal(classifyVmSize(size).kind, "gpu");
            assert.ok(isGpuSize(size));
            assert.deepEqual(vmSizeIssues(size), []);
        });
    }

    it("accepts CPU sizes, including current A v2 and B sizes, as CPU", () => {
        for (const size of [
            "Standard_D4s_v5",
            "Standard_E8ds_v5",
            "Standard_A2_v2",
            "Standard_B2s",
            "Standard_F4s_v2",
        ]) {
            assert.deepEqual(classifyVmSize(size), { kind: "cpu" }, size);
            assert.equal(isGpuSize(size), false);
        }
    });

    it("refuses N-series sizes outside the current families, listing the families", () => {
        const [issue] = vmSizeIssues("Standard_NV12s_v3");
        assert.match(issue.rule, /a GPU size from a current family \(NCasT4_v3, NC A100 v4/);
        assert.equal(classifyVmSize("Standard_NC4as_T4_v4").kind, "unlisted-gpu");
    });

    it("refuses malformed names", () => {
        for (const size of ["", "D4s_v5", "Standard D4s", "Standard_", "standard-d4s-v5"]) {
            assert.equal(classifyVmSize(size).kind, "malformed", size);
            assert.match(vmSizeIssues(size)[0].rule, /an Azure VM size name/);
        }
    });

    it("keeps its defaults and replacements valid under its own rules", () => {
        assert.equal(classifyVmSize(DEFAULT_CPU_VM_SIZE).kind, "cpu");
        assert.equal(classifyVmSize(DEFAULT_GPU_VM_SIZE).kind, "gpu");
        for (const family of RETIRED_FAMILIES) {
            assert.deepEqual(vmSizeIssues(family.replacement), [], `${family.family} -> ${family.replacement}`);
        }
        // No size is both current and retired.
        for (const gpu of CURRENT_GPU_FAMILIES) {
            assert.ok(!RETIRED_FAMILIES.some((r) => r.family === gpu.family));
        }
    });
});
