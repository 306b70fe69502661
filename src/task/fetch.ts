/**
 * Fetches the authorizations of many registries: one call per group (see `groupCalls`), groups
 * run concurrently up to a bound, each identity's credentials resolved once per partition.
 */

import { type FetchedAuthorization, fetchAuthorizations } from "../aws/ecr.js";
import { fetchPublicAuthorization } from "../aws/ecr-public.js";
import { EcrVarsError } from "../core/errors.js";
import { type CallGroup, groupCalls, type Registry } from "../core/registries.js";
import type { AwsCallOptions, CredentialProvider } from "../credentials/types.js";
import { type AuthorizationStep, cachedSource } from "./authorize.js";

/** Concurrent GetAuthorizationToken calls at most; enough for 40 registries in a few regions. */
export const MAX_CONCURRENT_CALLS = 8;

export interface GroupFetchInit {
  readonly registries: readonly Registry[];
  /** Call settings without the region, which each group sets. */
  readonly call: Omit<AwsCallOptions, "region">;
  /** AWS_ENDPOINT_URL(_ECR) is set, so FIPS and dual-stack groups use it too. */
  readonly endpointOverridden: boolean;
  /** The (memoized) credentials of a group's identity in its region's partition. */
  readonly credentialsFor: (group: CallGroup) => CredentialProvider;
  /**
   * Authorizes an ECR Public group or a standard-endpoint private group (the token cache plugs
   * in here for the task's own identity); only a `fetched` step counts as a call.
   */
  readonly authorizeTaskGroup?: (
    group: CallGroup,
    call: AwsCallOptions,
    credentials: CredentialProvider,
  ) => Promise<AuthorizationStep>;
}

export interface GroupFetchResult {
  /** One authorization per registry, in registry order. */
  readonly authorizations: FetchedAuthorization[];
  /** GetAuthorizationToken calls made to AWS (cache hits excluded). */
  readonly calls: number;
  /** Provenance of each group's answer when it did not come from the credentials (cache). */
  readonly sources: readonly (string | undefined)[];
}

export async function fetchGroups(init: GroupFetchInit): Promise<GroupFetchResult> {
  const groups = groupCalls(init.registries);
  const byRegistry: Array<FetchedAuthorization | undefined> = init.registries.map(() => undefined);
  const sources: Array<string | undefined> = groups.map(() => undefined);
  let calls = 0;

  await pool(groups, MAX_CONCURRENT_CALLS, async (group, groupIndex) => {
    const call: AwsCallOptions = { ...init.call, region: group.region };
    const credentials = init.credentialsFor(group);
    let answer: FetchedAuthorization[];
    if (
      init.authorizeTaskGroup !== undefined &&
      (group.kind === "public" || group.variant === "standard")
    ) {
      const step = await init.authorizeTaskGroup(group, call, credentials);
      if (step.kind === "fetched") calls += 1;
      sources[groupIndex] = cachedSource(step);
      answer = step.authorizations;
    } else if (group.kind === "public") {
      calls += 1;
      answer = [await fetchPublicAuthorization({ call, credentials })];
    } else {
      calls += 1;
      answer = await fetchAuthorizations({
        call,
        credentials,
        registryIds: group.registryIds,
        variant: group.variant,
        endpointOverridden: init.endpointOverridden,
      });
    }
    group.members.forEach((member, position) => {
      const registry = init.registries[member];
      const wanted = group.registryIds[position];
      const found =
        wanted === undefined ? answer[0] : answer.find((auth) => auth.registryId === wanted);
      if (registry === undefined || found === undefined) {
        throw new EcrVarsError({
          kind: "aws",
          code: "AWS_MALFORMED_RESPONSE",
          message: `ECR GetAuthorizationToken in ${group.region} returned no authorization for registry ${wanted ?? "(default)"}`,
          hint: "check that the endpoint is Amazon ECR or a faithful emulator of it",
        });
      }
      // A registry named by host is published under that host (e.g. its FIPS or dual-stack one).
      byRegistry[member] =
        registry.host !== undefined
          ? { ...found, proxyEndpoint: `https://${registry.host}` }
          : found;
    });
  });

  const authorizations = byRegistry.filter(
    (auth): auth is FetchedAuthorization => auth !== undefined,
  );
  if (authorizations.length !== init.registries.length) {
    throw new Error("a registry was left without an authorization");
  }
  return { authorizations, calls, sources };
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure wins. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      const item = items[index];
      if (item !== undefined) await work(item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
