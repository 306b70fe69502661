/**
 * STS exchanges that turn one credential into another: GetSessionToken and GetFederationToken (IAM
 * user keys in, session keys out) and AssumeRoleWithWebIdentity (an OIDC token in). The official
 * STS client and provider do the signing; this module adds the parameters and error context.
 */

import type { STSClient } from "@aws-sdk/client-sts";
import { callAws } from "../aws/call.js";
import type { Credentials } from "../core/credentials.js";
import type { SourceContext } from "./sources.js";

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

/** One STS exchange signed with `base`'s keys; its errors name the operation and `base`. */
function exchange(
  operation: string,
  base: Credentials,
  context: SourceContext,
  source: string,
  send: (client: STSClient) => Promise<{ Credentials?: StsCredentials | undefined }>,
): Promise<Credentials> {
  const { source: identity, ...credentials } = base;
  return callAws({ service: "STS", operation, call: context.call, identity }, async (kit) => {
    const { STSClient } = await import("../aws/sdk.js");
    const out = await send(kit.use(new STSClient({ ...kit.config, credentials })));
    return fromStsCredentials(out.Credentials, source, operation);
  });
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
  return exchange("GetSessionToken", base, context, source, async (client) => {
    const { GetSessionTokenCommand } = await import("../aws/sdk.js");
    return client.send(
      new GetSessionTokenCommand({
        ...(init.mfaSerial === undefined ? {} : { SerialNumber: init.mfaSerial }),
        ...(init.mfaCode === undefined ? {} : { TokenCode: init.mfaCode }),
        ...(init.durationSeconds === undefined ? {} : { DurationSeconds: init.durationSeconds }),
      }),
    );
  });
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
  return exchange("GetFederationToken", base, context, source, async (client) => {
    const { GetFederationTokenCommand } = await import("../aws/sdk.js");
    return client.send(
      new GetFederationTokenCommand({
        Name: init.name,
        ...(init.policy === undefined ? {} : { Policy: init.policy }),
        ...(init.durationSeconds === undefined ? {} : { DurationSeconds: init.durationSeconds }),
      }),
    );
  });
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
  const about = { service: "STS", operation: "AssumeRoleWithWebIdentity" };
  return callAws(
    { ...about, call: context.call, identity: `role ${init.roleArn}` },
    async (kit) => {
      const { fromWebToken } = await import("../aws/sdk.js");
      const provider = fromWebToken({
        roleArn: init.roleArn,
        webIdentityToken: init.token,
        roleSessionName: init.sessionName,
        ...(init.policy === undefined ? {} : { policy: init.policy }),
        ...(init.durationSeconds === undefined ? {} : { durationSeconds: init.durationSeconds }),
        ...kit.provider,
      });
      return { ...(await provider()), source };
    },
  );
}
