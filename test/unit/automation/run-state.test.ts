import * as assert from "node:assert/strict";
import { azureLimitSummary } from "../../../automation/azure/errors";
import { summarizeError } from "../../../automation/common/errors";
import { amlTarget } from "../../../automation/targets";

describe("run error summaries", () => {
    it("on the aml target, turns a quota refusal from the provider into limit, usage, required and what to request", () => {
        const engineError = new Error(
            [
                "code: 255",
                "stdout: Updating (nightly-20261129T010000000Z):",
                "error: azure-native:machinelearningservices:Compute resource 'cluster': Code=\"OperationNotAllowed\" " +
                    'Message="Operation could not be completed as it results in exceeding approved standardNCASv3_T4Family ' +
                    "Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, Current Limit: 0, " +
                    'Current Usage: 0, Additional Required: 4, (Minimum) New Limit Required: 4."',
            ].join("\n"),
        );
        // What the runner records: the summary, explained by the run's target.
        const line = summarizeError(engineError);
        const summary = amlTarget.explainError?.(line) ?? line;
        assert.match(summary, /standardNCASv3_T4Family/);
        assert.match(summary, /limit 0/);
        assert.match(summary, /needs 4 more/);
        assert.match(summary, /quota increase/i);
        assert.match(summary, /Retrying will not help/);
    });

    it("says how to get around a size that is not offered", () => {
        const summary = azureLimitSummary(
            'error: Code="SkuNotAvailable" Message="The requested size for resource is currently not available in location \'westeurope\'"',
        );
        assert.ok(summary);
        assert.match(summary, /another size, zone or region/);
    });

    it("leaves other errors as the CLI's error lines", () => {
        const summary = summarizeError(new Error("stdout: x\nerror: update failed\nerror: boom"));
        assert.equal(summary, "error: update failed | error: boom");
        // The Automation API repeats the CLI's stderr after `err?:`; each error is said once.
        const repeated = "code: 255\n stderr: error: a\nerror: b\n err?: Error: x\nerror: a\nerror: b\n";
        assert.equal(summarizeError(new Error(repeated)), "error: a | error: b");
        assert.equal(azureLimitSummary("error: update failed"), undefined);
    });
});
