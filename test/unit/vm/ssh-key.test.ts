import * as assert from "node:assert/strict";
import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { SshKeyPair, generateSshKeyPair } from "../../../components/vm/ssh-key";
import { settle, useMocks } from "../../harness/mocks";

/** Reads the length-prefixed fields of an OpenSSH public key blob. */
function sshFields(blob: Buffer): Buffer[] {
    const fields: Buffer[] = [];
    for (let at = 0; at < blob.length;) {
        const length = blob.readUInt32BE(at);
        fields.push(blob.subarray(at + 4, at + 4 + length));
        at += 4 + length;
    }
    return fields;
}

describe("SSH key generation", () => {
    it("renders an RSA key pair whose OpenSSH public key matches the private key", async () => {
        const key = await generateSshKeyPair("azureuser@vm", 2048);
        const [type, b64, comment] = key.publicKeyOpenssh.split(" ");
        assert.equal(type, "ssh-rsa");
        assert.equal(comment, "azureuser@vm");
        assert.match(key.privateKeyPem, /^-----BEGIN RSA PRIVATE KEY-----\n/);

        const blob = Buffer.from(b64, "base64");
        const [name, e, n] = sshFields(blob);
        assert.equal(name.toString(), "ssh-rsa");
        const jwk = createPublicKey(createPrivateKey(key.privateKeyPem)).export({ format: "jwk" }) as {
            n: string;
            e: string;
        };
        const strip = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
        assert.deepEqual(strip(e), Buffer.from(jwk.e, "base64url"));
        assert.deepEqual(strip(n), Buffer.from(jwk.n, "base64url"));
        assert.equal(n[0], 0, "the modulus has its high bit set, so the mpint carries a leading zero");
        assert.equal(strip(n).length * 8, 2048);

        const expected = createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
        assert.equal(key.fingerprintSha256, `SHA256:${expected}`);
    });

    it("gives a different key each time it is generated", async () => {
        const [a, b] = await Promise.all([generateSshKeyPair("a", 2048), generateSshKeyPair("a", 2048)]);
        assert.notEqual(a.publicKeyOpenssh, b.publicKeyOpenssh);
    });

    it("registers as a dynamic resource carrying a serialized provider, 4096 bits by default", async () => {
        const recorder = await useMocks();
        new SshKeyPair("key", { comment: "me@vm" });
        await settle(recorder);
        const [resource] = recorder.resources;
        assert.equal(resource.type, "pulumi-nodejs:dynamic/customai:SshKeyPair");
        assert.equal(resource.inputs.comment, "me@vm");
        assert.equal(resource.inputs.bits, 4096);
        assert.match(String(resource.inputs.__provider), /exports\.handler/);
    });

    it("refuses other key sizes", () => {
        assert.throws(() => new SshKeyPair("k", { bits: 1024 as 4096 }), /bits must be 3072 or 4096, got 1024/);
    });
});
