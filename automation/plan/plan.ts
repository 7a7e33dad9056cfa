/**
 * The offline plan of a program: what it would create, what that would
 * cost, and what the policy rules say, with no Pulumi CLI, no credentials
 * and no network. The CLI's `plan` command and `npm run plan` print it; the
 * library returns it for machines.
 */
import * as path from "node:path";
import { CostEstimate, DEFAULT_USAGE, priceMetering, UsageAssumptions } from "./cost";
import { recordProgram } from "./engine";
import { refreshPrices, RefreshOptions } from "./live-prices";
import { renderManifests, writeManifests } from "./manifests";
import { meterResources, metersToPrice } from "./metering";
import { checkPolicies, PolicyReport } from "./policy-check";
import { PriceTable } from "./price-table";
import { PRICES } from "./prices";
import { resolveProgram } from "./program-source";
import { maskedInputs, SECRET_MASK } from "./resources";
import { readStackConfigFile, StackConfig, withOverrides } from "./stack-config";

export interface PlanOptions {
    /** A path id of the catalog (`2-5`) or a Pulumi program directory. */
    readonly program: string;
    /** Stack config file to read. @default the program's Pulumi.example.yaml, if it has one; else no config */
    readonly configFile?: string;
    /** `key=value` config overrides, applied over the file. @default none */
    readonly config?: readonly string[];
    /** Stack name the program sees. @default "plan" */
    readonly stack?: string;
    /** Prices. @default the table shipped with the package (`PRICES`) */
    readonly prices?: PriceTable;
    /**
     * Refresh the prices this plan needs from the Azure Retail Prices API
     * (cached; on failure the plan says so in a note and uses `prices`).
     * @default none: the table as given
     */
    readonly livePrices?: Omit<RefreshOptions, "meters" | "regions">;
    /** Usage the monthly estimate assumes. @default DEFAULT_USAGE */
    readonly usage?: UsageAssumptions;
    /** Folder the Kubernetes manifests are written to. @default none: not written */
    readonly manifestsDir?: string;
    /** Base of relative paths. @default process.cwd() */
    readonly cwd?: string;
}

/** One resource of the tree, safe to show. */
export interface PlanResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** URN of the parent; absent for resources directly under the stack. */
    readonly parent?: string;
    readonly custom: boolean;
    /** Inputs with every secret replaced by `[secret]`. */
    readonly inputs: Record<string, unknown>;
}

export interface Plan {
    readonly program: {
        readonly label: string;
        readonly dir: string;
        readonly project: string;
        readonly stack: string;
        readonly configFile?: string;
    };
    /** What the plan could not know and stood in for (placeholders), one line each. */
    readonly notes: readonly string[];
    readonly resources: readonly PlanResource[];
    /** Stack outputs, secret ones masked. */
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly cost: CostEstimate;
    readonly policy: PolicyReport;
    /** The Kubernetes manifests: written files, or file names only when no folder was given. */
    readonly manifests: { readonly dir?: string; readonly files: readonly string[] };
}

/** Evaluates a program offline and returns its plan. Rejects when the program itself fails (its config invalid…). */
export async function plan(options: PlanOptions): Promise<Plan> {
    const cwd = options.cwd ?? process.cwd();
    const source = resolveProgram(options.program, cwd);
    const configFile = options.configFile ? path.resolve(cwd, options.configFile) : source.defaultConfigFile;
    const base: StackConfig = configFile
        ? readStackConfigFile(configFile, source.project)
        : { values: {}, secretKeys: [], placeholders: [] };
    const config = withOverrides(base, options.config ?? [], source.project);
    const stack = options.stack ?? "plan";

    const recording = await recordProgram(source.run, { project: source.project, stack, config });
    const resources = recording.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const manifests = renderManifests(resources);
    const metering = meterResources(resources);
    let prices = options.prices ?? PRICES;
    let priceNote: string[] = [];
    if (options.livePrices) {
        const refreshed = await refreshPrices(prices, { ...options.livePrices, ...metersToPrice(metering) });
        prices = refreshed.table;
        priceNote = [refreshed.note];
    }
    const notes = [
        "ids, keys, endpoints and name suffixes are placeholders: Azure assigns them at deploy",
        ...config.placeholders.map((k) => `${k} is encrypted in the stack config: the program saw a placeholder`),
        ...recording.invokes.map((t) => `${t}: answered with placeholder values`),
        ...recording.stackReferences.map(
            (s) => `stack ${s} was not read: its outputs are placeholders of the platform contract, its region unknown`,
        ),
        ...priceNote,
    ];
    return {
        program: { label: source.label, dir: source.dir, project: source.project, stack, configFile },
        notes,
        resources: resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            custom: r.custom,
            inputs: maskedInputs(r),
        })),
        outputs: Object.fromEntries(
            Object.entries(recording.outputs).map(([k, v]) => [
                k,
                recording.secretOutputs.includes(k) ? SECRET_MASK : v,
            ]),
        ),
        cost: priceMetering(metering, prices, options.usage ?? DEFAULT_USAGE),
        policy: await checkPolicies(resources, undefined, { project: source.project, stack }),
        manifests: options.manifestsDir
            ? { dir: options.manifestsDir, files: writeManifests(path.resolve(cwd, options.manifestsDir), manifests) }
            : { files: manifests.map((m) => m.file) },
    };
}
