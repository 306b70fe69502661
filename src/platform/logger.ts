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
}

export function createLogger(init: LoggerInit): Logger {
  const write = (line: string) => init.stream.write(`${init.redactor.redact(line)}\n`);
  return {
    info: (line) => {
      if (!init.quiet) write(line);
    },
    warn: (line) => write(`warning: ${line}`),
    debug: (line) => {
      if (init.debug) write(`debug: ${line}`);
    },
    debugEnabled: init.debug ?? false,
  };
}
