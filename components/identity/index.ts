/** Managed identities for workloads (WorkloadIdentity). */
export * from "./workload-identity";
