/**
 * The credentials a connector describes, as a provider `() => Promise<Credentials>`. A connector
 * with a `base` first obtains its base's credentials (another connector, the environment or the
 * instance role), then makes its own STS call. Results carry their provenance; a failure lists
 * every link of the chain that was tried and why it stopped (see chain.ts).
 */

import { toEcrVarsError } from "../aws/errors.js";
import type { CredentialProvider, Credentials } from "../core/credentials.js";
import { baseFailed, linkFailed } from "./chain.js";
import { type Connector, hasBase } from "./connector-schema.js";
import { connectorType } from "./connector-types.js";
import { findConnector } from "./connectors-file.js";
import { fromDefaultChain, fromInstanceRole, type SourceContext } from "./sources.js";

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
  const detail = connectorType(connector).detail?.(connector) ?? "";
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
  const name = `connector "${connector.name}"`;
  if (!hasBase(connector))
    return () => own(() => connectorType(connector).provide(connector, context, name, undefined));

  const base = baseOf(connector.base ?? "environment", connectors, context);
  return async () => {
    let credentials: Credentials;
    try {
      credentials = remember(await base.provider(), context);
    } catch (error) {
      throw baseFailed(label, base.label, toEcrVarsError(error, errorContext(base.label)));
    }
    const via = base.via ?? credentials.source;
    return own(() =>
      connectorType(connector).provide(connector, context, name, { credentials, via }),
    );
  };
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
