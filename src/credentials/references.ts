/**
 * Resolves the references a connector holds (`${env.NAME}`, `${bamboo.NAME}`, `${file:PATH}`) at the
 * moment the connector is used, so that an unused connector never needs its secrets.
 */

import { EcrVarsError } from "../core/errors.js";
import { type Env, resolveExpression } from "../core/expressions.js";
import { LIMITS, readBounded, readFailure } from "../platform/bounded-read.js";

/** Resolves `value`; text without a reference is returned as it is. `field` names it in errors. */
export async function resolveReference(value: string, field: string, env: Env): Promise<string> {
  const file = /^\$\{file:([^}]+)\}$/.exec(value)?.[1];
  if (file !== undefined) return readReferencedFile(file, field);
  const resolved = resolveExpression(value, env);
  if (resolved.ok) return resolved.value;
  throw new EcrVarsError({
    kind: "credentials",
    code: "SECRET_REFERENCE_UNRESOLVED",
    message: `${field}: ${resolved.reason}`,
    hint: resolved.hint,
  });
}

/** Resolves an optional value. */
export async function resolveOptional(
  value: string | undefined,
  field: string,
  env: Env,
): Promise<string | undefined> {
  return value === undefined ? undefined : resolveReference(value, field, env);
}

/** Reads a file a connector points at (a secret, a token), without its final line break. */
export async function readReferencedFile(path: string, field: string): Promise<string> {
  try {
    return (await readBounded(path, LIMITS.secretFile)).replace(/\r?\n$/, "");
  } catch (error) {
    throw new EcrVarsError({
      kind: "credentials",
      code: "SECRET_REFERENCE_UNRESOLVED",
      message: `${field} references the file ${path}, which cannot be read (${readFailure(error)})`,
      hint: "make the file readable by the build user, or reference an environment variable instead",
      cause: error,
    });
  }
}
