/**
 * Monitoring: a Log Analytics workspace and a workspace-based Application
 * Insights resource on top of it (classic Application Insights is retired).
 */
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { CommonArgs, publicNetworkAccess, Settings } from "../common/interface";
import { nameIssues } from "../common/naming";
import { componentTagIssues, withManagedBy } from "../common/tags";
import { Validator, isIntInRange } from "../common/validation";
import { azureName, withFormerTypes } from "../common/component";

export const DEFAULT_RETENTION_DAYS = 30;

export interface MonitoringArgs extends Omit<CommonArgs, "diagnostics" | "roleAssignments"> {
    /** Optional. Log Analytics workspace name. @default - `log-<component>-<suffix>` */
    readonly workspaceName?: string;
    /** Optional. Application Insights name. @default - `appi-<component>-<suffix>` */
    readonly appInsightsName?: string;
    /** Optional. Days logs are kept (30-730; the first 31 are free). @default 30 */
    readonly retentionDays?: number;
    /**
     * Optional. Daily ingestion cap in GB; ingestion stops for the day when hit.
     * A cheap guard for dev environments. @default - no cap
     */
    readonly dailyQuotaGb?: number;
    /**
     * Optional. Refuse telemetry sent with the instrumentation key alone (Entra
     * auth only). Off by default because AML online endpoints still send with
     * the connection string. @default false
     */
    readonly disableLocalAuth?: boolean;
}

export function validateMonitoringArgs(args: Settings<MonitoringArgs>): void {
    const v = new Validator("Monitoring");
    if (args.workspaceName !== undefined) v.merge(nameIssues("logAnalytics", args.workspaceName, "workspaceName"));
    if (args.appInsightsName !== undefined) {
        v.merge(nameIssues("applicationInsights", args.appInsightsName, "appInsightsName"));
    }
    const retention = args.retentionDays ?? DEFAULT_RETENTION_DAYS;
    v.check("retentionDays", isIntInRange(retention, 30, 730), "an integer from 30 to 730", retention);
    if (args.dailyQuotaGb !== undefined) {
        v.check(
            "dailyQuotaGb",
            Number.isFinite(args.dailyQuotaGb) && args.dailyQuotaGb > 0,
            "a positive number of GB",
            args.dailyQuotaGb,
        );
    }
    v.merge(componentTagIssues(args.tags));
    v.throwIfAny();
}

export class Monitoring extends pulumi.ComponentResource {
    readonly logAnalytics: operationalinsights.Workspace;
    readonly appInsights: applicationinsights.Component;
    readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
    readonly appInsightsId: pulumi.Output<string>;
    /** Connection string for SDKs; a secret, since it carries the ingestion key. */
    readonly appInsightsConnectionString: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("customai:monitoring:Monitoring", name, {}, withFormerTypes(opts, "customai:platform:Monitoring"));
        validateMonitoringArgs(args);
        const child = { parent: this };
        const tags = withManagedBy(args.tags);
        const isolated = args.networkIsolation ?? false;

        this.logAnalytics = new operationalinsights.Workspace(
            `${name}-log`,
            {
                workspaceName: azureName("logAnalytics", name, args.workspaceName, "workspaceName"),
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: "PerGB2018" },
                retentionInDays: args.retentionDays ?? DEFAULT_RETENTION_DAYS,
                workspaceCapping: args.dailyQuotaGb !== undefined ? { dailyQuotaGb: args.dailyQuotaGb } : undefined,
                publicNetworkAccessForIngestion: publicNetworkAccess(isolated),
                publicNetworkAccessForQuery: publicNetworkAccess(isolated),
                tags,
            },
            child,
        );

        this.appInsights = new applicationinsights.Component(
            `${name}-appi`,
            {
                resourceName: azureName("applicationInsights", name, args.appInsightsName, "appInsightsName"),
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                kind: "web",
                applicationType: "web",
                ingestionMode: "LogAnalytics",
                workspaceResourceId: this.logAnalytics.id,
                disableLocalAuth: args.disableLocalAuth ?? false,
                publicNetworkAccessForIngestion: publicNetworkAccess(isolated),
                publicNetworkAccessForQuery: publicNetworkAccess(isolated),
                tags,
            },
            child,
        );

        this.logAnalyticsWorkspaceId = this.logAnalytics.id;
        this.appInsightsId = this.appInsights.id;
        this.appInsightsConnectionString = pulumi.secret(this.appInsights.connectionString);
        this.registerOutputs({
            logAnalyticsWorkspaceId: this.logAnalyticsWorkspaceId,
            appInsightsId: this.appInsightsId,
        });
    }
}
