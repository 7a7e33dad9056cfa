/**
 * Kubernetes workloads, on any cluster a `k8s.Provider` reaches: the NVIDIA
 * device plugin for GPU nodes, a real-time scoring service (Deployment,
 * Service, autoscaler, disruption budget), and an event consumer scaled by
 * KEDA. No Azure resources: the cluster itself comes from `components/aks`.
 * `pod-spec.ts` holds the pod-spec parts and rules every workload here
 * shares.
 */
export * from "./event-consumer";
export * from "./event-consumer-spec";
export * from "./keda-scaler-spec";
export * from "./nvidia-device-plugin";
export * from "./pod-spec";
export * from "./scoring-service";
export * from "./scoring-service-args";
