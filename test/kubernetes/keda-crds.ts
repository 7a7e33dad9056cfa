/**
 * The two KEDA resource types path 2-3 creates (keda.sh/v1alpha1
 * ScaledObject and TriggerAuthentication), as CustomResourceDefinitions for
 * the test API server. On AKS the KEDA add-on installs KEDA's own. These are
 * written for the tests from KEDA's API types (kedacore/keda,
 * apis/keda/v1alpha1: scaledobject_types.go, triggerauthentication_types.go):
 * every field path 2-3 sets is typed as KEDA types it (integers are
 * integers, trigger metadata is a map of strings, the pod identity provider
 * is one of KEDA's names), required where KEDA requires it, and unknown
 * fields are pruned, so an object KEDA would not read the way we mean fails
 * here or is visibly changed. Fields path 2-3 does not set are left open.
 */

const int32 = { type: "integer", format: "int32" };
const open = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

const scaledObjectSpec = {
    type: "object",
    required: ["scaleTargetRef", "triggers"],
    properties: {
        scaleTargetRef: {
            type: "object",
            required: ["name"],
            properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                name: { type: "string" },
                envSourceContainerName: { type: "string" },
            },
        },
        pollingInterval: int32,
        initialCooldownPeriod: int32,
        cooldownPeriod: int32,
        idleReplicaCount: int32,
        minReplicaCount: int32,
        maxReplicaCount: int32,
        advanced: open,
        fallback: open,
        triggers: {
            type: "array",
            items: {
                type: "object",
                required: ["type", "metadata"],
                properties: {
                    type: { type: "string" },
                    name: { type: "string" },
                    useCachedMetrics: { type: "boolean" },
                    metricType: { type: "string" },
                    metadata: { type: "object", additionalProperties: { type: "string" } },
                    authenticationRef: {
                        type: "object",
                        required: ["name"],
                        properties: { name: { type: "string" }, kind: { type: "string" } },
                    },
                },
            },
        },
    },
};

const triggerAuthenticationSpec = {
    type: "object",
    properties: {
        podIdentity: {
            type: "object",
            required: ["provider"],
            properties: {
                provider: { type: "string", enum: ["azure-workload", "aws", "aws-eks", "gcp", "none"] },
                identityId: { type: "string" },
                identityTenantId: { type: "string" },
                identityAuthorityHost: { type: "string" },
            },
        },
        secretTargetRef: { type: "array", items: open },
        env: { type: "array", items: open },
        azureKeyVault: open,
        hashiCorpVault: open,
    },
};

function crd(kind: string, plural: string, spec: object): object {
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural}.keda.sh` },
        spec: {
            group: "keda.sh",
            scope: "Namespaced",
            names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
            versions: [
                {
                    name: "v1alpha1",
                    served: true,
                    storage: true,
                    schema: {
                        openAPIV3Schema: {
                            type: "object",
                            required: ["spec"],
                            properties: {
                                apiVersion: { type: "string" },
                                kind: { type: "string" },
                                metadata: { type: "object" },
                                spec,
                                status: open,
                            },
                        },
                    },
                    subresources: { status: {} },
                },
            ],
        },
    };
}

export const KEDA_CRDS = [
    crd("ScaledObject", "scaledobjects", scaledObjectSpec),
    crd("TriggerAuthentication", "triggerauthentications", triggerAuthenticationSpec),
];
