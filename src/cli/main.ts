/**
 * The `ecr-vars` command: dispatches subcommands, runs the task and writes the chosen format.
 * Everything it touches comes in through `CliIo`, so tests can run it in-process as well as
 * through the bin. Nothing imports this module but `cli/bin.ts` (ARCHITECTURE.md).
 */

import { EcrVarsError, ExitCode, usageError } from "../core/errors.js";
import { formatExpiry } from "../core/variables.js";
import { getRenderer } from "../emit/registry.js";
import type { Renderer, RenderOptions, RenderPlan } from "../emit/types.js";
import { createLogger, type Logger, useColour } from "../platform/logger.js";
import { derivedForms, MASK, Redactor } from "../platform/redactor.js";
import { describeFetch } from "../task/run.js";
import { commandName } from "./commands.js";
import type { CliIo, CommandContext } from "./io.js";
import { checkAgent, checkScope, destinationOf, loadingLine, writePlan } from "./output-plan.js";
import { parseCommandLine } from "./parse.js";
import { reportError } from "./report.js";
import { runOptions, runTaskWith } from "./run-options.js";
import { loadTask } from "./task-input.js";

export type { CliIo } from "./io.js";

/** Runs one command line; every error ends as one report and one exit code (`cli/report.ts`). */
export async function main(io: CliIo): Promise<number> {
  const redactor = new Redactor();
  const colour = useColour(io.env, io.isTty?.stderr === true);
  let logger: Logger = createLogger({ stream: io.stderr, redactor, colour });
  try {
    const parsed = parseCommandLine(io.argv);
    const { command, values } = parsed;
    logger = createLogger({
      stream: io.stderr,
      redactor,
      colour,
      debug: values.debug === true,
      quiet: values.quiet === true,
    });
    if (values.help === true || command.path[0] === "help") {
      const { helpFor } = await import("./help.js");
      io.stdout.write(helpFor(parsed, io.version));
      return ExitCode.ok;
    }
    if (values.version === true) {
      io.stdout.write(`${io.version}\n`);
      return ExitCode.ok;
    }
    const context: CommandContext = {
      io,
      values,
      command: command.path[1],
      positionals: parsed.positionals,
      rest: parsed.rest,
      redactor,
      logger,
    };
    switch (command.path[0]) {
      case undefined:
        return await fetchAndWrite(context);
      case "get-login-password":
        // Like aws ecr get-login-password: nothing but the password unless something is wrong.
        return await fetchAndWrite({
          ...context,
          values: { ...values, format: "password" },
          logger: createLogger({
            stream: io.stderr,
            redactor,
            colour,
            debug: values.debug === true,
            quiet: true,
          }),
        });
      case "exec":
        return await (await import("./exec-command.js")).runExecCommand(context);
      case "logout":
        return await (await import("./logout-command.js")).runLogoutCommand(context);
      case "doctor":
        return await (await import("./doctor-command.js")).runDoctorCommand(context);
      case "policy":
        return await (await import("./policy-command.js")).runPolicyCommand(context);
      case "connectors":
        return await (await import("./connectors-command.js")).runConnectorsCommand(context);
      default:
        throw new Error(`${commandName(command)} is in the command table but not implemented`);
    }
  } catch (error) {
    return reportError(error, { stderr: io.stderr, redactor, logger, colour });
  }
}

