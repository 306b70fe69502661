/** Builds the task configuration from the task file and the flags; flags win. */

import { configError, type FieldProblem, isEcrVarsError } from "../core/errors.js";
import { EMPTY_MAP, type RegistryMap } from "../core/registry-map.js";
import {
  type FieldLabel,
  parseTask,
  type TaskConfig,
  type TaskInput,
  type TaskKey,
} from "../core/task.js";
import { readHelperConfig } from "../platform/helper-config-file.js";
import { OPTIONS } from "./options.js";

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** A validated task and the labels that name its fields as the user wrote them. */
export interface LoadedTask {
  readonly task: TaskConfig;
  /** `--region-variable` for a flag, `task.yml:3: regionVariable` for a file field. */
  readonly label: FieldLabel;
}

/**
 * Reads `--task FILE` (when given), overlays the flags and validates the result. With `env`,
 * registries named by host honour the helper config's registry map (docs/docker.md, "Registry
 * maps"), as the credential helper does.
 */
export async function loadTask(
  flags: FlagValues,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<LoadedTask> {
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
    return { task: parseTask(fromFlags, label, registryMap(fromFlags, env, label)), label };
  }

  // Dynamic: the task file's schema (zod) and parser (yaml) are not needed without a task file.
  const { readTaskFile } = await import("./task-file.js");
  const file = await readTaskFile(taskPath);
  const { input: fromFile, label: fileLabel } = file;
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
  const map = registryMap(merged, env, label);
  if (file.problems.length === 0) return { task: parseTask(merged, label, map), label };
  // The file has problems of its own: the task's checks still run on the rest of it, so that
  // every problem is reported at once, less what follows from the keys the file got wrong.
  const skipped = new Set(
    file.invalidKeys.filter((key) => !(key in fromFlags)).map((key) => label(key as TaskKey)),
  );
  let later: readonly FieldProblem[] = [];
  try {
    parseTask(merged, label, map);
  } catch (error) {
    if (!isEcrVarsError(error)) throw error;
    later = error.problems.filter((problem) => !skipped.has(problem.field));
  }
  throw configError([...file.problems, ...later]);
}

/** The helper config's registry map, read only when some registry is named by host. */
function registryMap(
  input: TaskInput,
  env: Readonly<Record<string, string | undefined>> | undefined,
  label: FieldLabel,
): RegistryMap {
  const byHost = (input.registries ?? []).some(
    (entry) => typeof entry === "string" || entry.registry !== undefined,
  );
  if (env === undefined || !byHost) return EMPTY_MAP;
  const config = readHelperConfig(env);
  if (config.kind === "invalid") {
    throw configError([
      {
        field: label("registries"),
        message: `the helper config, whose registry map names hosts for --registry, is invalid: ${config.message}`,
        hint: "fix the file, or point ECR_VARS_HELPER_CONFIG at another one (docs/docker.md)",
      },
    ]);
  }
  return config.map;
}
