/**
 * Azure Synapse Analytics: a Spark pool with auto-pause and autoscale, the
 * workspace and data lake it requires, and its attach to Azure ML.
 */
export * from "./spark-pool";
export * from "./spark-pool-args";
