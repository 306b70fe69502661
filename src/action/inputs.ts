/**
 * The GitHub Action's inputs: the main command's options of the CLI's command table (their names,
 * descriptions and defaults from the options table), so `action.yml`, `--help` and the README
 * cannot drift apart; a few inputs exist only in the Action (docker login, logout, OIDC audience,
 * and aws-actions/amazon-ecr-login's `registry-type`, `mask-password` and `http-proxy`, with that
 * action's meaning: docs/ci/github-actions.md). `action.yml` is generated from this list
 * (`npm run build:action`) and a test checks that it still matches.
 */

import { COMMANDS, type CommandSpec } from "../cli/commands.js";
import { OPTIONS, type OptionSpec } from "../cli/options.js";
import { configError, type FieldProblem } from "../core/errors.js";
import { PUBLIC_HOST } from "../core/registry-host.js";
import { closest } from "../core/suggest.js";

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

/** Defaults that differ in the Action from the CLI's (none today). */
const ACTION_DEFAULTS: Readonly<Record<string, string>> = {};

/** Where a list input's name differs from its flag: the plural of its task-file key. */
const LIST_NAMES: Readonly<Record<string, string>> = {
  "registry-id": "registry-ids",
  registry: "registries",
};

/** What an input means beyond its flag's description. */
const ACTION_NOTES: Readonly<Record<string, string>> = {
  registry:
    "; 12-digit account ids are taken too, as amazon-ecr-login's registries input takes them (they join registry-ids)",
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
  {
    name: "registry-type",
    default: "private",
    description:
      "as in amazon-ecr-login: public serves ECR Public (public.ecr.aws) alone, ignoring registries and registry-ids (with a warning); private serves those",
  },
  {
    name: "mask-password",
    boolean: true,
    default: "true",
    description:
      "as in amazon-ecr-login: false leaves the registry password unmasked in the log, so that the docker_password_<host> output can be passed to another job (GitHub empties a masked job output); every other secret stays masked",
  },
  {
    name: "http-proxy",
    description:
      "as in amazon-ecr-login: a forward proxy for the AWS calls of this step (http://host:port); default: the step's HTTPS_PROXY and HTTP_PROXY, honouring NO_PROXY",
  },
];

/** ECR Public's registry, which `registry-type: public` serves. */
const PUBLIC_REGISTRY = PUBLIC_HOST;

/** The input standing for a flag. */
export function inputName(flag: string): string {
  return LIST_NAMES[flag] ?? flag;
}

function fromOption(spec: OptionSpec): ActionInput {
  const list = spec.multiple === true;
  const def = ACTION_DEFAULTS[spec.flag] ?? spec.default;
  // Descriptions name other options as flags (`instead of --region`): here they are inputs.
  const text =
    spec.description.replace(/--([a-z][a-z-]*)/g, (_, flag: string) => inputName(flag)) +
    (ACTION_NOTES[spec.flag] ?? "");
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
  /** `mask-password`: false leaves the registry password unmasked (amazon-ecr-login's meaning). */
  readonly maskPassword: boolean;
  /** `http-proxy`: the proxy for this step's AWS calls; undefined: the environment's. */
  readonly httpProxy: string | undefined;
  /** Inputs given but ignored, and why: each becomes a warning that names the input. */
  readonly warnings: readonly string[];
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
  const warnings: string[] = [];
  accountIdsInRegistries(flags, problems);
  const registryType = (own["registry-type"] || "private").toLowerCase();
  if (registryType === "public") {
    const ignored = ["registries", "registry-ids"].filter((name) => get(name) !== "");
    if (ignored.length > 0) {
      warnings.push(
        `registry-type: public serves ${PUBLIC_REGISTRY} alone; ${ignored.join(" and ")} ignored (as amazon-ecr-login ignores registries there)`,
      );
    }
    delete flags["registry-id"];
    flags.registry = [PUBLIC_REGISTRY];
  } else if (registryType !== "private") {
    problems.push({
      field: "input registry-type",
      message: `"${own["registry-type"]}" is not a registry type`,
      hint: "write private (the registries and registry-ids given) or public (ECR Public)",
    });
  }
  if (problems.length > 0) throw configError(problems);
  const httpProxy = own["http-proxy"] ?? "";
  return {
    flags,
    dockerLogin: own["docker-login"] === "true",
    skipLogout: own["skip-logout"] === "true",
    audience: own.audience || "sts.amazonaws.com",
    maskPassword: own["mask-password"] !== "false",
    httpProxy: httpProxy === "" ? undefined : httpProxy,
    warnings,
  };
}

/**
 * amazon-ecr-login's `registries` holds account ids; ours holds hosts. Both are taken: an entry of
 * 12 digits joins the registry ids. All digits but not 12 is most often an id whose leading zeros
 * YAML dropped (an unquoted number), so that is what the problem says.
 */
function accountIdsInRegistries(flags: FlagValues, problems: FieldProblem[]): void {
  const entries = flags.registry;
  if (!Array.isArray(entries)) return;
  const ids = entries.filter((entry) => /^\d{12}$/.test(entry));
  for (const entry of entries.filter((e) => /^\d+$/.test(e) && e.length !== 12)) {
    problems.push({
      field: "input registries",
      message: `"${entry}" is neither a registry host nor a 12-digit account id`,
      hint: "quote an account id that starts with 0 (YAML reads an unquoted one as a number and drops the zeros), or give the registry host",
    });
  }
  if (ids.length === 0) return;
  const hosts = entries.filter((entry) => !ids.includes(entry));
  const known = Array.isArray(flags["registry-id"]) ? flags["registry-id"] : [];
  flags["registry-id"] = [...known, ...ids.filter((id) => !known.includes(id))];
  if (hosts.length > 0) flags.registry = hosts;
  else delete flags.registry;
}

/** The runner's variable for an input: `INPUT_` and the name, spaces as `_`, upper case. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/**
 * Inputs the workflow gave that the Action does not have. The runner passes every `with:` entry as
 * an `INPUT_<NAME>` variable, known or not, and only warns in its own words; these get a warning
 * of ours that names the input, what it would have done elsewhere, and the closest input we have.
 */
export function unknownInputs(
  env: Readonly<Record<string, string | undefined>>,
  inputs: readonly ActionInput[] = actionInputs(),
): string[] {
  const known = new Set(inputs.map((input) => inputVariable(input.name)));
  const names = inputs.map((input) => input.name);
  return Object.keys(env)
    .filter((key) => key.startsWith("INPUT_") && !known.has(key.toUpperCase()))
    .sort()
    .map((key) => {
      const name = key.slice("INPUT_".length).toLowerCase();
      // A singular for a plural list input (registry → registries) is too far for closest().
      const plural = names.find((n) => n === `${name}s` || n === name.replace(/y$/, "ies"));
      const guess = plural ?? closest(name, names);
      return `input ${name} is not an input of this Action and was ignored${guess === undefined ? "" : `: did you mean ${guess}?`} (inputs: docs/ci/github-actions.md)`;
    });
}

/** A list input: one value per line or comma-separated, blanks dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
