/**
 * The `ecr-vars` command: dispatches subcommands, runs the task and writes the chosen format.
 * Everything it touches comes in through `CliIo`, so tests can run it in-process as well as
 * through the bin. Nothing imports this module but `cli/bin.ts` (ARCHITECTURE.md).
 */

import { EcrVarsError, ExitCode, usageError } from "../core/errors.js";
import { formatExpiry } from "../core/variables.js";
import { getRenderer, renderers } from "../emit/registry.js";
import type { Renderer, RenderOptions, RenderPlan } from "../emit/types.js";
import { detectCiPlatform } from "../platform/ci.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { derivedForms, MASK, Redactor } from "../platform/redactor.js";
import { describeFetch } from "../task/run.js";
import { commandName } from "./commands.js";
import type { CliIo, CommandContext } from "./io.js";
import { parseCommandLine } from "./parse.js";
import { reportError } from "./report.js";
import { type RunOptions, runOptions, runTaskWith } from "./run-options.js";
import { type FlagValues, loadTask } from "./task-input.js";

export type { CliIo } from "./io.js";

/** Runs one command line; every error ends as one report and one exit code (`cli/report.ts`). */
export async function main(io: CliIo): Promise<number> {
  const redactor = new Redactor();
  let logger: Logger = createLogger({ stream: io.stderr, redactor });
  try {
    const parsed = parseCommandLine(io.argv);
    const { command, values } = parsed;
    logger = createLogger({
      stream: io.stderr,
      redactor,
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
            debug: values.debug === true,
            quiet: true,
          }),
        });
      case "exec":
        return await (await import("./exec-command.js")).runExecCommand(context);
      case "logout":
        return await (await import("./logout-command.js")).runLogoutCommand(context);
      case "policy":
        return await (await import("./policy-command.js")).runPolicyCommand(context);
      case "connectors":
        return await (await import("./connectors-command.js")).runConnectorsCommand(context);
      default:
        throw new Error(`${commandName(command)} is in the command table but not implemented`);
    }
  } catch (error) {
    return reportError(error, { stderr: io.stderr, redactor, logger });
  }
}

