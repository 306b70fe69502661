/**
 * The `ecr-vars` command: dispatches subcommands, runs the task and writes the chosen format.
 * Everything it touches comes in through `CliIo`, so tests can run it in-process as well as
 * through the bin. Nothing imports this module but `cli/bin.ts` (ARCHITECTURE.md).
 */

import { ExitCode } from "../core/errors.js";
import { formatExpiry } from "../core/variables.js";
import { getRenderer } from "../emit/registry.js";
import type { Renderer, RenderOptions, RenderPlan } from "../emit/types.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { MASK, Redactor } from "../platform/redactor.js";
import { describeFetch } from "../task/run.js";
import type { CliIo } from "./io.js";
import { parseFlags } from "./parse.js";
import { reportError } from "./report.js";
import { type RunOptions, runOptions, runTaskWith } from "./run-options.js";
import { type FlagValues, loadTask } from "./task-input.js";

export type { CliIo } from "./io.js";

/** Runs one command line; every error ends as one report and one exit code (`cli/report.ts`). */
export async function main(io: CliIo): Promise<number> {
  try {
    return await dispatch(io);
  } catch (error) {
    return reportError(error, { stderr: io.stderr, redactor: new Redactor() });
  }
}

async function dispatch(io: CliIo): Promise<number> {
  if (io.argv[0] === "connectors") {
    const { runConnectorsCommand } = await import("./connectors-command.js");
    return runConnectorsCommand(io);
  }
  if (io.argv[0] === "policy") return (await import("./policy-command.js")).runPolicyCommand(io);
  if (io.argv[0] === "exec") return (await import("./exec-command.js")).runExecCommand(io);
  if (io.argv[0] === "logout") return (await import("./logout-command.js")).runLogoutCommand(io);
  return runMain(io);
}

async function runMain(io: CliIo): Promise<number> {
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
    return reportError(error, { stderr: io.stderr, redactor, logger });
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

  const outcome = await runTaskWith(loaded, run, io, redactor, logger);
  if (outcome.kind === "disabled") return ExitCode.ok;

  const renderer = getRenderer(run.format);
  if (renderer === undefined)
    throw new Error(`format ${run.format} was validated but has no renderer`);
  // Writing files (locks, atomic renames) is imported only when there is a file to write: the
  // common case prints to stdout and must start fast (ARCHITECTURE.md, "Start-up").
  const files = () => import("../platform/docker-config-file.js");
  const outputPath = await outputPathOf(renderer, run, io, files);
  const options: RenderOptions = {
    namespace: task.namespace,
    envPrefix: run.envPrefix,
    scope: task.scope,
    ...(outputPath === undefined ? {} : { outputPath }),
    ...(run.credentialHelper ? { credentialHelper: true } : {}),
    ...(outcome.registries.length > 1 ? { registries: outcome.registries } : {}),
  };
  const { merge } = renderer;
  // Formats that update a shared file merge into it under its lock; the others replace it.
  const plan: RenderPlan =
    outputPath !== undefined && merge !== undefined
      ? await (await files()).updateConfigFile(
          outputPath,
          (text) => merge(text, outcome.variables, options),
          { createDirectory: run.output === undefined },
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

/** `--output FILE`, else stdout when `--output -`, else the format's own default output. */
async function outputPathOf(
  renderer: Renderer,
  run: RunOptions,
  io: CliIo,
  files: () => Promise<typeof import("../platform/docker-config-file.js")>,
): Promise<string | undefined> {
  if (run.output !== undefined) return run.output;
  if (run.forceStdout) return undefined;
  const fallback = renderer.defaultOutput;
  switch (fallback.kind) {
    case "stdout":
      return undefined;
    case "file":
      return fallback.path;
    case "auth-file":
      return (await files()).defaultDockerConfigPath(io.env);
  }
}

function duration(ms: number): string {
  if (ms <= 0) return "already expired";
  const minutes = Math.floor(ms / 60_000);
  return `in ${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
