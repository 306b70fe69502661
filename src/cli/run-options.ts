/**
 * The options of a run that are not task fields (format, output, timeout, ...), validated
 * together, and the run itself with them: shared by the main job and `exec`.
 */

import { taskCacheAuthorize } from "../cache/for-task.js";
import { EcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { DEFAULT_ENV_PREFIX, isEnvPrefix } from "../core/names.js";
import { formatNames, getRenderer, rendererForCi } from "../emit/registry.js";
import { detectCi } from "../platform/ci.js";
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
  readonly envPrefix: string;
  readonly timeoutMs: number;
  readonly connectors: string | undefined;
  readonly cache: boolean;
  readonly credentialHelper: boolean;
}

export function runOptions(flags: FlagValues, env: Env): RunOptions {
  const problems: Array<{ field: string; message: string; hint: string }> = [];
  const format = typeof flags.format === "string" ? flags.format : defaultFormat(env);
  const renderer = getRenderer(format);
  if (renderer === undefined) {
    problems.push({
      field: "--format",
      message: `"${format}" is not a format`,
      hint: `use one of: ${formatNames.join(", ")}`,
    });
  }
  const envPrefix =
    typeof flags["env-prefix"] === "string" ? flags["env-prefix"] : DEFAULT_ENV_PREFIX;
  if (!isEnvPrefix(envPrefix)) {
    problems.push({
      field: "--env-prefix",
      message: `"${envPrefix}" would make invalid environment names`,
      hint: "use letters, digits and underscores, not starting with a digit (or an empty prefix)",
    });
  }
  const timeoutText = typeof flags.timeout === "string" ? flags.timeout : "60";
  const timeout = Number(timeoutText);
  if (!/^\d+(?:\.\d+)?$/.test(timeoutText) || timeout <= 0 || timeout > 3600) {
    problems.push({
      field: "--timeout",
      message: `"${timeoutText}" is not a number of seconds`,
      hint: "use a number from 1 to 3600",
    });
  }
  const credentialHelper = flags["credential-helper"] === true;
  if (credentialHelper && renderer !== undefined && renderer.credentialHelper !== true) {
    problems.push({
      field: "--credential-helper",
      message: `has no meaning for the ${format} format`,
      hint: "add --format docker-config, or drop --credential-helper",
    });
  }
  const output = typeof flags.output === "string" ? flags.output : undefined;
  if (output === "")
    problems.push({
      field: "--output",
      message: "is empty",
      hint: "give a file path, or - for stdout",
    });
  if (problems.length > 0) {
    throw new EcrVarsError({
      kind: "usage",
      code: "BAD_USAGE",
      message: "invalid options",
      problems,
    });
  }
  return {
    format,
    formatExplicit: typeof flags.format === "string",
    output: output === "-" ? undefined : output,
    forceStdout: output === "-",
    envPrefix,
    timeoutMs: timeout * 1000,
    connectors: typeof flags.connectors === "string" ? flags.connectors : undefined,
    cache: flags.cache === true,
    credentialHelper,
  };
}

/** Inside a detected CI system, its own format when there is one; otherwise `sh`. */
function defaultFormat(env: Env): string {
  const ci = detectCi(env);
  return (ci === undefined ? undefined : rendererForCi(ci)?.name) ?? "sh";
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