async function fetchAndWrite(context: CommandContext): Promise<number> {
  const { io, values: flags, redactor, logger } = context;
  const run = runOptions(flags, io.env);
  const loaded = await loadTask(flags);
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
  // Writing files (locks, atomic renames) is imported only when there is a file to write: the
  // common case prints to stdout and must start fast (ARCHITECTURE.md, "Start-up").
  const files = () => import("../platform/docker-config-file.js");
  const destination = await destinationOf(renderer, run, io, files);
  const outputPath = destination.path;
  if (outputPath === undefined && io.isTty?.stdout === true && flags.force !== true) {
    checkTerminal(renderer, logger);
  }

  const outcome = await runTaskWith(loaded, run, io, redactor, logger);
  if (outcome.kind === "disabled") return ExitCode.ok;
  const options: RenderOptions = {
    namespace: task.namespace,
    envPrefix: run.envPrefix,
    scope: task.scope,
    ...(outputPath === undefined ? {} : { outputPath }),
    ...(run.credentialHelper ? { credentialHelper: true } : {}),
    ...(outcome.registries.length > 1 ? { registries: outcome.registries } : {}),
    ...(flags["report-secrets"] === true ? { reportSecrets: true } : {}),
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
  const now = io.clock?.() ?? new Date();
  logger.info(`${title}: ${describeFetch(outcome)}`);
  logger.info(`  credentials: ${outcome.source}`);
  if (outcome.regionOrigin !== undefined) {
    logger.info(`  region: ${outcome.region} (from ${outcome.regionOrigin})`);
  }
  for (const variable of outcome.variables) {
    logger.info(`  ${variable.name}: ${variable.secret ? MASK : variable.value}`);
  }
  const expiry = Math.min(...outcome.authorizations.map((a) => a.expiresAt.getTime()));
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
 * Scope must mean something (README, "Options"): `--scope result` with a format that has no way
 * to carry variables to later stages is refused, never reported as done. Checked before any AWS
 * call.
 */
function checkScope(
  scope: "local" | "result",
  run: RunOptions,
  flags: FlagValues,
  field: string,
): void {
  const renderer = getRenderer(run.format);
  const problems: Array<{ field: string; message: string; hint: string }> = [];
  if (scope === "result" && !(renderer?.scopes ?? ["local"]).includes("result")) {
    const carriers = renderers.filter((r) => r.scopes?.includes("result")).map((r) => r.name);
    problems.push({
      field,
      message: `result: the ${run.format} format has no way to carry variables to later stages or jobs`,
      hint: `use --scope local (and fetch again where the credentials are needed), or a format that carries them: ${carriers.join(", ")}`,
    });
  }
  if (flags["report-secrets"] === true && (run.format !== "gitlab" || scope !== "result")) {
    problems.push({
      field: "--report-secrets",
      message: "only means something for GitLab's dotenv report",
      hint: "use it with --format gitlab --scope result, or drop it",
    });
  }
  if (problems.length > 0) {
    throw new EcrVarsError({
      kind: "usage",
      code: "BAD_USAGE",
      message: "invalid options",
      problems,
    });
  }
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

/** Where the text goes: a file (appended to, or replaced), or stdout; and what to say about it. */
interface Destination {
  readonly path: string | undefined;
  readonly append: boolean;
  /** How the summary names it: the path, `$BASH_ENV (/tmp/...)`, `stdout`. */
  readonly label: string;
  readonly notes: readonly string[];
}

/**
 * `--output FILE`, else stdout when `--output -`, else the format's own default output. Inside a
 * CI system whose log cannot mask values set during the run (platform/ci.ts), a format that
 * prints secrets in clear and was not asked for by name goes to a 0600 file instead of the log.
 */
async function destinationOf(
  renderer: Renderer,
  run: RunOptions,
  io: CliIo,
  files: () => Promise<typeof import("../platform/docker-config-file.js")>,
): Promise<Destination> {
  const file = (path: string, notes: readonly string[] = []): Destination => ({
    path,
    append: false,
    label: path,
    notes,
  });
  const stdout: Destination = { path: undefined, append: false, label: "stdout", notes: [] };
  if (run.output !== undefined) return file(run.output);
  if (run.forceStdout) return stdout;
  const fallback = renderer.defaultOutput;
  switch (fallback.kind) {
    case "stdout": {
      const ci = detectCiPlatform(io.env);
      if (ci === undefined || ci.runtimeMasking || run.formatExplicit) return stdout;
      if (renderer.maskingKind !== "clear") return stdout;
      return file(UNMASKED_CI_FILE, [
        `${ci.title} cannot mask values created during a job, so the variables went to ${UNMASKED_CI_FILE} (mode 0600), not the log: load them with . ./${UNMASKED_CI_FILE} (--format ${renderer.name} or --output - prints them instead)`,
      ]);
    }
    case "append-env-file": {
      const path = io.env[fallback.variable];
      if (!path) {
        throw new EcrVarsError({
          kind: "usage",
          code: "NO_CI_FILE",
          message: `the ${renderer.name} format appends to the file $${fallback.variable} names, and ${fallback.variable} is not set`,
          hint: `run it inside the CI system that sets ${fallback.variable}, or give --output FILE`,
        });
      }
      return { path, append: true, label: `$${fallback.variable} (${path})`, notes: [] };
    }
    case "file":
      return file(fallback.path);
    case "auth-file":
      return file((await files()).defaultDockerConfigPath(io.env));
  }
}

/** A run inside a CI system without masking writes here when no --output or --format is given. */
export const UNMASKED_CI_FILE = "ecr-vars.env";

/**
 * Writes a plan: commands first (they register masks with the CI system), then the text, then
 * the other files. Returns how the summary names each place written to.
 */
async function writePlan(
  plan: RenderPlan,
  destination: Destination,
  merged: boolean,
  io: CliIo,
  logger: Logger,
  redactor: Redactor,
): Promise<string[]> {
  const extra = plan.extra ?? [];
  // Nothing is written unless every file the protocol needs is there.
  for (const item of extra) {
    if (item.kind === "append-env-file" && !io.env[item.variable]) {
      throw new EcrVarsError({
        kind: "usage",
        code: "NO_CI_FILE",
        message: `this format writes to the file $${item.variable} names, and ${item.variable} is not set`,
        hint: "run it inside the CI system that sets it (or choose another --format)",
      });
    }
  }
  // Mask commands first, unredacted: the redactor would turn them into masks of "********".
  for (const item of extra) if (item.kind === "stderr") io.stderr.write(item.text);
  for (const item of extra) {
    if (item.kind !== "command") continue;
    const { findExecutable, runProgram } = await import("../platform/executable.js");
    const [program, ...args] = item.argv;
    const path = await findExecutable(program, io.env);
    if (path === undefined) {
      logger.info(`${program} is not on PATH: skipped ${item.argv.join(" ")}`);
      continue;
    }
    const result = await runProgram(path, args, io.env, item.stdin);
    if (result.code !== 0) {
      throw new EcrVarsError({
        kind: "output",
        code: "CI_COMMAND_FAILED",
        message: `${item.argv.join(" ")} failed (exit ${result.code}): ${redactor.redact(result.output)}`,
        hint: `check that ${program} works in this job`,
      });
    }
  }
  const written: string[] = [];
  if (destination.path === undefined) {
    io.stdout.write(plan.text);
    if (plan.text !== "" || !extra.some((item) => item.kind !== "stderr"))
      written.push(destination.label);
  } else if (destination.append) {
    await (await import("../platform/append-file.js")).appendToFile(
      destination.path,
      plan.text,
      destination.label,
    );
    written.push(destination.label);
  } else {
    if (!merged)
      await (await import("../platform/write-file.js")).writeSecretFile(
        destination.path,
        plan.text,
      );
    written.push(destination.label);
  }
  for (const item of extra) {
    if (item.kind === "append-env-file") {
      const path = io.env[item.variable] ?? "";
      if (item.text === "") continue;
      await (await import("../platform/append-file.js")).appendToFile(
        path,
        item.text,
        `$${item.variable}`,
      );
      written.push(`$${item.variable}`);
    } else if (item.kind === "file") {
      await (await import("../platform/write-file.js")).writeSecretFile(item.path, item.text);
      written.push(item.path);
    }
  }
  return written;
}

function duration(ms: number): string {
  if (ms <= 0) return "already expired";
  const minutes = Math.floor(ms / 60_000);
  return `in ${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}
