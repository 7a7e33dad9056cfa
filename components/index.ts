/** Public API of the component package. */
export * as common from "./common";
export * as platform from "./platform";
export * from "./common";
export * from "./platform";
