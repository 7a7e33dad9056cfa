#!/usr/bin/env node
/**
 * Launcher of the `customai` command: compiles the TypeScript sources on the
 * fly (transpile only, so start-up does not pay for a type check) with the
 * project's tsconfig, whatever directory the command is run from.
 */
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: ts-node must hook require first */
"use strict";
const path = require("node:path");

// ts-node looks for a tsconfig from the working directory unless told; a user's own project must not win.
process.env.TS_NODE_PROJECT = path.join(__dirname, "..", "tsconfig.json");
require("ts-node/register/transpile-only");
require("../automation/cli/index").runProcess(process.argv.slice(2));
