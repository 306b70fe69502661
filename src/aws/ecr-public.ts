/**
 * Amazon ECR Public GetAuthorizationToken through `@aws-sdk/client-ecr-public`, loaded only when
 * called. The API lives in us-east-1 only; besides `ecr-public:GetAuthorizationToken` the caller
 * needs `sts:GetServiceBearerToken`, because ECR Public authorizes with a bearer token that STS
 * issues on its behalf. The answer names no registry: it is always https://public.ecr.aws.
 */

import type { CredentialProvider } from "../core/credentials.js";
import { EcrVarsError } from "../core/errors.js";
import { PUBLIC_HOST } from "../core/registry-host.js";
import { checkAuthorizationSize } from "../core/variables.js";
import { type AwsCallOptions, callAws } from "./call.js";
import type { FetchedAuthorization } from "./ecr.js";

export interface FetchPublicInit {
  /** Its region must be us-east-1. */
  readonly call: AwsCallOptions;
  readonly credentials: CredentialProvider;
}

/** The caller's authorization for ECR Public. `registryId` is `public`: it has no account. */
export async function fetchPublicAuthorization(
  init: FetchPublicInit,
): Promise<FetchedAuthorization> {
  const { source, ...credentials } = await init.credentials();
  return callAws(
    {
      service: "ECR Public",
      operation: "GetAuthorizationToken",
      identity: source,
      call: init.call,
    },
    async ({ config, use }) => {
      const { ECRPUBLICClient, GetPublicAuthorizationTokenCommand } = await import("./sdk.js");
      const client = use(new ECRPUBLICClient({ ...config, credentials }));
      const data = (await client.send(new GetPublicAuthorizationTokenCommand({})))
        .authorizationData;
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
    },
  );
}
