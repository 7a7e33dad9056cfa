export * from "./datascience-vm";
export * from "./datascience-vm-args";
export * from "./ssh-key";
export * from "./vm-network";
export * from "./vm-sizes";
