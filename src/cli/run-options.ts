/**
 * The options of a run that are not task fields (format, output, timeout, ...), validated
 * together, and the run itself with them: shared by the main job and `exec`.
 */

import { taskCacheAuthorize } from "../cache/for-task.js";
import { type FieldProblem, optionsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { type EnvNaming, envNamingFor, isEnvPrefix } from "../core/names.js";
import { namespaceProblem, secretNameProblem } from "../emit/kubernetes.js";
import {
  FALLBACK_FORMAT,
  formatNames,
  getRenderer,
  rendererForCi,
  renderers,
} from "../emit/registry.js";
import { type CiSystem, detectCi } from "../platform/ci.js";
import type { Logger } from "../platform/logger.js";
import type { Redactor } from "../platform/redactor.js";
import { connectorsFilePath } from "../task/resolve.js";
import { runTask, type TaskOutcome } from "../task/run.js";
import type { CliIo } from "./io.js";
import type { FlagValues, LoadedTask } from "./task-input.js";

export interface RunOptions {
  readonly format: string;
  /** The user named the format (`--format`); otherwise it is the environment's default. */
  readonly formatExplicit: boolean;
  /** `--output FILE`; undefined for stdout or the format's own default (see `Renderer`). */
  readonly output: string | undefined;
  /** `--output -`: stdout, even for a format whose default output is a file. */
  readonly forceStdout: boolean;
  /** `--env-prefix`, else Bamboo's names in Bamboo and upper-case names elsewhere. */
  readonly envNaming: EnvNaming;
  readonly timeoutMs: number;
  readonly connectors: string | undefined;
  readonly cache: boolean;
  readonly credentialHelper: boolean;
  /** `--secret-name`, `--secret-namespace` (kubernetes format), each checked. */
  readonly secretName: string | undefined;
  readonly secretNamespaces: readonly string[];
}

export function runOptions(flags: FlagValues, env: Env): RunOptions {
  const problems: FieldProblem[] = [];
  const ci = detectCi(env);
  const format = typeof flags.format === "string" ? flags.format : defaultFormat(ci);
  const renderer = getRenderer(format);
  if (renderer === undefined) {
    problems.push({
      field: "--format",
      message: `"${format}" is not a format`,
      hint: `use one of: ${formatNames.join(", ")}`,
    });
  }
  const envPrefix = typeof flags["env-prefix"] === "string" ? flags["env-prefix"] : undefined;
  if (envPrefix !== undefined && !isEnvPrefix(envPrefix)) {
    problems.push({
      field: "--env-prefix",
      message: `"${envPrefix}" would make invalid environment names`,
      hint: "use letters, digits and underscores, not starting with a digit (or an empty prefix)",
    });
  }
  const timeout = timeoutSeconds(
    typeof flags.timeout === "string" ? flags.timeout : undefined,
    problems,
  );
  const credentialHelper = flags["credential-helper"] === true;
  if (credentialHelper && renderer !== undefined && renderer.credentialHelper !== true) {
    problems.push({
      field: "--credential-helper",
      message: `has no meaning for the ${format} format`,
      hint: `use a format that accepts it (${renderers
        .filter((r) => r.credentialHelper === true)
        .map((r) => r.name)
        .join(", ")}), or drop --credential-helper`,
    });
  }
  const secretName = typeof flags["secret-name"] === "string" ? flags["secret-name"] : undefined;
  const namespaceFlag = flags["secret-namespace"];
  const secretNamespaces = Array.isArray(namespaceFlag)
    ? namespaceFlag
    : typeof namespaceFlag === "string"
      ? [namespaceFlag]
      : [];
  const secretFlags = [
    ...(secretName === undefined ? [] : ["--secret-name"]),
    ...(secretNamespaces.length === 0 ? [] : ["--secret-namespace"]),
  ];
  if (secretFlags.length > 0 && renderer !== undefined && renderer.secretOptions !== true) {
    for (const field of secretFlags) {
      problems.push({
        field,
        message: `has no meaning for the ${format} format`,
        hint: `add --format kubernetes, or drop ${field}`,
      });
    }
  }
  if (secretName !== undefined) {
    const problem = secretNameProblem(secretName);
    if (problem !== undefined)
      problems.push({
        field: "--secret-name",
        message: problem,
        hint: "e.g. --secret-name ecr-pull",
      });
  }
  for (const namespace of secretNamespaces) {
    const problem = namespaceProblem(namespace);
    if (problem !== undefined)
      problems.push({
        field: "--secret-namespace",
        message: problem,
        hint: "give an existing namespace's name, e.g. --secret-namespace default",
      });
  }
  if (new Set(secretNamespaces).size !== secretNamespaces.length) {
    problems.push({
      field: "--secret-namespace",
      message: "names the same namespace more than once",
      hint: "give each namespace once",
    });
  }
  const output = typeof flags.output === "string" ? flags.output : undefined;
  if (output === "")
    problems.push({
      field: "--output",
      message: "is empty",
      hint: "give a file path, or - for stdout",
    });
  if (problems.length > 0) throw optionsError(problems);
  return {
    format,
    formatExplicit: typeof flags.format === "string",
    output: output === "-" ? undefined : output,
    forceStdout: output === "-",
    envNaming: envNamingFor(envPrefix, ci === "bamboo"),
    timeoutMs: timeout * 1000,
    connectors: typeof flags.connectors === "string" ? flags.connectors : undefined,
    cache: flags.cache === true,
    credentialHelper,
    secretName,
    secretNamespaces,
  };
}

export const MIN_TIMEOUT_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 3600;

/**
 * `--timeout SECONDS` (default 60): a plain decimal number from 1 to 3600. Less than a second
 * cannot hold even one attempt of an AWS call with its connection set-up, so it is refused
 * rather than failing every run. A problem is added to `problems` and 60 returned in its place.
 */
export function timeoutSeconds(text: string | undefined, problems: FieldProblem[]): number {
  if (text === undefined) return 60;
  const hint = `use a number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}, e.g. --timeout 30`;
  const seconds = Number(text);
  if (!/^\d+(?:\.\d+)?$/.test(text)) {
    const message = /^-\d+(?:\.\d+)?$/.test(text)
      ? `"${text}" is negative`
      : `"${text}" is not a number of seconds`;
    problems.push({ field: "--timeout", message, hint });
  } else if (seconds < MIN_TIMEOUT_SECONDS) {
    problems.push({
      field: "--timeout",
      message: `${text} is less than the minimum of ${MIN_TIMEOUT_SECONDS} second`,
      hint,
    });
  } else if (seconds > MAX_TIMEOUT_SECONDS) {
    problems.push({
      field: "--timeout",
      message: `${text} is more than the maximum of ${MAX_TIMEOUT_SECONDS} seconds (one hour)`,
      hint,
    });
  } else return seconds;
  return 60;
}

/** Inside a detected CI system, its own format when there is one; otherwise `sh`. */
function defaultFormat(ci: CiSystem): string {
  return rendererForCi(ci)?.name ?? FALLBACK_FORMAT;
}

/** Runs the task with the run options: shared by the main job and `exec`. */
export async function runTaskWith(
  loaded: LoadedTask,
  run: RunOptions,
  io: CliIo,
  redactor: Redactor,
  logger: Logger,
): Promise<TaskOutcome> {
  const { task, label } = loaded;
  const authorize = run.cache
    ? await taskCacheAuthorize({
        task,
        env: io.env,
        connectorsPath: connectorsFilePath(run.connectors, io.env),
        logger,
      })
    : undefined;
  return runTask({
    task,
    env: io.env,
    label,
    redactor,
    logger,
    ...(run.connectors === undefined ? {} : { connectorsPath: run.connectors }),
    timeoutMs: run.timeoutMs,
    ...(authorize === undefined ? {} : { authorize }),
  });
}
