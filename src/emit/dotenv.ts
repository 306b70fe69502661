/** `dotenv`: `NAME=value` lines that the `dotenv` npm package, docker compose and python-dotenv read alike. */

import { type EnvNaming, envName } from "../core/names.js";
import type { Variable } from "../core/variables.js";
import { checkEnvName, checkEnvValue, unrepresentable } from "./problems.js";
import type { Renderer } from "./types.js";

// Nothing here is a quote, a comment, whitespace, an escape or an interpolation in any of the parsers.
const PLAIN = /^[A-Za-z0-9_./:+=@,-]*$/;

/**
 * Which of the three dotenv spellings carries `value` exactly in all the common parsers:
 * - plain, for values of PLAIN characters only;
 * - single quotes, which every parser reads literally, and multi-line in only some of them, so only
 *   without `'` and line breaks. Two exceptions: python-dotenv reads `\\` as one backslash, and the
 *   `dotenv` package's fast parser takes a `'` after a backslash as escaped and looks further on.
 * - double quotes, where all of them turn `\n` and `\r` into LF and CR. But the `dotenv` package
 *   reads no other escape (`\"` and `\\` stay as they are) while compose and python-dotenv do,
 *   and compose and python-dotenv expand `$` there; so only without `"`, `\` and `$`.
 * A value that fits none of them has no spelling that all three read back the same.
 */
export function dotenvValue(value: string): string | undefined {
  if (PLAIN.test(value)) return value;
  if (!/['\r\n]|\\\\|\\$/.test(value)) return `'${value}'`;
  if (!/["\\$]/.test(value)) return `"${value.replaceAll("\n", "\\n").replaceAll("\r", "\\r")}"`;
  return undefined;
}

function line(variable: Variable, naming: EnvNaming): string {
  const name = checkEnvName("dotenv", variable, envName(variable.name, naming));
  checkEnvValue("dotenv", variable);
  const value = dotenvValue(variable.value);
  if (value === undefined) {
    throw unrepresentable(
      "dotenv",
      variable,
      "it needs quotes, and its mix of quotes, line breaks, backslashes and $ is read differently by the dotenv parsers",
      "use --format json, sh or powershell instead",
    );
  }
  return `${name}=${value}\n`;
}

export const dotenv: Renderer = {
  name: "dotenv",
  description:
    "NAME=value lines for the dotenv package, docker compose --env-file and python-dotenv: plain, 'single-quoted' or \"double-quoted\" (only \\n and \\r escapes); values no parser reads back exactly are refused",
  masking:
    "none by itself: the file holds secrets in clear; write it with --output (a 0600 file) and never print it",
  maskingKind: "clear",
  defaultOutput: { kind: "stdout" },
  render(variables, options) {
    const text = variables.map((variable) => line(variable, options.envNaming)).join("");
    const notes =
      options.outputPath === undefined
        ? ["write it to a file with --output; dotenv loaders read files, not stdout"]
        : [];
    return { text, notes };
  },
};
