/**
 * The credentials a connector describes, as a provider `() => Promise<Credentials>`. A connector
 * with a `base` first obtains its base's credentials (another connector, the environment or the
 * instance role), then makes its own STS call. Results carry their provenance; a failure lists
 * every link of the chain that was tried and why it stopped (see chain.ts).
 */

import { toEcrVarsError } from "../aws/errors.js";
import type { CredentialProvider, Credentials } from "../core/credentials.js";
import { baseFailed, linkFailed } from "./chain.js";
import { type BasedConnector, type Connector, hasBase, policyText } from "./connector-schema.js";
import { findConnector } from "./connectors-file.js";
import { resolveOptional, resolveReference } from "./references.js";
import { defaultSessionName } from "./session-name.js";
import {
  assumeRole,
  fromContainerRole,
  fromDefaultChain,
  fromInstanceRole,
  fromProfile,
  type SourceContext,
} from "./sources.js";
import { assumeRoleWithWebIdentity, getFederationToken, getSessionToken } from "./sts-sources.js";
import { readWebIdentityToken } from "./web-identity-token.js";

export {
  type AssumeRoleInit,
  fromContainerRole,
  fromDefaultChain,
  fromInstanceRole,
  fromProfile,
  type SourceContext,
  withRole,
} from "./sources.js";

/** How a connector is named in errors: `connector "prod-push" (assume-role arn:...)`. */
export function connectorLabel(connector: Connector): string {
  const detail =
    connector.type === "assume-role" || connector.type === "web-identity"
      ? ` ${connector.roleArn}`
      : connector.type === "profile"
        ? ` ${connector.profile}`
        : "";
  return `connector "${connector.name}" (${connector.type}${detail})`;
}

/** The credentials a connector of the connectors file describes. */
export function fromConnector(
  connector: Connector,
  connectors: readonly Connector[],
  context: SourceContext,
): CredentialProvider {
  const label = connectorLabel(connector);
  const own = async (work: () => Promise<Credentials>): Promise<Credentials> => {
    try {
      return remember(await work(), context);
    } catch (error) {
      throw linkFailed(label, toEcrVarsError(error, errorContext(label)));
    }
  };
  if (!hasBase(connector)) return () => own(() => standalone(connector, context));

  const base = baseOf(connector.base ?? "environment", connectors, context);
  return async () => {
    let credentials: Credentials;
    try {
      credentials = remember(await base.provider(), context);
    } catch (error) {
      throw baseFailed(label, base.label, toEcrVarsError(error, errorContext(base.label)));
    }
    const via = base.via ?? credentials.source;
    return own(() => based(connector, credentials, via, context));
  };
}

/** Connectors that produce credentials on their own. */
async function standalone(
  connector: Exclude<Connector, BasedConnector>,
  context: SourceContext,
): Promise<Credentials> {
  const name = `connector "${connector.name}"`;
  switch (connector.type) {
    case "access-keys": {
      const secretAccessKey = await resolveReference(
        connector.secretAccessKey,
        "secretAccessKey",
        context.env,
      );
      context.onSecret?.(secretAccessKey);
      const sessionToken = await resolveOptional(
        connector.sessionToken,
        "sessionToken",
        context.env,
      );
      if (sessionToken !== undefined) context.onSecret?.(sessionToken);
      return {
        accessKeyId: await resolveReference(connector.accessKeyId, "accessKeyId", context.env),
        secretAccessKey,
        ...(sessionToken === undefined ? {} : { sessionToken }),
        source: `${name} (access-keys)`,
      };
    }
    case "web-identity": {
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
    }
    case "profile": {
      const credentials = await fromProfile(
        {
          profile: connector.profile,
          ...optional("configFile", connector.configFile),
          ...optional("credentialsFile", connector.credentialsFile),
        },
        context,
      )();
      return { ...credentials, source: `${name} (profile ${connector.profile})` };
    }
    case "instance-role":
      return {
        ...(await fromInstanceRole(context)()),
        source: `${name} (instance-role via IMDSv2)`,
      };
    case "container-role":
      return { ...(await fromContainerRole(context)()), source: `${name} (container-role)` };
  }
}

