export * from "./training-cluster";
export * from "./training-job";
