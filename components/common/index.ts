/**
 * What every family shares: names, validation, tags, the common interface,
 * role assignments, VM size rules and typed program config.
 */
export * from "./access";
export * from "./component";
export * from "./config";
export * from "./deployment-salt";
export * from "./files";
export * from "./interface";
export * from "./naming";
export * from "./roles";
export * from "./settings-lock";
export * from "./tags";
export * from "./validation";
export * from "./vm-sizes";
