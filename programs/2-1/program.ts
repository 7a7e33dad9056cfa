/**
 * Path 2-1, real-time ML scoring: the 2018 material served models as AML v1
 * web services on ACS/AKS (deprecated). Today: an Azure ML managed online
 * endpoint (Entra token auth by default) in front of a `blue` deployment and
 * optionally a `green` one, with the traffic split (and mirrored traffic)
 * set once the deployments exist, optional autoscale, and Application
 * Insights on. The default model and scoring script are the project's
 * sample (`automation/sample/online_score.py` serving its
 * `model/model.json`, a logistic regression in JSON), so the stack serves
 * real scores as copied.
 *
 * The workspace comes from an existing platform base stack (`platformStack`),
 * or the stack creates its own platform. The rules on the endpoint, the
 * deployments, the assets and the platform are their components'; each key
 * names the argument it becomes, so their checks are reported under the key.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import {
    AutoscaleSettings,
    DEFAULT_INSTANCE_TYPE,
    EndpointAuthMode,
    ModelAsset,
    modelAssetIssues,
    ModelSource,
    OnlineDeployment,
    OnlineDeploymentSettings,
    OnlineEndpoint,
    OnlineEndpointSettings,
    ProbeSettings,
    SCORING_TOKEN_RESOURCE,
    trafficIssues,
    validateOnlineDeploymentArgs,
    validateOnlineEndpointArgs,
} from "../../components/aml";
import {
    ConfigChecks,
    ConfigSpec,
    ConfigValues,
    principalIdIssues,
    isRecord,
    issuesOf,
    readProgramConfig,
    renameFields,
    unknownKeyIssues,
    ValidationIssue,
    Validator,
} from "../../components/common";
import {
    assetConfigSpec,
    assetCrossIssues,
    assetIssues,
    baseConfigSpec,
    createAssets,
    modelSource,
    pathPlatform,
    pathPlatformIssues,
    pathTags,
    platformConfigSpec,
    platformKeyIssues,
    platformStackConfigSpec,
    ProgramOptions,
    unusedKeyIssues,
} from "../shared";

/** A curated environment with the Azure ML inference server and Python 3.11 (Azure/azureml-assets, assets/inference/environments/minimal-py311-inference). */
export const DEFAULT_ENVIRONMENT = "azureml://registries/azureml/environments/minimal-py311-inference/labels/latest";
/** A request the sample model answers: what the README's `invokeCommand` sends. */
export const SAMPLE_REQUEST = path.join(__dirname, "sample-request.json");

/** What `greenSettings` may override of the blue deployment. */
export const GREEN_SETTING_KEYS = ["instanceType", "instanceCount", "modelAssetId", "modelPath"] as const;
const PROBE_KEYS = ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold"];

