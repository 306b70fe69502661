/**
 * argv → the command and its flag values, driven by the command and option tables. Options may
 * come before or after the command's name (`--connectors F connectors list`); a value that starts
 * with `-` is taken when the option needs one (`--timeout -5` is then refused as a number of
 * seconds, `--description -x` is a description); a mistyped flag or command gets a suggestion.
 */

import { usageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import {
  COMMAND_WORDS,
  COMMANDS,
  type CommandSpec,
  commandName,
  commandOptions,
} from "./commands.js";
import { OPTIONS, type OptionSpec } from "./options.js";
import type { FlagValues } from "./task-input.js";

export interface ParsedCommand {
  readonly command: CommandSpec;
  readonly values: FlagValues;
  readonly positionals: readonly string[];
  /** Everything after `--`, for a command that takes it (`exec`). */
  readonly rest: readonly string[];
  /** Only a family's word was given (`ecr-vars connectors --help`): its help covers them all. */
  readonly family?: string;
}

interface RawOption {
  readonly spec: OptionSpec;
  /** As the user wrote it, e.g. `-f` or `--format`. */
  readonly written: string;
  readonly value: string | true;
}

const byLong = new Map(OPTIONS.map((o) => [o.flag, o]));
const byShort = new Map(
  OPTIONS.flatMap((o) => (o.short === undefined ? [] : [[o.short, o] as const])),
);

/** Parses the whole command line of `ecr-vars`. */
export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const options: RawOption[] = [];
  const words: string[] = [];
  let rest: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = byLong.get(name);
      if (spec === undefined) throw unknownOption(`--${name}`, argv);
      if (spec.type === "boolean") {
        if (eq >= 0) throw usageError(`option --${name} takes no value`, seeHelp(argv));
        options.push({ spec, written: `--${name}`, value: true });
      } else if (eq >= 0) {
        options.push({ spec, written: `--${name}`, value: arg.slice(eq + 1) });
      } else {
        const value = valueAfter(argv, i, `--${name}`, spec);
        options.push({ spec, written: `--${name}`, value });
        i += 1;
      }
    } else if (arg.startsWith("-") && arg.length > 1) {
      // -q, -f json, -fjson, -qV: a group of short flags, the last one possibly taking a value.
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] ?? "";
        const spec = byShort.get(letter);
        if (spec === undefined) throw unknownOption(`-${letter}`, argv);
        if (spec.type === "boolean") {
          options.push({ spec, written: `-${letter}`, value: true });
          continue;
        }
        if (j + 1 < arg.length) {
          options.push({ spec, written: `-${letter}`, value: arg.slice(j + 1) });
        } else {
          options.push({
            spec,
            written: `-${letter}`,
            value: valueAfter(argv, i, `-${letter}`, spec),
          });
          i += 1;
        }
        break;
      }
    } else {
      words.push(arg);
    }
  }

  const { command, positionals, family } = commandOf(words, argv);
  if (rest !== undefined && command.rest === undefined) {
    // After `--` everything is an argument; a command that takes none refuses the first one.
    positionals.push(...rest);
    rest = undefined;
  }
  const accepted = new Map(commandOptions(command).map((o) => [o.flag, o]));
  const values: FlagValues = {};
  for (const option of options) {
    const spec = accepted.get(option.spec.flag);
    if (spec === undefined) throw notAnOptionOf(option, command);
    if (spec.multiple) {
      const list = values[spec.flag];
      values[spec.flag] = [...(Array.isArray(list) ? list : []), String(option.value)];
    } else values[spec.flag] = option.value;
  }
  const required = command.positionals.filter((p) => p.required).length;
  if (positionals.length > command.positionals.length && values.help !== true) {
    const extra = positionals[command.positionals.length] ?? "";
    throw unexpectedArgument(extra, command);
  }
  if (positionals.length < required && values.help !== true && values.version !== true) {
    const missing = command.positionals[positionals.length];
    throw usageError(
      `${commandName(command)} needs ${missing?.name ?? "an argument"} (${missing?.description ?? ""})`,
      `see ${commandName(command)} --help`,
    );
  }
  return {
    command,
    values,
    positionals,
    rest: rest ?? [],
    ...(family === undefined ? {} : { family }),
  };
}

