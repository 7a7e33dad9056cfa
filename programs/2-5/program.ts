/**
 * Path 2-5, real-time deep-learning scoring on GPUs: the 2018 material
 * served models with Azure ML v1 on AKS with NC-series VMs (both retired).
 * Today: an AKS cluster with a small system pool and a GPU user pool
 * (`sku=gpu:NoSchedule`, autoscaled from 0 nodes), the NVIDIA device plugin
 * when AKS installs the GPU driver, and a scoring Deployment with a Service,
 * a HorizontalPodAutoscaler and a PodDisruptionBudget. The kubelet pulls
 * the scoring image from the platform's registry by its identity (AcrPull).
 * The default image is the sample's HTTP server (`automation/sample/
 * http_score.py`, built with its Dockerfile into the platform registry).
 *
 * The program has two halves. The Azure half (platform, cluster, grants)
 * needs Azure; the Kubernetes half, `scoringWorkloads`, needs only a
 * Kubernetes provider and plain settings (`workloadSettings` derives them
 * from the config), so it also runs against any API server.
 *
 * The rules are the components'; each key names the argument it becomes,
 * so their checks are reported under the key.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_GPU_VM_SIZE, nodePoolPlacement, resolveNodePool } from "../../components/aks";
import {
    classifyVmSize,
    ConfigChecks,
    ConfigSpec,
    ConfigValues,
    issuesOf,
    readProgramConfig,
    ValidationError,
    ValidationIssue,
    Validator,
} from "../../components/common";
import {
    NvidiaDevicePlugin,
    NvidiaDevicePluginSettings,
    Placement,
    RESTRICTED_NAMESPACE_LABELS,
    rfc1123LabelIssues,
    ScoringService,
    ScoringServiceSettings,
    ServiceExposure,
    validateNvidiaDevicePluginArgs,
    validateScoringServiceArgs,
} from "../../components/kubernetes";
import { aksConfigSpec, aksIssues, aksPool, createPathAks, imageKeyIssues, workloadImage } from "../shared-aks";
import {
    baseConfigSpec,
    pathGroupAndPlatform,
    pathPlatformIssues,
    pathTags,
    platformConfigSpec,
    platformKeyIssues,
    platformStackConfigSpec,
    ProgramOptions,
    unusedKeyIssues,
} from "../shared";

/** The repository the sample image is built into, in the platform's registry. */
export const SCORING_IMAGE_REPOSITORY = "customai-http-score";
/** The name of the scoring Deployment and Service in their namespace. */
export const SERVICE_NAME = "scorer";
/** Namespaces the cluster owns: the scoring objects never go there. */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** Where `az acr build` finds the sample's Dockerfile, from the repository root. */
export const SAMPLE_BUILD_CONTEXT = "automation/sample";

