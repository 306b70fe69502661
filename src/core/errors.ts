/**
 * Errors that reach a user. Each carries a stable code, the exit code the README documents, the field or value
 * involved (never a secret) and a hint that says how to fix it.
 */

/** Exit codes of the CLI (README, "Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** A bug: something failed that no user input explains (README, "Exit codes"). */
  internal: 1,
  usage: 2,
  credentials: 3,
  aws: 4,
  output: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorKind = "usage" | "config" | "credentials" | "aws" | "output";

const exitCodes: Record<ErrorKind, ExitCode> = {
  usage: ExitCode.usage,
  config: ExitCode.usage,
  credentials: ExitCode.credentials,
  aws: ExitCode.aws,
  output: ExitCode.output,
};

/** One problem with one field of the input; several are reported at once. */
export interface FieldProblem {
  /** Where the value came from, e.g. `--region` or `task.yml: region`. */
  readonly field: string;
  /** What is wrong, without the value when it is secret. */
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
}

export interface EcrVarsErrorInit {
  readonly kind: ErrorKind;
  /** Stable machine-readable code, e.g. `INVALID_CONFIG`, `AWS_ACCESS_DENIED`. */
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly problems?: readonly FieldProblem[];
  readonly cause?: unknown;
}

export class EcrVarsError extends Error {
  override readonly name = "EcrVarsError";
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint: string | undefined;
  readonly problems: readonly FieldProblem[];

  constructor(init: EcrVarsErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.code = init.code;
    this.hint = init.hint;
    this.problems = init.problems ?? [];
  }

  get exitCode(): ExitCode {
    return exitCodes[this.kind];
  }
}

/** An invalid configuration: every problem found, reported at once (exit 2). */
export function configError(problems: readonly FieldProblem[], cause?: unknown): EcrVarsError {
  const count = problems.length;
  return new EcrVarsError({
    kind: "config",
    code: "INVALID_CONFIG",
    message: count === 1 ? "invalid configuration" : `invalid configuration (${count} problems)`,
    problems,
    cause,
  });
}

/** Options that cannot go together or mean nothing here: every problem found, at once (exit 2). */
export function optionsError(problems: readonly FieldProblem[]): EcrVarsError {
  return new EcrVarsError({
    kind: "usage",
    code: "BAD_USAGE",
    message: "invalid options",
    problems,
  });
}

export function usageError(message: string, hint?: string): EcrVarsError {
  return new EcrVarsError({
    kind: "usage",
    code: "BAD_USAGE",
    message,
    ...(hint === undefined ? {} : { hint }),
  });
}

export function isEcrVarsError(error: unknown): error is EcrVarsError {
  return error instanceof EcrVarsError;
}

/**
 * What every program of the package prints after an internal error (exit 1): it is a bug, and
 * how to report it (README, "Reporting a bug").
 */
export const INTERNAL_ERROR_ADVICE =
  'this is a bug in ecr-vars, not a problem with your input; please report it as the README\'s "Reporting a bug" section says, with the command and its output (run it again with --debug for the details; secrets stay masked)';
