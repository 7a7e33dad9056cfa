/**
 * Azure Machine Learning: the workspace, the platform that wires it to its
 * storage, vault, monitoring and registry, compute clusters, and command jobs
 * (training and batch scoring both run as command jobs).
 */
export * from "./command-job";
export * from "./compute-cluster";
export * from "./ml-platform";
export * from "./workspace";
export * from "./platform-stack";
export * from "./assets";
export * from "./endpoint-traffic";
export * from "./online-deployment";
export * from "./online-endpoint";
export * from "./spark-job";
export * from "./spark-job-args";
export * from "./batch-endpoint";
export * from "./environments";
