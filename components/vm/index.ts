/** Virtual machines: the Data Science VM, its network rules and its SSH key. */
export * from "./datascience-vm";
export * from "./datascience-vm-args";
export * from "./ssh-key";
export * from "./vm-network";
