/** `cmd`: `@set "NAME=value"` lines for a `.cmd`/`.bat` file that a batch script `call`s. */

import { type EnvNaming, envName } from "../core/names.js";
import type { Variable } from "../core/variables.js";
import { checkEnvName, checkEnvValue, unrepresentable } from "./problems.js";
import type { Renderer } from "./types.js";

// cmd accepts `-` in names; a leading digit would read as a batch parameter (`%1...`).
const CMD_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

// cmd's longest command line; longer lines are cut or refused.
const MAX_LINE = 8191;

// Characters the parser acts on outside a quoted region; `^` makes the next one literal.
const SPECIAL_UNQUOTED = new Set(["^", "&", "|", "<", ">", "(", ")"]);

const OTHER_FORMATS = "use --format powershell or json instead";

const LF = 0x0a;
const CR = 0x0d;
const CTRL_Z = 0x1a;
const TAB = 0x09;

/** Why cmd cannot carry `value` exactly, or undefined when it can. Never quotes the value. */
function refusal(value: string): string | undefined {
  const codes = Array.from(value, (char) => char.codePointAt(0) ?? 0);
  // The batch reader ends a line at LF (and Ctrl-Z), drops every CR, and has no escape for them.
  if (codes.some((code) => code === LF || code === CR || code === CTRL_Z)) {
    return "it contains a line break, which cmd cannot set";
  }
  // Other control characters have no documented meaning inside a batch line; refuse rather than guess.
  if (codes.some((code) => (code < 0x20 && code !== TAB) || code === 0x7f)) {
    return "it contains a control character";
  }
  // Batch files are decoded in the console code page, not UTF-8.
  if (codes.some((code) => code > 0x7f)) {
    return "it contains non-ASCII characters, which cmd reads in the console code page";
  }
  // With delayed expansion on, `!` expands variables and `^` escapes it, even inside quotes; with
  // it off (the default) both are literal. One line cannot mean the same thing in both modes.
  if (value.includes("!")) {
    return "it contains '!', which cmd reads differently when delayed expansion is on";
  }
  return undefined;
}

/**
 * The text of `value` inside `set "NAME=...", as it must appear in a batch file.
 *
 * Phase one of the batch parser expands `%` everywhere, even in quotes; in a file `%%` stands for
 * one `%`. Phase two then toggles a quoted region at every `"`, including those in the value, and
 * outside a quoted region `& | < > ( ) ^` are operators unless escaped with `^`. `set "..."` then
 * takes everything up to the last quote on the line, so the quotes in the value stay in it.
 */
export function cmdSetValue(value: string): string {
  let quoted = true; // the `"` before NAME opened a quoted region
  let out = "";
  for (const char of value) {
    if (char === '"') quoted = !quoted;
    if (char === "%") out += "%%";
    else if (!quoted && SPECIAL_UNQUOTED.has(char)) out += `^${char}`;
    else out += char;
  }
  return out;
}

function line(variable: Variable, naming: EnvNaming): string {
  const name = checkEnvName("cmd", variable, envName(variable.name, naming), CMD_NAME);
  checkEnvValue("cmd", variable);
  const reason = refusal(variable.value);
  if (reason !== undefined) throw unrepresentable("cmd", variable, reason, OTHER_FORMATS);
  // `@` keeps this line out of the console even when the calling script has echo on, without
  // switching echo off for the caller as `@echo off` would.
  const text = `@set "${name}=${cmdSetValue(variable.value)}"`;
  if (text.length > MAX_LINE) {
    throw unrepresentable(
      "cmd",
      variable,
      `the line would exceed cmd's ${MAX_LINE}-character limit`,
      OTHER_FORMATS,
    );
  }
  return `${text}\r\n`;
}

export const cmd: Renderer = {
  name: "cmd",
  description:
    'set "NAME=value" lines for a .cmd/.bat file that a batch script calls (call FILE.cmd); % is doubled for batch files, so the lines do not work typed at the prompt; values with line breaks, "!", control or non-ASCII characters are refused',
  masking:
    "none by itself: each line starts with @ so that it is not echoed; write it with --output (a 0600 file) and call it; never type it",
  maskingKind: "clear",
  defaultOutput: { kind: "stdout" },
  render(variables, options) {
    const text = variables.map((variable) => line(variable, options.envNaming)).join("");
    const notes: string[] = [];
    if (options.outputPath === undefined) {
      notes.push("write it to a .cmd file with --output, then load with: call FILE.cmd");
    } else {
      notes.push(`load with: call "${options.outputPath}"`);
      if (!/\.(?:cmd|bat)$/i.test(options.outputPath)) {
        notes.push("cmd only runs files whose name ends in .cmd or .bat");
      }
    }
    return { text, notes };
  },
};
