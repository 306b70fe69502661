/**
 * The shape of one connector of the connectors file (docs/connectors.md), one strict schema per type. Long-term
 * secrets and one-time codes must be references, so that the file itself never holds a secret.
 */

import * as z from "zod/mini";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SECRET_REFERENCE =
  /^\$\{(?:env\.[A-Za-z_][A-Za-z0-9_]*|bamboo\.[A-Za-z0-9_.-]+|file:[^}]+)\}$/;
const ROLE_ARN =
  /^arn:aws(?:-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** STS role session names and source identities. */
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const FEDERATED_NAME = /^[\w+=,.@-]{2,32}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/** A value that may be literal or hold `${env.NAME}` / `${bamboo.NAME}` references. */
const text = z.string().check(z.minLength(1, "must not be empty"));

/** A value that must be a reference, because it is a long-term secret. */
const secretReference = z
  .string()
  .check(
    z.regex(
      SECRET_REFERENCE,
      "holds a literal secret or an invalid reference; write ${env.NAME}, ${bamboo.NAME} or ${file:/path/to/file} and keep the secret in the CI system's secret store",
    ),
  );

/** A one-time MFA code changes every 30 seconds, so only a reference can be right at run time. */
const mfaCodeReference = z
  .string()
  .check(
    z.regex(
      SECRET_REFERENCE,
      "must be a reference such as ${env.MFA_CODE}: a one-time code written into the file is stale within a minute",
    ),
  );

const roleArn = z
  .string()
  .check(
    z.regex(ROLE_ARN, "must be an IAM role ARN: arn:<partition>:iam::<account-id>:role/<name>"),
  );

const sessionName = z.optional(
  z.string().check(z.regex(SESSION_NAME, "must be 2-64 characters of letters, digits and +=,.@_-")),
);

/** An inline session policy: JSON text, or the same document written as YAML/JSON structure. */
const policy = z.optional(z.union([text, z.record(z.string(), z.unknown())]));

function duration(max: number) {
  return z.optional(
    z.number().check(
      // z.int() reports a fraction without its input, which reads as "is required".
      z.refine(Number.isInteger, "must be a whole number of seconds"),
      z.gte(900, "must be at least 900 seconds"),
      z.lte(max, `must be at most ${max} seconds`),
    ),
  );
}

const common = {
  id: z.string().check(z.regex(UUID, "must be a UUID, e.g. 0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70")),
  name: z
    .string()
    .check(z.regex(NAME, "must be 1-64 characters of letters, digits, '.', '_' and '-'")),
  description: z.optional(z.string()),
  // Types that make no STS call accept it for compatibility and ignore it (docs/connectors.md).
  maxDurationSeconds: duration(43_200),
};

const accessKeys = z.strictObject({
  ...common,
  type: z.literal("access-keys"),
  accessKeyId: text,
  secretAccessKey: secretReference,
  sessionToken: z.optional(secretReference),
});

const sessionToken = z.strictObject({
  ...common,
  type: z.literal("session-token"),
  base: z.optional(text),
  mfaSerial: z.optional(text),
  mfaCode: z.optional(mfaCodeReference),
  maxDurationSeconds: duration(129_600),
});

const federatedUser = z.strictObject({
  ...common,
  type: z.literal("federated-user"),
  base: z.optional(text),
  federatedName: z.optional(
    z
      .string()
      .check(z.regex(FEDERATED_NAME, "must be 2-32 characters of letters, digits and +=,.@_-")),
  ),
  policy,
  maxDurationSeconds: duration(129_600),
});

const assumeRole = z.strictObject({
  ...common,
  type: z.literal("assume-role"),
  base: z.optional(text),
  roleArn,
  externalId: z.optional(text),
  sessionName,
  policy,
  tags: z.optional(
    z.record(
      z.string().check(z.regex(TAG_KEY, "tag keys are 1-128 letters, digits, spaces and _.:/=+-@")),
      z.string().check(z.maxLength(256, "tag values are at most 256 characters")),
    ),
  ),
  transitiveTagKeys: z.optional(z.array(text)),
  sourceIdentity: z.optional(text),
});

const webIdentity = z.strictObject({
  ...common,
  type: z.literal("web-identity"),
  roleArn,
  sessionName,
  policy,
  tokenFile: z.optional(text),
  tokenEnv: z.optional(
    z.string().check(z.regex(ENV_NAME, "must be an environment variable name, e.g. AWS_ID_TOKEN")),
  ),
  github: z.optional(z.strictObject({ audience: z.optional(text) })),
});

const profile = z.strictObject({
  ...common,
  type: z.literal("profile"),
  profile: z.string().check(z.regex(/^[\w.@+-]{1,128}$/, "must be a profile name")),
  configFile: z.optional(text),
  credentialsFile: z.optional(text),
});

const instanceRole = z.strictObject({ ...common, type: z.literal("instance-role") });
const containerRole = z.strictObject({ ...common, type: z.literal("container-role") });

export const connectorSchema = z.discriminatedUnion("type", [
  accessKeys,
  sessionToken,
  federatedUser,
  assumeRole,
  webIdentity,
  profile,
  instanceRole,
  containerRole,
]);
export const connectorsFileSchema = z.strictObject({ connectors: z.array(connectorSchema) });

/** The keys a connector of this type allows (for "did you mean" on an unknown key). */
export function connectorKeys(type: unknown): readonly string[] | undefined {
  for (const option of connectorSchema.def.options) {
    const shape = option.def.shape as Record<string, { def?: { values?: unknown[] } }>;
    if (shape.type?.def?.values?.includes(type)) return Object.keys(shape);
  }
  return undefined;
}

export type Connector = z.infer<typeof connectorSchema>;
export type ConnectorType = Connector["type"];
export type ConnectorOf<T extends ConnectorType> = Extract<Connector, { type: T }>;
/** Connectors that start from other credentials, named by `base`: the types whose schema has one. */
export type BasedConnector = Connector extends infer C
  ? C extends unknown
    ? "base" extends keyof C
      ? C
      : never
    : never
  : never;

/** Bases a connector can name instead of another connector. */
export const BUILT_IN_BASES = ["environment", "instance-role"] as const;

export function hasBase(connector: Connector): connector is BasedConnector {
  return connectorKeys(connector.type)?.includes("base") === true;
}

/** The session policy as the JSON text STS expects. */
export function policyText(value: string | Record<string, unknown> | undefined) {
  return value === undefined || typeof value === "string" ? value : JSON.stringify(value);
}
