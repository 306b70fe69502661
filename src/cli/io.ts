/**
 * `CliIo`: everything a command of the CLI touches of its process. `cli/bin.ts` builds it from
 * the real process; tests build it in-process (see test/support/in-process.ts).
 */

import type { Env } from "../core/expressions.js";
import type { Logger, Writable } from "../platform/logger.js";
import type { Redactor } from "../platform/redactor.js";
import type { FlagValues } from "./task-input.js";

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: Env;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly version: string;
  readonly clock?: () => Date;
  /** Whether stdout / stderr are terminals (colour, warnings); false when not given. */
  readonly isTty?: { readonly stdout: boolean; readonly stderr: boolean };
  /** `exec`: end this process with the signal that ended the child, as a shell would. */
  readonly raise?: (signal: NodeJS.Signals) => void;
}

/** What `main` hands a command once the command line is parsed. */
export interface CommandContext {
  readonly io: CliIo;
  /** Flag values of the command (see the option table). */
  readonly values: FlagValues;
  /** The subcommand of a command family, e.g. `test` for `ecr-vars connectors test`. */
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  /** Everything after `--` (`exec`). */
  readonly rest: readonly string[];
  readonly redactor: Redactor;
  readonly logger: Logger;
}
