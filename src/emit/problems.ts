/** The errors renderers raise: they name the variable and the reason, never the value. */

import { EcrVarsError, usageError } from "../core/errors.js";
import type { Variable } from "../core/variables.js";
import type { RenderOptions } from "./types.js";

/** A value this format cannot carry exactly (exit 5). `reason` describes characters, not the value. */
export function unrepresentable(
  format: string,
  variable: Variable,
  reason: string,
  hint: string,
): EcrVarsError {
  return new EcrVarsError({
    kind: "output",
    code: "UNREPRESENTABLE_VALUE",
    message: `the ${format} format cannot represent the value of ${variable.name} exactly: ${reason}`,
    hint,
  });
}

// A portable environment name: POSIX shells, PowerShell's `$Env:NAME` and dotenv consumers such as
// GitLab's dotenv reports all accept exactly this set.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Returns `name` when it matches `pattern`, otherwise throws INVALID_ENV_NAME (exit 2). */
export function checkEnvName(
  format: string,
  variable: Variable,
  name: string,
  pattern: RegExp = IDENTIFIER,
): string {
  if (pattern.test(name)) return name;
  throw new EcrVarsError({
    kind: "config",
    code: "INVALID_ENV_NAME",
    message: `the ${format} format cannot name ${variable.name}: ${JSON.stringify(name)} is not a valid environment variable name there`,
    hint: "choose a namespace of letters, digits and underscores, or a different --env-prefix",
  });
}

/**
 * Environment variables are C strings of well-formed text on every platform: no NUL, no lone
 * surrogate. Formats that set environment variables refuse such values instead of corrupting them.
 */
export function checkEnvValue(format: string, variable: Variable): void {
  if (variable.value.includes("\0")) {
    throw unrepresentable(
      format,
      variable,
      "it contains a NUL character, which no environment variable can hold",
      "use --format json or bamboo",
    );
  }
  // A lone surrogate half has no UTF-8 encoding and would be written as U+FFFD. (Not a
  // /\p{Surrogate}/u test: a Unicode property costs its first use a table set-up.)
  if (!variable.value.isWellFormed()) {
    throw unrepresentable(
      format,
      variable,
      "it contains an unpaired UTF-16 surrogate, which has no UTF-8 encoding",
      "use --format json or bamboo",
    );
  }
}

/**
 * For a format that prints one registry's login (`what`): a run of several registries is refused
 * (exit 2), with `alternative` as the other way to get them all.
 */
export function checkOneRegistry(
  format: string,
  what: string,
  options: RenderOptions,
  alternative: string,
): void {
  const count = options.registries?.length ?? 1;
  if (count <= 1) return;
  throw usageError(
    `the ${format} format prints one registry's ${what}, and this run has ${count} registries`,
    `name one registry (--registry HOST, or one --registry-id), or ${alternative}`,
  );
}
