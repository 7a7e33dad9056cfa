/** Azure Container Registry (ImageRegistry). */
export * from "./image-registry";
