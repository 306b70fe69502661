/**
 * Why the default AWS credential chain found nothing: what each of its links looks for, in the
 * SDK's order, and why it gave up — from the environment and the shared files, so that "could
 * not load credentials from any providers" becomes something a user can act on. No network.
 */

import type { FieldProblem } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import {
  activeProfile,
  imdsEndpoint,
  profileSettings,
  readSharedFile,
  sharedConfigPath,
  sharedCredentialsPath,
} from "../platform/aws-config.js";

/** One line per link of the chain: `link N (name): looked for ...: why it gave up`. */
export function diagnoseDefaultChain(env: Env): FieldProblem[] {
  const links: Array<[string, string]> = [];
  const profile = activeProfile(env);
  const profileSet = Boolean(env.AWS_PROFILE);

  // 1. Environment variables (the SDK skips them when AWS_PROFILE names a profile).
  const keyId = Boolean(env.AWS_ACCESS_KEY_ID);
  const secret = Boolean(env.AWS_SECRET_ACCESS_KEY);
  links.push([
    "environment",
    profileSet
      ? `skipped: AWS_PROFILE=${profile} is set, and then the SDK reads keys only from that profile`
      : keyId && !secret
        ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
        : !keyId && secret
          ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
          : "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
  ]);

  // 2-4. The profile in the shared files: SSO, keys, assumed role, credential_process.
  const configPath = sharedConfigPath(env);
  const credentialsPath = sharedCredentialsPath(env);
  const config = readSharedFile(configPath);
  const credentials = readSharedFile(credentialsPath);
  const fromConfig = "text" in config ? profileSettings(config.text, profile, "config") : undefined;
  const fromCredentials =
    "text" in credentials ? profileSettings(credentials.text, profile, "credentials") : undefined;
  const settings = new Map([...(fromConfig ?? []), ...(fromCredentials ?? [])]);
  const files = `${configPath} (${"text" in config ? "read" : config.error}) and ${credentialsPath} (${"text" in credentials ? "read" : credentials.error})`;
  if (fromConfig === undefined && fromCredentials === undefined) {
    links.push(["profile", `no profile "${profile}" in ${files}`]);
  } else {
    const has = (key: string) => Boolean(settings.get(key));
    const kinds = [
      has("sso_session") || has("sso_start_url") ? "SSO" : "",
      has("aws_access_key_id") ? "keys" : "",
      has("role_arn") ? "an assumed role" : "",
      has("credential_process") ? "credential_process" : "",
      has("web_identity_token_file") ? "web identity" : "",
    ].filter((k) => k !== "");
    links.push([
      "profile",
      kinds.length === 0
        ? `profile "${profile}" (in ${files}) sets no credentials: no keys, SSO, role or credential_process`
        : `profile "${profile}" sets ${kinds.join(", ")}, which gave no credentials${kinds.includes("SSO") ? " (is the SSO login current? aws sso login)" : ""}`,
    ]);
  }

  // 5. Web identity from the environment (EKS IRSA, GitLab, ...).
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE;
  links.push([
    "web identity",
    tokenFile && env.AWS_ROLE_ARN
      ? `AWS_WEB_IDENTITY_TOKEN_FILE=${tokenFile} with AWS_ROLE_ARN gave no credentials`
      : tokenFile
        ? "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
        : "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set",
  ]);

  // 6. The container endpoint (ECS, EKS Pod Identity), else 7. the instance metadata service.
  const container =
    env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (container) {
    links.push(["container role", `the container credentials endpoint ${container} gave none`]);
  } else {
    links.push([
      "container role",
      "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set (not an ECS task or EKS pod)",
    ]);
    links.push([
      "instance role",
      env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true"
        ? "not asked: AWS_EC2_METADATA_DISABLED=true"
        : `the instance metadata service at ${imdsEndpoint(env)} gave no role credentials (not an EC2 instance, no role attached, or IMDSv2 unreachable)`,
    ]);
  }
  return links.map(([name, message], index) => ({ field: `link ${index + 1} (${name})`, message }));
}

/** What to do about an empty chain, naming the usual ways to give credentials. */
export const EMPTY_CHAIN_HINT =
  "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE=NAME for a profile of ~/.aws/config (after aws sso login --profile NAME for SSO), or run on an EC2 instance, ECS task or EKS pod with a role";
