/**
 * STS exchanges that turn one credential into another: GetSessionToken and GetFederationToken (IAM
 * user keys in, session keys out) and AssumeRoleWithWebIdentity (an OIDC token in). The official
 * STS client and provider do the signing; this module adds the parameters and error context.
 */

import { toEcrVarsError } from "../aws/errors.js";
import { watched, watchPlugins } from "../aws/http.js";
import { type SourceContext, stsClientConfig } from "./sources.js";
import type { Credentials } from "./types.js";

interface StsCredentials {
  AccessKeyId?: string | undefined;
  SecretAccessKey?: string | undefined;
  SessionToken?: string | undefined;
  Expiration?: Date | undefined;
}

function fromStsCredentials(
  out: StsCredentials | undefined,
  source: string,
  operation: string,
): Credentials {
  if (!out?.AccessKeyId || !out.SecretAccessKey) {
    throw new Error(`STS ${operation} answered without credentials`);
  }
  return {
    accessKeyId: out.AccessKeyId,
    secretAccessKey: out.SecretAccessKey,
    ...(out.SessionToken === undefined ? {} : { sessionToken: out.SessionToken }),
    ...(out.Expiration === undefined ? {} : { expiration: out.Expiration }),
    source,
  };
}

async function stsClient(base: Credentials, context: SourceContext) {
  const { STSClient } = await import("@aws-sdk/client-sts");
  const { source: _source, ...credentials } = base;
  return watched(
    new STSClient({ ...(await stsClientConfig(context.call)), credentials }),
    context.call,
  );
}

export interface SessionTokenInit {
  readonly mfaSerial?: string;
  readonly mfaCode?: string;
  readonly durationSeconds?: number;
}

/** IAM user keys exchanged for session keys, optionally proving an MFA device. */
export async function getSessionToken(
  base: Credentials,
  init: SessionTokenInit,
  context: SourceContext,
  source: string,
): Promise<Credentials> {
  try {
    const { GetSessionTokenCommand } = await import("@aws-sdk/client-sts");
    const client = await stsClient(base, context);
    const out = await client.send(
      new GetSessionTokenCommand({
        ...(init.mfaSerial === undefined ? {} : { SerialNumber: init.mfaSerial }),
        ...(init.mfaCode === undefined ? {} : { TokenCode: init.mfaCode }),
        ...(init.durationSeconds === undefined ? {} : { DurationSeconds: init.durationSeconds }),
      }),
    );
    return fromStsCredentials(out.Credentials, source, "GetSessionToken");
  } catch (error) {
    throw toEcrVarsError(error, {
      service: "STS",
      attemptTimeoutMs: context.call.attemptTimeoutMs,
      operation: "GetSessionToken",
      region: context.call.region,
      identity: base.source,
    });
  }
}

export interface FederationInit {
  readonly name: string;
  readonly policy?: string;
  readonly durationSeconds?: number;
}

/** IAM user keys exchanged for a federated user's session, limited by an inline policy. */
export async function getFederationToken(
  base: Credentials,
  init: FederationInit,
  context: SourceContext,
  source: string,
): Promise<Credentials> {
  try {
    const { GetFederationTokenCommand } = await import("@aws-sdk/client-sts");
    const client = await stsClient(base, context);
    const out = await client.send(
      new GetFederationTokenCommand({
        Name: init.name,
        ...(init.policy === undefined ? {} : { Policy: init.policy }),
        ...(init.durationSeconds === undefined ? {} : { DurationSeconds: init.durationSeconds }),
      }),
    );
    return fromStsCredentials(out.Credentials, source, "GetFederationToken");
  } catch (error) {
    throw toEcrVarsError(error, {
      service: "STS",
      attemptTimeoutMs: context.call.attemptTimeoutMs,
      operation: "GetFederationToken",
      region: context.call.region,
      identity: base.source,
    });
  }
}

export interface WebIdentityInit {
  readonly roleArn: string;
  readonly token: string;
  readonly sessionName: string;
  readonly policy?: string;
  readonly durationSeconds?: number;
}

/** An OIDC token exchanged for a role's credentials; the call itself is unsigned. */
export async function assumeRoleWithWebIdentity(
  init: WebIdentityInit,
  context: SourceContext,
  source: string,
): Promise<Credentials> {
  try {
    const { fromWebToken } = await import("@aws-sdk/credential-providers");
    const provider = fromWebToken({
      roleArn: init.roleArn,
      webIdentityToken: init.token,
      roleSessionName: init.sessionName,
      ...(init.policy === undefined ? {} : { policy: init.policy }),
      ...(init.durationSeconds === undefined ? {} : { durationSeconds: init.durationSeconds }),
      clientConfig: await stsClientConfig(context.call),
      clientPlugins: watchPlugins(context.call),
    });
    return { ...(await provider()), source };
  } catch (error) {
    throw toEcrVarsError(error, {
      service: "STS",
      attemptTimeoutMs: context.call.attemptTimeoutMs,
      operation: "AssumeRoleWithWebIdentity",
      region: context.call.region,
      identity: `role ${init.roleArn}`,
    });
  }
}
