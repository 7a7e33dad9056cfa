/**
 * DeploymentSalt: a short random value that lives exactly as long as a
 * stack's resources. Some Azure resources keep their name after deletion (a
 * Key Vault for its soft-delete retention, 7-90 days, longer than purge
 * protection lets anyone shorten; an Azure ML workspace for 14 days, and
 * azure-native cannot purge it). A name built only from project, stack and
 * component would collide when a destroyed stack is brought up again; mixing
 * this salt into those names gives the new deployment new names.
 *
 * The value is made in the program and kept in state: `ignoreChanges` keeps
 * the stored value on every later update, so names never change while the
 * stack exists; after a destroy the next `up` creates the salt, and so the
 * names, anew. A dynamic resource (no provider download), like SshKeyPair.
 */
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "node:crypto";
import { shortSuffix } from "./naming";

/** Characters of a salt: lowercase base 36, like name suffixes. */
export const SALT_LENGTH = 4;

/** A fresh random salt: a name suffix of random bytes. */
export function newSalt(): string {
    return shortSuffix(randomBytes(16).toString("hex"), SALT_LENGTH);
}

const saltProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: { value: string }) {
        return { id: inputs.value, outs: { value: inputs.value } };
    },
};

export class DeploymentSalt extends pulumi.dynamic.Resource {
    /** The salt: stable for the life of the resource. */
    declare readonly value: pulumi.Output<string>;

    constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super(
            saltProvider,
            name,
            { value: newSalt() },
            { ...opts, ignoreChanges: [...(opts?.ignoreChanges ?? []), "value"] },
            "customai",
            "DeploymentSalt",
        );
    }
}
