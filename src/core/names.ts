/** Names of variables in the environment (README, "Variables in the environment"). */

/** Bamboo puts variable `a.b.c` into a Script task's environment as `bamboo_a_b_c`. */
export const BAMBOO_ENV_PREFIX = "bamboo_";

/**
 * How a dotted variable name becomes an environment name:
 * - `{ prefix }`: the prefix + the name with dots as underscores, case kept. Bamboo's own rule
 *   with `bamboo_` (`bamboo_custom_aws_ecr_password`), and what `--env-prefix` asks for anywhere;
 * - `"upper"`: the name upper-cased with dots as underscores (`CUSTOM_AWS_ECR_PASSWORD`), the
 *   rule Azure Pipelines applies to its own variables and how names read on the other platforms
 *   and in a terminal.
 */
export type EnvNaming = { readonly prefix: string } | "upper";

/** Bamboo's names (`bamboo_a_b_c`), which `${bamboo.NAME}` expressions read. */
export const BAMBOO_NAMING: EnvNaming = { prefix: BAMBOO_ENV_PREFIX };

/** The environment name of a dotted variable name (see `EnvNaming`). */
export function envName(name: string, naming: EnvNaming = BAMBOO_NAMING): string {
  const underscored = name.replaceAll(".", "_");
  return naming === "upper" ? underscored.toUpperCase() : `${naming.prefix}${underscored}`;
}

/**
 * The naming of a run: `--env-prefix P` wherever it is given; else Bamboo's names inside Bamboo
 * and upper-case names everywhere else (README, "Variables in the environment").
 */
export function envNamingFor(prefix: string | undefined, inBamboo: boolean): EnvNaming {
  if (prefix !== undefined) return { prefix };
  return inBamboo ? BAMBOO_NAMING : "upper";
}

// Namespaces are dot-separated segments; each segment as Bamboo accepts it in a variable name.
const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

export function isNamespace(value: string): boolean {
  return NAMESPACE_PATTERN.test(value);
}

// An environment prefix must keep the resulting names valid shell identifiers.
const ENV_PREFIX_PATTERN = /^(?:[A-Za-z_][A-Za-z0-9_]*)?$/;

export function isEnvPrefix(value: string): boolean {
  return ENV_PREFIX_PATTERN.test(value);
}

/**
 * A URL's scheme and `://` (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`), capture
 * group 1 the scheme.
 */
export const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
