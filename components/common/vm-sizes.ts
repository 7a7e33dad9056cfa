/**
 * VM size rules shared by every path that picks a size (the Data Science VM,
 * AML clusters): which sizes are retired and what replaces them, and which GPU
 * families are current. One table, so a retirement is recorded once.
 *
 * The 2018 material used NC, NCv2, ND and NV sizes; all are gone, and NCv3
 * followed on 2025-09-30. A retired size fails validation with its retirement
 * date and a replacement, instead of failing later with an ARM error.
 */
import { ValidationIssue } from "./validation";

/** A CPU size that every region offers and the DSVM and AML both run on. */
export const DEFAULT_CPU_VM_SIZE = "Standard_D4s_v5";
/** The smallest current GPU size (1x NVIDIA T4): the default when a GPU is asked for. */
export const DEFAULT_GPU_VM_SIZE = "Standard_NC4as_T4_v3";

/** A retired family: sizes matching `pattern` can no longer be deployed. */
export interface RetiredFamily {
    readonly family: string;
    readonly pattern: RegExp;
    /** ISO date the family was retired. */
    readonly retired: string;
    /** Size to use instead. */
    readonly replacement: string;
}

/** A current GPU family: sizes matching `pattern` are accepted. */
export interface GpuFamily {
    readonly family: string;
    readonly pattern: RegExp;
    /** The GPU model, for messages and docs. */
    readonly gpu: string;
}

export const RETIRED_FAMILIES: readonly RetiredFamily[] = [
    {
        family: "NC (K80)",
        pattern: /^Standard_NC(6|12|24|24r)(_Promo)?$/i,
        retired: "2023-09-06",
        replacement: "Standard_NC4as_T4_v3",
    },
    {
        family: "NCv2 (P100)",
        pattern: /^Standard_NC(6|12|24|24r)s_v2$/i,
        retired: "2023-09-06",
        replacement: "Standard_NC24ads_A100_v4",
    },
    {
        family: "NCv3 (V100)",
        pattern: /^Standard_NC(6|12|24|24r)s_v3$/i,
        retired: "2025-09-30",
        replacement: "Standard_NC24ads_A100_v4",
    },
    {
        family: "ND (P40)",
        pattern: /^Standard_ND(6|12|24|24r)s$/i,
        retired: "2023-08-31",
        replacement: "Standard_NC24ads_A100_v4",
    },
    {
        family: "NV (M60)",
        pattern: /^Standard_NV(6|12|24)(_Promo)?$/i,
        retired: "2023-09-30",
        replacement: "Standard_NC4as_T4_v3",
    },
    {
        family: "A v1 / Basic A",
        pattern: /^(Basic|Standard)_A\d+$/i,
        retired: "2024-08-31",
        replacement: DEFAULT_CPU_VM_SIZE,
    },
];

export const CURRENT_GPU_FAMILIES: readonly GpuFamily[] = [
    { family: "NCasT4_v3", pattern: /^Standard_NC(4|8|16|64)as_T4_v3$/i, gpu: "NVIDIA T4" },
    { family: "NC A100 v4", pattern: /^Standard_NC(24|48|96)ads_A100_v4$/i, gpu: "NVIDIA A100 80GB PCIe" },
    { family: "NCads H100 v5", pattern: /^Standard_NC(40ads|80adis)_H100_v5$/i, gpu: "NVIDIA H100 NVL" },
    { family: "ND H100 v5", pattern: /^Standard_ND96isr_H100_v5$/i, gpu: "8x NVIDIA H100" },
    { family: "ND H200 v5", pattern: /^Standard_ND96isr_H200_v5$/i, gpu: "8x NVIDIA H200" },
];

/** What a size is, as far as the rules are concerned. */
export type VmSizeClass =
    | { readonly kind: "cpu" }
    | { readonly kind: "gpu"; readonly family: GpuFamily }
    | { readonly kind: "retired"; readonly family: RetiredFamily }
    | { readonly kind: "unlisted-gpu" }
    | { readonly kind: "malformed" };

const SIZE_PATTERN = /^(Standard|Basic)_[A-Za-z0-9]+(_[A-Za-z0-9]+)*$/i;
/** N-series: every Azure GPU size starts with `Standard_N`. */
const GPU_PATTERN = /^Standard_N/i;

/** Classifies a VM size name. Pure: the table above is the whole truth. */
export function classifyVmSize(size: string): VmSizeClass {
    if (typeof size !== "string" || !SIZE_PATTERN.test(size)) return { kind: "malformed" };
    const retired = RETIRED_FAMILIES.find((f) => f.pattern.test(size));
    if (retired) return { kind: "retired", family: retired };
    const gpu = CURRENT_GPU_FAMILIES.find((f) => f.pattern.test(size));
    if (gpu) return { kind: "gpu", family: gpu };
    if (GPU_PATTERN.test(size)) return { kind: "unlisted-gpu" };
    return { kind: "cpu" };
}

/** True for a size of a current GPU family. */
export function isGpuSize(size: string): boolean {
    return classifyVmSize(size).kind === "gpu";
}

const currentGpuList = () => CURRENT_GPU_FAMILIES.map((f) => f.family).join(", ");

/**
 * The problems with `size` as a deployable size: malformed, retired (with the
 * date and a replacement), or an N-series size outside the current families.
 */
export function vmSizeIssues(size: string, field: string = "vmSize"): ValidationIssue[] {
    const found = classifyVmSize(size);
    switch (found.kind) {
        case "malformed":
            return [{ field, rule: "an Azure VM size name such as Standard_D4s_v5", value: size }];
        case "retired":
            return [
                {
                    field,
                    rule:
                        `the ${found.family.family} family was retired on ${found.family.retired}; ` +
                        `use ${found.family.replacement} instead`,
                    value: size,
                },
            ];
        case "unlisted-gpu":
            return [{ field, rule: `a GPU size from a current family (${currentGpuList()})`, value: size }];
        default:
            return [];
    }
}
