/**
 * Root program: `pulumi up` at the top of the repository runs the path chosen
 * by `pulumi config set path <id>`. Its other config keys are read from this
 * project's namespace, exactly as the path's own program reads them.
 */
import * as pulumi from "@pulumi/pulumi";
import { describeCatalog, findPath } from "./catalog";

export = async () => {
    const id = new pulumi.Config().get("path");
    if (!id) throw new Error(`set the path to deploy: pulumi config set path <id>\n${describeCatalog()}`);
    const entry = findPath(id);
    const { program } = await entry.load();
    // The root project's namespace holds `path` beside the path's own keys.
    return program({ otherKeys: ["path"] });
};