export const CONFIG_SPEC = {
    ...baseConfigSpec("score"),
    ...platformStackConfigSpec(),
    ...platformConfigSpec(),
    authMode: {
        type: "string",
        default: "AADToken",
        description: "How clients authenticate: AADToken (Microsoft Entra tokens) or Key (keys, exported as secrets).",
        arg: "endpoint.authMode",
    },
    scorerPrincipalIds: {
        type: "string[]",
        default: [] as string[],
        description:
            "Entra object ids allowed to call the endpoint with a token (AzureML Data Scientist on the endpoint).",
        hint: "your object id: az ad signed-in-user show --query id -o tsv",
    },
    ...assetConfigSpec({
        scoringScript: "online_score.py",
        scriptContract: "init() and run(raw_data)",
        scoringScriptArg: "blue.scoringScript",
        environmentId: DEFAULT_ENVIRONMENT,
        environmentHint: "Environment asset with the Azure ML inference server (a curated one by default).",
    }),
    instanceType: {
        type: "string",
        default: DEFAULT_INSTANCE_TYPE,
        description: "VM size of the deployment; a change makes a new deployment and moves the traffic to it.",
        arg: "blue.instanceType",
    },
    instanceCount: {
        type: "integer",
        default: 1,
        description: "Instances of the deployment (3 or more for production); the start count under autoscale.",
        arg: "blue.instanceCount",
    },
    maxConcurrentRequestsPerInstance: {
        type: "integer",
        default: 1,
        description: "Requests one instance serves at once (Azure ML advises keeping 1).",
        arg: "blue.maxConcurrentRequestsPerInstance",
    },
    requestTimeoutMs: {
        type: "integer",
        default: 5000,
        description: "Scoring timeout in milliseconds (at most 180000).",
        arg: "blue.requestTimeoutMs",
    },
    livenessProbe: {
        type: "json",
        default: {},
        description:
            "Liveness probe overrides: initialDelaySeconds (10), periodSeconds (10), timeoutSeconds (2), failureThreshold (30).",
        arg: "blue.livenessProbe",
    },
    readinessProbe: {
        type: "json",
        default: {},
        description: "Readiness probe overrides: as livenessProbe, plus successThreshold (1).",
        arg: "blue.readinessProbe",
    },
    appInsights: {
        type: "boolean",
        default: true,
        description: "Send request logs and traces to the workspace's Application Insights.",
        arg: "blue.appInsightsEnabled",
    },
    greenDeployment: {
        type: "boolean",
        default: false,
        description: "Add a second deployment, green, for a blue/green rollout.",
    },
    greenSettings: {
        type: "json",
        default: {},
        description: 'What green changes of blue: {"instanceType", "instanceCount", "modelAssetId", "modelPath"}.',
        arg: "green",
    },
    traffic: {
        type: "json",
        default: { blue: 100 },
        description: 'Live traffic per deployment in percent, summing to 100, e.g. {"blue": 90, "green": 10}.',
        arg: "traffic",
    },
    mirrorTraffic: {
        type: "json",
        default: {},
        description: 'Traffic copied to one deployment without live traffic (at most 50), e.g. {"green": 10}.',
        arg: "mirrorTraffic",
    },
    autoscale: {
        type: "boolean",
        default: false,
        description: "Scale each deployment with Azure Monitor autoscale between the bounds below.",
    },
    autoscaleMinInstances: {
        type: "integer",
        default: 1,
        description: "Fewest instances under autoscale.",
        arg: "blue.autoscale.minInstances",
    },
    autoscaleMaxInstances: {
        type: "integer",
        default: 3,
        description: "Most instances under autoscale.",
        arg: "blue.autoscale.maxInstances",
    },
    autoscaleMetric: {
        type: "string",
        default: "cpu",
        description: "cpu (the deployment's CPU percent) or latency (the endpoint's request latency in ms).",
        arg: "blue.autoscale.metric",
    },
    autoscaleScaleOutAbove: {
        type: "integer",
        description: "Add an instance above this 5-minute average (unset: 70 percent, or 1000 ms).",
        arg: "blue.autoscale.scaleOutAbove",
    },
    autoscaleScaleInBelow: {
        type: "integer",
        description: "Remove an instance below this 5-minute average (unset: 30 percent, or 200 ms).",
        arg: "blue.autoscale.scaleInBelow",
    },
} as const satisfies ConfigSpec;

type Config = ConfigValues<typeof CONFIG_SPEC>;

const GREEN_ONLY_KEYS = ["greenSettings"];
const AUTOSCALE_KEYS = Object.keys(CONFIG_SPEC).filter((k) => k.startsWith("autoscale") && k !== "autoscale");

/** The endpoint's settings from the config (the program adds where it goes). Pure. */
export function endpointSettings(c: Config, tags: Record<string, string>): OnlineEndpointSettings {
    return { tags, authMode: c.authMode as EndpointAuthMode, networkIsolation: c.networkIsolation };
}

function autoscaleOf(c: Config): AutoscaleSettings | undefined {
    if (!c.autoscale) return undefined;
    return {
        minInstances: c.autoscaleMinInstances,
        maxInstances: c.autoscaleMaxInstances,
        metric: c.autoscaleMetric as AutoscaleSettings["metric"],
        scaleOutAbove: c.autoscaleScaleOutAbove,
        scaleInBelow: c.autoscaleScaleInBelow,
    };
}

/** The green overrides as given (only the known keys; unknown ones are reported). Pure. */
function greenOverrides(c: Config): Partial<Record<(typeof GREEN_SETTING_KEYS)[number], unknown>> {
    return isRecord(c.greenSettings) ? c.greenSettings : {};
}

/** A deployment's settings from the config; green takes blue's with its overrides. Pure. */
export function deploymentSettings(
    c: Config,
    tags: Record<string, string>,
    which: "blue" | "green",
): OnlineDeploymentSettings {
    const green = which === "green" ? greenOverrides(c) : {};
    return {
        name: which,
        tags,
        scoringScript: c.scoringScript,
        instanceType: (green.instanceType as string | undefined) ?? c.instanceType,
        instanceCount: (green.instanceCount as number | undefined) ?? c.instanceCount,
        maxConcurrentRequestsPerInstance: c.maxConcurrentRequestsPerInstance,
        requestTimeoutMs: c.requestTimeoutMs,
        livenessProbe: c.livenessProbe as ProbeSettings,
        readinessProbe: c.readinessProbe as ProbeSettings,
        appInsightsEnabled: c.appInsights,
        networkIsolation: c.networkIsolation,
        autoscale: autoscaleOf(c),
    };
}

