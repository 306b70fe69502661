/**
 * Credential sources as factories of `() => Promise<Credentials>`. The AWS SDK's own providers do
 * the work (IMDSv2, STS AssumeRole, the default chain); this module adds provenance and turns their
 * failures into errors that say which source was tried and why it failed.
 */

import { readFile } from "node:fs/promises";
import { toEcrVarsError } from "../aws/errors.js";
import { EcrVarsError } from "../core/errors.js";
import { type Env, resolveExpression } from "../core/expressions.js";
import { type Connector, findConnector } from "./connectors-file.js";
import { defaultSessionName } from "./session-name.js";
import type { AwsCallOptions, CredentialProvider, Credentials } from "./types.js";

export interface SourceContext {
  readonly env: Env;
  readonly call: AwsCallOptions;
}

/** The standard AWS chain: environment, shared files, web identity, container, instance role. */
export function fromDefaultChain(context: SourceContext): CredentialProvider {
  const source =
    "the default AWS credential chain (environment, profile, web identity, container, instance role)";
  return guarded(source, async () => {
    const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
    const provider = fromNodeProviderChain({
      clientConfig: { region: context.call.region },
      timeout: context.call.attemptTimeoutMs,
    });
    return { ...(await provider()), source: "the default AWS credential chain" };
  });
}

/** The EC2 instance profile, through IMDSv2 only (no fallback to the token-less IMDSv1). */
export function fromInstanceRole(context: SourceContext): CredentialProvider {
  const source = "the EC2 instance role (IMDSv2)";
  return guarded(source, async () => {
    const { fromInstanceMetadata } = await import("@aws-sdk/credential-providers");
    const provider = fromInstanceMetadata({
      timeout: context.call.attemptTimeoutMs,
      maxRetries: Math.max(0, context.call.maxAttempts - 1),
      ec2MetadataV1Disabled: true,
    });
    return { ...(await provider()), source };
  });
}

export interface AssumeRoleInit {
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly externalId?: string;
  readonly policy?: string;
  readonly durationSeconds?: number;
}

/** Credentials of `base` exchanged for a role's through STS AssumeRole. */
export function withRole(
  base: CredentialProvider,
  init: AssumeRoleInit,
  context: SourceContext,
): CredentialProvider {
  return async () => {
    const baseCredentials = await base();
    const source = `role ${init.roleArn} via ${baseCredentials.source}`;
    try {
      const { fromTemporaryCredentials } = await import("@aws-sdk/credential-providers");
      const provider = fromTemporaryCredentials({
        masterCredentials: baseCredentials,
        params: {
          RoleArn: init.roleArn,
          RoleSessionName: init.sessionName ?? defaultSessionName(context.env),
          ...(init.externalId === undefined ? {} : { ExternalId: init.externalId }),
          ...(init.policy === undefined ? {} : { Policy: init.policy }),
          ...(init.durationSeconds === undefined ? {} : { DurationSeconds: init.durationSeconds }),
        },
        clientConfig: stsClientConfig(context.call),
      });
      return { ...(await provider()), source };
    } catch (error) {
      throw toEcrVarsError(error, {
        service: "STS",
        operation: "AssumeRole",
        region: context.call.region,
        identity: source,
      });
    }
  };
}

/** The credentials a connector of the connectors file describes. */
export function fromConnector(
  connector: Connector,
  connectors: readonly Connector[],
  context: SourceContext,
): CredentialProvider {
  const label = `connector "${connector.name}" (${connector.type})`;
  switch (connector.type) {
    case "access-keys":
      return async () => {
        const accessKeyId = await resolveReference(
          connector.accessKeyId,
          label,
          "accessKeyId",
          context.env,
        );
        const secretAccessKey = await resolveReference(
          connector.secretAccessKey,
          label,
          "secretAccessKey",
          context.env,
        );
        const sessionToken =
          connector.sessionToken === undefined
            ? undefined
            : await resolveReference(connector.sessionToken, label, "sessionToken", context.env);
        return {
          accessKeyId,
          secretAccessKey,
          ...(sessionToken === undefined ? {} : { sessionToken }),
          source: label,
        };
      };
    case "instance-role": {
      const provider = fromInstanceRole(context);
      return async () => ({ ...(await provider()), source: `${label} via IMDSv2` });
    }
    case "assume-role": {
      const base = baseProvider(connector.base, connectors, context);
      return async () => {
        const externalId =
          connector.externalId === undefined
            ? undefined
            : await resolveReference(connector.externalId, label, "externalId", context.env);
        const init = {
          roleArn: connector.roleArn,
          ...(externalId === undefined ? {} : { externalId }),
          ...(connector.sessionName === undefined ? {} : { sessionName: connector.sessionName }),
          ...(connector.policy === undefined ? {} : { policy: connector.policy }),
          ...(connector.maxDurationSeconds === undefined
            ? {}
            : { durationSeconds: connector.maxDurationSeconds }),
        };
        const credentials = await withRole(base, init, context)();
        return {
          ...credentials,
          source: `connector "${connector.name}" (assume-role ${credentials.source})`,
        };
      };
    }
  }
}

function baseProvider(
  base: string | undefined,
  connectors: readonly Connector[],
  context: SourceContext,
): CredentialProvider {
  if (base === undefined || base === "environment") return fromDefaultChain(context);
  if (base === "instance-role") return fromInstanceRole(context);
  const connector = findConnector(connectors, base);
  // The connectors file was validated: every base names a connector and no chain is a cycle.
  if (connector === undefined) throw new Error(`unknown base connector ${base}`);
  return fromConnector(connector, connectors, context);
}

/** Resolves `${env.NAME}`, `${bamboo.NAME}` or `${file:PATH}`; other text is a literal. */
async function resolveReference(
  value: string,
  label: string,
  field: string,
  env: Env,
): Promise<string> {
  const file = /^\$\{file:([^}]+)\}$/.exec(value)?.[1];
  if (file !== undefined) {
    try {
      return (await readFile(file, "utf8")).replace(/\r?\n$/, "");
    } catch (error) {
      throw new EcrVarsError({
        kind: "credentials",
        code: "SECRET_REFERENCE_UNRESOLVED",
        message: `${label}: ${field} references the file ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? "read failed"})`,
        hint: "make the file readable by the build user, or reference an environment variable instead",
        cause: error,
      });
    }
  }
  const resolved = resolveExpression(value, env);
  if (resolved.ok) return resolved.value;
  throw new EcrVarsError({
    kind: "credentials",
    code: "SECRET_REFERENCE_UNRESOLVED",
    message: `${label}: ${field}: ${resolved.reason}`,
    hint: resolved.hint,
  });
}

/** Runs a provider; a failure becomes a credentials error naming the source and its reason. */
function guarded(
  source: string,
  provide: () => Promise<Omit<Credentials, "source"> & { source: string }>,
): CredentialProvider {
  return async () => {
    try {
      return await provide();
    } catch (error) {
      throw toEcrVarsError(error, {
        service: "credentials",
        operation: source,
        region: undefined,
        identity: source,
      });
    }
  };
}

/** Client settings shared by every STS call: region, bounded attempts and per-attempt timeouts. */
export function stsClientConfig(call: AwsCallOptions) {
  return {
    region: call.region,
    maxAttempts: call.maxAttempts,
    requestHandler: {
      connectionTimeout: call.attemptTimeoutMs,
      requestTimeout: call.attemptTimeoutMs,
    },
  };
}
