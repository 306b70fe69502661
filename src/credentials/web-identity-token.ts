/**
 * Where a web-identity connector's OIDC token comes from: GitHub Actions' token endpoint, a
 * variable (GitLab `id_tokens`), or a file (EKS IRSA, Kubernetes projected tokens).
 */

import { EcrVarsError } from "../core/errors.js";
import type { ConnectorOf } from "./connector-schema.js";
import { readReferencedFile, resolveReference } from "./references.js";
import type { SourceContext } from "./sources.js";

export interface WebIdentityToken {
  readonly token: string;
  /** Where it came from, for provenance: `GitHub Actions OIDC (audience sts.amazonaws.com)`. */
  readonly origin: string;
}

export const DEFAULT_AUDIENCE = "sts.amazonaws.com";

function noToken(message: string, hint: string, cause?: unknown): EcrVarsError {
  return new EcrVarsError({
    kind: "credentials",
    code: "NO_WEB_IDENTITY_TOKEN",
    message,
    hint,
    ...(cause === undefined ? {} : { cause }),
  });
}

export async function readWebIdentityToken(
  connector: ConnectorOf<"web-identity">,
  context: SourceContext,
): Promise<WebIdentityToken> {
  if (connector.github !== undefined) {
    const audience = connector.github.audience ?? DEFAULT_AUDIENCE;
    const token = await fetchGitHubToken(audience, context);
    return { token, origin: `GitHub Actions OIDC (audience ${audience})` };
  }
  if (connector.tokenEnv !== undefined) {
    const token = context.env[connector.tokenEnv];
    if (!token) {
      throw noToken(
        `tokenEnv: the environment variable ${connector.tokenEnv} is ${token === undefined ? "unset" : "empty"}`,
        `in GitLab CI, declare it in the job: id_tokens: { ${connector.tokenEnv}: { aud: ${DEFAULT_AUDIENCE} } }`,
      );
    }
    context.onSecret?.(token);
    return { token, origin: `token in $${connector.tokenEnv}` };
  }
  if (connector.tokenFile !== undefined) {
    const path = await resolveReference(connector.tokenFile, "tokenFile", context.env);
    const token = (await readReferencedFile(path, "tokenFile")).trim();
    if (token === "") throw noToken(`tokenFile: ${path} is empty`, "point tokenFile at the token");
    context.onSecret?.(token);
    return { token, origin: `token file ${path}` };
  }
  // The connectors file was validated: exactly one token source is set.
  throw new Error("web-identity connector without a token source");
}

/**
 * Asks the GitHub Actions runner for an OIDC token. The request token authorizes that, so it
 * goes only to https, or to plain http on loopback (a local stand-in in tests).
 */
async function fetchGitHubToken(audience: string, context: SourceContext): Promise<string> {
  const requestUrl = context.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = context.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    throw noToken(
      "github: ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set, so this is not a GitHub Actions job that may request an OIDC token",
      "give the job `permissions: id-token: write` (and run it in GitHub Actions)",
    );
  }
  context.onSecret?.(requestToken);
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch (error) {
    throw noToken(
      "github: ACTIONS_ID_TOKEN_REQUEST_URL is not a URL",
      "let the runner set it",
      error,
    );
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw noToken(
      `github: refusing to send the request token to ${url.protocol}//${url.host}`,
      "the runner's token URL must use https",
    );
  }
  url.searchParams.set("audience", audience);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `bearer ${requestToken}`, accept: "application/json" },
      signal: AbortSignal.timeout(context.call.attemptTimeoutMs),
    });
  } catch (error) {
    throw noToken(
      `github: the OIDC token request to ${url.host} failed (${(error as Error).name === "TimeoutError" ? "timed out" : "no connection"})`,
      "check the runner's network access to the token service",
      error,
    );
  }
  const body = (await response.json().catch(() => undefined)) as { value?: unknown } | undefined;
  if (!response.ok || typeof body?.value !== "string" || body.value === "") {
    throw noToken(
      `github: the OIDC token request to ${url.host} answered HTTP ${response.status}${response.ok ? " without a token" : ""}`,
      "check that the job has `permissions: id-token: write`",
    );
  }
  context.onSecret?.(body.value);
  return body.value;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]";
}
