/**
 * Public API of the component package, one namespace per family so families
 * never collide: `import { aml, storage } from "custom-ai-on-azure/components"`,
 * or a family directly: `import { ComputeCluster } from "custom-ai-on-azure/components/aml"`.
 */
export * as aks from "./aks";
export * as aml from "./aml";
export * as common from "./common";
export * as eventhub from "./eventhub";
export * as identity from "./identity";
export * as keyvault from "./keyvault";
export * as kubernetes from "./kubernetes";
export * as monitoring from "./monitoring";
export * as registry from "./registry";
export * as storage from "./storage";
export * as synapse from "./synapse";
export * as vm from "./vm";
