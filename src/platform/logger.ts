/** Human output on stderr, always through the redactor. */

import type { Redactor } from "./redactor.js";

export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  debug(line: string): void;
  readonly debugEnabled: boolean;
}

export interface Writable {
  write(text: string): unknown;
}

export interface LoggerInit {
  readonly stream: Writable;
  readonly redactor: Redactor;
  readonly debug?: boolean;
  readonly quiet?: boolean;
  /** Colour the `warning:` and `debug:` labels (see `useColour`). */
  readonly colour?: boolean;
}

/**
 * Colour only for a person at a terminal: stderr is a TTY, `NO_COLOR` is unset or empty
 * (no-color.org) and `TERM` is not `dumb`. Never in a pipe, a file or a CI log.
 */
export function useColour(env: Readonly<Record<string, string | undefined>>, isTty: boolean) {
  return isTty && !env.NO_COLOR && env.TERM !== "dumb";
}

const COLOURS = { red: 31, yellow: 33, dim: 2 } as const;

/** `label` in colour when `colour` is on; added after `terminalSafe`, which would escape it. */
export function paint(label: string, colour: keyof typeof COLOURS, on: boolean | undefined) {
  return on ? `\x1b[${COLOURS[colour]}m${label}\x1b[0m` : label;
}

/**
 * Text safe to print on a terminal: control characters (ANSI escape sequences, carriage returns,
 * backspaces, C1 controls) and bidirectional overrides become visible `\xNN` / `\uNNNN` escapes,
 * so user text (a task description, a file name, a value echoed in an error) cannot recolour,
 * rewrite or hide lines. Line breaks and tabs stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
    /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
}

/**
 * Text that no CI system reads as a command: CI agents act on commands in the lines a job
 * prints, so a value echoed in a message (a `--registry` value, a resolved `--region-variable`,
 * a file name) could otherwise set variables, masks or outputs. Broken with a backslash, visibly:
 * Azure Pipelines' `##vso[` (anywhere in a line) and `##[` formatting, TeamCity's `##teamcity[`,
 * and a line that starts with GitHub Actions' `::` (`\::`). ecr-vars' own commands (masks,
 * the CI formats' text) are written without this (docs/ci/ describes each system).
 */
export function ciCommandSafe(text: string): string {
  return text
    .replace(/##(vso|teamcity)?\[/gi, (_, name: string | undefined) => `##${name ?? ""}\\[`)
    .replace(/^([ \t]*)::/gm, "$1\\::");
}

/** What every human line goes through: masked, terminal-safe, and no CI command. */
export function logSafe(text: string, redactor: Redactor): string {
  return ciCommandSafe(terminalSafe(redactor.redact(text)));
}

export function createLogger(init: LoggerInit): Logger {
  const write = (line: string, label = "") =>
    init.stream.write(`${label}${logSafe(line, init.redactor)}\n`);
  return {
    info: (line) => {
      if (!init.quiet) write(line);
    },
    warn: (line) => write(line, `${paint("warning", "yellow", init.colour)}: `),
    debug: (line) => {
      if (init.debug) write(line, `${paint("debug", "dim", init.colour)}: `);
    },
    debugEnabled: init.debug ?? false,
  };
}