export const CONFIG_SPEC = {
    ...baseConfigSpec("gpuscore"),
    ...platformStackConfigSpec(),
    ...platformConfigSpec(),
    ...aksConfigSpec({ pool: { name: "gpu", vmSize: DEFAULT_GPU_VM_SIZE, minCount: 0, maxCount: 2 } }),
    namespace: {
        type: "string",
        default: "scoring",
        description: "Kubernetes namespace the program creates for the scoring objects (restricted pod security).",
        arg: "namespace",
    },
    image: {
        type: "string",
        description: `Scoring image, pinned by tag or digest (unset: <platform registry>/${SCORING_IMAGE_REPOSITORY}:<imageTag>).`,
        arg: "service.image",
    },
    imageTag: {
        type: "string",
        default: "1.0.0",
        description: `Tag of the sample image in the platform registry (unused with image).`,
    },
    gpusPerPod: {
        type: "integer",
        default: 1,
        description: "GPUs (nvidia.com/gpu) each scoring pod gets; 0 runs on CPU (with a CPU poolVmSize).",
        arg: "service.gpusPerPod",
    },
    cpuRequest: {
        type: "string",
        default: "500m",
        description: "CPU each pod requests; the autoscaler's target is a percentage of it.",
        arg: "service.cpuRequest",
    },
    cpuLimit: { type: "string", default: "2", description: "CPU limit of each pod.", arg: "service.cpuLimit" },
    memoryRequest: {
        type: "string",
        default: "1Gi",
        description: "Memory each pod requests.",
        arg: "service.memoryRequest",
    },
    memoryLimit: {
        type: "string",
        default: "4Gi",
        description: "Memory limit of each pod; the container is restarted above it.",
        arg: "service.memoryLimit",
    },
    minReplicas: {
        type: "integer",
        default: 1,
        description: "Fewest scoring pods (1 or more); with GPUs, the nodes holding their GPUs stay up.",
        arg: "service.minReplicas",
    },
    maxReplicas: {
        type: "integer",
        default: 2,
        description: "Most scoring pods the autoscaler runs; the GPU pool's poolMaxCount must have room for them.",
        arg: "service.maxReplicas",
    },
    targetCpuUtilization: {
        type: "integer",
        default: 70,
        description: "Average CPU use, in percent of cpuRequest, the autoscaler keeps.",
        arg: "service.targetCpuUtilization",
    },
    exposure: {
        type: "string",
        default: "ClusterIP",
        description:
            "Who reaches the scorer: ClusterIP (the cluster; you through kubectl port-forward), Internal (a private load balancer IP) or Public (allowedSourceRanges only).",
        arg: "service.exposure",
    },
    allowedSourceRanges: {
        type: "string[]",
        default: [] as string[],
        description: "IPv4 CIDRs allowed through the load balancer: required with Public, optional with Internal.",
        hint: "your public IP as a /32: curl -s https://api.ipify.org",
        arg: "service.allowedSourceRanges",
    },
    awaitRollout: {
        type: "boolean",
        default: true,
        description:
            "Wait during pulumi up for the scoring pods to be ready (and a load balancer's address); off for a first deploy before the image is built.",
    },
} as const satisfies ConfigSpec;

type Config = ConfigValues<typeof CONFIG_SPEC>;

/**
 * The Kubernetes half of the path as plain settings: what `scoringWorkloads`
 * creates. Everything is derived from the config by `workloadSettings`; no
 * Azure output is needed except, optionally, the image.
 */
export interface ScoringWorkloadSettings {
    /** Required. Namespace created for the scoring objects; not one of RESERVED_NAMESPACES. */
    readonly namespace: string;
    /** Required. The scoring service (its provider and namespace are `scoringWorkloads`'). */
    readonly service: ScoringServiceSettings;
    /**
     * Optional. Deploy the NVIDIA device plugin with these settings (GPU
     * pools whose driver AKS installs). @default - no device plugin
     */
    readonly devicePlugin?: NvidiaDevicePluginSettings;
}

/** What `scoringWorkloads` created. */
export interface ScoringWorkloads {
    readonly namespace: k8s.core.v1.Namespace;
    readonly service: ScoringService;
    readonly devicePlugin?: NvidiaDevicePlugin;
}

/** Problems with the Kubernetes half's settings, under `namespace`, `service.` and `devicePlugin.`. Pure. */
export function scoringWorkloadIssues(settings: ScoringWorkloadSettings): ValidationIssue[] {
    const v = new Validator();
    const nameIssues = rfc1123LabelIssues("namespace", settings.namespace);
    v.merge(nameIssues);
    if (nameIssues.length === 0) {
        v.check(
            "namespace",
            !RESERVED_NAMESPACES.includes(settings.namespace),
            `a namespace of its own, not one the cluster owns (${RESERVED_NAMESPACES.join(", ")})`,
            settings.namespace,
        );
    }
    v.merge(
        issuesOf(() => validateScoringServiceArgs(settings.service, SERVICE_NAME)),
        "service",
    );
    if (settings.devicePlugin) {
        v.merge(
            issuesOf(() => validateNvidiaDevicePluginArgs(settings.devicePlugin!)),
            "devicePlugin",
        );
    }
    return [...v.issues];
}

