/**
 * `ecr-vars exec [task options] -- CMD ARGS...`: runs CMD with the variables in its environment
 * (named as README "Variables in the environment" says, see --env-prefix) and passes its stdout and stderr through
 * a streaming redactor, so a command that echoes its environment or a login line leaks nothing.
 * The child's exit code is returned. A child ended by a signal ends ecr-vars the way a shell
 * reports it: the benign termination signals (TERM, INT, HUP, ...) are raised again on
 * ecr-vars; any other (SEGV, ABRT, QUIT, BUS, ...: those that dump core, and USR1, which would
 * start Node's inspector) gives exit status 128 + the signal's number instead, because a core
 * dump of ecr-vars would hold the password, the token and the AWS keys.
 */

import { spawn } from "node:child_process";
import { constants } from "node:os";
import { usageError } from "../core/errors.js";
import { isSecretVariable } from "../core/expressions.js";
import { envName } from "../core/names.js";
import { type Logger, logSafe } from "../platform/logger.js";
import { MASK, type Redactor } from "../platform/redactor.js";
import { StreamRedactor } from "../platform/stream-redactor.js";
import type { CliIo, CommandContext } from "./io.js";
import { runOptions, runTaskWith } from "./run-options.js";
import { loadTask } from "./task-input.js";

// Forwarded to the child so that Ctrl-C or a CI cancel reaches it; it decides how to end.
const FORWARDED: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

/** Signals whose default action ends a process without a core dump or a debugger. */
export const RERAISED: ReadonlySet<NodeJS.Signals> = new Set<NodeJS.Signals>([
  "SIGHUP",
  "SIGINT",
  "SIGKILL",
  "SIGALRM",
  "SIGTERM",
  "SIGUSR2",
]);

/** Where the child's output goes: a stream whose `write` returns false when its buffer is full. */
type ByteSink = {
  write(chunk: string | Uint8Array): unknown;
  once?(event: "drain", listener: () => void): unknown;
};

export async function runExecCommand(context: CommandContext): Promise<number> {
  const { io, values: flags, redactor, logger } = context;
  const command = context.rest;
  const [program] = command;
  if (program === undefined) {
    throw usageError(
      "exec needs a command after --",
      "write e.g. ecr-vars exec --region eu-west-1 -- skopeo copy SRC DEST",
    );
  }
  let variables: Record<string, string> = {};
  const secrets: string[] = [];
  const run = runOptions(flags, io.env);
  const loaded = await loadTask(flags, io.env);
  if (loaded.task.disabled) {
    logger.info("ecr-vars exec: the task is disabled; running the command without variables.");
  } else {
    const outcome = await runTaskWith(loaded, run, io, redactor, logger);
    if (outcome.kind === "fetched") {
      for (const variable of outcome.variables) {
        const name = envName(variable.name, run.envNaming);
        variables[name] = variable.value;
        if (variable.secret) secrets.push(variable.value);
        logger.info(`  ${name}=${variable.secret ? MASK : variable.value}`);
      }
      logger.info(`ecr-vars exec: running ${program} with ${outcome.variables.length} variables`);
    }
  }
  // The command inherits this process's environment (a build step may need it), so what it could
  // print is masked: every secret the run handled (connector keys, whatever variable they were
  // read from, session tokens, a proxy password) and every secret-named variable it inherits
  // (Bamboo's rule, and AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN). See SECURITY.md.
  secrets.push(...redactor.secrets);
  for (const [name, value] of Object.entries(io.env)) {
    if (value && isSecretVariable(name)) secrets.push(value);
  }
  const env = { ...io.env, ...variables };
  variables = {};
  return runChild(command, env, secrets, io, logger, redactor);
}

function runChild(
  command: readonly string[],
  env: Record<string, string | undefined>,
  secrets: readonly string[],
  io: CliIo,
  logger: Logger,
  redactor: Redactor,
): Promise<number> {
  const [program, ...rest] = command;
  return new Promise((resolve) => {
    const child = spawn(program ?? "", rest, { env, stdio: ["inherit", "pipe", "pipe"] });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    const open = [
      pipe(child.stdout, io.stdout as ByteSink, new StreamRedactor(secrets)),
      pipe(child.stderr, io.stderr as ByteSink, new StreamRedactor(secrets)),
    ];
    let started = true;
    child.on("error", (error: NodeJS.ErrnoException) => {
      started = false;
      for (const signal of FORWARDED) process.off(signal, forward);
      const reason = error.code === "ENOENT" ? "not found" : (error.code ?? error.message);
      io.stderr.write(`${logSafe(`ecr-vars exec: cannot run ${program}: ${reason}`, redactor)}\n`);
      resolve(127);
    });
    child.on("exit", (code, signal) => {
      if (!started) return;
      for (const signal of FORWARDED) process.off(signal, forward);
      // Wait for the output to drain through the redactor before reporting the status.
      void Promise.all(open).then(() => {
        if (signal !== null) {
          logger.debug(`${program} was ended by ${signal}`);
          if (RERAISED.has(signal)) io.raise?.(signal);
          resolve(128 + signalNumber(signal));
        } else resolve(code ?? 1);
      });
    });
  });
}

/**
 * Copies the child's output through the redactor, pausing the child's pipe while ours is full:
 * a command that prints gigabytes into a slow reader must not fill this process's memory.
 */
function pipe(from: NodeJS.ReadableStream, to: ByteSink, redactor: StreamRedactor): Promise<void> {
  return new Promise((resolve) => {
    from.on("data", (chunk: Buffer) => {
      const safe = redactor.write(chunk);
      if (safe.length > 0 && to.write(safe) === false && to.once !== undefined) {
        from.pause();
        to.once("drain", () => from.resume());
      }
    });
    from.on("end", () => {
      const rest = redactor.end();
      if (rest.length > 0) to.write(rest);
      resolve();
    });
    from.on("error", () => resolve());
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Partial<Record<NodeJS.Signals, number>>)[signal] ?? 1;
}
