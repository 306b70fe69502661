/**
 * The task file (`--task FILE`): read, checked against its schema, fields labelled by file line.
 * Imported only when a task file is given (ARCHITECTURE.md, "Start-up").
 */

import * as z from "zod/mini";
import { configError, type FieldProblem } from "../core/errors.js";
import { formatPath, issueToProblem } from "../core/schema-issues.js";
import type { TaskInput } from "../core/task.js";
import { fileFieldLabel, readStructuredFile } from "../platform/structured-file.js";

// YAML reads an unquoted account id as a number; accept it and let validation check its digits.
const registryId = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((value) => String(value)),
);

// A registry: its host or URL as a string, or an object that may name its own identity.
const registryObject = z.strictObject({
  registry: z.optional(z.string()),
  registryId: z.optional(registryId),
  region: z.optional(z.string()),
  fips: z.optional(z.boolean()),
  dualStack: z.optional(z.boolean()),
  connector: z.optional(z.string()),
  roleArn: z.optional(z.string()),
});
const registryEntry = z.union([z.string(), registryObject]);

const taskFileSchema = z.strictObject({
  description: z.optional(z.string()),
  disabled: z.optional(z.boolean()),
  region: z.optional(z.string()),
  regionVariable: z.optional(z.string()),
  registryIds: z.optional(z.array(registryId)),
  registries: z.optional(z.array(registryEntry)),
  namespace: z.optional(z.string()),
  scope: z.optional(z.string()),
  source: z.optional(z.string()),
  connector: z.optional(z.string()),
  connectorVariable: z.optional(z.string()),
  roleArn: z.optional(z.string()),
});

/**
 * The task file's fields, and the label of a field path (`task.yml:3: region`). A file the
 * schema refuses still gives the fields it has no problem with, and the keys it had problems
 * with, so that the task's own checks can run on the rest and every problem is reported at once.
 */
export async function readTaskFile(path: string): Promise<{
  readonly input: TaskInput;
  readonly label: (path: ReadonlyArray<PropertyKey>) => string;
  /** The schema's problems (unknown keys, wrong types); empty when it accepts the file. */
  readonly problems: readonly FieldProblem[];
  /** Keys of the file left out of `input` because the schema had problems with them. */
  readonly invalidKeys: readonly string[];
}> {
  const file = await readStructuredFile(path, "task file");
  const label = (fieldPath: ReadonlyArray<PropertyKey>) =>
    fileFieldLabel(file, fieldPath, formatPath(fieldPath) || "(top level)");
  const parsed = taskFileSchema.safeParse(file.value ?? {}, { reportInput: true });
  if (parsed.success)
    return { input: parsed.data as TaskInput, label, problems: [], invalidKeys: [] };
  const problems = parsed.error.issues.map((issue) =>
    issueToProblem(issue, label, knownTaskFileKeys),
  );
  const value = file.value;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw configError(problems);
  const invalid = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? "")));
  const known = Object.keys(taskFileSchema.def.shape);
  const rest = Object.fromEntries(
    Object.entries(value).filter(([key]) => known.includes(key) && !invalid.has(key)),
  );
  const partial = taskFileSchema.safeParse(rest);
  return {
    input: partial.success ? (partial.data as TaskInput) : {},
    label,
    problems,
    invalidKeys: [...invalid].filter((key) => known.includes(key)),
  };
}

/** The keys a task file allows at a path: its top level, or a registry entry of `registries`. */
export function knownTaskFileKeys(path: ReadonlyArray<PropertyKey>): readonly string[] | undefined {
  if (path.length === 0) return Object.keys(taskFileSchema.def.shape);
  if (path.length === 2 && path[0] === "registries") return Object.keys(registryObject.def.shape);
  return undefined;
}
