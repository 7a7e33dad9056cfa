/**
 * AKS: the cluster the Kubernetes paths share, its node pools and where
 * workloads land on them, its kubeconfig, and workload identity.
 */
export * from "./aks-cluster";
export * from "./aks-cluster-args";
export * from "./container-insights";
export * from "./kubeconfig";
export * from "./node-pool";
export * from "./workload-identity";
