/** Public API of the component package. */
export * as common from "./common";
export * as compute from "./compute";
export * as platform from "./platform";
export * as training from "./training";
export * from "./common";
export * from "./compute";
export * from "./platform";
export * from "./training";
