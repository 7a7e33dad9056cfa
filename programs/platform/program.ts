/**
 * The shared base stack: one per environment, long-lived. Path programs and
 * batch runs read its outputs (the platform contract of components/aml,
 * `readPlatformStack`) instead of creating their own workspace, storage and
 * registry.
 */
import { mlPlatformIssues, platformStackOutputs } from "../../components/aml";
import { ConfigChecks, ConfigSpec, readProgramConfig } from "../../components/common";
import {
    baseConfigSpec,
    createPathBase,
    createPlatform,
    pathTags,
    platformConfigSpec,
    platformSettings,
    ProgramOptions,
} from "../shared";

export const CONFIG_SPEC = {
    ...baseConfigSpec("ml"),
    ...platformConfigSpec(),
} as const satisfies ConfigSpec;

/** Every rule on the config besides each key's type: the platform's. */
export const CONFIG_CHECKS: ConfigChecks<typeof CONFIG_SPEC> = {
    components: (c) => mlPlatformIssues(platformSettings(pathTags("platform", c), c)),
};

export async function program(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = readProgramConfig(CONFIG_SPEC, { ...CONFIG_CHECKS, otherKeys: options.otherKeys });
    const base = createPathBase("platform", config);
    const platform = createPlatform(`${config.workload}-${config.environment}`, base, config);
    return { ...platformStackOutputs(platform, base.resourceGroup) };
}