/** Connectors that exchange their base's credentials through STS. */
async function based(
  connector: BasedConnector,
  base: Credentials,
  via: string,
  context: SourceContext,
): Promise<Credentials> {
  const name = `connector "${connector.name}"`;
  const durationSeconds = connector.maxDurationSeconds;
  switch (connector.type) {
    case "session-token": {
      const mfaCode = await resolveOptional(connector.mfaCode, "mfaCode", context.env);
      const mfa = connector.mfaSerial === undefined ? "" : " with MFA";
      return getSessionToken(
        base,
        {
          ...optional(
            "mfaSerial",
            await resolveOptional(connector.mfaSerial, "mfaSerial", context.env),
          ),
          ...optional("mfaCode", mfaCode),
          ...optional("durationSeconds", durationSeconds),
        },
        context,
        `${name} (session-token${mfa} via ${via})`,
      );
    }
    case "federated-user": {
      const federatedName =
        connector.federatedName ?? defaultSessionName(context.env, connector.name, 32);
      return getFederationToken(
        base,
        {
          name: federatedName,
          ...optional("policy", policyText(connector.policy)),
          ...optional("durationSeconds", durationSeconds),
        },
        context,
        `${name} (federated-user ${federatedName} via ${via})`,
      );
    }
    case "assume-role": {
      const tags: Record<string, string> = {};
      for (const [key, value] of Object.entries(connector.tags ?? {}))
        tags[key] = await resolveReference(value, `tags.${key}`, context.env);
      const init = {
        roleArn: connector.roleArn,
        sessionName: connector.sessionName ?? defaultSessionName(context.env, connector.name),
        ...optional(
          "externalId",
          await resolveOptional(connector.externalId, "externalId", context.env),
        ),
        ...optional("policy", policyText(connector.policy)),
        ...optional("durationSeconds", durationSeconds),
        ...(Object.keys(tags).length === 0 ? {} : { tags }),
        ...optional("transitiveTagKeys", connector.transitiveTagKeys),
        ...optional(
          "sourceIdentity",
          await resolveOptional(connector.sourceIdentity, "sourceIdentity", context.env),
        ),
      };
      const credentials = await assumeRole(base, init, context, via);
      return { ...credentials, source: `${name} (assume-role ${connector.roleArn} via ${via})` };
    }
  }
}

interface Base {
  readonly provider: CredentialProvider;
  /** How the base is named when it fails. */
  readonly label: string;
  /** How the base is named in provenance; a connector base names itself with its own source. */
  readonly via?: string;
}

function baseOf(ref: string, connectors: readonly Connector[], context: SourceContext): Base {
  if (ref === "environment") {
    return {
      provider: fromDefaultChain(context),
      label: "environment (the default AWS credential chain)",
      via: "environment",
    };
  }
  if (ref === "instance-role") {
    return {
      provider: fromInstanceRole(context),
      label: "instance-role (IMDSv2)",
      via: "instance-role",
    };
  }
  const connector = findConnector(connectors, ref);
  // The connectors file was validated: every base names a connector and no chain is a cycle.
  if (connector === undefined) throw new Error(`unknown base connector ${ref}`);
  return {
    provider: fromConnector(connector, connectors, context),
    label: connectorLabel(connector),
  };
}

/** Registers the secret parts of intermediate credentials as soon as they exist. */
function remember(credentials: Credentials, context: SourceContext): Credentials {
  context.onSecret?.(credentials.secretAccessKey);
  if (credentials.sessionToken !== undefined) context.onSecret?.(credentials.sessionToken);
  return credentials;
}

function errorContext(label: string) {
  return { service: "credentials", operation: label, region: undefined, identity: label };
}

/** `{ key: value }` when the value is set, else `{}` (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
