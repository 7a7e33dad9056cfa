/** The run spec: generic fields, the workload, and the contract targets implement for their sections. */
export * from "./files";
export * from "./spec";
export * from "./workload";
