/**
 * The token cache as the `Authorize` step of a run (task/authorize.ts), and the one place that
 * decides between its outcomes: a fresh token for this configuration is a `cache-hit` (no AWS
 * call); otherwise GetCallerIdentity names the identity, once per identity and run however many
 * regions it serves, and a fresh token of that identity is an `identity-hit`; only then is ECR
 * asked (`fetched`). The cache is an optimisation: failing to read or write it never fails the run.
 */

import { callerIdentityArn } from "../aws/caller-identity.js";
import type { FetchedAuthorization } from "../aws/ecr.js";
import { fetchAuthorizations } from "../aws/ecr.js";
import { fetchPublicAuthorization } from "../aws/ecr-public.js";
import type { Env } from "../core/expressions.js";
import type { Logger } from "../platform/logger.js";
import type { AuthorizationStep, Authorize, AuthorizeRequest } from "../task/authorize.js";
import {
  accountOf,
  type CacheConfig,
  configKeyOf,
  endpointOf,
  environmentFingerprint,
  identityOf,
  tokenKey,
} from "./key.js";
import {
  type CacheData,
  type CachedToken,
  isFresh,
  lookup,
  readCache,
  updateCache,
} from "./store.js";

export interface CachedAuthorizeInit {
  readonly dir: string;
  readonly env: Env;
  /** The configuration, without region and registry (they come with each request). */
  readonly config: Omit<CacheConfig, "region" | "registryId">;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/** The registry id under which ECR Public's token is cached (it has no account). */
export const PUBLIC_REGISTRY_ID = "public";

export function cachedAuthorize(init: CachedAuthorizeInit): Authorize {
  const now = () => init.clock?.() ?? new Date();
  // One GetCallerIdentity per identity: concurrent groups of one identity share the answer.
  const arns = new Map<string, Promise<string>>();
  // Once per run, not per call group: the fingerprint hashes the environment, and the cache file
  // is the same for every group (a group that misses re-reads it under the lock to update it).
  let fingerprint: string | undefined;
  let cache: Promise<CacheData> | undefined;
  /** The registry ids a request's tokens are kept under, their configuration keys, the cache. */
  const lookUp = async ({ service, region, registryIds }: AuthorizeRequest) => {
    // ECR Public has no registry ids: its one token is kept under `public`.
    const ids =
      service === "ecr-public"
        ? [PUBLIC_REGISTRY_ID]
        : registryIds.length > 0
          ? [...registryIds]
          : ["default"];
    fingerprint ??= environmentFingerprint(init.env);
    const print = fingerprint;
    const aliases = ids.map((registryId) =>
      configKeyOf({ ...init.config, region, registryId }, print),
    );
    cache ??= readCache(init.dir);
    const data = await cache;
    const hits = aliases.map((alias) => lookup(data, alias, now()));
    const step: AuthorizationStep | undefined = hits.every(
      (hit): hit is CachedToken => hit !== undefined,
    )
      ? {
          kind: "cache-hit",
          authorizations: hits.map(toAuthorization),
          identity: hits[0]?.identity ?? "?",
        }
      : undefined;
    return { ids, aliases, data, step };
  };
  const authorize = async (request: AuthorizeRequest): Promise<AuthorizationStep> => {
    const { service, call, region, credentials, registryIds, identity: who } = request;
    const { ids, aliases, data, step: hit } = await lookUp(request);
    if (hit !== undefined) return hit;

    let asked = arns.get(who);
    if (asked === undefined) {
      asked = callerIdentityArn({ call, credentials }).then((arn) => {
        init.logger.debug(`token cache: STS GetCallerIdentity in ${region} named ${arn}`);
        return arn;
      });
      arns.set(who, asked);
    }
    const arn = await asked;
    const identity = identityOf(arn);
    const endpoint = endpointOf(init.env);
    const accounts = ids.map((id) => (id === "default" ? (accountOf(arn) ?? id) : id));
    const keys = accounts.map((id) => tokenKey(identity, id, region, endpoint));
    const shared = keys.map((key) => data.tokens[key]);
    let step: AuthorizationStep;
    let tokens: CachedToken[];
    if (shared.every((t): t is CachedToken => t !== undefined && isFresh(t, now()))) {
      tokens = shared;
      step = { kind: "identity-hit", authorizations: shared.map(toAuthorization), identity: arn };
    } else {
      const authorizations =
        service === "ecr-public"
          ? [await fetchPublicAuthorization({ call, credentials })]
          : await fetchAuthorizations({ call, credentials, registryIds });
      step = { kind: "fetched", authorizations };
      const fetchedAt = now().toISOString();
      tokens = authorizations.map((auth) => ({
        identity: arn,
        registryId: auth.registryId,
        region,
        authorizationToken: auth.authorizationToken,
        proxyEndpoint: auth.proxyEndpoint,
        expiresAt: auth.expiresAt.toISOString(),
        fetchedAt,
      }));
    }
    try {
      await updateCache(
        init.dir,
        (current) => {
          tokens.forEach((token, i) => {
            const key = keys[i];
            const alias = aliases[i];
            if (key === undefined || alias === undefined) return;
            current.tokens[key] = token;
            current.aliases[alias] = key;
          });
        },
        now(),
        init.env,
      );
    } catch (error) {
      init.logger.warn(
        `the token cache in ${init.dir} was not updated (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); continuing without it`,
      );
    }
    return step;
  };
  return Object.assign(authorize, {
    hit: async (request: AuthorizeRequest) => (await lookUp(request)).step,
  });
}

function toAuthorization(token: CachedToken): FetchedAuthorization {
  return {
    registryId: token.registryId,
    authorizationToken: token.authorizationToken,
    proxyEndpoint: token.proxyEndpoint,
    expiresAt: new Date(token.expiresAt),
  };
}