/**
 * The Kubernetes half of path 2-5, on the cluster `provider` reaches: a
 * namespace that enforces the `restricted` Pod Security Standard (the
 * scoring pods meet it; https://kubernetes.io/docs/concepts/security/pod-security-admission/),
 * the NVIDIA device plugin when `settings.devicePlugin` is given, and the
 * ScoringService (named `SERVICE_NAME` unless the settings name it) in
 * the namespace. Creates no Azure resource. `dependsOn` is what every
 * object waits for besides the provider (which, from an AksCluster,
 * already waits for the pools and the deployer's grant).
 */
export function scoringWorkloads(
    name: string,
    settings: ScoringWorkloadSettings,
    provider: k8s.Provider,
    dependsOn: pulumi.Input<pulumi.Resource>[] = [],
): ScoringWorkloads {
    const issues = scoringWorkloadIssues(settings);
    if (issues.length > 0) throw new ValidationError(issues, "scoring workloads");
    const namespace = new k8s.core.v1.Namespace(
        `${name}-ns`,
        {
            metadata: {
                name: settings.namespace,
                labels: { ...RESTRICTED_NAMESPACE_LABELS, "app.kubernetes.io/part-of": "customai-2-5" },
            },
        },
        { provider, dependsOn },
    );
    const devicePlugin = settings.devicePlugin
        ? new NvidiaDevicePlugin(`${name}-nvidia`, { ...settings.devicePlugin, provider }, { dependsOn })
        : undefined;
    const service = new ScoringService(
        `${name}-scorer`,
        {
            ...settings.service,
            serviceName: settings.service.serviceName ?? SERVICE_NAME,
            provider,
            namespace: namespace.metadata.name,
        },
        // Pods asking for a GPU are scheduled only once the plugin advertises the GPUs.
        { dependsOn: devicePlugin ? [devicePlugin] : [] },
    );
    return { namespace, service, devicePlugin };
}

/** The image the config names: `image`, or the sample's repository in the registry at `loginServer`. Pure. */
export function imageOf(c: Pick<Config, "image" | "imageTag">, loginServer: string): string {
    return c.image ?? `${loginServer}/${SCORING_IMAGE_REPOSITORY}:${c.imageTag}`;
}

/** Whether the config's pool gets the device plugin: a GPU size whose driver AKS installs. Pure. */
export function needsDevicePlugin(c: Config): boolean {
    const pool = resolveNodePool(aksPool(c));
    return pool.gpu && pool.gpuDriver === "Install";
}

/** The Kubernetes half's settings from the config, with the image to run. Pure. */
export function workloadSettings(c: Config, image: pulumi.Input<string>): ScoringWorkloadSettings {
    const placement: Placement = nodePoolPlacement(aksPool(c));
    return {
        namespace: c.namespace,
        service: {
            image,
            gpusPerPod: c.gpusPerPod,
            cpuRequest: c.cpuRequest,
            cpuLimit: c.cpuLimit,
            memoryRequest: c.memoryRequest,
            memoryLimit: c.memoryLimit,
            minReplicas: c.minReplicas,
            maxReplicas: c.maxReplicas,
            targetCpuUtilization: c.targetCpuUtilization,
            exposure: c.exposure as ServiceExposure,
            allowedSourceRanges: c.allowedSourceRanges,
            placement,
            skipAwait: !c.awaitRollout,
        },
        // On the same pool as the scorer: the plugin is what makes its GPUs schedulable.
        devicePlugin: needsDevicePlugin(c) ? { placement, skipAwait: !c.awaitRollout } : undefined,
    };
}

