/**
 * Every connector type of the connectors file (docs/connectors.md) and what the program does with
 * it: one row per type, beside its schema in connector-schema.ts. Adding a type is its schema and
 * its row here; the compiler asks for the row. A type whose schema has a `base` starts from other
 * credentials (connectors-file.ts checks the base, providers.ts obtains it first).
 */

import type { Credentials } from "../core/credentials.js";
import type { Env } from "../core/expressions.js";
import { sharedConfigPath, sharedCredentialsPath } from "../platform/aws-config.js";
import type { BasedConnector, Connector, ConnectorOf, ConnectorType } from "./connector-schema.js";
import { policyText } from "./connector-schema.js";
import { resolveOptional, resolveReference } from "./references.js";
import { defaultSessionName } from "./session-name.js";
import {
  assumeRole,
  fromContainerRole,
  fromInstanceRole,
  fromProfile,
  type SourceContext,
} from "./sources.js";
import { assumeRoleWithWebIdentity, getFederationToken, getSessionToken } from "./sts-sources.js";
import { readWebIdentityToken } from "./web-identity-token.js";

/** The credentials of a connector's base, and how provenance names the base. */
export interface BaseCredentials {
  readonly credentials: Credentials;
  readonly via: string;
}

/** A problem the schema cannot express, at a key of the connector. */
export interface ConnectorProblem {
  readonly key: string;
  readonly message: string;
  readonly hint: string;
}

export interface ConnectorTypeRow<C extends Connector> {
  /** After the type in labels, e.g. ` arn:...` in `connector "prod" (assume-role arn:...)`. */
  readonly detail?: (connector: C) => string;
  /** `connectors list`'s BASED ON column (`base` is the base's name): never a secret or a reference's value. */
  readonly basis: (connector: C, base: string) => string;
  /** The STS call that needs an IAM user's long-term keys as its base; absent: any base will do. */
  readonly longTermBaseFor?: string;
  /** As a base: whether the credentials are an IAM user's long-term keys. */
  readonly longTermKeys?: (connector: C) => boolean;
  /** Problems the schema cannot express. */
  readonly check?: (connector: C) => readonly ConnectorProblem[];
  /**
   * The files it reads, as written in the connectors file (they may hold references) or from the
   * environment: whatever can change its identity besides its fields and `${file:}` references.
   */
  readonly files: (connector: C, env: Env) => readonly string[];
  /** Its credentials; `name` is `connector "NAME"`, `base` its base's (types with a base only). */
  readonly provide: (
    connector: C,
    context: SourceContext,
    name: string,
    base: C extends BasedConnector ? BaseCredentials : undefined,
  ) => Promise<Credentials>;
}

const none = () => [];

