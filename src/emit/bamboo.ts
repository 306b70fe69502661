/** `bamboo`: a Java `.properties` file for Bamboo's "Inject Bamboo variables" task. */

import { LOAD_IN_THIS_SHELL } from "./sh.js";
import type { Renderer, RenderOptions } from "./types.js";

const ESCAPED_CONTROLS: Readonly<Record<string, string>> = {
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  "\f": "\\f",
};

function unicodeEscape(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Escapes text for `java.util.Properties.load`. Everything outside printable ASCII becomes
 * `\uXXXX` per UTF-16 unit (a surrogate pair gives two escapes, which Java joins back), so the
 * file is pure ASCII and reads the same through `load(InputStream)`, which decodes ISO-8859-1,
 * and through `load(Reader)` with any ASCII-compatible charset.
 * In a key, whitespace, `=` and `:` would end the key and `#`/`!` at its start would make a comment
 * line; in a value only leading whitespace is dropped by the loader, so only that is escaped.
 */
function escapeProperties(text: string, isKey: boolean): string {
  let out = "";
  let index = 0;
  for (const unit of text.split("")) {
    const escaped = ESCAPED_CONTROLS[unit];
    if (unit === "\\") out += "\\\\";
    else if (escaped !== undefined) out += escaped;
    else if (unit < " " || unit > "~") out += unicodeEscape(unit);
    else if (unit === " " && (isKey || index === 0)) out += "\\ ";
    else if (isKey && "=:#!".includes(unit)) out += `\\${unit}`;
    else out += unit;
    index += 1;
  }
  return out;
}

const HEADER = '# Amazon ECR credentials from ecr-vars, for the "Inject Bamboo variables" task\n';

function settings(options: RenderOptions): string[] {
  const path =
    options.outputPath ??
    "(write the file with --output FILE and give that path, relative to the working directory)";
  return [
    'Use an "Inject Bamboo variables" task with these settings:',
    `  Path to properties file: ${path}`,
    `  Namespace: ${options.namespace}`,
    `  Scope of the variables: ${options.scope === "result" ? "RESULT" : "LOCAL"}`,
  ];
}

export const bamboo: Renderer = {
  name: "bamboo",
  description:
    'a Java .properties file for the "Inject Bamboo variables" task: keys relative to the namespace, values escaped for java.util.Properties, pure ASCII',
  masking:
    "Bamboo masks injected variables whose names contain 'password' (every secret here ends in .password); the file itself holds them in clear, so write it with --output (a 0600 file)",
  maskingKind: "by-name",
  defaultOutput: { kind: "file", path: "ecr-vars.properties" },
  ci: "bamboo",
  loading: (path) =>
    `the variables are in ${path ?? "the output"} for an "Inject Bamboo variables" task, not on stdout; to load them into this Script task's shell, ${LOAD_IN_THIS_SHELL}`,
  scopes: ["local", "result"],
  render(variables, options) {
    const lines = variables.map(
      (variable) =>
        `${escapeProperties(variable.relativeName, true)}=${escapeProperties(variable.value, false)}\n`,
    );
    return { text: HEADER + lines.join(""), notes: settings(options) };
  },
};
