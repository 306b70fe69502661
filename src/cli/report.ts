/**
 * How every command of the CLI ends on an error: one report on stderr and one exit code. Errors
 * the user can act on (`EcrVarsError`) carry their own code (README, "Exit codes"); anything else
 * is a bug, exit 1, and the message says so and how to report it.
 */

import { ExitCode, INTERNAL_ERROR_ADVICE, isEcrVarsError } from "../core/errors.js";
import { type Logger, logSafe, paint, type Writable } from "../platform/logger.js";
import type { Redactor } from "../platform/redactor.js";

/** The exit code of an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  return isEcrVarsError(error) ? error.exitCode : ExitCode.internal;
}

export interface ReportInit {
  readonly stderr: Writable;
  readonly redactor: Redactor;
  /** The logger of the run: with `--debug`, stack traces and causes go through it. */
  readonly logger?: Logger;
  /** Prefix of the lines, e.g. `ecr-vars` or `ecr-vars policy`. */
  readonly program?: string;
  /** Colour the `error:` label (platform/logger.ts, `useColour`). */
  readonly colour?: boolean;
}

/** Prints the error (redacted, no stack unless `--debug`) and returns the exit code. */
export function reportError(error: unknown, init: ReportInit): number {
  const program = init.program ?? "ecr-vars";
  const write = (line: string, label = "") =>
    init.stderr.write(`${label}${logSafe(line, init.redactor)}\n`);
  const label = (text: string) => `${program}: ${paint(text, "red", init.colour)}: `;
  if (isEcrVarsError(error)) {
    write(error.message, label("error"));
    for (const problem of error.problems) {
      write(
        `  ${problem.field}: ${problem.message}${problem.hint ? ` (fix: ${problem.hint})` : ""}`,
      );
    }
    if (error.hint) write(`  fix: ${error.hint}`);
  } else {
    write(error instanceof Error ? error.message : String(error), label("internal error"));
    write(`  ${INTERNAL_ERROR_ADVICE}`);
  }
  if (init.logger?.debugEnabled) {
    let cause: unknown = error;
    while (cause instanceof Error) {
      init.logger.debug(cause.stack ?? cause.message);
      cause = cause.cause;
    }
  }
  return exitCodeOf(error);
}
