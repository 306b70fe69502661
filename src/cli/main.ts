/**
 * The `ecr-vars` command: parses argv, runs the task and writes the chosen format. Everything it
 * touches comes in through `CliIo`, so tests can run it in-process as well as through the bin.
 */

import { parseArgs } from "node:util";
import { taskCacheAuthorize } from "../cache/for-task.js";
import { EcrVarsError, ExitCode, isEcrVarsError, usageError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { DEFAULT_ENV_PREFIX, isEnvPrefix } from "../core/names.js";
import type { TaskConfig } from "../core/task.js";
import { formatExpiry } from "../core/variables.js";
import { formatNames, getRenderer } from "../emit/registry.js";
import type { RenderOptions, RenderPlan } from "../emit/types.js";
import { detectCi } from "../platform/ci.js";
import { createLogger, type Logger, type Writable } from "../platform/logger.js";
import { MASK, Redactor } from "../platform/redactor.js";
import { connectorsFilePath } from "../task/resolve.js";
import { describeFetch, runTask, type TaskOutcome } from "../task/run.js";
import { parseArgsOptions } from "./options.js";
import { type FlagValues, type LoadedTask, loadTask } from "./task-input.js";

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: Env;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly version: string;
  readonly clock?: () => Date;
  /** `exec`: end this process with the signal that ended the child, as a shell would. */
  readonly raise?: (signal: NodeJS.Signals) => void;
}

/** Where a Bamboo-format file goes when no --output is given: never the build log. */
export const DEFAULT_BAMBOO_FILE = "ecr-vars.properties";

export async function main(io: CliIo): Promise<number> {
  if (io.argv[0] === "connectors") {
    const { runConnectorsCommand } = await import("./connectors-command.js");
    return runConnectorsCommand(io);
  }
  if (io.argv[0] === "policy") return (await import("./policy-command.js")).runPolicyCommand(io);
  if (io.argv[0] === "exec") return (await import("./exec-command.js")).runExecCommand(io);
  if (io.argv[0] === "logout") return (await import("./logout-command.js")).runLogoutCommand(io);
  const redactor = new Redactor();
  let logger: Logger = createLogger({ stream: io.stderr, redactor });
  try {
    const flags = parseFlags(io.argv);
    logger = createLogger({
      stream: io.stderr,
      redactor,
      debug: flags.debug === true,
      quiet: flags.quiet === true,
    });
    if (flags.help) {
      io.stdout.write((await import("./help.js")).helpText(io.version));
      return ExitCode.ok;
    }
    if (flags.version) {
      io.stdout.write(`${io.version}\n`);
      return ExitCode.ok;
    }
    return await fetchAndWrite(flags, io, redactor, logger);
  } catch (error) {
    reportError(error, logger, io.stderr, redactor);
    return isEcrVarsError(error) ? error.exitCode : ExitCode.aws;
  }
}

async function fetchAndWrite(
  flags: FlagValues,
  io: CliIo,
  redactor: Redactor,
  logger: Logger,
): Promise<number> {
  const run = runOptions(flags, io.env);
  const loaded = await loadTask(flags);
  const { task } = loaded;
  const title = task.description === undefined ? "ecr-vars" : `ecr-vars (${task.description})`;
  if (task.disabled) {
    logger.info(`${title}: the task is disabled; nothing was fetched or written.`);
    return ExitCode.ok;
  }

  const outcome = await runTaskWith(loaded, run, flags, io, redactor, logger);
  if (outcome.kind === "disabled") return ExitCode.ok;

  const renderer = getRenderer(run.format);
  if (renderer === undefined)
    throw new Error(`format ${run.format} was validated but has no renderer`);
  // Writing files (locks, atomic renames) is imported only when there is a file to write: the
  // common case prints to stdout and must start fast (SPEC 5).
  const files = () => import("../platform/docker-config-file.js");
  const outputPath =
    run.output ??
    (run.format === "bamboo"
      ? DEFAULT_BAMBOO_FILE
      : run.format === "docker-config" && flags.output !== "-"
        ? (await files()).defaultDockerConfigPath(io.env)
        : undefined);
  const options: RenderOptions = {
    namespace: task.namespace,
    envPrefix: run.envPrefix,
    scope: task.scope,
    ...(outputPath === undefined ? {} : { outputPath }),
    ...(flags["credential-helper"] === true ? { credentialHelper: true } : {}),
    ...(outcome.registries.length > 1 ? { registries: outcome.registries } : {}),
  };
  const { merge } = renderer;
  // Formats that update a shared file merge into it under its lock; the others replace it.
  const plan: RenderPlan =
    outputPath !== undefined && merge !== undefined
      ? await (await files()).updateConfigFile(
          outputPath,
          (text) => merge(text, outcome.variables, options),
          {
            createDirectory: run.output === undefined,
          },
        )
      : renderer.render(outcome.variables, options);

  if (outputPath === undefined) io.stdout.write(plan.text);
  else if (merge === undefined)
    await (await import("../platform/write-file.js")).writeSecretFile(outputPath, plan.text);

  const now = io.clock?.() ?? new Date();
  logger.info(`${title}: ${describeFetch(outcome)}`);
  logger.info(`  credentials: ${outcome.source}`);
  for (const variable of outcome.variables) {
    logger.info(`  ${variable.name}: ${variable.secret ? MASK : variable.value}`);
  }
  const expiry = Math.min(...outcome.authorizations.map((a) => a.expiresAt.getTime()));
  logger.info(
    `  token expires ${formatExpiry(new Date(expiry))} (${duration(expiry - now.getTime())})`,
  );
  const where = outputPath === undefined ? "stdout" : outputPath;
  logger.info(
    `Wrote ${outcome.variables.length} variables to ${where} (format ${run.format}, scope ${task.scope}).`,
  );
  for (const note of plan.notes) logger.info(note);
  return ExitCode.ok;
}