export const CONNECTOR_TYPES: { readonly [T in ConnectorType]: ConnectorTypeRow<ConnectorOf<T>> } =
  {
    "access-keys": {
      basis: () => "static keys",
      longTermKeys: (connector) => connector.sessionToken === undefined,
      files: none,
      async provide(connector, context, name) {
        const { env } = context;
        const secretAccessKey = await resolveReference(
          connector.secretAccessKey,
          "secretAccessKey",
          env,
        );
        context.onSecret?.(secretAccessKey);
        const sessionToken = await resolveOptional(connector.sessionToken, "sessionToken", env);
        if (sessionToken !== undefined) context.onSecret?.(sessionToken);
        return {
          accessKeyId: await resolveReference(connector.accessKeyId, "accessKeyId", env),
          secretAccessKey,
          ...(sessionToken === undefined ? {} : { sessionToken }),
          source: `${name} (access-keys)`,
        };
      },
    },
    "session-token": {
      basis: (connector, base) => `${base}${connector.mfaSerial === undefined ? "" : " with MFA"}`,
      longTermBaseFor: "GetSessionToken",
      files: none,
      async provide(connector, context, name, base) {
        const { env } = context;
        const mfaCode = await resolveOptional(connector.mfaCode, "mfaCode", env);
        const mfa = connector.mfaSerial === undefined ? "" : " with MFA";
        return getSessionToken(
          base.credentials,
          {
            ...optional("mfaSerial", await resolveOptional(connector.mfaSerial, "mfaSerial", env)),
            ...optional("mfaCode", mfaCode),
            ...optional("durationSeconds", connector.maxDurationSeconds),
          },
          context,
          `${name} (session-token${mfa} via ${base.via})`,
        );
      },
    },
    "federated-user": {
      basis: (_, base) => base,
      longTermBaseFor: "GetFederationToken",
      files: none,
      async provide(connector, context, name, base) {
        const federatedName =
          connector.federatedName ?? defaultSessionName(context.env, connector.name, 32);
        return getFederationToken(
          base.credentials,
          {
            name: federatedName,
            ...optional("policy", policyText(connector.policy)),
            ...optional("durationSeconds", connector.maxDurationSeconds),
          },
          context,
          `${name} (federated-user ${federatedName} via ${base.via})`,
        );
      },
    },
    "assume-role": {
      detail: (connector) => ` ${connector.roleArn}`,
      basis: (connector, base) => `${connector.roleArn} via ${base}`,
      files: none,
      async provide(connector, context, name, base) {
        const { env } = context;
        const tags: Record<string, string> = {};
        for (const [key, value] of Object.entries(connector.tags ?? {}))
          tags[key] = await resolveReference(value, `tags.${key}`, env);
        const init = {
          roleArn: connector.roleArn,
          sessionName: connector.sessionName ?? defaultSessionName(env, connector.name),
          ...optional("externalId", await resolveOptional(connector.externalId, "externalId", env)),
          ...optional("policy", policyText(connector.policy)),
          ...optional("durationSeconds", connector.maxDurationSeconds),
          ...(Object.keys(tags).length === 0 ? {} : { tags }),
          ...optional("transitiveTagKeys", connector.transitiveTagKeys),
          ...optional(
            "sourceIdentity",
            await resolveOptional(connector.sourceIdentity, "sourceIdentity", env),
          ),
        };
        const credentials = await assumeRole(base.credentials, init, context, base.via);
        return {
          ...credentials,
          source: `${name} (assume-role ${connector.roleArn} via ${base.via})`,
        };
      },
    },
    "web-identity": {
      detail: (connector) => ` ${connector.roleArn}`,
      basis: (connector) =>
        `${connector.roleArn} with ${
          connector.github !== undefined
            ? "GitHub OIDC"
            : connector.tokenEnv !== undefined
              ? `$${connector.tokenEnv}`
              : "token file"
        }`,
      check(connector) {
        const given = (["tokenFile", "tokenEnv", "github"] as const).filter(
          (key) => connector[key] !== undefined,
        );
        if (given.length === 1) return [];
        return [
          {
            key: given[1] ?? "type",
            message:
              given.length === 0
                ? "names no source of the web identity token"
                : `names more than one token source (${given.join(", ")})`,
            hint: "set exactly one of tokenFile, tokenEnv (e.g. a GitLab id_tokens variable) or github: { audience: ... }",
          },
        ];
      },
      files: (connector) => (connector.tokenFile === undefined ? [] : [connector.tokenFile]),
      async provide(connector, context, name) {
        const token = await readWebIdentityToken(connector, context);
        return assumeRoleWithWebIdentity(
          {
            roleArn: connector.roleArn,
            token: token.token,
            sessionName: connector.sessionName ?? defaultSessionName(context.env, connector.name),
            ...optional("policy", policyText(connector.policy)),
            ...optional("durationSeconds", connector.maxDurationSeconds),
          },
          context,
          `${name} (web-identity ${connector.roleArn} with ${token.origin})`,
        );
      },
    },
    profile: {
      detail: (connector) => ` ${connector.profile}`,
      basis: (connector) => `profile ${connector.profile}`,
      longTermKeys: () => true,
      files: (connector, env) => [
        connector.configFile ?? sharedConfigPath(env),
        connector.credentialsFile ?? sharedCredentialsPath(env),
      ],
      async provide(connector, context, name) {
        const init = {
          profile: connector.profile,
          ...optional("configFile", connector.configFile),
          ...optional("credentialsFile", connector.credentialsFile),
        };
        const credentials = await fromProfile(init, context)();
        return { ...credentials, source: `${name} (profile ${connector.profile})` };
      },
    },
    "instance-role": {
      basis: () => "IMDSv2",
      files: none,
      async provide(_, context, name) {
        return {
          ...(await fromInstanceRole(context)()),
          source: `${name} (instance-role via IMDSv2)`,
        };
      },
    },
    "container-role": {
      basis: () => "ECS/EKS endpoint",
      files: (_, env) =>
        env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
          ? [env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE]
          : [],
      async provide(_, context, name) {
        return { ...(await fromContainerRole(context)()), source: `${name} (container-role)` };
      },
    },
  };

/** The row of a connector's type. */
export function connectorType<C extends Connector>(connector: C): ConnectorTypeRow<C> {
  // Indexed by the connector's own type: the row is that type's (the table's type says so).
  return CONNECTOR_TYPES[connector.type] as unknown as ConnectorTypeRow<C>;
}

/** `{ key: value }` when the value is set, else `{}` (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
