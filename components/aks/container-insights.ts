/**
 * Container Insights for AKS with managed identity authentication, the pure
 * part. The monitoring add-on (`omsagent`) with `useAADAuth` sends through a
 * data collection rule associated with the cluster, as the Azure CLI sets it
 * up (`az aks enable-addons -a monitoring`: Azure/azure-cli,
 * src/azure-cli/azure/cli/command_modules/acs/addonconfiguration.py,
 * `ensure_container_insights_for_monitoring`; "Enable monitoring for
 * Kubernetes clusters", https://learn.microsoft.com/azure/azure-monitor/containers/kubernetes-monitoring-enable).
 * With managed identity authentication the add-on needs no role assignment
 * (the CLI grants Monitoring Metrics Publisher only without `useAADAuth`).
 */
import * as pulumi from "@pulumi/pulumi";

/** The add-on's key in `addonProfiles`, and its config keys (azure-cli's acs `_consts.py`). */
export const MONITORING_ADDON = "omsagent";
/** The association's name, the one the CLI and the portal use. */
export const CONTAINER_INSIGHTS_ASSOCIATION = "ContainerInsightsExtension";
/** The stream group that carries every Container Insights table (the CLI's default). */
export const CONTAINER_INSIGHTS_STREAMS = ["Microsoft-ContainerInsights-Group-Default"];
const DESTINATION = "log-analytics";

/** The monitoring add-on, sending with the cluster's managed identity. Pure. */
export function containerInsightsAddon(workspaceId: pulumi.Input<string>) {
    return {
        [MONITORING_ADDON]: {
            enabled: true,
            config: { logAnalyticsWorkspaceResourceID: workspaceId, useAADAuth: "true" },
        },
    };
}

/** The data collection rule's contents: the Container Insights extension as source, the workspace as destination. Pure. */
export function containerInsightsRule(workspaceId: pulumi.Input<string>) {
    return {
        kind: "Linux",
        description: "Container Insights: container logs (ContainerLogV2), inventory, events and performance.",
        dataSources: {
            extensions: [
                {
                    name: CONTAINER_INSIGHTS_ASSOCIATION,
                    extensionName: "ContainerInsights",
                    streams: [...CONTAINER_INSIGHTS_STREAMS],
                    extensionSettings: { dataCollectionSettings: { enableContainerLogV2: true } },
                },
            ],
        },
        destinations: { logAnalytics: [{ name: DESTINATION, workspaceResourceId: workspaceId }] },
        dataFlows: [{ streams: [...CONTAINER_INSIGHTS_STREAMS], destinations: [DESTINATION] }],
    };
}

/** The rule's name: `MSCI-<cluster>` like the CLI's (which adds the region), at most 64 characters. Pure. */
export function containerInsightsRuleName(clusterName: string): string {
    return `MSCI-${clusterName}`.slice(0, 64);
}
