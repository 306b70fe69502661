/** Reads a YAML or JSON configuration file, keeping line numbers for messages. */

import { EcrVarsError } from "../core/errors.js";
import { MAX_NESTING, nestingDepth } from "../core/nesting.js";
import type { IssuePath } from "../core/schema-issues.js";
import { describeSize, LIMITS, readBounded } from "./bounded-read.js";
import { cjsExports } from "./cjs.js";

export interface StructuredFile {
  readonly path: string;
  readonly value: unknown;
  /** The 1-based line of the value at `path`, when the format keeps positions (YAML). */
  lineOf(path: IssuePath): number | undefined;
}

/** The paths of descriptors the shell opened for us: process substitution and stdin. */
const SHELL_PIPE = /^\/dev\/(?:stdin|fd\/\d+)$/;

/** Reads `path`; `.json` files as JSON, everything else as YAML (a superset of JSON). */
export async function readStructuredFile(path: string, what: string): Promise<StructuredFile> {
  let text: string;
  try {
    // Only a regular file, refused before any read: opening a named FIFO that has no writer
    // would wait forever. A pipe the shell hands over (`--task <(generate)`, /dev/stdin) is the
    // user's own pipeline and is read, but only LIMITS.configFile of it.
    text = await readBounded(path, LIMITS.configFile, { regularOnly: !SHELL_PIPE.test(path) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EFBIG"
            ? `it is larger than ${describeSize(LIMITS.configFile)}`
            : code === "ENOTREG"
              ? "it is not a regular file (a FIFO, socket or device)"
              : (code ?? "read failed");
    throw new EcrVarsError({
      kind: "config",
      code: code === "EFBIG" ? "CONFIG_FILE_TOO_LARGE" : "CONFIG_FILE_UNREADABLE",
      message: `cannot read the ${what} ${path}: ${reason}`,
      hint:
        code === "EFBIG"
          ? `a ${what} is a few kilobytes; check the path`
          : code === "ENOTREG"
            ? `give the path of a file; for generated text use the shell's <(command)`
            : `check the path of the ${what}`,
      cause: error,
    });
  }
  if (path.endsWith(".json")) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (error instanceof RangeError) throw refused(path, what, resourceProblem(error), error);
      throw parseError(path, what, (error as Error).message, error);
    }
    checkNesting(value, path, what);
    return { path, value, lineOf: () => undefined };
  }
  // The YAML parser is imported only when a YAML file is read (ARCHITECTURE.md, "Start-up").
  const { LineCounter, parseDocument, isNode } = cjsExports(await import("yaml"));
  const lineCounter = new LineCounter();
  let document: ReturnType<typeof parseDocument>;
  let value: unknown;
  try {
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const firstError = document.errors[0];
    if (firstError) {
      // The parser reports its own stack overflow on deep nesting as a document error.
      if (/call stack/i.test(firstError.message)) {
        throw refused(path, what, `it nests deeper than ${MAX_NESTING} levels`, firstError);
      }
      const line = lineCounter.linePos(firstError.pos[0]).line;
      throw parseError(
        path,
        what,
        `line ${line}: ${firstError.message.split("\n")[0]}`,
        firstError,
      );
    }
    // maxAliasCount bounds the expansion of aliases ("billion laughs"): the parser throws past it.
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof EcrVarsError) throw error;
    throw refused(path, what, resourceProblem(error), error);
  }
  checkNesting(value, path, what);
  return {
    path,
    value,
    lineOf(issuePath) {
      for (let depth = issuePath.length; depth >= 0; depth--) {
        const node = document.getIn(issuePath.slice(0, depth) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

// What the parser throws on a hostile document, as a message for the user.
function resourceProblem(error: unknown): string {
  if (error instanceof RangeError) return `it nests deeper than ${MAX_NESTING} levels`;
  const message = error instanceof Error ? error.message : String(error);
  if (/alias/i.test(message))
    return "its aliases expand to too many nodes (at most 100 alias uses)";
  return message.split("\n")[0] ?? message;
}

function checkNesting(value: unknown, path: string, what: string): void {
  if (nestingDepth(value) > MAX_NESTING) {
    throw refused(path, what, `it nests deeper than ${MAX_NESTING} levels`, undefined);
  }
}

function refused(path: string, what: string, reason: string, cause: unknown): EcrVarsError {
  return new EcrVarsError({
    kind: "config",
    code: "CONFIG_FILE_REFUSED",
    message: `the ${what} ${path} is refused: ${reason}`,
    hint: `a ${what} is a short list of settings; check that the path names the right file`,
    ...(cause === undefined ? {} : { cause }),
  });
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
