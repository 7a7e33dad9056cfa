/**
 * Deploys path 1-1 with the smallest sensible size, checks that SSH answers
 * from this machine's address (and only because the NSG lets it), destroys.
 */
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { destroyStack, publicIpv4, requireAzure, temporaryStack } from "./azure-env";

function portOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host, port, timeout: timeoutMs });
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("timeout", () => {
            socket.destroy();
            resolve(false);
        });
        socket.once("error", () => resolve(false));
    });
}

describe("path 1-1 on Azure", function () {
    it("deploys a DSVM whose SSH port answers from the allowed address, then destroys it", async function () {
        requireAzure(this);
        const ip = await publicIpv4();
        const stack = await temporaryStack("1-1", {
            vmSize: "Standard_D2s_v5",
            generateSshKey: "true",
            allowedSshCidrs: JSON.stringify([`${ip}/32`]),
            jupyterHub: "false",
            location: process.env.AZURE_LOCATION ?? "westeurope",
        });
        try {
            const result = await stack.up({ onOutput: (line) => process.stdout.write(line) });
            const outputs = result.outputs;
            const host = String(outputs.publicIpAddress.value);
            assert.match(host, /^\d{1,3}(\.\d{1,3}){3}$/);
            assert.ok(outputs.privateKeyPem.secret, "the generated private key is a secret output");
            assert.match(String(outputs.sshCommand.value), new RegExp(`azureuser@${host.replace(/\./g, "\\.")}$`));

            let open = false;
            for (let attempt = 0; attempt < 18 && !open; attempt++) {
                open = await portOpen(host, 22, 10_000);
                if (!open) await new Promise((r) => setTimeout(r, 10_000));
            }
            assert.ok(open, `SSH on ${host}:22 did not answer within 3 minutes`);
            assert.equal(await portOpen(host, 8000, 5_000), false, "JupyterHub's port stays closed when it is off");
        } finally {
            await destroyStack(stack);
        }
    });
});
