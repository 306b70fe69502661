/** Names of variables in the environment (README, "What it does"). */

/** Bamboo puts variable `a.b.c` into a Script task's environment as `bamboo_a_b_c`. */
export const DEFAULT_ENV_PREFIX = "bamboo_";

/** The environment name of a dotted variable name: prefix + dots replaced by underscores. */
export function envName(name: string, prefix: string = DEFAULT_ENV_PREFIX): string {
  return `${prefix}${name.replaceAll(".", "_")}`;
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
