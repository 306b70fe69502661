/**
 * Run-time variable expressions (README, "What it does"): `${bamboo.NAME}` reads the environment variable Bamboo
 * gives a Script task (`bamboo_` + NAME with dots as underscores), `${env.NAME}` reads `NAME`.
 */

import { envName } from "./names.js";
import { isSecretName } from "./variables.js";

export type Env = Readonly<Record<string, string | undefined>>;

export type ExpressionResult =
  | {
      readonly ok: true;
      readonly value: string;
      /** A referenced variable is secret-named: never show the value in a message. */
      readonly secret: boolean;
    }
  | { readonly ok: false; readonly reason: string; readonly hint: string };

const REFERENCE = /\$\{([^}]*)\}/g;
const BAMBOO_NAME = /^[A-Za-z0-9_.-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Environment variables that hold AWS secrets although their names lack Bamboo's words. */
const SECRET_ENV_NAMES: ReadonlySet<string> = new Set([
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
]);

/**
 * True when a variable's value must never appear in a message: Bamboo's masking rule on its name
 * (password, passphrase, secret, sshkey; any case), or one of the AWS variables that hold secrets.
 */
export function isSecretVariable(name: string): boolean {
  return isSecretName(name) || SECRET_ENV_NAMES.has(name.toUpperCase());
}

/** How a message shows a resolved value: quoted, or masked when it came from a secret variable. */
export function shownValue(result: { readonly value: string; readonly secret: boolean }): string {
  return result.secret
    ? "******** (the value of a secret variable is not shown)"
    : `"${result.value}"`;
}

/** True when the text holds at least one `${...}` reference. */
export function hasReference(text: string): boolean {
  return /\$\{[^}]*\}/.test(text);
}

/** Replaces every `${bamboo.X}` / `${env.X}` in `expression`; the first undefined one is an error. */
export function resolveExpression(expression: string, env: Env): ExpressionResult {
  let failure: ExpressionResult | undefined;
  let secret = false;
  const value = expression.replace(REFERENCE, (whole, inner: string) => {
    if (failure) return whole;
    const lookup = lookupName(inner.trim());
    if (!lookup.ok) {
      failure = lookup;
      return whole;
    }
    if (isSecretVariable(lookup.name) || isSecretVariable(lookup.envName)) secret = true;
    const found = env[lookup.envName];
    if (found === undefined || found === "") {
      failure = {
        ok: false,
        reason: `${whole} is not defined (environment variable ${lookup.envName} is ${found === undefined ? "unset" : "empty"})`,
        hint: lookup.bamboo
          ? `define the Bamboo variable ${lookup.name} on the plan, job or agent`
          : `set the environment variable ${lookup.envName}`,
      };
      return whole;
    }
    return found;
  });
  return failure ?? { ok: true, value, secret };
}

export type Lookup =
  | { ok: true; name: string; envName: string; bamboo: boolean }
  | { ok: false; reason: string; hint: string };

/** The variable a reference's inner text (`env.NAME`, `bamboo.NAME`) reads. */
export function lookupName(inner: string): Lookup {
  const dot = inner.indexOf(".");
  const kind = dot < 0 ? "" : inner.slice(0, dot);
  const name = inner.slice(dot + 1);
  if (kind === "bamboo" && BAMBOO_NAME.test(name)) {
    return { ok: true, name, envName: envName(name), bamboo: true };
  }
  if (kind === "env" && ENV_NAME.test(name)) {
    return { ok: true, name, envName: name, bamboo: false };
  }
  return {
    ok: false,
    reason: `\${${inner}} is not a supported reference`,
    hint: "write ${bamboo.NAME} for a Bamboo variable or ${env.NAME} for an environment variable",
  };
}
