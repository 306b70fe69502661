/**
 * Credential sources that need no connector: the default chain, the instance and container roles,
 * a shared-config profile, and AssumeRole on top of other credentials. The AWS SDK's own providers
 * and clients do the work; every SDK module is imported lazily, on the path that needs it.
 */

import { type AwsCallOptions, callAws, providerClients } from "../aws/call.js";
import { CLI_OTHER_SOURCES, toEcrVarsError } from "../aws/errors.js";
import type { CredentialProvider, Credentials } from "../core/credentials.js";
import { EcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { diagnoseDefaultChain, EMPTY_CHAIN_HINT } from "./chain-diagnosis.js";
import { defaultSessionName } from "./session-name.js";

export interface SourceContext {
  readonly env: Env;
  readonly call: AwsCallOptions;
  /** Called with every secret a source handles (tokens, intermediate keys) before it is used. */
  readonly onSecret?: (secret: string) => void;
  /** How the printing program chooses another source, for advice (see aws/errors.ts). */
  readonly otherSources?: string;
}

type SdkCredentials = Omit<Credentials, "source">;

const RETRY_PAUSE_MS = 300;

/** The standard AWS chain: environment, shared files, web identity, container, instance role. */
export function fromDefaultChain(context: SourceContext): CredentialProvider {
  const source =
    "the default AWS credential chain (environment, profile, web identity, container, instance role)";
  return guarded(
    source,
    async () => {
      const { fromNodeProviderChain } = await import("../aws/sdk.js");
      const provider = fromNodeProviderChain({
        ...(await providerClients(context.call)),
        timeout: context.call.attemptTimeoutMs,
      });
      let credentials: Awaited<ReturnType<typeof provider>>;
      try {
        credentials = await provider();
      } catch (error) {
        // Every link said "not configured here": say what each looked for, and what to set.
        if (
          /could not load credentials from any providers/i.test(String((error as Error).message))
        ) {
          throw new EcrVarsError({
            kind: "credentials",
            code: "NO_CREDENTIALS",
            message: "no AWS credentials: no link of the default credential chain found any",
            problems: diagnoseDefaultChain(context.env),
            hint: `${EMPTY_CHAIN_HINT}; or choose another source: ${context.otherSources ?? CLI_OTHER_SOURCES}`,
            cause: error,
          });
        }
        // A profile's SSO login that is missing or expired: say the one command that fixes it.
        const message = String((error as Error).message);
        if (/\bSSO\b/.test(message)) {
          throw new EcrVarsError({
            kind: "credentials",
            code: "SSO_LOGIN_NEEDED",
            message: `no usable credentials from ${source}: ${message.split("\n")[0]}`,
            hint: `run aws sso login --profile ${context.env.AWS_PROFILE || "default"}, then run again`,
            cause: error,
          });
        }
        throw error;
      }
      const link = chainLink(credentials as { $source?: Record<string, unknown> }, context.env);
      const hostBound =
        link === "instance role" ? "imds" : link === "container role" ? "container" : undefined;
      return {
        ...credentials,
        source: `the default AWS credential chain (${link})`,
        ...(hostBound === undefined ? {} : { hostBound }),
      };
    },
    context,
  );
}

/**
 * Which link of the default chain answered, from the feature marks the SDK's providers put on
 * the credentials they return (`$source`). The chain's instance-metadata provider sets none.
 */
export function chainLink(credentials: { $source?: Record<string, unknown> }, env: Env): string {
  const marks = Object.keys(credentials.$source ?? {});
  const has = (mark: string) => marks.includes(mark);
  const profile = `profile ${env.AWS_PROFILE || "default"}`;
  if (has("CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN"))
    return "web identity token from AWS_WEB_IDENTITY_TOKEN_FILE";
  if (has("CREDENTIALS_ENV_VARS")) return "environment variables";
  if (has("CREDENTIALS_PROFILE_SSO") || has("CREDENTIALS_PROFILE_SSO_LEGACY"))
    return `${profile}, SSO`;
  if (has("CREDENTIALS_PROFILE_PROCESS")) return `${profile}, credential_process`;
  if (has("CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN")) return `${profile}, web identity`;
  if (has("CREDENTIALS_PROFILE_SOURCE_PROFILE") || has("CREDENTIALS_PROFILE_NAMED_PROVIDER"))
    return `${profile}, assumed role`;
  if (has("CREDENTIALS_PROFILE") || has("CREDENTIALS_PROFILE_LOGIN")) return profile;
  if (has("CREDENTIALS_SSO") || has("CREDENTIALS_SSO_LEGACY")) return "SSO";
  if (has("CREDENTIALS_PROCESS")) return "credential_process";
  if (has("CREDENTIALS_HTTP")) return "container role";
  return "instance role";
}

/** The EC2 instance profile, through IMDSv2 only (no fallback to the token-less IMDSv1). */
export function fromInstanceRole(context: SourceContext): CredentialProvider {
  const source = "the EC2 instance role (IMDSv2)";
  return guarded(
    source,
    async () => {
      // The SDK's own chain honours this switch; an explicitly chosen instance role must too, or a
      // machine that turned IMDS off on purpose would still be probed.
      if (context.env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") {
        throw new EcrVarsError({
          kind: "credentials",
          code: "NO_CREDENTIALS",
          message: `no usable credentials from ${source}: the instance metadata service is turned off (AWS_EC2_METADATA_DISABLED=true)`,
          hint: `unset AWS_EC2_METADATA_DISABLED on an EC2 agent, or choose another source: ${context.otherSources ?? CLI_OTHER_SOURCES}`,
        });
      }
      const { fromInstanceMetadata } = await import("../aws/sdk.js");
      const provider = fromInstanceMetadata({
        timeout: context.call.attemptTimeoutMs,
        maxRetries: Math.max(0, context.call.maxAttempts - 1),
        ec2MetadataV1Disabled: true,
      });
      const blocked = (error: unknown) =>
        /fallback has been blocked/i.test((error as Error).message ?? "");
      try {
        // The SDK asks for the IMDSv2 token once per provider call and does not retry it: a
        // metadata service that fails one token request (a 500, a dropped connection) is asked
        // again, like any other transient fault, before the run gives up.
        for (let attempt = 1; ; attempt += 1) {
          try {
            return { ...(await provider()), source, hostBound: "imds" as const };
          } catch (error) {
            if (!blocked(error) || attempt >= context.call.maxAttempts) throw error;
            await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
          }
        }
      } catch (error) {
        // When the IMDSv2 token request fails the SDK only reports that it may not fall back to
        // IMDSv1, which hides the real problem: nothing answered at the metadata endpoint.
        if (!blocked(error)) throw error;
        const endpoint = context.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? "http://169.254.169.254";
        throw new EcrVarsError({
          kind: "credentials",
          code: "NO_CREDENTIALS",
          message: `no usable credentials from ${source}: no IMDSv2 token from ${endpoint}`,
          hint: "run on an EC2 instance with an instance profile; in a container on EC2, raise the instance's metadata hop limit to 2",
          cause: error,
        });
      }
    },
    context,
  );
}

/**
 * The ECS task role or EKS Pod Identity: the endpoint and its authorization token come from the
 * variables the container runtime sets. The SDK provider only talks to loopback and the
 * link-local ECS/EKS hosts, so the authorization token cannot be sent elsewhere.
 */
export function fromContainerRole(context: SourceContext): CredentialProvider {
  const source = "the container role (ECS task role or EKS Pod Identity)";
  return guarded(
    source,
    async () => {
      const { env } = context;
      const fullUri = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
      const relativeUri = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
      if (!fullUri && !relativeUri) {
        throw new EcrVarsError({
          kind: "credentials",
          code: "NO_CREDENTIALS",
          message:
            "not in an ECS task or an EKS pod with Pod Identity: AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_CREDENTIALS_RELATIVE_URI are unset",
          hint: "give the task a task role, or associate the pod's service account with a role (EKS Pod Identity)",
        });
      }
      const token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
      if (token) context.onSecret?.(token);
      const { fromHttp } = await import("../aws/sdk.js");
      const provider = fromHttp({
        ...(fullUri ? { awsContainerCredentialsFullUri: fullUri } : {}),
        ...(relativeUri ? { awsContainerCredentialsRelativeUri: relativeUri } : {}),
        ...(token ? { awsContainerAuthorizationToken: token } : {}),
        ...(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
          ? { awsContainerAuthorizationTokenFile: env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE }
          : {}),
        // For this provider `timeout` is the pause between attempts, not a per-attempt limit.
        timeout: RETRY_PAUSE_MS,
        maxRetries: Math.max(0, context.call.maxAttempts - 1),
      });
      return { ...(await provider()), source: "container role", hostBound: "container" as const };
    },
    context,
  );
}

export interface ProfileInit {
  readonly profile: string;
  readonly configFile?: string;
  readonly credentialsFile?: string;
}

/** A profile of the shared config and credentials files: keys, roles, SSO, credential_process. */
export function fromProfile(init: ProfileInit, context: SourceContext): CredentialProvider {
  const source = `profile ${init.profile}`;
  return guarded(
    source,
    async () => {
      const { fromIni } = await import("../aws/sdk.js");
      const provider = fromIni({
        profile: init.profile,
        ...(init.configFile === undefined ? {} : { configFilepath: init.configFile }),
        ...(init.credentialsFile === undefined ? {} : { filepath: init.credentialsFile }),
        ignoreCache: true,
        ...(await providerClients(context.call)),
      });
      return { ...(await provider()), source };
    },
    context,
  );
}

export interface AssumeRoleInit {
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly externalId?: string;
  readonly policy?: string;
  readonly durationSeconds?: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
  readonly sourceIdentity?: string;
}

/** Credentials of `base` exchanged for a role's through STS AssumeRole. */
export function withRole(
  base: CredentialProvider,
  init: AssumeRoleInit,
  context: SourceContext,
): CredentialProvider {
  return async () => assumeRole(await base(), init, context);
}

/** Calls STS AssumeRole with `base`; the result's source says which role, via what. */
export async function assumeRole(
  base: Credentials,
  init: AssumeRoleInit,
  context: SourceContext,
  via: string = base.source,
): Promise<Credentials> {
  const source = `role ${init.roleArn} via ${via}`;
  return callAws(
    { service: "STS", operation: "AssumeRole", call: context.call, identity: source },
    async (kit) => {
      const { fromTemporaryCredentials } = await import("../aws/sdk.js");
      const tags = Object.entries(init.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
      const provider = fromTemporaryCredentials({
        masterCredentials: base,
        params: {
          RoleArn: init.roleArn,
          RoleSessionName: init.sessionName ?? defaultSessionName(context.env),
          ...(init.externalId === undefined ? {} : { ExternalId: init.externalId }),
          ...(init.policy === undefined ? {} : { Policy: init.policy }),
          ...(init.durationSeconds === undefined ? {} : { DurationSeconds: init.durationSeconds }),
          ...(tags.length === 0 ? {} : { Tags: tags }),
          ...(init.transitiveTagKeys === undefined
            ? {}
            : { TransitiveTagKeys: [...init.transitiveTagKeys] }),
          ...(init.sourceIdentity === undefined ? {} : { SourceIdentity: init.sourceIdentity }),
        },
        ...kit.provider,
      });
      return { ...(await provider()), source };
    },
  );
}

/** Runs a provider; a failure becomes a credentials error naming the source and its reason. */
export function guarded(
  source: string,
  provide: () => Promise<SdkCredentials & { source: string }>,
  context?: Pick<SourceContext, "otherSources">,
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
        ...(context?.otherSources === undefined ? {} : { otherSources: context.otherSources }),
      });
    }
  };
}