async function fetchAndWrite(context: CommandContext): Promise<number> {
  const { io, values: flags, redactor, logger } = context;
  const run = runOptions(flags, io.env);
  const loaded = await loadTask(flags, io.env);
  const { task } = loaded;
  const title = task.description === undefined ? "ecr-vars" : `ecr-vars (${task.description})`;
  if (task.disabled) {
    logger.info(`${title}: the task is disabled; nothing was fetched or written.`);
    return ExitCode.ok;
  }

  checkScope(task.scope, run, flags, loaded.label("scope"));
  const renderer = getRenderer(run.format);
  if (renderer === undefined)
    throw new Error(`format ${run.format} was validated but has no renderer`);
  // Writing files (locks, atomic renames) is imported only when there is a file to write
  // (ARCHITECTURE.md, "Start-up").
  const files = () => import("../platform/docker-config-file.js");
  checkAgent(renderer, run, io.env);
  const destination = await destinationOf(renderer, run, io, files);
  const loading = loadingLine(renderer, run, destination, io.env);
  if (loading !== undefined) logger.info(loading);
  const outputPath = destination.path;
  if (outputPath === undefined && io.isTty?.stdout === true && flags.force !== true) {
    checkTerminal(renderer, logger);
  }

  const outcome = await runTaskWith(loaded, run, io, redactor, logger);
  if (outcome.kind === "disabled") return ExitCode.ok;
  const now = io.clock?.() ?? new Date();
  const expiry = Math.min(...outcome.authorizations.map((a) => a.expiresAt.getTime()));
  // A registry refuses such a token, far from here: refused before anything is written, as the
  // credential helper does; --force writes it all the same (an emulator that answers with old
  // dates), with a warning that --quiet does not silence.
  if (expiry <= now.getTime()) {
    const problem = `ECR returned a token that expired at ${formatExpiry(new Date(expiry))}, which registries refuse`;
    if (flags.force !== true) {
      throw new EcrVarsError({
        kind: "aws",
        code: "TOKEN_EXPIRED",
        message: problem,
        hint: "check the clock of this machine and that the endpoint is Amazon ECR (--force writes the token anyway)",
      });
    }
    logger.warn(`${problem}: check the clock of this machine and that the endpoint is Amazon ECR`);
  }
  const options: RenderOptions = {
    namespace: task.namespace,
    envNaming: run.envNaming,
    scope: task.scope,
    ...(outputPath === undefined ? {} : { outputPath }),
    ...(run.credentialHelper ? { credentialHelper: true } : {}),
    ...(outcome.registries.length > 1 ? { registries: outcome.registries } : {}),
    ...(flags["report-secrets"] === true ? { reportSecrets: true } : {}),
    ...(run.secretName === undefined ? {} : { secretName: run.secretName }),
    ...(run.secretNamespaces.length === 0 ? {} : { secretNamespaces: run.secretNamespaces }),
    secretForms: derivedForms,
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

  const written = await writePlan(plan, destination, merge !== undefined, io, logger, redactor);
  logger.info(`${title}: ${describeFetch(outcome)}`);
  logger.info(`  credentials: ${outcome.source}`);
  if (outcome.regionOrigin !== undefined) {
    logger.info(`  region: ${outcome.region} (from ${outcome.regionOrigin})`);
  }
  for (const variable of outcome.variables) {
    logger.info(`  ${variable.name}: ${variable.secret ? MASK : variable.value}`);
  }
  logger.info(
    `  token expires ${formatExpiry(new Date(expiry))} (${duration(expiry - now.getTime())})`,
  );
  logger.info(
    `Wrote ${plan.wrote ?? `${outcome.variables.length} variables`} to ${written.join(", ")} (format ${run.format}, scope ${task.scope}).`,
  );
  for (const note of [...destination.notes, ...plan.notes]) logger.info(note);
  return ExitCode.ok;
}

/**
 * Secrets printed to an interactive terminal end up on screen and in its scrollback: a bare
 * password is refused, the other formats that carry secrets in clear get one line of warning.
 */
function checkTerminal(renderer: Renderer, logger: Logger): void {
  if (renderer.refuseTerminal === true) {
    throw usageError(
      `stdout is a terminal: the ${renderer.name} format would print the password on the screen`,
      "pipe it into the login command (... | docker login --username AWS --password-stdin HOST), or add --force",
    );
  }
  if (renderer.maskingKind === "clear") {
    logger.warn(
      `stdout is a terminal and the ${renderer.name} output holds secrets in clear: load it directly (e.g. eval "$(ecr-vars ...)") or write a file with --output FILE; --force silences this`,
    );
  }
}

function duration(ms: number): string {
  if (ms <= 0) return "already expired";
  const minutes = Math.floor(ms / 60_000);
  return `in ${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
