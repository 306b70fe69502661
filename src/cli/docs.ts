/** Markdown tables for the README, generated from the same tables as `--help`. */

import { renderers } from "../emit/registry.js";
import { OPTIONS } from "./options.js";

const cell = (text: string) => text.replaceAll("|", "\\|");

export function optionsMarkdown(): string {
  const rows = OPTIONS.map((spec) => {
    const flag = `\`--${spec.flag}${spec.value === undefined ? "" : ` ${spec.value}`}\``;
    const short = spec.short === undefined ? "" : ` (\`-${spec.short}\`)`;
    const key = spec.taskKey === undefined ? "" : `\`${spec.taskKey}\``;
    const repeat = spec.multiple ? " Repeatable." : "";
    const fallback = spec.default === undefined ? "" : ` Default: \`${spec.default}\`.`;
    return `| ${cell(flag)}${short} | ${key} | ${cell(spec.description)}.${repeat}${fallback} |`;
  });
  return ["| flag | task-file key | meaning |", "|---|---|---|", ...rows].join("\n");
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
