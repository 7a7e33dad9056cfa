/**
 * SshKeyPair: an SSH key pair generated once, kept in the stack state, and
 * never regenerated on later updates.
 *
 * Why a dynamic resource: generating a key in the program itself would give a
 * new key on every `pulumi up` (and so a new VM). The TLS provider package
 * would do this but needs a provider plugin download; a small dynamic provider
 * uses Node's own crypto, runs wherever the program runs, and stores the
 * result in state like any resource output. The private key is a secret
 * output: encrypted in state, masked in logs.
 *
 * The key is RSA 4096: every OpenSSH client and every Azure Linux image
 * accept it (Ed25519 needs the OpenSSH private-key format, which Node does not
 * write).
 */
import * as pulumi from "@pulumi/pulumi";

export const SSH_KEY_BITS = 4096;

export interface GeneratedSshKey {
    /** `ssh-rsa AAAA… <comment>`, the line for authorized_keys. */
    readonly publicKeyOpenssh: string;
    /** PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`), which `ssh -i` reads. */
    readonly privateKeyPem: string;
    /** `SHA256:…`, the fingerprint `ssh-keygen -lf` prints. */
    readonly fingerprintSha256: string;
}

/** Generates an RSA key pair and renders it in the formats OpenSSH reads. */
export async function generateSshKeyPair(comment: string, bits: number = SSH_KEY_BITS): Promise<GeneratedSshKey> {
    // Imported here, not at the top: the dynamic provider below is serialized
    // with its closure, and a dynamic import keeps that closure self-contained.
    const crypto = await import("node:crypto");
    const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", {
        modulusLength: bits,
        publicExponent: 0x10001,
        publicKeyEncoding: { type: "pkcs1", format: "pem" },
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
    });
    const jwk = crypto.createPublicKey(publicKey).export({ format: "jwk" }) as { n: string; e: string };
    const sshString = (data: Buffer) => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(data.length);
        return Buffer.concat([length, data]);
    };
    // An mpint is big-endian two's complement: a leading 0x00 keeps it positive.
    const mpint = (b64url: string) => {
        const raw = Buffer.from(b64url, "base64url");
        return sshString(raw[0] & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw);
    };
    const blob = Buffer.concat([sshString(Buffer.from("ssh-rsa")), mpint(jwk.e), mpint(jwk.n)]);
    const fingerprint = crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
    return {
        publicKeyOpenssh: `ssh-rsa ${blob.toString("base64")} ${comment}`,
        privateKeyPem: privateKey,
        fingerprintSha256: `SHA256:${fingerprint}`,
    };
}

interface SshKeyInputs {
    readonly comment: string;
    readonly bits: number;
}

/** Creates the key once; any input change replaces it, nothing else touches it. */
const sshKeyProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: SshKeyInputs) {
        const key = await generateSshKeyPair(inputs.comment, inputs.bits);
        return { id: key.fingerprintSha256, outs: { ...inputs, ...key } };
    },
    async diff(_id: string, olds: SshKeyInputs, news: SshKeyInputs) {
        const replaces = (["comment", "bits"] as const).filter((k) => olds[k] !== news[k]);
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
};

export interface SshKeyPairArgs {
    /** Optional. Comment at the end of the public key line. @default - the resource name */
    readonly comment?: string;
    /** Optional. RSA modulus length (3072 or 4096). @default 4096 */
    readonly bits?: 3072 | 4096;
}

export class SshKeyPair extends pulumi.dynamic.Resource {
    declare readonly publicKeyOpenssh: pulumi.Output<string>;
    declare readonly privateKeyPem: pulumi.Output<string>;
    declare readonly fingerprintSha256: pulumi.Output<string>;

    constructor(name: string, args: SshKeyPairArgs = {}, opts?: pulumi.CustomResourceOptions) {
        const bits = args.bits ?? SSH_KEY_BITS;
        if (bits !== 3072 && bits !== 4096)
            throw new Error(`SshKeyPair ${name}: bits must be 3072 or 4096, got ${bits}`);
        super(
            sshKeyProvider,
            name,
            {
                comment: args.comment ?? name,
                bits,
                publicKeyOpenssh: undefined,
                privateKeyPem: undefined,
                fingerprintSha256: undefined,
            },
            { ...opts, additionalSecretOutputs: ["privateKeyPem"] },
            "customai",
            "SshKeyPair",
        );
    }
}
