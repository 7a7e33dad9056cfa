/** Azure Monitor: Log Analytics and workspace-based Application Insights (Monitoring). */
export * from "./monitoring";
