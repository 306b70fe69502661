/** Amazon ECR GetAuthorizationToken through the official SDK client, loaded only when called. */

import type { CredentialProvider } from "../core/credentials.js";
import { EcrVarsError } from "../core/errors.js";
import type { EndpointVariant } from "../core/registry-host.js";
import { checkAuthorizationSize, type RegistryAuthorization } from "../core/variables.js";
import { type AwsCallOptions, callAws } from "./call.js";

export interface FetchAuthorizationInit {
  readonly call: AwsCallOptions;
  readonly credentials: CredentialProvider;
  /** Registry (account) ids; empty for the caller's default registry. */
  readonly registryIds: readonly string[];
  /** Which ECR API endpoint to call; default `standard`. */
  readonly variant?: EndpointVariant;
  /** AWS_ENDPOINT_URL(_ECR) is set: that endpoint is used whatever the variant. */
  readonly endpointOverridden?: boolean;
}

/** True when the environment points ECR at a configured endpoint (as the SDK reads it). */
export function ecrEndpointOverridden(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return false;
  return Boolean(env.AWS_ENDPOINT_URL_ECR || env.AWS_ENDPOINT_URL);
}

/**
 * ECRClient options: the FIPS / dual-stack endpoint choice. A configured endpoint
 * (`AWS_ENDPOINT_URL*`) replaces that choice: the SDK refuses FIPS or dual-stack together with a
 * custom endpoint, and the user has said where ECR is.
 */
export function ecrEndpointOptions(
  requested: EndpointVariant = "standard",
  endpointOverridden = false,
) {
  const variant = endpointOverridden ? "standard" : requested;
  return {
    useFipsEndpoint: variant === "fips" || variant === "fips-dualstack",
    useDualstackEndpoint: variant === "dualstack" || variant === "fips-dualstack",
  };
}

export interface FetchedAuthorization extends RegistryAuthorization {
  /** The registry's account id, parsed from its proxy endpoint. */
  readonly registryId: string;
}

/** Fetches one authorization per registry id (or the default registry), in the order asked. */
export async function fetchAuthorizations(
  init: FetchAuthorizationInit,
): Promise<FetchedAuthorization[]> {
  const { source, ...credentials } = await init.credentials();
  return callAws(
    { service: "ECR", operation: "GetAuthorizationToken", identity: source, call: init.call },
    async ({ config, use }) => {
      const { ECRClient, GetAuthorizationTokenCommand } = await import("./sdk.js");
      const endpoint = ecrEndpointOptions(init.variant, init.endpointOverridden);
      const client = use(new ECRClient({ ...config, credentials, ...endpoint }));
      const output = await client.send(
        new GetAuthorizationTokenCommand(
          init.registryIds.length > 0 ? { registryIds: [...init.registryIds] } : {},
        ),
      );
      return toAuthorizations(output.authorizationData ?? [], init.registryIds);
    },
  );
}

interface AuthorizationData {
  authorizationToken?: string | undefined;
  expiresAt?: Date | undefined;
  proxyEndpoint?: string | undefined;
}

function toAuthorizations(
  data: readonly AuthorizationData[],
  registryIds: readonly string[],
): FetchedAuthorization[] {
  const all = data.map((entry) => {
    if (!entry.authorizationToken || !entry.expiresAt || !entry.proxyEndpoint) {
      throw malformed("an entry of authorizationData lacks a token, expiry or proxy endpoint");
    }
    // Before anything else holds it: the cache writes what this returns.
    checkAuthorizationSize(entry as RegistryAuthorization);
    const registryId = /^https?:\/\/(\d{12})\./.exec(entry.proxyEndpoint)?.[1];
    if (registryId === undefined)
      throw malformed(`the proxy endpoint ${entry.proxyEndpoint} names no registry id`);
    return {
      registryId,
      authorizationToken: entry.authorizationToken,
      expiresAt: entry.expiresAt,
      proxyEndpoint: entry.proxyEndpoint,
    };
  });
  if (registryIds.length === 0) {
    if (all.length === 0) throw malformed("no authorizationData was returned");
    return all.slice(0, 1);
  }
  return registryIds.map((id) => {
    const found = all.find((entry) => entry.registryId === id);
    if (!found) throw malformed(`no authorization was returned for registry ${id}`);
    return found;
  });
}

function malformed(detail: string): EcrVarsError {
  return new EcrVarsError({
    kind: "aws",
    code: "AWS_MALFORMED_RESPONSE",
    message: `ECR GetAuthorizationToken returned an unexpected answer: ${detail}`,
    hint: "check that the endpoint is Amazon ECR or a faithful emulator of it",
  });
}
