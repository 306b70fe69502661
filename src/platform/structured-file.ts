/** Reads a YAML or JSON configuration file, keeping line numbers for messages. */

import { readFile } from "node:fs/promises";
import { EcrVarsError } from "../core/errors.js";
import type { IssuePath } from "../core/schema-issues.js";
import { cjsExports } from "./cjs.js";

export interface StructuredFile {
  readonly path: string;
  readonly value: unknown;
  /** The 1-based line of the value at `path`, when the format keeps positions (YAML). */
  lineOf(path: IssuePath): number | undefined;
}

/** Reads `path`; `.json` files as JSON, everything else as YAML (a superset of JSON). */
export async function readStructuredFile(path: string, what: string): Promise<StructuredFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EcrVarsError({
      kind: "config",
      code: "CONFIG_FILE_UNREADABLE",
      message: `cannot read the ${what} ${path}: ${code === "ENOENT" ? "no such file" : (code ?? "read failed")}`,
      hint: `check the path of the ${what}`,
      cause: error,
    });
  }
  if (path.endsWith(".json")) {
    try {
      return { path, value: JSON.parse(text), lineOf: () => undefined };
    } catch (error) {
      throw parseError(path, what, (error as Error).message, error);
    }
  }
  // YAML is loaded only when a YAML file is read: it is the largest part of start-up otherwise.
  // yaml ships CommonJS only (see cjs.ts).
  const { LineCounter, parseDocument, isNode } = cjsExports(await import("yaml"));
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = document.errors[0];
  if (firstError) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    throw parseError(path, what, `line ${line}: ${firstError.message.split("\n")[0]}`, firstError);
  }
  return {
    path,
    value: document.toJS(),
    lineOf(issuePath) {
      for (let depth = issuePath.length; depth >= 0; depth--) {
        const node = document.getIn(issuePath.slice(0, depth) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

function parseError(path: string, what: string, detail: string, cause: unknown): EcrVarsError {
  return new EcrVarsError({
    kind: "config",
    code: "CONFIG_FILE_SYNTAX",
    message: `the ${what} ${path} is not valid YAML or JSON: ${detail}`,
    hint: "fix the syntax at the position shown",
    cause,
  });
}

/** A field label such as `connectors.yml:12: connectors[1].roleArn`. */
export function fileFieldLabel(file: StructuredFile, path: IssuePath, formatted: string): string {
  const line = file.lineOf(path);
  return line === undefined ? `${file.path}: ${formatted}` : `${file.path}:${line}: ${formatted}`;
}