export interface RunOptions {
  readonly format: string;
  readonly output: string | undefined;
  readonly envPrefix: string;
  readonly timeoutMs: number;
  readonly connectors: string | undefined;
}

export function runOptions(flags: FlagValues, env: Env): RunOptions {
  const problems: Array<{ field: string; message: string; hint: string }> = [];
  const format = typeof flags.format === "string" ? flags.format : defaultFormat(env);
  if (getRenderer(format) === undefined) {
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
  if (flags["credential-helper"] === true && format !== "docker-config") {
    problems.push({
      field: "--credential-helper",
      message: `has no meaning for the ${format} format`,
      hint: "add --format docker-config, or drop --credential-helper",
    });
  }
  let output = typeof flags.output === "string" ? flags.output : undefined;
  if (output === "")
    problems.push({
      field: "--output",
      message: "is empty",
      hint: "give a file path, or - for stdout",
    });
  if (output === "-") output = undefined;
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
    // `--output -` asks for stdout explicitly, also for the bamboo format.
    output: flags.output === "-" ? undefined : output,
    envPrefix,
    timeoutMs: timeout * 1000,
    connectors: typeof flags.connectors === "string" ? flags.connectors : undefined,
  };
}

/** Runs the task with the run options the flags gave: shared by the main job and `exec`. */
export async function runTaskWith(
  loaded: LoadedTask,
  run: RunOptions,
  flags: FlagValues,
  io: CliIo,
  redactor: Redactor,
  logger: Logger,
): Promise<TaskOutcome> {
  const { task, label } = loaded;
  return runTask({
    task,
    env: io.env,
    label,
    redactor,
    logger,
    ...(run.connectors === undefined ? {} : { connectorsPath: run.connectors }),
    timeoutMs: run.timeoutMs,
    ...(flags.cache === true ? { authorize: await cacheAuthorize(task, run, io.env, logger) } : {}),
  });
}

async function cacheAuthorize(task: TaskConfig, run: RunOptions, env: Env, logger: Logger) {
  const connectorsPath = connectorsFilePath(run.connectors, env);
  return taskCacheAuthorize({ task, env, connectorsPath, logger });
}

function defaultFormat(env: Env): string {
  return detectCi(env) === "bamboo" ? "bamboo" : "sh";
}

export function parseFlags(argv: readonly string[]): FlagValues {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: parseArgsOptions(),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw usageError(describeParseError(error), "see ecr-vars --help");
  }
  const [positional] = parsed.positionals;
  if (positional !== undefined) {
    throw usageError(
      `unexpected argument "${positional}"`,
      "options start with --; see ecr-vars --help",
    );
  }
  return parsed.values as FlagValues;
}

// parseArgs messages are long and mention positionals; keep the part that names the option.
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^']*)'/.exec(message)?.[1];
  const code = (error as { code?: string }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    return message.includes("argument missing")
      ? `option ${option} needs a value`
      : `option ${option} takes no value`;
  }
  return message.split(". ")[0] ?? message;
}

export function reportError(
  error: unknown,
  logger: Logger,
  stderr: Writable,
  redactor: Redactor,
): void {
  const write = (line: string) => stderr.write(`${redactor.redact(line)}\n`);
  if (isEcrVarsError(error)) {
    write(`ecr-vars: error: ${error.message}`);
    for (const problem of error.problems) {
      write(
        `  ${problem.field}: ${problem.message}${problem.hint ? ` (fix: ${problem.hint})` : ""}`,
      );
    }
    if (error.hint) write(`  fix: ${error.hint}`);
  } else {
    write(`ecr-vars: internal error: ${error instanceof Error ? error.message : String(error)}`);
    write("  fix: run again with --debug and report the output");
  }
  if (logger.debugEnabled) {
    let cause: unknown = error;
    while (cause instanceof Error) {
      logger.debug(cause.stack ?? cause.message);
      cause = cause.cause;
    }
  }
}

function duration(ms: number): string {
  if (ms <= 0) return "already expired";
  const minutes = Math.floor(ms / 60_000);
  return `in ${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
