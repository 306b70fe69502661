/** `--help` texts, generated from the command table, the option table and the format registry. */

import { usageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import { VARIABLE_LEAVES } from "../core/variables.js";
import { renderers } from "../emit/registry.js";
import { COMMANDS, type CommandSpec, commandOptions } from "./commands.js";
import type { OptionGroup, OptionSpec } from "./options.js";

const GROUP_TITLES: Record<OptionGroup, string> = {
  command: "OPTIONS",
  task: "TASK",
  credentials: "AWS CREDENTIALS",
  output: "OUTPUT",
  general: "GENERAL",
};

/** `ecr-vars --help`. */
export function helpText(version: string): string {
  const main = COMMANDS.find((c) => c.path.length === 0) as CommandSpec;
  const others = COMMANDS.filter((c) => c.path.length > 0);
  const width = Math.max(...others.map((c) => c.path.join(" ").length));
  const lines = [
    `ecr-vars ${version}: short-lived Amazon ECR credentials as CI variables, environment variables or files`,
    "",
    "USAGE",
    ...main.usage.map((u) =>
      u.startsWith("ecr-vars") || u.startsWith("eval") ? `  ${u}` : `  ecr-vars ${u}`,
    ),
    "  ecr-vars COMMAND [options]         (options may come before or after COMMAND)",
    "",
    "COMMANDS",
    ...others.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`),
    `  ${"".padEnd(width)}  (ecr-vars help COMMAND, or ecr-vars COMMAND --help, shows a command's help)`,
    "",
    ...optionSections(commandOptions(main)),
  ];
  lines.push("FORMATS");
  const formatWidth = Math.max(...renderers.map((r) => r.name.length));
  for (const renderer of renderers)
    lines.push(`  ${renderer.name.padEnd(formatWidth)}  ${renderer.description}`);
  lines.push(
    "",
    "VARIABLES (namespace NS, default custom.aws; secrets end in .password and are masked)",
    ...wrapped(VARIABLE_LEAVES.map((leaf) => `NS.ecr.${leaf.name}`)),
    "  In the environment: dots as underscores; in Bamboo with bamboo_ and case kept",
    "  (bamboo_custom_aws_ecr_password), elsewhere in upper case (CUSTOM_AWS_ECR_PASSWORD); --env-prefix P",
    "  gives P + the name, case kept, anywhere.",
    "  Several registries: each also under NS.ecr.<account>.<region_with_underscores>. (a FIPS or",
    "  dual-stack host adds _fips / _dualstack; ECR Public is NS.ecr.public.); see docs/registries.md.",
    "",
    ...EXIT_CODES,
  );
  return lines.join("\n");
}

/** Words two spaces apart on indented lines of at most 100 characters. */
function wrapped(words: readonly string[]): string[] {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 2 + word.length <= 100)
      lines[lines.length - 1] = `${last}  ${word}`;
    else lines.push(`  ${word}`);
  }
  return lines;
}

const EXIT_CODES = [
  "EXIT CODES",
  "  0 success or disabled   1 internal error (a bug: please report it)",
  "  2 bad usage or configuration   3 no usable credentials   4 AWS refused or failed",
  "  5 cannot write the output",
  "",
];

/** The help of one command, or of every command of a family (`ecr-vars connectors --help`). */
export function commandHelp(commands: readonly CommandSpec[]): string {
  const lines = ["USAGE"];
  for (const command of commands) {
    for (const usage of command.usage) {
      lines.push(
        usage.startsWith("ecr-vars") || usage.startsWith("aws ") || usage.startsWith("  ")
          ? `  ${usage}`
          : `  ecr-vars ${usage}`,
      );
    }
  }
  for (const command of commands) {
    if (command.about.length === 0) continue;
    lines.push("", ...(commands.length > 1 ? [`  ${command.path.join(" ")}:`] : []));
    lines.push(...command.about.map((line) => `  ${line}`));
  }
  lines.push("");
  const seen = new Set<string>();
  const options: OptionSpec[] = [];
  for (const command of commands) {
    for (const option of commandOptions(command)) {
      if (seen.has(option.flag)) continue;
      seen.add(option.flag);
      options.push(option);
    }
  }
  const positionals = commands.flatMap((c) => c.positionals);
  if (positionals.length > 0) {
    lines.push("ARGUMENTS");
    for (const p of positionals) lines.push(`  ${p.name.padEnd(34)} ${p.description}`);
    lines.push("");
  }
  // Without task options, TASK and AWS CREDENTIALS headings would mislead: all go under OPTIONS.
  const hasTask = options.some((o) => o.flag === "task");
  lines.push(
    ...optionSections(
      hasTask
        ? options
        : options.map((o) => (o.group === "general" ? o : { ...o, group: "command" as const })),
    ),
  );
  return lines.join("\n");
}

function optionSections(options: readonly OptionSpec[]): string[] {
  const lines: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as OptionGroup[]) {
    const inGroup = options.filter((o) => o.group === group);
    if (inGroup.length === 0) continue;
    lines.push(GROUP_TITLES[group]);
    for (const spec of inGroup) lines.push(...optionLines(spec));
    lines.push("");
  }
  return lines;
}

function optionLines(spec: OptionSpec): string[] {
  const short = spec.short === undefined ? "    " : `-${spec.short}, `;
  const flag = `${short}--${spec.flag}${spec.value === undefined ? "" : ` ${spec.value}`}`;
  const repeat = spec.multiple ? " (repeatable)" : "";
  const fallback = spec.default === undefined ? "" : ` [default: ${spec.default}]`;
  const text = `${spec.description}${repeat}${fallback}`;
  return flag.length <= 34
    ? [`  ${flag.padEnd(34)} ${text}`]
    : [`  ${flag}`, `  ${"".padEnd(34)} ${text}`];
}

/**
 * The help a parsed command line asks for: `--help` (before or after a command) shows that
 * command's, `ecr-vars help [COMMAND [SUBCOMMAND]]` the named one's, a family's word alone
 * (`connectors`) every member's.
 */
export function helpFor(
  parsed: {
    readonly command: CommandSpec;
    readonly positionals: readonly string[];
    readonly family?: string;
    readonly values: { readonly help?: unknown };
  },
  version: string,
): string {
  const viaFlag = parsed.values.help === true;
  const words =
    parsed.family !== undefined
      ? [parsed.family]
      : viaFlag || parsed.command.path[0] !== "help"
        ? parsed.command.path
        : parsed.positionals;
  if (words.length === 0) return helpText(version);
  const exact = COMMANDS.find(
    (c) => c.path.length === words.length && c.path.every((w, i) => w === words[i]),
  );
  if (exact !== undefined) return commandHelp([exact]);
  const members = COMMANDS.filter((c) => c.path.length > 1 && c.path[0] === words[0]);
  if (members.length > 0 && words.length === 1) return commandHelp(members);
  const known = COMMANDS.filter((c) => c.path.length > 0).map((c) => c.path.join(" "));
  const guess = closest(words.join(" "), known);
  throw usageError(
    `no command "${words.join(" ")}"`,
    guess === undefined
      ? `the commands are: ${known.join(", ")}`
      : `did you mean ecr-vars help ${guess}?`,
  );
}
