/** argv → flag values of the main job's option table, with messages that name the option. */

import { parseArgs } from "node:util";
import { usageError } from "../core/errors.js";
import { parseArgsOptions } from "./options.js";
import type { FlagValues } from "./task-input.js";

export function parseFlags(argv: readonly string[]): FlagValues {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: parseArgsOptions(),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw usageError(describeParseError(error), "see ecr-vars --help");
  }
  const [positional] = parsed.positionals;
  if (positional !== undefined) {
    throw usageError(
      `unexpected argument "${positional}"`,
      "options start with --; see ecr-vars --help",
    );
  }
  return parsed.values as FlagValues;
}

// parseArgs messages are long and mention positionals; keep the part that names the option.
function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^']*)'/.exec(message)?.[1];
  const code = (error as { code?: string }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    return message.includes("argument missing")
      ? `option ${option} needs a value`
      : `option ${option} takes no value`;
  }
  return message.split(". ")[0] ?? message;
}
