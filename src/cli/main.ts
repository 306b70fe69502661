/**
 * The `ecr-vars` command: parses argv, runs the task and writes the chosen format. Everything it
 * touches comes in through `CliIo`, so tests can run it in-process as well as through the bin.
 */

import { parseArgs } from "node:util";
import { EcrVarsError, ExitCode, isEcrVarsError, usageError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { DEFAULT_ENV_PREFIX, isEnvPrefix } from "../core/names.js";
import { formatExpiry } from "../core/variables.js";
import { formatNames, getRenderer } from "../emit/registry.js";
import type { RenderPlan } from "../emit/types.js";
import { detectCi } from "../platform/ci.js";
import { createLogger, type Logger, type Writable } from "../platform/logger.js";
import { MASK, Redactor } from "../platform/redactor.js";
import { writeSecretFile } from "../platform/write-file.js";
import { runTask } from "../task/run.js";
import { helpText } from "./help.js";
import { parseArgsOptions } from "./options.js";
import { type FlagValues, loadTask } from "./task-input.js";

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: Env;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly version: string;
  readonly clock?: () => Date;
}

/** Where a Bamboo-format file goes when no --output is given: never the build log. */
export const DEFAULT_BAMBOO_FILE = "ecr-vars.properties";

export async function main(io: CliIo): Promise<number> {
  if (io.argv[0] === "connectors") {
    const { runConnectorsCommand } = await import("./connectors-command.js");
    return runConnectorsCommand(io);
  }
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
      io.stdout.write(helpText(io.version));
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
  const task = await loadTask(flags);
  const title = task.description === undefined ? "ecr-vars" : `ecr-vars (${task.description})`;
  if (task.disabled) {
    logger.info(`${title}: the task is disabled; nothing was fetched or written.`);
    return ExitCode.ok;
  }

  const outcome = await runTask({
    task,
    env: io.env,
    label: (key) => key,
    redactor,
    logger,
    ...(run.connectors === undefined ? {} : { connectorsPath: run.connectors }),
    timeoutMs: run.timeoutMs,
  });
  if (outcome.kind === "disabled") return ExitCode.ok;

  const renderer = getRenderer(run.format);
  if (renderer === undefined)
    throw new Error(`format ${run.format} was validated but has no renderer`);
  const outputPath = run.output ?? (run.format === "bamboo" ? DEFAULT_BAMBOO_FILE : undefined);
  const plan: RenderPlan = renderer.render(outcome.variables, {
    namespace: task.namespace,
    envPrefix: run.envPrefix,
    scope: task.scope,
    ...(outputPath === undefined ? {} : { outputPath }),
  });

  if (outputPath === undefined) io.stdout.write(plan.text);
  else await writeSecretFile(outputPath, plan.text);

  const now = io.clock?.() ?? new Date();
  const registries = outcome.authorizations.map((a) => a.registryId).join(", ");
  logger.info(`${title}: Amazon ECR credentials for registry ${registries} in ${outcome.region}`);
  logger.info(`  credentials: ${outcome.source}`);
  for (const variable of outcome.variables) {
    logger.info(`  ${variable.name}: ${variable.secret ? MASK : variable.value}`);
  }
  const expiry = Math.min(...outcome.authorizations.map((a) => a.expiresAt.getTime()));
  logger.info(
    `  token expires ${formatExpiry(new Date(expiry))} (in ${duration(expiry - now.getTime())})`,
  );
  const where = outputPath === undefined ? "stdout" : outputPath;
  logger.info(
    `Wrote ${outcome.variables.length} variables to ${where} (format ${run.format}, scope ${task.scope}).`,
  );
  for (const note of plan.notes) logger.info(note);
  return ExitCode.ok;
}

interface RunOptions {
  readonly format: string;
  readonly output: string | undefined;
  readonly envPrefix: string;
  readonly timeoutMs: number;
  readonly connectors: string | undefined;
}

function runOptions(flags: FlagValues, env: Env): RunOptions {
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

function defaultFormat(env: Env): string {
  return detectCi(env) === "bamboo" ? "bamboo" : "sh";
}

function parseFlags(argv: readonly string[]): FlagValues {
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

function reportError(error: unknown, logger: Logger, stderr: Writable, redactor: Redactor): void {
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
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