/** Green's own model, when greenSettings names one. Pure. */
function greenModelSource(c: Config): ModelSource | undefined {
    const g = greenOverrides(c);
    if (g.modelAssetId === undefined && g.modelPath === undefined) return undefined;
    return modelSource({
        modelAssetId: g.modelAssetId as string | undefined,
        modelPath: g.modelPath as string | undefined,
    });
}

/** The deployments the config asks for, by name. Pure. */
export function deploymentNames(c: Config): ("blue" | "green")[] {
    return c.greenDeployment ? ["blue", "green"] : ["blue"];
}

/** Rules across keys that no component owns. */
export function crossKeyIssues(c: Config): ValidationIssue[] {
    const v = new Validator();
    v.merge(platformKeyIssues(c, CONFIG_SPEC));
    v.merge(assetCrossIssues(c, CONFIG_SPEC));
    if (!c.greenDeployment) v.merge(unusedKeyIssues(c, CONFIG_SPEC, GREEN_ONLY_KEYS, "with greenDeployment: true"));
    if (!c.autoscale) v.merge(unusedKeyIssues(c, CONFIG_SPEC, AUTOSCALE_KEYS, "with autoscale: true"));
    if (c.authMode === "Key")
        v.merge(unusedKeyIssues(c, CONFIG_SPEC, ["scorerPrincipalIds"], 'with authMode "AADToken"'));
    v.merge(principalIdIssues(c.scorerPrincipalIds, "scorerPrincipalIds"));
    if (isRecord(c.greenSettings)) {
        v.merge(unknownKeyIssues(c.greenSettings, GREEN_SETTING_KEYS, "greenSettings.", "green setting"));
        const g = c.greenSettings;
        if (g.modelAssetId !== undefined && g.modelPath !== undefined) {
            v.check("greenSettings", false, "only one of modelAssetId and modelPath", g);
        }
    } else {
        v.check("greenSettings", false, "a JSON object", c.greenSettings);
    }
    for (const key of ["livenessProbe", "readinessProbe"] as const) {
        if (isRecord(c[key]))
            v.merge(unknownKeyIssues(c[key] as Record<string, unknown>, PROBE_KEYS, `${key}.`, "probe setting"));
        else v.check(key, false, "a JSON object", c[key]);
    }
    return [...v.issues];
}

/** The checks of every part the config feeds, under the argument names the keys name. */
function componentIssues(c: Config): ValidationIssue[] {
    const tags = pathTags("2-1", c);
    const v = new Validator();
    v.merge(
        issuesOf(() => validateOnlineEndpointArgs(endpointSettings(c, tags))),
        "endpoint",
    );
    // The endpoint's id is only known once deployed; a stand-in lets the latency rule be checked.
    const endpointId = "(the endpoint)";
    v.merge(
        issuesOf(() => validateOnlineDeploymentArgs({ ...deploymentSettings(c, tags, "blue"), endpointId })),
        "blue",
    );
    if (c.greenDeployment) {
        // Green shares blue's settings but for its overrides: report only what is green's own.
        const own = issuesOf(() =>
            validateOnlineDeploymentArgs({ ...deploymentSettings(c, tags, "green"), endpointId }),
        ).filter((i) => i.field === "instanceType" || i.field === "instanceCount");
        v.merge(own, "green");
        const greenModel = greenModelSource(c);
        if (greenModel) {
            v.merge(
                renameFields(
                    issuesOf(() => modelAssetIssues({ assetName: c.modelName, source: greenModel })),
                    {
                        "source.assetId": "greenSettings.modelAssetId",
                        "source.storagePath": "greenSettings.modelPath",
                    },
                ).filter((i) => i.field.startsWith("greenSettings")),
            );
        }
    }
    const names = deploymentNames(c);
    if (isRecord(c.traffic) && isRecord(c.mirrorTraffic)) {
        v.merge(
            trafficIssues(
                {
                    traffic: c.traffic as Record<string, number>,
                    mirrorTraffic: c.mirrorTraffic as Record<string, number>,
                },
                names,
            ),
        );
    } else {
        if (!isRecord(c.traffic)) v.check("traffic", false, "a JSON object of deployment name to percent", c.traffic);
        if (!isRecord(c.mirrorTraffic))
            v.check("mirrorTraffic", false, "a JSON object of deployment name to percent", c.mirrorTraffic);
    }
    v.merge(assetIssues(c, tags));
    v.merge(pathPlatformIssues(c, tags));
    return [...v.issues];
}

