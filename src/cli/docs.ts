/** Markdown tables for the README and docs/reference.md, generated from the same tables as `--help`. */

import { DEFAULT_NAMESPACE, VARIABLE_LEAVES } from "../core/variables.js";
import { renderers } from "../emit/registry.js";
import {
  COMMANDS,
  type CommandSpec,
  commandName,
  commandOptions,
  GLOBAL_FLAGS,
} from "./commands.js";
import { type OptionSpec, optionSpec } from "./options.js";

const cell = (text: string) => text.replaceAll("|", "\\|");

const flagText = (spec: OptionSpec) =>
  `\`--${spec.flag}${spec.value === undefined ? "" : ` ${spec.value}`}\``;

/** The main command's options: flag, task-file key, meaning. */
export function optionsMarkdown(): string {
  const main = COMMANDS.find((c) => c.path.length === 0) as CommandSpec;
  const rows = commandOptions(main).map((spec) => {
    const short = spec.short === undefined ? "" : ` (\`-${spec.short}\`)`;
    const key = spec.taskKey === undefined ? "" : `\`${spec.taskKey}\``;
    const repeat = spec.multiple ? " Repeatable." : "";
    const fallback = spec.default === undefined ? "" : ` Default: \`${spec.default}\`.`;
    return `| ${cell(flagText(spec))}${short} | ${key} | ${cell(spec.description)}.${repeat}${fallback} |`;
  });
  return ["| flag | task-file key | meaning |", "|---|---|---|", ...rows].join("\n");
}

/** Every command: usage, what it does, and its options besides the main job's. */
export function commandsMarkdown(): string {
  const main = COMMANDS.find((c) => c.path.length === 0) as CommandSpec;
  const mainFlags = new Set(commandOptions(main).map((o) => o.flag));
  const rows = COMMANDS.filter((c) => c.path.length > 0).map((command) => {
    const options = commandOptions(command).filter(
      (o) => !(GLOBAL_FLAGS as readonly string[]).includes(o.flag),
    );
    const taskOptions = options.some((o) => o.flag === "task");
    const own = options.filter(
      (o) => !(taskOptions && (o.taskKey !== undefined || o.flag === "task")),
    );
    // An option the main job has too, with the same meaning, is named; others are explained.
    const listed = own.map((o) =>
      mainFlags.has(o.flag) && o.description === optionSpec(o.flag)?.description
        ? flagText(o)
        : `${flagText(o)}: ${o.description}`,
    );
    const described = [
      ...(taskOptions ? ["the task options (`--task`, `--region`, `--registry`, ...)"] : []),
      ...listed,
    ];
    const usage = `\`${commandName(command)}${command.positionals.map((p) => (p.required ? ` ${p.name}` : ` [${p.name}]`)).join("")}${command.rest === undefined ? "" : ` -- ${command.rest}`}\``;
    return `| ${cell(usage)} | ${cell(command.summary)} | ${cell(described.join("; ") || "none")} |`;
  });
  return [
    "| command | what it does | options (besides `--help`, `--version`, `--debug`, `--quiet`) |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

export function formatsMarkdown(): string {
  const rows = renderers.map(
    (r) => `| \`${r.name}\` | ${cell(r.description)} | ${cell(r.masking)} |`,
  );
  return [
    "| format | what it writes | how secrets stay out of logs |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

/** The variables of one registry under the default namespace: name, value, masked. */
export function variablesMarkdown(): string {
  const rows = VARIABLE_LEAVES.map(
    (leaf) =>
      `| \`${DEFAULT_NAMESPACE}.ecr.${leaf.name}\` | ${cell(leaf.description)} | ${leaf.secret ? "yes" : "no"} |`,
  );
  return ["| variable | value | masked |", "|---|---|---|", ...rows].join("\n");
}
