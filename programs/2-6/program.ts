/**
 * Path 2-6, batch deep-learning scoring on cheap GPUs: the 2018 material ran
 * Batch AI on low-priority NC-series VMs (both retired). Today: an Azure ML
 * GPU cluster of a current family on Spot (`LowPriority`) nodes, from 0
 * nodes, released after a short idle time. The stack is the base of nightly
 * runs: it exports the platform contract, so the driver's `aml` run spec
 * (`nightly.run.json`) names it as `baseStack`; each run brings its own
 * Spot GPU cluster and job, and the driver resubmits a job whose nodes were
 * preempted (the sample scorer resumes where it stopped).
 *
 * The cluster's rules are its component's; the program adds one: GPU sizes
 * only (a CPU size belongs on path 2-2).
 */
import {
    classifyVmSize,
    ConfigChecks,
    ConfigSpec,
    ConfigValues,
    CURRENT_GPU_FAMILIES,
    DEFAULT_GPU_VM_SIZE,
    readProgramConfig,
    ValidationIssue,
    Validator,
} from "../../components/common";
import {
    baseConfigSpec,
    clusterConfigSpec,
    clusterIssues,
    createPathCluster,
    pathPlatform,
    pathPlatformIssues,
    pathTags,
    platformConfigSpec,
    platformKeyIssues,
    platformStackConfigSpec,
    ProgramOptions,
} from "../shared";

export const CONFIG_SPEC = {
    ...baseConfigSpec("dlscore"),
    ...platformStackConfigSpec(),
    ...platformConfigSpec(),
    ...clusterConfigSpec({
        vmSize: DEFAULT_GPU_VM_SIZE,
        vmPriority: "LowPriority",
        maxNodes: 2,
        sizeHint: `a current GPU family (${CURRENT_GPU_FAMILIES.map((f) => f.family).join(", ")})`,
    }),
} as const satisfies ConfigSpec;

type Config = ConfigValues<typeof CONFIG_SPEC>;

/** The path's own rule: GPU nodes. Retired and malformed sizes are left to the cluster's size check. Pure. */
export function gpuSizeIssues(vmSize: string): ValidationIssue[] {
    if (classifyVmSize(vmSize).kind !== "cpu") return [];
    return [
        {
            field: "vmSize",
            rule: "a GPU size of a current family such as Standard_NC4as_T4_v3 (CPU batch scoring is path 2-2)",
            value: vmSize,
        },
    ];
}

/** Rules across keys that no component owns. */
export function crossKeyIssues(c: Config): ValidationIssue[] {
    return [...platformKeyIssues(c, CONFIG_SPEC), ...gpuSizeIssues(c.vmSize)];
}

/** The checks of every part the config feeds, under `cluster.` and the platform's own names. */
function componentIssues(c: Config): ValidationIssue[] {
    const tags = pathTags("2-6", c);
    const v = new Validator();
    v.merge(clusterIssues(c, tags));
    v.merge(pathPlatformIssues(c, tags));
    return [...v.issues];
}

/** Every rule on the config besides each key's type: the program's own, the cluster's, the platform's. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    crossChecks: crossKeyIssues,
    components: componentIssues,
};

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const tags = pathTags("2-6", config);
    const name = `${config.workload}-${config.environment}`;
    const where = await pathPlatform("2-6", config, name);
    const { platform } = where;

    const { cluster } = createPathCluster(`${name}-gpu`, where, config, tags);

    return {
        // The platform contract: the driver's aml run spec names this stack as its baseStack.
        ...platform,
        clusterName: cluster.clusterName,
        clusterId: cluster.clusterId,
    };
}
