/**
 * The authorization step of a run: how one call group's ECR authorizations are obtained. It is
 * one of three outcomes, decided in one place (`cache/authorize.ts` with `--cache`, otherwise
 * always `fetched`), so that the summary and the `--debug` call count cannot disagree with what
 * was actually sent to AWS.
 */

import type { AwsCallOptions } from "../aws/call.js";
import { type FetchedAuthorization, fetchAuthorizations } from "../aws/ecr.js";
import { fetchPublicAuthorization } from "../aws/ecr-public.js";
import type { CredentialProvider } from "../core/credentials.js";

export type AuthorizationStep =
  /** A fresh cached token for this very configuration: no AWS call at all. */
  | {
      readonly kind: "cache-hit";
      readonly authorizations: FetchedAuthorization[];
      /** The identity (ARN) the cached token was issued to. */
      readonly identity: string;
    }
  /** STS GetCallerIdentity named the identity, which had a fresh cached token: no ECR call. */
  | {
      readonly kind: "identity-hit";
      readonly authorizations: FetchedAuthorization[];
      readonly identity: string;
    }
  /** One ECR GetAuthorizationToken call. */
  | { readonly kind: "fetched"; readonly authorizations: FetchedAuthorization[] };

export interface AuthorizeRequest {
  /** `ecr-public`: ECR Public (us-east-1, no registry ids). */
  readonly service: "ecr" | "ecr-public";
  readonly call: AwsCallOptions;
  readonly region: string;
  readonly credentials: CredentialProvider;
  readonly registryIds: readonly string[];
  /**
   * Names the credentials: equal for every group of one identity in one partition, so that
   * what is learnt about the identity (its ARN) is asked once per run, not once per group.
   */
  readonly identity: string;
}

export type Authorize = ((request: AuthorizeRequest) => Promise<AuthorizationStep>) & {
  /**
   * The step when it needs no AWS call (a `cache-hit`), else undefined. A run asks this of every
   * group first, before it arms its deadline: a run answered from the cache needs no timer and
   * no network.
   */
  readonly hit?: (request: AuthorizeRequest) => Promise<AuthorizationStep | undefined>;
};

/** The step without a cache: ask ECR. */
export const fetchFromEcr: Authorize = async (request) => ({
  kind: "fetched",
  authorizations:
    request.service === "ecr-public"
      ? [await fetchPublicAuthorization(request)]
      : await fetchAuthorizations(request),
});

/** The provenance the summary shows for a step that used no credentials, else undefined. */
export function cachedSource(step: AuthorizationStep): string | undefined {
  return step.kind === "cache-hit" ? `the token cache (identity ${step.identity})` : undefined;
}
