#!/usr/bin/env node
/**
 * Launcher of the `customai` command: runs the compiled CLI in dist/, so
 * start-up loads no compiler. The published package ships dist/; in a clone,
 * `npm install` builds it (the `prepare` script) and `npm run build` refreshes it.
 */
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher, run by node as is */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const entry = path.join(root, "dist", "automation", "cli", "index.js");

if (fs.existsSync(entry)) {
    require(entry).runProcess(process.argv.slice(2));
} else {
    console.error(`customai: the compiled CLI (dist/) is missing; run \`npm run build\` in ${root}`);
    // 3 is the CLI's environment-error code (EXIT_ENVIRONMENT in automation/cli/exit-codes.ts).
    process.exitCode = 3;
}
