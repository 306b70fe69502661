/** The variables the task publishes for one registry (README, "What it does") and Bamboo's masking rule. */

import { EcrVarsError } from "./errors.js";

/** One published variable. `name` is the full dotted name, e.g. `custom.aws.ecr.password`. */
export interface Variable {
  readonly name: string;
  /** The name relative to the namespace, e.g. `ecr.password` (what Bamboo's Inject task reads). */
  readonly relativeName: string;
  readonly value: string;
  readonly secret: boolean;
}

/** What ECR's GetAuthorizationToken returns for one registry. */
export interface RegistryAuthorization {
  /** The raw base64 token, exactly as ECR returned it. */
  readonly authorizationToken: string;
  readonly expiresAt: Date;
  /** e.g. `https://123456789012.dkr.ecr.us-east-1.amazonaws.com` */
  readonly proxyEndpoint: string;
}

export const DEFAULT_NAMESPACE = "custom.aws";

// Bamboo masks a variable when its name contains one of these words, case-insensitively.
const SECRET_WORDS = ["password", "passphrase", "secret", "sshkey"] as const;

/** Bamboo's rule: a variable is secret when its name contains a secret word. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_WORDS.some((word) => lower.includes(word));
}

/** ISO-8601 UTC with seconds and no fraction, e.g. `2026-11-26T11:39:00Z`. */
export function formatExpiry(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export interface DecodedToken {
  readonly username: string;
  readonly password: string;
}

/** Decodes an ECR token: base64 of `user:password`, split on the first colon. */
export function decodeAuthorizationToken(token: string): DecodedToken {
  const decoded = Buffer.from(token, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) {
    throw new EcrVarsError({
      kind: "aws",
      code: "MALFORMED_TOKEN",
      message: "ECR returned an authorization token that is not base64 of user:password",
      hint: "check that the endpoint is Amazon ECR or a faithful emulator of it",
    });
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The host of a proxy endpoint URL, without scheme, port-preserving, no trailing slash. */
export function endpointDomain(proxyEndpoint: string): string {
  return proxyEndpoint.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, "");
}

/** Identifies one registry among several: its account and region. */
export interface RegistryKey {
  readonly registryId: string;
  readonly region: string;
}

/**
 * The name segment of one registry among several: `<account>.<region>` with the region's dashes
 * as underscores, so that environment names derived from it stay valid shell identifiers.
 */
export function registrySegment(key: RegistryKey): string {
  return `${key.registryId}.${key.region.replaceAll("-", "_")}`;
}

/**
 * The seven variables the README lists for one registry, in their documented order: under `NS.ecr.`
 * (the seed names) or, with a registry key, under `NS.ecr.<account>.<region>.`; a string is a
 * ready-made segment (see `nameSegment` in registries.ts: `public`, `<account>.<region>_fips`).
 */
export function buildVariables(
  auth: RegistryAuthorization,
  namespace: string,
  key?: RegistryKey | string,
): Variable[] {
  const prefix =
    key === undefined ? "ecr" : `ecr.${typeof key === "string" ? key : registrySegment(key)}`;
  const { username, password } = decodeAuthorizationToken(auth.authorizationToken);
  const values = {
    authorizationToken: auth.authorizationToken,
    expirationDate: formatExpiry(auth.expiresAt),
    proxyEndpoint: auth.proxyEndpoint,
    proxyEndpointDomain: endpointDomain(auth.proxyEndpoint),
    username,
    password,
  };
  const relative: Array<[string, string]> = [
    ["authorizationToken.password", values.authorizationToken],
    ["expirationDate", values.expirationDate],
    ["proxyEndpoint", values.proxyEndpoint],
    ["proxyEndpointDomain", values.proxyEndpointDomain],
    ["username", values.username],
    ["password", values.password],
    ["credentials.json.password", JSON.stringify(values)],
  ];
  return relative.map(([leaf, value]) => {
    const relativeName = `${prefix}.${leaf}`;
    const name = `${namespace}.${relativeName}`;
    return { name, relativeName, value, secret: isSecretName(name) };
  });
}
