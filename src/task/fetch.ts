/**
 * Fetches the authorizations of many registries: one call per group (see `groupCalls`), groups
 * run concurrently up to a bound, each identity's credentials resolved once per partition.
 */

import type { AwsCallOptions } from "../aws/call.js";
import { type FetchedAuthorization, fetchAuthorizations } from "../aws/ecr.js";
import { fetchPublicAuthorization } from "../aws/ecr-public.js";
import type { CredentialProvider } from "../core/credentials.js";
import { EcrVarsError } from "../core/errors.js";
import { type CallGroup, groupCalls, type Registry } from "../core/registries.js";
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
  /**
   * A group's step when it needs no AWS call (the token cache's hit), else undefined: see
   * `cachedGroups`.
   */
  readonly hitTaskGroup?: (
    group: CallGroup,
    call: AwsCallOptions,
    credentials: CredentialProvider,
  ) => Promise<AuthorizationStep | undefined>;
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
  let calls = 0;
  const result = await collect(init, async (group, call, credentials) => {
    if (init.authorizeTaskGroup !== undefined && authorizable(group)) {
      const step = await init.authorizeTaskGroup(group, call, credentials);
      if (step.kind === "fetched") calls += 1;
      return { answer: step.authorizations, source: cachedSource(step) };
    }
    calls += 1;
    if (group.kind === "public") {
      return { answer: [await fetchPublicAuthorization({ call, credentials })] };
    }
    const answer = await fetchAuthorizations({
      call,
      credentials,
      registryIds: group.registryIds,
      variant: group.variant,
      endpointOverridden: init.endpointOverridden,
    });
    return { answer };
  });
  if (result === undefined) throw new Error("a group was left without an answer");
  return { ...result, calls };
}

/**
 * The authorizations when every group is answered without an AWS call (`hitTaskGroup`), else
 * undefined (and nothing was sent): a run tries this before it arms its deadline.
 */
export async function cachedGroups(init: GroupFetchInit): Promise<GroupFetchResult | undefined> {
  const hit = init.hitTaskGroup;
  if (hit === undefined) return undefined;
  const result = await collect(init, async (group, call, credentials) => {
    if (!authorizable(group)) return undefined;
    const step = await hit(group, call, credentials);
    return step === undefined
      ? undefined
      : { answer: step.authorizations, source: cachedSource(step) };
  });
  return result === undefined ? undefined : { ...result, calls: 0 };
}

/** ECR Public, and private registries at their standard endpoint: what authorizeTaskGroup takes. */
const authorizable = (group: CallGroup) => group.kind === "public" || group.variant === "standard";

type GroupAnswer = {
  readonly answer: FetchedAuthorization[];
  readonly source?: string | undefined;
};

/**
 * Answers every group (at most MAX_CONCURRENT_CALLS at a time) and hands each registry its
 * group's authorization; undefined as soon as a group has no answer.
 */
async function collect(
  init: GroupFetchInit,
  answerOf: (
    group: CallGroup,
    call: AwsCallOptions,
    credentials: CredentialProvider,
  ) => Promise<GroupAnswer | undefined>,
): Promise<Omit<GroupFetchResult, "calls"> | undefined> {
  const groups = groupCalls(init.registries);
  const byRegistry: Array<FetchedAuthorization | undefined> = init.registries.map(() => undefined);
  const sources: Array<string | undefined> = groups.map(() => undefined);
  let unanswered = false;

  await pool(groups, MAX_CONCURRENT_CALLS, async (group, groupIndex) => {
    if (unanswered) return;
    const call: AwsCallOptions = { ...init.call, region: group.region };
    const got = await answerOf(group, call, init.credentialsFor(group));
    if (got === undefined) {
      unanswered = true;
      return;
    }
    const { answer } = got;
    sources[groupIndex] = got.source;
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
  if (unanswered) return undefined;

  const authorizations = byRegistry.filter(
    (auth): auth is FetchedAuthorization => auth !== undefined,
  );
  if (authorizations.length !== init.registries.length) {
    throw new Error("a registry was left without an authorization");
  }
  return { authorizations, sources };
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
