/**
 * Amazon ECR Public GetAuthorizationToken through `@aws-sdk/client-ecr-public`, loaded only when
 * called. The API lives in us-east-1 only; besides `ecr-public:GetAuthorizationToken` the caller
 * needs `sts:GetServiceBearerToken`, because ECR Public authorizes with a bearer token that STS
 * issues on its behalf. The answer names no registry: it is always https://public.ecr.aws.
 */

import { EcrVarsError } from "../core/errors.js";
import { PUBLIC_HOST } from "../core/registry-host.js";
import { checkAuthorizationSize } from "../core/variables.js";
import type { AwsCallOptions, CredentialProvider } from "../credentials/types.js";
import type { FetchedAuthorization } from "./ecr.js";
import { toEcrVarsError } from "./errors.js";
import { requestHandlerOptions, watched } from "./http.js";

export interface FetchPublicInit {
  /** Its region must be us-east-1. */
  readonly call: AwsCallOptions;
  readonly credentials: CredentialProvider;
}

/** The caller's authorization for ECR Public. `registryId` is `public`: it has no account. */
export async function fetchPublicAuthorization(
  init: FetchPublicInit,
): Promise<FetchedAuthorization> {
  const credentials = await init.credentials();
  const identity = credentials.source;
  try {
    const { ECRPUBLICClient, GetAuthorizationTokenCommand } = await import(
      "@aws-sdk/client-ecr-public"
    );
    const client = watched(
      new ECRPUBLICClient({
        region: init.call.region,
        credentials,
        maxAttempts: init.call.maxAttempts,
        requestHandler: await requestHandlerOptions(init.call),
      }),
      init.call,
    );
    try {
      const output = await client.send(new GetAuthorizationTokenCommand({}));
      const data = output.authorizationData;
      if (!data?.authorizationToken || !data.expiresAt) {
        throw new EcrVarsError({
          kind: "aws",
          code: "AWS_MALFORMED_RESPONSE",
          message:
            "ECR Public GetAuthorizationToken returned an unexpected answer: no token or expiry",
          hint: "check that the endpoint is Amazon ECR Public or a faithful emulator of it",
        });
      }
      const authorization = {
        registryId: "public",
        authorizationToken: data.authorizationToken,
        expiresAt: data.expiresAt,
        proxyEndpoint: `https://${PUBLIC_HOST}`,
      };
      checkAuthorizationSize(authorization);
      return authorization;
    } finally {
      client.destroy();
    }
  } catch (error) {
    throw toEcrVarsError(error, {
      service: "ECR Public",
      attemptTimeoutMs: init.call.attemptTimeoutMs,
      operation: "GetAuthorizationToken",
      region: init.call.region,
      identity,
    });
  }
}