/** Every rule on the config besides each key's type: the program's own and its components'. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    crossChecks: crossKeyIssues,
    components: componentIssues,
};

/** The command line that calls the endpoint with the sample request. Pure. */
export function invokeCommand(scoringUri: string, authMode: EndpointAuthMode): string {
    const credential =
        authMode === "AADToken"
            ? `$(az account get-access-token --resource ${SCORING_TOKEN_RESOURCE} --query accessToken -o tsv)`
            : "$(pulumi stack output primaryKey --show-secrets)";
    return (
        `curl -sS -X POST "${scoringUri}" -H "Authorization: Bearer ${credential}" ` +
        `-H "Content-Type: application/json" -d @sample-request.json`
    );
}

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const tags = pathTags("2-1", config);
    const name = `${config.workload}-${config.environment}`;
    const where = await pathPlatform("2-1", config, name);
    const { platform } = where;
    const ws = { resourceGroupName: platform.resourceGroupName, workspaceName: platform.workspaceName };
    const platformReady = where.ready;
    const { code, model, environment, upload, uploadReady } = createAssets(name, where, config, tags);

    // Green registers a model of its own only when it names another one than blue's.
    const greenModelFrom = config.greenDeployment ? greenModelSource(config) : undefined;
    const sameAsBlue = JSON.stringify(greenModelFrom) === JSON.stringify(modelSource(config));
    const greenModel =
        greenModelFrom && !sameAsBlue
            ? new ModelAsset(
                  `${name}-green-model`,
                  { ...ws, assetName: config.modelName, source: greenModelFrom, upload, tags },
                  { dependsOn: uploadReady },
              )
            : model;
    const endpoint = new OnlineEndpoint(
        `${name}-endpoint`,
        {
            ...ws,
            location: platform.location,
            ...endpointSettings(config, tags),
            diagnostics: { logAnalyticsWorkspaceId: platform.logAnalyticsWorkspaceId },
        },
        { dependsOn: platformReady },
    );
    const deploy = (which: "blue" | "green", modelId: pulumi.Output<string>) =>
        new OnlineDeployment(`${name}-${which}`, {
            ...ws,
            location: platform.location,
            endpointName: endpoint.endpointName,
            endpointId: endpoint.endpointId,
            modelId,
            environmentId: environment.environmentId,
            codeId: code.codeId,
            ...deploymentSettings(config, tags, which),
        });
    const deployments: Record<string, OnlineDeployment> = { blue: deploy("blue", model.modelId) };
    if (config.greenDeployment) deployments.green = deploy("green", greenModel.modelId);

    const traffic = endpoint.route(deployments, {
        traffic: config.traffic as Record<string, number>,
        mirrorTraffic: config.mirrorTraffic as Record<string, number>,
    });
    for (const id of config.authMode === "AADToken" ? config.scorerPrincipalIds : []) endpoint.grantScoring(id, id);
    const keys = endpoint.authMode === "Key" ? endpoint.keys() : undefined;

    return {
        resourceGroupName: platform.resourceGroupName,
        workspaceName: platform.workspaceName,
        studioUrl: platform.studioUrl,
        endpointName: endpoint.endpointName,
        authMode: endpoint.authMode,
        scoringUri: endpoint.scoringUri,
        swaggerUri: endpoint.swaggerUri,
        deployments: Object.fromEntries(Object.entries(deployments).map(([k, d]) => [k, d.azureName])),
        traffic: traffic.traffic,
        mirrorTraffic: traffic.mirrorTraffic,
        modelId: model.modelId,
        codeId: code.codeId,
        environmentId: environment.environmentId,
        tokenCommand:
            endpoint.authMode === "AADToken"
                ? `az account get-access-token --resource ${SCORING_TOKEN_RESOURCE} --query accessToken -o tsv`
                : undefined,
        invokeCommand: endpoint.scoringUri.apply((uri) => invokeCommand(uri, endpoint.authMode)),
        primaryKey: keys?.primaryKey,
        secondaryKey: keys?.secondaryKey,
        appInsightsConnectionString: platform.appInsightsConnectionString,
    };
}
