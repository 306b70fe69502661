/**
 * The GitHub Action's inputs: the main command's options of the CLI's command table (their names,
 * descriptions and defaults from the options table), so `action.yml`, `--help` and the README
 * cannot drift apart; a few inputs exist only in the Action (docker login, logout, OIDC audience). `action.yml` is generated
 * from this list (`npm run build:action`) and a test checks that it still matches.
 */

import { COMMANDS, type CommandSpec } from "../cli/commands.js";
import { OPTIONS, type OptionSpec } from "../cli/options.js";
import { configError, type FieldProblem } from "../core/errors.js";

export interface ActionInput {
  readonly name: string;
  readonly description: string;
  readonly default?: string;
  /** The CLI flag this input sets; undefined for the Action's own inputs. */
  readonly flag?: string;
  /** A list: one value per line, or comma-separated. */
  readonly list?: boolean;
  readonly boolean?: boolean;
}

/**
 * Options of the main command that are not Action inputs, and why: the Action always writes
 * GitHub's own file commands and follows the runner's debug switch. Every other option of the
 * main command is an input, so a new task option becomes one by itself.
 */
export const NOT_INPUTS: Readonly<Record<string, string>> = {
  format: "the Action always writes GitHub's file commands (GITHUB_ENV, step outputs)",
  output: "as format",
  "credential-helper": "docker-login covers logging in; the docker-config format is the CLI's",
  "report-secrets": "GitLab only",
  "secret-name": "Kubernetes pull Secrets are the CLI's kubernetes format",
  "secret-namespace": "as secret-name",
  force: "the Action prints no password to a terminal",
  cache: "a job's runner starts without the token cache",
  quiet: "the runner's log is the Action's summary",
  debug: "the runner's debug logging (ACTIONS_STEP_DEBUG) switches debug lines on",
  help: "not a run",
  version: "not a run",
};

/** Defaults that differ in the Action: environment names there carry no Bamboo prefix. */
const ACTION_DEFAULTS: Readonly<Record<string, string>> = { "env-prefix": "" };

/** Where a list input's name differs from its flag: the plural of its task-file key. */
const LIST_NAMES: Readonly<Record<string, string>> = {
  "registry-id": "registry-ids",
  registry: "registries",
};

export const OWN_INPUTS: readonly ActionInput[] = [
  {
    name: "docker-login",
    boolean: true,
    default: "false",
    description:
      "log the docker CLI in to every registry (password on stdin); without a docker CLI, write the logins to the Docker config file",
  },
  {
    name: "skip-logout",
    boolean: true,
    default: "false",
    description:
      "keep the docker logins when the job ends (by default the post step logs out of exactly the registries this step logged in to)",
  },
  {
    name: "audience",
    default: "sts.amazonaws.com",
    description:
      "audience of the workflow's OIDC token, used with role-arn when no connector is named and the job has id-token: write",
  },
];

/** The input standing for a flag. */
export function inputName(flag: string): string {
  return LIST_NAMES[flag] ?? flag;
}

function fromOption(spec: OptionSpec): ActionInput {
  const list = spec.multiple === true;
  const def = ACTION_DEFAULTS[spec.flag] ?? spec.default;
  // Descriptions name other options as flags (`instead of --region`): here they are inputs.
  const text = spec.description.replace(/--([a-z][a-z-]*)/g, (_, flag: string) => inputName(flag));
  return {
    name: inputName(spec.flag),
    description: list ? `${text} (a list: one per line, or comma-separated)` : text,
    flag: spec.flag,
    ...(def === undefined ? {} : { default: def }),
    ...(list ? { list: true } : {}),
    ...(spec.type === "boolean" ? { boolean: true, default: def ?? "false" } : {}),
  };
}

/** Every input of the Action, in `action.yml` order: the task's, then the Action's own. */
export function actionInputs(
  command: CommandSpec = mainCommand(),
  options: readonly OptionSpec[] = OPTIONS,
): ActionInput[] {
  const bySpec = new Map(options.map((o) => [o.flag, o]));
  const inputs: ActionInput[] = [];
  for (const option of command.options) {
    if (option.flag in NOT_INPUTS) continue;
    const spec = bySpec.get(option.flag);
    if (spec === undefined) throw new Error(`the options table has no --${option.flag}`);
    inputs.push(
      fromOption({
        ...spec,
        ...(option.description === undefined ? {} : { description: option.description }),
        ...(option.default === undefined ? {} : { default: option.default }),
      }),
    );
  }
  return [...inputs, ...OWN_INPUTS];
}

/** The main command (`ecr-vars [options]`) of the command table. */
export function mainCommand(): CommandSpec {
  const main = COMMANDS.find((c) => c.path.length === 0);
  if (main === undefined) throw new Error("the command table has no main command");
  return main;
}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** What the Action reads from its inputs: the CLI flags they stand for, and its own settings. */
export interface ActionSettings {
  readonly flags: FlagValues;
  readonly dockerLogin: boolean;
  readonly skipLogout: boolean;
  readonly audience: string;
}

/**
 * Reads every input through `get` (the toolkit's `getInput`, which trims and returns "" when
 * unset). An input that is not set leaves its flag unset, so the task's own rules apply.
 */
export function readSettings(
  get: (name: string) => string,
  inputs: readonly ActionInput[] = actionInputs(),
): ActionSettings {
  const flags: FlagValues = {};
  const own: Record<string, string> = {};
  const problems: FieldProblem[] = [];
  for (const input of inputs) {
    const raw = get(input.name);
    if (input.boolean) {
      const value = raw === "" ? (input.default ?? "false") : raw;
      if (!/^(?:true|false)$/i.test(value)) {
        problems.push({
          field: `input ${input.name}`,
          message: `"${value}" is not true or false`,
          hint: "write true or false",
        });
        continue;
      }
      if (input.flag === undefined) own[input.name] = value.toLowerCase();
      else if (value.toLowerCase() === "true") flags[input.flag] = true;
      continue;
    }
    if (input.flag === undefined) {
      own[input.name] = raw === "" ? (input.default ?? "") : raw;
      continue;
    }
    if (raw === "") {
      // The Action's defaults that differ from the CLI's are passed on as flags.
      if (input.default !== undefined && ACTION_DEFAULTS[input.flag] !== undefined)
        flags[input.flag] = input.default;
      continue;
    }
    flags[input.flag] = input.list ? splitList(raw) : raw;
  }
  if (problems.length > 0) throw configError(problems);
  return {
    flags,
    dockerLogin: own["docker-login"] === "true",
    skipLogout: own["skip-logout"] === "true",
    audience: own.audience || "sts.amazonaws.com",
  };
}

/** A list input: one value per line or comma-separated, blanks dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
