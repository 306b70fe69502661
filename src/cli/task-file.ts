/**
 * The task file (`--task FILE`): read, checked against its schema, fields labelled by file line.
 * Imported only when a task file is given (ARCHITECTURE.md, "Start-up").
 */

import * as z from "zod/mini";
import { configError } from "../core/errors.js";
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

/** The task file's fields, and the label of a field path (`task.yml:3: region`). */
export async function readTaskFile(path: string): Promise<{
  readonly input: TaskInput;
  readonly label: (path: ReadonlyArray<PropertyKey>) => string;
}> {
  const file = await readStructuredFile(path, "task file");
  const label = (fieldPath: ReadonlyArray<PropertyKey>) =>
    fileFieldLabel(file, fieldPath, formatPath(fieldPath) || "(top level)");
  const parsed = taskFileSchema.safeParse(file.value ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw configError(
      parsed.error.issues.map((issue) => issueToProblem(issue, label, knownTaskFileKeys)),
    );
  }
  return { input: parsed.data as TaskInput, label };
}

/** The keys a task file allows at a path: its top level, or a registry entry of `registries`. */
export function knownTaskFileKeys(path: ReadonlyArray<PropertyKey>): readonly string[] | undefined {
  if (path.length === 0) return Object.keys(taskFileSchema.def.shape);
  if (path.length === 2 && path[0] === "registries") return Object.keys(registryObject.def.shape);
  return undefined;
}
