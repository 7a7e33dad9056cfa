/** `customai plan`: a program's offline plan; fails on a mandatory policy violation or an estimate over budget. */
import * as path from "node:path";
import { defaultHome } from "../../common/paths";
import { DEFAULT_USAGE } from "../../plan/cost";
import { plan } from "../../plan/plan";
import { formatPlan, withinBudget } from "../../plan/report";
import { CommandOf } from "../command";
import { CliIo, json } from "../output";

/** Where `--live-prices` keeps the answers it got, for a day. */
export function priceCacheFile(): string {
    return path.join(defaultHome(), ".cache", "retail-prices.json");
}

/** Prints the plan; resolves false when a mandatory policy fails or the monthly estimate exceeds the budget. */
export async function planCommand(cmd: CommandOf<"plan">, io: CliIo): Promise<boolean> {
    const usage = {
        ...DEFAULT_USAGE,
        ...(cmd.burstHours !== undefined ? { burstHoursPerMonth: cmd.burstHours } : {}),
        ...(cmd.vmHours !== undefined ? { vmHoursWithAutoShutdown: cmd.vmHours } : {}),
    };
    const result = await plan({
        program: cmd.program,
        configFile: cmd.configFile,
        config: cmd.config,
        stack: cmd.stack,
        livePrices: cmd.livePrices ? { cacheFile: priceCacheFile() } : undefined,
        usage,
        manifestsDir: cmd.out ?? path.join(".plan", path.basename(path.resolve(cmd.program))),
    });
    const budgetOk = cmd.budget === undefined || withinBudget(result.cost, cmd.budget);
    if (cmd.global.json) io.out(json({ ...result, budget: cmd.budget, withinBudget: budgetOk }));
    else io.out(formatPlan(result, cmd.budget));
    return result.policy.mandatoryViolations === 0 && budgetOk;
}
