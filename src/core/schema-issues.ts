/** Turns schema issues into field problems a person can act on. */

import type * as z from "zod/mini";
import type { FieldProblem } from "./errors.js";
import { closest } from "./suggest.js";

export type IssuePath = ReadonlyArray<PropertyKey>;

/** Formats a path like `connectors[2].roleArn`. */
export function formatPath(path: IssuePath): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** Describes a schema issue; `label` turns its path into the field name shown to the user. */
export function issueToProblem(
  issue: z.core.$ZodIssue,
  label: (path: IssuePath) => string,
  /** The keys allowed at a path, for "did you mean" on an unknown key. */
  knownKeys?: (path: IssuePath) => readonly string[] | undefined,
): FieldProblem {
  // An unknown key is reported at the key itself, so that a file's line number points at it.
  const at =
    issue.code === "unrecognized_keys" && issue.keys[0] !== undefined
      ? [...issue.path, issue.keys[0]]
      : issue.path;
  const field = label(at);
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? { field, message: "is required" }
        : { field, message: `must be ${article(issue.expected)}, not ${typeName(issue.input)}` };
    case "unrecognized_keys": {
      const known = knownKeys?.(issue.path);
      const [key] = issue.keys;
      const guess = known === undefined || key === undefined ? undefined : closest(key, known);
      return {
        field,
        message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`,
        hint:
          guess !== undefined
            ? `did you mean "${guess}"?`
            : known !== undefined
              ? `use one of: ${known.join(", ")}`
              : "check the spelling against the documented keys",
      };
    }
    case "invalid_union":
      {
        // Discriminated unions report the allowed values of the discriminator.
        const options = (issue as { options?: unknown }).options;
        if (Array.isArray(options)) {
          return {
            field,
            message: "is missing or not a known value",
            hint: `use one of: ${options.map(String).join(", ")}`,
          };
        }
      }
      return { field, message: "has an invalid shape" };
    case "invalid_value":
      return {
        field,
        message: "is not an allowed value",
        hint: `use one of: ${issue.values.map(String).join(", ")}`,
      };
    default:
      return { field, message: issue.message === "Invalid input" ? "is invalid" : issue.message };
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}
