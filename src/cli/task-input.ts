/** Builds the task configuration from the task file and the flags; flags win. */

import * as z from "zod/mini";
import { configError } from "../core/errors.js";
import { formatPath, issueToProblem } from "../core/schema-issues.js";
import {
  type FieldLabel,
  parseTask,
  type TaskConfig,
  type TaskInput,
  type TaskKey,
} from "../core/task.js";
import { fileFieldLabel, readStructuredFile } from "../platform/structured-file.js";
import { OPTIONS } from "./options.js";

// YAML reads an unquoted account id as a number; accept it and let validation check its digits.
const registryId = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((value) => String(value)),
);

// A registry: its host or URL as a string, or an object that may name its own identity.
const registryEntry = z.union([
  z.string(),
  z.strictObject({
    registry: z.optional(z.string()),
    registryId: z.optional(registryId),
    region: z.optional(z.string()),
    fips: z.optional(z.boolean()),
    dualStack: z.optional(z.boolean()),
    connector: z.optional(z.string()),
    roleArn: z.optional(z.string()),
  }),
]);

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

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Reads `--task FILE` (when given), overlays the flags and validates the result. */
/** A validated task and the labels that name its fields as the user wrote them. */
export interface LoadedTask {
  readonly task: TaskConfig;
  /** `--region-variable` for a flag, `task.yml:3: regionVariable` for a file field. */
  readonly label: FieldLabel;
}

export async function loadTask(flags: FlagValues): Promise<LoadedTask> {
  const fromFlags: TaskInput = {};
  const flagOf = new Map<TaskKey, string>();
  for (const spec of OPTIONS) {
    if (spec.taskKey === undefined) continue;
    flagOf.set(spec.taskKey, `--${spec.flag}`);
    const value = flags[spec.flag];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    (fromFlags as Record<string, unknown>)[spec.taskKey] = value;
  }

  const taskPath = flags.task;
  if (typeof taskPath !== "string") {
    const label: FieldLabel = (key) => flagOf.get(key) ?? key;
    return { task: parseTask(fromFlags, label), label };
  }

  const file = await readStructuredFile(taskPath, "task file");
  const fileLabel = (path: ReadonlyArray<PropertyKey>) =>
    fileFieldLabel(file, path, formatPath(path) || "(top level)");
  const parsed = taskFileSchema.safeParse(file.value ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw configError(parsed.error.issues.map((issue) => issueToProblem(issue, fileLabel)));
  }
  const fromFile = parsed.data as TaskInput;
  const merged: TaskInput = { ...fromFile, ...fromFlags };
  // A flag that sets one of a pair of alternatives replaces the file's other one.
  if (fromFlags.region !== undefined && fromFlags.regionVariable === undefined)
    delete merged.regionVariable;
  if (fromFlags.regionVariable !== undefined && fromFlags.region === undefined)
    delete merged.region;
  if (fromFlags.connector !== undefined && fromFlags.connectorVariable === undefined)
    delete merged.connectorVariable;
  if (fromFlags.connectorVariable !== undefined && fromFlags.connector === undefined)
    delete merged.connector;

  const label: FieldLabel = (key) =>
    key in fromFlags
      ? (flagOf.get(key) ?? key)
      : key in fromFile
        ? fileLabel([key])
        : (flagOf.get(key) ?? key);
  return { task: parseTask(merged, label), label };
}
