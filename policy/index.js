// The CLI runs a policy pack from its folder's package.json `main`; this points it at the compiled pack (npm run build).
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry, run by node as is */
require("../dist/policy/pack");
