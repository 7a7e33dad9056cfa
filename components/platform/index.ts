export * from "./identity";
export * from "./keyvault";
export * from "./ml-platform";
export * from "./monitoring";
export * from "./registry";
export * from "./storage";
export * from "./workspace";
