/** `sh`: `export NAME='value'` lines for `eval` or `.` in any POSIX shell. */

import { type EnvNaming, envName } from "../core/names.js";
import type { Variable } from "../core/variables.js";
import { checkEnvName, checkEnvValue } from "./problems.js";
import type { Renderer } from "./types.js";

/**
 * Single quotes are the only POSIX quoting with no special characters inside: `$`, backticks,
 * backslashes and newlines are all literal. The one character that cannot appear is `'` itself,
 * so it closes the quote, adds an escaped quote and reopens: `'\''`.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function line(variable: Variable, naming: EnvNaming): string {
  const name = checkEnvName("sh", variable, envName(variable.name, naming));
  checkEnvValue("sh", variable);
  return `export ${name}=${shellQuote(variable.value)}\n`;
}

// `.` looks a name without a slash up in PATH, not in the current directory.
function sourcePath(path: string): string {
  return path.includes("/") ? path : `./${path}`;
}

/** The command that loads a file of `export` lines into the current shell: `. ./ecr-vars.env`. */
export function sourceCommand(path: string): string {
  return `. ${shellQuote(sourcePath(path))}`;
}

/** What loads the variables into the shell of the current step, whatever the CI system. */
export const LOAD_IN_THIS_SHELL = 'eval "$(ecr-vars ... --format sh)"';

export const sh: Renderer = {
  name: "sh",
  description:
    "export NAME='value' lines for bash, dash and other POSIX shells: eval \"$(ecr-vars ...)\" or . FILE",
  masking:
    "none by itself: eval it or write it with --output (a 0600 file) and source it; never echo it",
  maskingKind: "clear",
  defaultOutput: { kind: "stdout" },
  render(variables, options) {
    const text = variables.map((variable) => line(variable, options.envNaming)).join("");
    const notes = [
      options.outputPath === undefined
        ? 'load with: eval "$(ecr-vars ...)"'
        : `load with: ${sourceCommand(options.outputPath)}`,
    ];
    return { text, notes };
  },
};
