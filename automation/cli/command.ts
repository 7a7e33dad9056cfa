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
export const COMMAND_NAMES = ["run", "sample", "schedule", "runs", "reap"] as const;
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
      };

/** The command of the given kind. */
export type CommandOf<K extends CliCommand["command"]> = Extract<CliCommand, { command: K }>;
