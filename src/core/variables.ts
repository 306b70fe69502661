/** The variables the task publishes for one registry (README, "What it does") and Bamboo's masking rule. */

import { EcrVarsError } from "./errors.js";
import { URL_SCHEME } from "./names.js";

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

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/**
 * ISO-8601 UTC with seconds and no fraction, e.g. `2026-11-26T11:39:00Z`, from the UTC fields.
 */
export function formatExpiry(date: Date): string {
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  return `${day}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`;
}

export interface DecodedToken {
  readonly username: string;
  readonly password: string;
}

/**
 * ECR tokens are a few kilobytes; a larger one comes from a broken or hostile endpoint, and every
 * secret is held in memory and in the redactor's pattern in several encoded forms.
 */
export const MAX_TOKEN_LENGTH = 64 * 1024;
/** A registry URL is a host name; anything longer is not one. */
export const MAX_ENDPOINT_LENGTH = 1024;

/**
 * Refuses an authorization whose token or proxy endpoint is larger than any ECR issues, before
 * anything is masked, rendered or written (exit 4, like any answer AWS should not have given).
 */
export function checkAuthorizationSize(auth: RegistryAuthorization): void {
  const token = auth.authorizationToken.length;
  const endpoint = auth.proxyEndpoint.length;
  if (token <= MAX_TOKEN_LENGTH && endpoint <= MAX_ENDPOINT_LENGTH) return;
  throw new EcrVarsError({
    kind: "aws",
    code: "OVERSIZED_TOKEN",
    message:
      token > MAX_TOKEN_LENGTH
        ? `ECR returned an authorization token of ${token} characters; a real one has a few thousand (at most ${MAX_TOKEN_LENGTH} are accepted), so it was refused and nothing was written`
        : `ECR returned a proxy endpoint of ${endpoint} characters (at most ${MAX_ENDPOINT_LENGTH} are accepted), so it was refused and nothing was written`,
    hint: "check that the endpoint (AWS_ENDPOINT_URL, a proxy) is Amazon ECR or a faithful emulator of it",
  });
}

/** Decodes an ECR token: base64 of `user:password`, split on the first colon. */
export function decodeAuthorizationToken(token: string): DecodedToken {
  if (token.length > MAX_TOKEN_LENGTH) {
    checkAuthorizationSize({
      authorizationToken: token,
      proxyEndpoint: "",
      expiresAt: new Date(0),
    });
  }
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
  return proxyEndpoint.replace(URL_SCHEME, "").replace(/\/+$/, "");
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

/** What one leaf's value is made from: the authorization and its decoded token. */
type LeafInput = RegistryAuthorization & DecodedToken;

/**
 * The leaves of the published variables, in their documented order: the one table behind the
 * variables, `--help`, the README's variable table and the GitLab report.
 */
const LEAF_TABLE: ReadonlyArray<{
  readonly name: string;
  /** What the value is, for the README (Markdown). */
  readonly description: string;
  /** Absent for `credentials.json.password`: its value is the object of the others' values. */
  readonly value?: (input: LeafInput) => string;
  /** The leaf's key in that object; default: its name. */
  readonly jsonKey?: string;
}> = [
  {
    name: "authorizationToken.password",
    description: "the base64 token exactly as ECR returned it",
    value: (input) => input.authorizationToken,
    jsonKey: "authorizationToken",
  },
  {
    name: "expirationDate",
    description: "expiry, ISO-8601 UTC, e.g. `2026-11-26T11:39:00Z`",
    value: (input) => formatExpiry(input.expiresAt),
  },
  {
    name: "proxyEndpoint",
    description: "`https://123456789012.dkr.ecr.eu-west-1.amazonaws.com`",
    value: (input) => input.proxyEndpoint,
  },
  {
    name: "proxyEndpointDomain",
    description: "`123456789012.dkr.ecr.eu-west-1.amazonaws.com`",
    value: (input) => endpointDomain(input.proxyEndpoint),
  },
  { name: "username", description: "`AWS`", value: (input) => input.username },
  { name: "password", description: "the registry password", value: (input) => input.password },
  { name: "credentials.json.password", description: "one JSON object with the six values above" },
];

/** The leaves the JSON leaf's object holds, each with its key there. */
const JSON_LEAVES = LEAF_TABLE.flatMap(({ name, value, jsonKey }) =>
  value === undefined ? [] : [{ key: jsonKey ?? name, value }],
);

/** One leaf of the published variables: its name under `NS.ecr.` (or a registry's segment). */
export interface VariableLeaf {
  readonly name: string;
  /**
   * Bamboo's rule on the leaf's name (`isSecretName`), not a column of its own: a leaf marked
   * secret that Bamboo would not mask could only mislead. The full name decides at run time.
   */
  readonly secret: boolean;
  readonly description: string;
}

export const VARIABLE_LEAVES: readonly VariableLeaf[] = LEAF_TABLE.map((leaf) => ({
  name: leaf.name,
  secret: isSecretName(leaf.name),
  description:
    leaf.value === undefined
      ? `${leaf.description} (keys ${JSON_LEAVES.map(({ key }) => `\`${key}\``).join(", ")})`
      : leaf.description,
}));

/**
 * The variables of one registry, one per leaf in `VARIABLE_LEAVES` order: under `NS.ecr.` (the
 * seed names) or, with a registry key, under `NS.ecr.<account>.<region>.`; a string is a
 * ready-made segment (see `nameSegment` in registries.ts: `public`, `<account>.<region>_fips`).
 */
export function buildVariables(
  auth: RegistryAuthorization,
  namespace: string,
  key?: RegistryKey | string,
): Variable[] {
  const prefix =
    key === undefined ? "ecr" : `ecr.${typeof key === "string" ? key : registrySegment(key)}`;
  const input = { ...auth, ...decodeAuthorizationToken(auth.authorizationToken) };
  const json = JSON.stringify(
    Object.fromEntries(JSON_LEAVES.map(({ key, value }) => [key, value(input)])),
  );
  return LEAF_TABLE.map((leaf) => {
    const relativeName = `${prefix}.${leaf.name}`;
    const name = `${namespace}.${relativeName}`;
    const value = leaf.value === undefined ? json : leaf.value(input);
    return { name, relativeName, value, secret: isSecretName(name) };
  });
}
