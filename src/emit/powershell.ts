/** `powershell`: `$Env:NAME = '...'` lines for Windows PowerShell 5.1 and PowerShell 7. */

import { type EnvNaming, envName } from "../core/names.js";
import type { Variable } from "../core/variables.js";
import { checkEnvName, checkEnvValue } from "./problems.js";
import type { Renderer } from "./types.js";

// Printable ASCII that may stand inside a single-quoted literal; `'` is handled by doubling.
const PRINTABLE_ASCII = /^[\x20-\x7e]$/;

function charCode(unit: string): string {
  const hex = unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  return `[char]0x${hex}`;
}

/**
 * A PowerShell expression whose value is exactly `value`, written in printable ASCII only.
 *
 * Single-quoted strings are literal except for the quote, which is doubled. Everything else
 * (non-ASCII and control characters) is spliced in as `[char]0xXXXX`, one per UTF-16 unit:
 * Windows PowerShell 5.1 reads a script without a BOM in the ANSI code page, and line-ending
 * conversions would rewrite a CR or LF inside a literal. This also keeps PowerShell's other quote
 * characters (U+2018..U+201B, which it treats like `'`) out of the literal altogether.
 * The expression always starts with a string literal so that `+` concatenates strings.
 */
export function powershellString(value: string): string {
  const parts: string[] = [];
  let literal = "";
  for (const unit of value.split("")) {
    if (PRINTABLE_ASCII.test(unit)) {
      literal += unit === "'" ? "''" : unit;
      continue;
    }
    if (literal !== "" || parts.length === 0) parts.push(`'${literal}'`);
    literal = "";
    parts.push(charCode(unit));
  }
  if (literal !== "" || parts.length === 0) parts.push(`'${literal}'`);
  return parts.join(" + ");
}

// For a note on the console, where the text need not be ASCII: PowerShell also closes a
// single-quoted string at U+2018..U+201B, so those are doubled like `'`.
function quoteForHumans(text: string): string {
  return `'${text.replace(/['\u2018-\u201b]/g, "$&$&")}'`;
}

function line(variable: Variable, naming: EnvNaming): string {
  const name = checkEnvName("powershell", variable, envName(variable.name, naming));
  checkEnvValue("powershell", variable);
  return `$Env:${name} = ${powershellString(variable.value)}\n`;
}

// Dot-sourcing a bare file name looks for a command, not a file in the current directory.
function sourcePath(path: string): string {
  return /[\\/]/.test(path) ? path : `./${path}`;
}

export const powershell: Renderer = {
  name: "powershell",
  description:
    "$Env:NAME = '...' lines in pure ASCII (other characters as [char]0xXXXX): ecr-vars ... | Out-String | Invoke-Expression, or dot-source a .ps1 file",
  masking:
    "none by itself: pipe it to Invoke-Expression or write it with --output (a 0600 file) and dot-source it; never print it",
  maskingKind: "clear",
  defaultOutput: { kind: "stdout" },
  render(variables, options) {
    const text = variables.map((variable) => line(variable, options.envNaming)).join("");
    const notes: string[] = [];
    if (options.outputPath === undefined) {
      notes.push("load with: ecr-vars ... | Out-String | Invoke-Expression");
    } else {
      notes.push(`load with: . ${quoteForHumans(sourcePath(options.outputPath))}`);
      if (!/\.ps1$/i.test(options.outputPath)) {
        notes.push("PowerShell only dot-sources files whose name ends in .ps1");
      }
    }
    // Assigning '' to $Env:NAME deletes the variable instead of setting it empty.
    for (const variable of variables) {
      if (variable.value === "") notes.push(`${variable.name} is empty: PowerShell unsets it`);
    }
    return { text, notes };
  },
};
