/** Run-time resolution of the task: region and connector expressions, the connectors file. */

import { join } from "node:path";
import type { CredentialProvider } from "../core/credentials.js";
import { configError } from "../core/errors.js";
import { type Env, resolveExpression, shownValue } from "../core/expressions.js";
import { isRegion } from "../core/region.js";
import type { IdentitySpec } from "../core/registries.js";
import type { ConnectorSetting, FieldLabel, TaskConfig } from "../core/task.js";
import type { Connector, ConnectorsFile } from "../credentials/connectors-file.js";
import {
  fromDefaultChain,
  fromInstanceRole,
  fromProfile,
  type SourceContext,
  withRole,
} from "../credentials/sources.js";
import {
  activeProfile,
  environmentRegion,
  type RegionFrom,
  sharedConfigPath,
} from "../platform/aws-config.js";
import { homeDir } from "../platform/home.js";

// Connectors (their file schema and the connector sources) load only when an identity names a
// connector (ARCHITECTURE.md, "Start-up").
const loadConnectors = () =>
  Promise.all([
    import("../credentials/connectors-file.js"),
    import("../credentials/providers.js"),
  ]).then(([file, providers]) => ({ ...file, ...providers }));

/**
 * The region the task runs in and where it came from (docs/reference.md, "Region"): `--region`, the region
 * variable or the task file; else AWS_REGION, AWS_DEFAULT_REGION, the active profile's region.
 * Undefined when the task needs none because every registry names its own.
 */
export function resolveRegion(
  task: TaskConfig,
  env: Env,
  label: FieldLabel,
): RegionFrom | undefined {
  if (task.region === undefined) return undefined;
  if (task.region.kind === "code") return { region: task.region.region, origin: label("region") };
  if (task.region.kind === "environment") return regionFromEnvironment(env, label("region"));
  const resolved = resolveExpression(task.region.expression, env);
  if (!resolved.ok) {
    throw configError([
      { field: label("regionVariable"), message: resolved.reason, hint: resolved.hint },
    ]);
  }
  if (!isRegion(resolved.value)) {
    throw configError([
      {
        field: label("regionVariable"),
        message: `${task.region.expression} resolved to ${shownValue(resolved)}, which is not an AWS region code`,
        hint: "set the variable to a region code such as ap-southeast-2",
      },
    ]);
  }
  return {
    region: resolved.value,
    origin: `${label("regionVariable")} ${task.region.expression}`,
  };
}

/** The environment's region, or a config error that names every place looked at. */
export function regionFromEnvironment(env: Env, field: string): RegionFrom {
  const found = environmentRegion(env, isRegion);
  if (found === undefined) {
    throw configError([
      {
        field,
        message: `no region is set (looked at --region, AWS_REGION, AWS_DEFAULT_REGION and the region of profile ${activeProfile(env)} in ${sharedConfigPath(env)})`,
        hint: "set a region code (e.g. --region eu-west-1, or AWS_REGION=eu-west-1) or a region variable (e.g. --region-variable '${bamboo.awsRegion}')",
      },
    ]);
  }
  if (found.region === undefined) {
    throw configError([
      {
        field: found.origin,
        message: `"${found.invalid}" is not an AWS region code`,
        hint: "use a code such as us-east-1, eu-central-1 or cn-north-1, or give --region",
      },
    ]);
  }
  return found;
}

/** Where the connectors file is: the flag, then ECR_VARS_CONNECTORS, then the user's config dir. */
export function connectorsFilePath(flag: string | undefined, env: Env): string {
  if (flag !== undefined) return flag;
  if (env.ECR_VARS_CONNECTORS) return env.ECR_VARS_CONNECTORS;
  const configHome = env.XDG_CONFIG_HOME || join(homeDir(env), ".config");
  return join(configHome, "ecr-vars", "connectors.yml");
}

export interface SourceInit {
  readonly task: TaskConfig;
  readonly env: Env;
  readonly label: FieldLabel;
  readonly connectorsPath: string;
}

/**
 * Resolves identities (a source plus an optional role) to credential providers. The connectors
 * file is read once, and only when some identity names a connector. `owner` says whose identity
 * it is for messages: the task's, or one registry's own.
 */
export function identityResolver(
  init: SourceInit,
): (
  identity: IdentitySpec,
  context: SourceContext,
  owner: "task" | "registry",
) => Promise<CredentialProvider> {
  let file: Promise<ConnectorsFile> | undefined;
  return async (identity, context, owner) => {
    let provider: CredentialProvider;
    const { source } = identity;
    switch (source.kind) {
      case "default-chain":
        provider = fromDefaultChain(context);
        break;
      case "instance-role":
        provider = fromInstanceRole(context);
        break;
      case "connector": {
        if (source.connector.kind === "profile") {
          provider = fromProfile({ profile: source.connector.profile }, context);
          break;
        }
        const connectors = await loadConnectors();
        file ??= connectors.loadConnectorsFile(init.connectorsPath);
        const loaded = await file;
        const label: FieldLabel = owner === "task" ? init.label : () => init.label("registries");
        const connector = pickConnector(connectors, loaded, source.connector, init.env, label);
        provider = connectors.fromConnector(connector, loaded.connectors, context);
        break;
      }
    }
    return identity.roleArn === undefined
      ? provider
      : withRole(provider, { roleArn: identity.roleArn }, context);
  };
}

function pickConnector(
  { isUuid, findConnector }: Awaited<ReturnType<typeof loadConnectors>>,
  file: ConnectorsFile,
  setting: Exclude<ConnectorSetting, { kind: "profile" }>,
  env: Env,
  label: FieldLabel,
): Connector {
  let ref: string;
  let shown: string;
  if (setting.kind === "variable") {
    const resolved = resolveExpression(setting.expression, env);
    if (!resolved.ok) {
      throw configError([
        { field: label("connectorVariable"), message: resolved.reason, hint: resolved.hint },
      ]);
    }
    if (!isUuid(resolved.value)) {
      throw configError([
        {
          field: label("connectorVariable"),
          message: `${setting.expression} resolved to ${shownValue(resolved)}, which is not a connector id`,
          hint: "set the variable to a connector's UUID, e.g. f24e81bc-7aff-42db-86a2-7cf82e24d871",
        },
      ]);
    }
    ref = resolved.value;
    shown = resolved.secret ? `${setting.expression} = ${shownValue(resolved)}` : `"${ref}"`;
  } else {
    ref = setting.ref;
    shown = `"${ref}"`;
  }
  const connector = findConnector(file.connectors, ref);
  if (connector === undefined) {
    const known = file.connectors.map((c) => `${c.name} (${c.id})`).join(", ") || "none";
    throw configError([
      {
        field: label(setting.kind === "variable" ? "connectorVariable" : "connector"),
        message: `no connector ${shown} in ${file.path}`,
        hint: `use the id or name of a defined connector; defined: ${known}`,
      },
    ]);
  }
  return connector;
}
