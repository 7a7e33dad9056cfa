export * from "./access";
export * from "./component";
export * from "./config";
export * from "./interface";
export * from "./naming";
export * from "./roles";
export * from "./tags";
export * from "./validation";
