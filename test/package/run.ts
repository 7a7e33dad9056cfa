/**
 * Child processes for the package tests: asynchronous (so mocha's timeout
 * still applies during a long install), with the output kept for the failure
 * message.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";

export interface Ran {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

export interface RunOptions {
    readonly cwd: string;
    /** Optional. Added to this process's environment. @default {} */
    readonly env?: Readonly<Record<string, string>>;
}

/** Runs `command` to its end; never rejects for a non-zero exit (see `succeeded`). */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
    const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** Fails with the command's output unless it exited 0; returns what it ran. */
export async function succeeded(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
    const ran = await run(command, args, options);
    assert.equal(
        ran.code,
        0,
        `${command} ${args.join(" ")} exited ${ran.code}\n${ran.stdout.slice(-4000)}\n${ran.stderr.slice(-4000)}`,
    );
    return ran;
}