/** Rules across keys that no component owns. Pure. */
export function crossKeyIssues(c: Config): ValidationIssue[] {
    const v = new Validator();
    v.merge(platformKeyIssues(c, CONFIG_SPEC));
    if (c.image !== undefined) v.merge(unusedKeyIssues(c, CONFIG_SPEC, ["imageTag"], "without image"));
    v.merge(imageKeyIssues(c));
    // The cluster sits in a virtual network of AKS's own, with no private endpoint to the platform's
    // registry: once isolation closes the registry's public endpoint, its nodes could not pull the image.
    if (c.platformStack === undefined) {
        v.check(
            "networkIsolation",
            !c.networkIsolation,
            "false on path 2-5 (the cluster's nodes pull from the platform registry's public endpoint)",
            c.networkIsolation,
        );
    }
    // A GPU limit on a CPU pool leaves every pod Pending. Retired or malformed sizes are the pool's own issue.
    if (c.gpusPerPod > 0 && classifyVmSize(c.poolVmSize).kind === "cpu") {
        v.check(
            "gpusPerPod",
            false,
            `0 on a CPU pool (poolVmSize ${c.poolVmSize} has no GPU), or a GPU poolVmSize such as ${DEFAULT_GPU_VM_SIZE}`,
            c.gpusPerPod,
        );
    }
    return [...v.issues];
}

/** A registry login server standing in for the platform's while the config is checked. */
const STAND_IN_LOGIN_SERVER = "registry.azurecr.io";

/** The checks of every part the config feeds, under the keys whose `arg` they name. */
function componentIssues(c: Config): ValidationIssue[] {
    const tags = pathTags("2-5", c);
    const v = new Validator();
    v.merge(aksIssues(c, tags));
    v.merge(scoringWorkloadIssues(workloadSettings(c, imageOf(c, STAND_IN_LOGIN_SERVER))));
    v.merge(pathPlatformIssues(c, tags));
    return [...v.issues];
}

/** Every rule on the config besides each key's type: the program's own and its components'. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    crossChecks: crossKeyIssues,
    components: componentIssues,
};

/** The command that builds the sample image into the registry at `loginServer`, from the repository root. Pure. */
export function buildCommand(loginServer: string, image: string): string {
    const registryName = loginServer.split(".")[0];
    const repositoryAndTag = image.slice(loginServer.length + 1);
    return `az acr build --registry ${registryName} --image ${repositoryAndTag} ${SAMPLE_BUILD_CONTEXT}`;
}

/** The command that forwards a local port to the scoring Service. Pure. */
export function portForwardCommand(namespace: string, localPort: number = 8080): string {
    return `kubectl port-forward --namespace ${namespace} service/${SERVICE_NAME} ${localPort}:80`;
}

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const name = `${config.workload}-${config.environment}`;
    const { base, where } = await pathGroupAndPlatform("2-5", config, name);
    const { platform, hasRegistry } = where;

    const aks = createPathAks(`${name}-aks`, base, where, config);
    const loginServer = platform.registryLoginServer.apply((s) => s ?? "");
    const image = workloadImage(config, where, (server) => imageOf(config, server));
    const workloads = scoringWorkloads(name, workloadSettings(config, image), aks.provider);
    const namespace = config.namespace;

    return {
        resourceGroupName: base.resourceGroup.name,
        clusterName: aks.clusterName,
        kubeconfig: aks.kubeconfig,
        gpuPool: config.poolName,
        devicePlugin: workloads.devicePlugin !== undefined,
        registryLoginServer: hasRegistry ? loginServer : undefined,
        image,
        buildCommand:
            config.image === undefined
                ? pulumi.all([loginServer, image]).apply(([s, i]) => buildCommand(s, i))
                : undefined,
        namespace,
        serviceName: workloads.service.serviceName,
        scoringUrl: workloads.service.scoringUrl,
        getCredentialsCommand: pulumi.interpolate`az aks get-credentials --resource-group ${base.resourceGroup.name} --name ${aks.clusterName}`,
        portForwardCommand: portForwardCommand(namespace),
    };
}
