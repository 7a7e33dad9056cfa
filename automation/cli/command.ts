/**
 * What a parsed command line asks for: the `CliCommand` union that parsing
 * produces and execution consumes, so the two halves meet in one type.
 */
import { RunStatus } from "../common/records";

/** Options of every command. */
export interface GlobalOptions {
    readonly json: boolean;
    /** @default - `CUSTOMAI_RUNS_DIR`, else `defaultRunsDir()` */
    readonly runsDir?: string;
    /** @default - `PULUMI_BACKEND_URL`, else the project's file backend */
    readonly backendUrl?: string;
    /** @default - `PULUMI_SECRETS_PROVIDER`, else the passphrase provider */
    readonly secretsProvider?: string;
}

/** The commands, in the order `--help` lists them; `records` is another name for `runs`. */
export const COMMAND_NAMES = ["run", "sample", "schedule", "runs", "reap", "plan"] as const;
export const COMMAND_ALIASES: Readonly<Record<string, (typeof COMMAND_NAMES)[number]>> = { records: "runs" };

/** A run spec as assembled from a file and flags; the driver's validation decides whether it is one. */
export type SpecInput = Record<string, unknown>;

/** Default series of `sample` (and `npm start`), unless `CUSTOMAI_SERIES` names another. */
export const DEFAULT_SAMPLE_SERIES = "nightly-sample";

/** Default of `runs --tail`. */
export const DEFAULT_TAIL = 20;

export type CliCommand =
    /** `--help` or `--version`: print `text`, exit 0. */
    | { readonly command: "info"; readonly text: string }
    | {
          readonly command: "run";
          readonly global: GlobalOptions;
          readonly spec: SpecInput;
          /** Base of relative paths in the spec: the spec file's folder. @default - the working directory */
          readonly specDir?: string;
      }
    | {
          readonly command: "schedule";
          readonly global: GlobalOptions;
          readonly cron: string;
          readonly timezone?: string;
          readonly maxRuns?: number;
          readonly spec: SpecInput;
          /** Base of relative paths in the spec: the spec file's folder. @default - the working directory */
          readonly specDir?: string;
      }
    /** `sample`: generate the sample workload, then run it as `run` would. */
    | { readonly command: "sample"; readonly global: GlobalOptions; readonly series: string; readonly rows: number }
    | {
          readonly command: "runs";
          readonly global: GlobalOptions;
          readonly series?: string;
          readonly status?: RunStatus;
          readonly tail: number;
      }
    | {
          readonly command: "reap";
          readonly global: GlobalOptions;
          readonly olderThanMinutes: number;
          readonly dryRun: boolean;
      }
    /** `plan`: evaluate a program offline; its resources, cost estimate and policy results. */
    | {
          readonly command: "plan";
          readonly global: GlobalOptions;
          /** A path id or a program directory. */
          readonly program: string;
          readonly configFile?: string;
          /** `key=value` overrides. */
          readonly config: readonly string[];
          readonly stack?: string;
          /** Folder for the Kubernetes manifests. @default - `.plan/<project>` in the working directory */
          readonly out?: string;
          /** Monthly estimate (USD) above which the plan fails. @default - no budget */
          readonly budget?: number;
          /** Refresh prices from the Azure Retail Prices API (cached). */
          readonly livePrices: boolean;
          /** Hours per month compute above its minimum runs. @default - DEFAULT_USAGE */
          readonly burstHours?: number;
          /** Hours per month a VM with auto-shutdown runs. @default - DEFAULT_USAGE */
          readonly vmHours?: number;
      };

/** The command of the given kind. */
export type CommandOf<K extends CliCommand["command"]> = Extract<CliCommand, { command: K }>;