/** The value of a string option: the next argument, also when it starts with `-`. */
function valueAfter(
  argv: readonly string[],
  index: number,
  written: string,
  spec: OptionSpec,
): string {
  const next = argv[index + 1];
  const placeholder = spec.value ?? "VALUE";
  if (next === undefined) {
    throw usageError(`option ${written} needs a value`, `write ${written} ${placeholder}`);
  }
  // Another known option or `--` where a value should be: the value was left out.
  const nextName = next.startsWith("--") ? next.slice(2).split("=")[0] : undefined;
  if (next === "--" || (nextName !== undefined && byLong.has(nextName))) {
    throw usageError(
      `option ${written} needs a value, but the next argument is ${next}`,
      `write ${written} ${placeholder}, or ${written}=VALUE for a value that starts with -`,
    );
  }
  return next;
}

/** The command the words name, and the words left as its positional arguments. */
function commandOf(
  words: readonly string[],
  argv: readonly string[],
): { command: CommandSpec; positionals: string[]; family?: string } {
  const main = COMMANDS.find((c) => c.path.length === 0) as CommandSpec;
  const [first, second] = words;
  if (first === undefined) return { command: main, positionals: [] };
  const family = COMMANDS.filter((c) => c.path[0] === first);
  if (family.length === 0) {
    const guess = closest(first, COMMAND_WORDS);
    throw usageError(
      `unexpected argument "${first}"`,
      guess !== undefined
        ? `did you mean the command "${guess}"? (see ecr-vars --help)`
        : `options start with --; the commands are ${COMMAND_WORDS.join(", ")} (see ecr-vars --help)`,
    );
  }
  const exact = family.find((c) => c.path.length === 1);
  if (exact !== undefined) return { command: exact, positionals: words.slice(1) };
  // A command with subcommands (`connectors list|test`).
  const subs = family.map((c) => c.path[1] ?? "");
  const sub = family.find((c) => c.path[1] === second);
  if (sub !== undefined) return { command: sub, positionals: words.slice(2) };
  if (second === undefined && argv.some((a) => /^(--help|--version|-[a-zA-Z]*[hV])$/.test(a))) {
    // `ecr-vars connectors --help` (or --version): answered for the whole family.
    return { command: family[0] as CommandSpec, positionals: [], family: first };
  }
  const guess = second === undefined ? undefined : closest(second, subs);
  throw usageError(
    second === undefined
      ? `${first} needs a subcommand`
      : `unknown subcommand "${first} ${second}"`,
    guess !== undefined
      ? `did you mean ecr-vars ${first} ${guess}?`
      : `use ${subs.map((s) => `ecr-vars ${first} ${s}`).join(", or ")}`,
  );
}

function seeHelp(argv: readonly string[]): string {
  const word = argv.find((a) => COMMAND_WORDS.includes(a));
  return `see ecr-vars ${word === undefined ? "" : `${word} `}--help`;
}

function unknownOption(written: string, argv: readonly string[]): Error {
  const long = written.startsWith("--");
  const guess = long ? closest(written.slice(2), byLong.keys()) : undefined;
  return usageError(
    `unknown option ${written}`,
    guess === undefined ? seeHelp(argv) : `did you mean --${guess}? (${seeHelp(argv)})`,
  );
}

function notAnOptionOf(option: RawOption, command: CommandSpec): Error {
  const owners = COMMANDS.filter((c) =>
    commandOptions(c).some((o) => o.flag === option.spec.flag),
  ).map(commandName);
  return usageError(
    `${commandName(command)} has no option ${option.written}`,
    `it is an option of ${owners.join(", ")}; see ${commandName(command)} --help`,
  );
}

function unexpectedArgument(word: string, command: CommandSpec): Error {
  if (command.rest !== undefined) {
    return usageError(
      `unexpected argument "${word}"`,
      `put the command after --: ecr-vars ${command.path.join(" ")} [options] -- ${command.rest}`,
    );
  }
  return usageError(
    `unexpected argument "${word}"`,
    `options start with --; see ${commandName(command)} --help`,
  );
}
