/**
 * The token cache as the `Authorize` step of a run (task/authorize.ts), and the one place that
 * decides between its outcomes: a fresh token for this configuration whose dependencies are as
 * recorded is a `cache-hit` (no AWS call); otherwise, under the configuration's fetch lock
 * (coalesce.ts), the cache is read again — another process may just have written it — and then
 * GetCallerIdentity names the identity, once per identity and run however many regions it
 * serves, and a fresh token of that identity is an `identity-hit`; only then is ECR asked
 * (`fetched`). The cache is an optimisation: failing to read or write it never fails the run.
 */

import { callerIdentityArn } from "../aws/caller-identity.js";
import type { FetchedAuthorization } from "../aws/ecr.js";
import { fetchAuthorizations } from "../aws/ecr.js";
import { fetchPublicAuthorization } from "../aws/ecr-public.js";
import type { Env } from "../core/expressions.js";
import type { Logger } from "../platform/logger.js";
import type { AuthorizationStep, Authorize, AuthorizeRequest } from "../task/authorize.js";
import { coalesced } from "./coalesce.js";
import { type Dependencies, dependencyDigest } from "./config.js";
import { hostIdentity } from "./host-identity.js";
import { accountOf, type CacheConfig, configKey, endpointOf, identityOf, tokenKey } from "./key.js";
import { servedToken } from "./served.js";
import { type CacheData, type CachedToken, isFresh, readCache, updateCache } from "./store.js";

export interface CachedAuthorizeInit {
  readonly dir: string;
  readonly env: Env;
  /** The configuration, without region and registry (they come with each request). */
  readonly config: Omit<CacheConfig, "region" | "registryId">;
  /** A connector source's file and connector: what it references is a dependency (config.ts). */
  readonly connector?: { readonly path: string; readonly ref: string };
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/** The registry id under which ECR Public's token is cached (it has no account). */
export const PUBLIC_REGISTRY_ID = "public";

export function cachedAuthorize(init: CachedAuthorizeInit): Authorize {
  const now = () => init.clock?.() ?? new Date();
  // One GetCallerIdentity per identity: concurrent groups of one identity share the answer.
  const arns = new Map<string, Promise<string>>();
  // Once per run, not per call group: the cache file is the same for every group (a group that
  // misses reads it again under its lock).
  let cache: Promise<CacheData> | undefined;
  let references: Promise<Omit<Dependencies, "host"> | undefined> | undefined;

  /** The cache-hit step of `aliases` in `data`, if every one is served. */
  const hitIn = async (data: CacheData, aliases: readonly string[]) => {
    const hits = await Promise.all(
      aliases.map((alias) => servedToken(data, alias, init.env, now())),
    );
    if (!hits.every((hit): hit is CachedToken => hit !== undefined)) return undefined;
    const step: AuthorizationStep = {
      kind: "cache-hit",
      authorizations: hits.map(toAuthorization),
      identity: hits[0]?.identity ?? "?",
    };
    return step;
  };

  /** The registry ids a request's tokens are kept under, and their configuration keys. */
  const keysOf = ({ service, region, registryIds }: AuthorizeRequest) => {
    // ECR Public has no registry ids: its one token is kept under `public`.
    const ids =
      service === "ecr-public"
        ? [PUBLIC_REGISTRY_ID]
        : registryIds.length > 0
          ? [...registryIds]
          : ["default"];
    const aliases = ids.map((registryId) => configKey({ ...init.config, region, registryId }));
    return { ids, aliases };
  };

  const lookUp = async (request: AuthorizeRequest) => {
    cache ??= readCache(init.dir);
    return hitIn(await cache, keysOf(request).aliases);
  };

  const authorize = async (request: AuthorizeRequest): Promise<AuthorizationStep> => {
    const hit = await lookUp(request);
    if (hit !== undefined) return hit;
    const { aliases } = keysOf(request);
    return coalesced(init, aliases, async () => {
      const data = await readCache(init.dir);
      return (await hitIn(data, aliases)) ?? fetchAndStore(request, data);
    });
  };

  const fetchAndStore = async (request: AuthorizeRequest, data: CacheData) => {
    const { service, call, region, credentials, registryIds, identity: who } = request;
    const { ids, aliases } = keysOf(request);
    // What the connector references, digested before its credentials are resolved: a file that
    // changes during the run then makes the next run miss, never hit on the old identity.
    references ??= init.connector
      ? import("../task/connector-inputs.js").then(({ connectorInputs }) =>
          connectorInputs(init.connector?.path ?? "", init.connector?.ref ?? "", init.env),
        )
      : Promise.resolve({ files: [], variables: [] });
    const refs = await references;
    const before = refs === undefined ? undefined : dependencyDigest(refs, init.env, undefined);

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
    // A host-bound source is recorded with what its endpoint handed out (host-identity.ts): the
    // keys the run used from IMDS, the role a container endpoint names (asked now, as its keys
    // may be new on every request). A hit asks the endpoint again.
    const used = await credentials();
    const host = used.hostBound;
    const hostId =
      host === undefined
        ? undefined
        : host === "imds"
          ? `key:${used.accessKeyId}`
          : await hostIdentity(host, init.env);
    // Without its dependencies known as they were before the run, nothing points at the token.
    const unchanged = refs !== undefined && before === dependencyDigest(refs, init.env, undefined);
    const recorded = {
      ...(refs ?? { files: [], variables: [] }),
      ...(host === undefined ? {} : { host }),
    };
    const depends =
      !unchanged || (host !== undefined && hostId === undefined)
        ? undefined
        : { ...recorded, digest: dependencyDigest(recorded, init.env, hostId) };
    try {
      await updateCache(
        init.dir,
        (current) => {
          tokens.forEach((token, i) => {
            const key = keys[i];
            const alias = aliases[i];
            if (key === undefined || alias === undefined) return;
            current.tokens[key] = token;
            // Without its dependencies known the token is kept for its identity, not pointed at.
            if (depends === undefined) return;
            current.aliases[alias] = key;
            current.depends[alias] = depends;
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
  return Object.assign(authorize, { hit: lookUp });
}

function toAuthorization(token: CachedToken): FetchedAuthorization {
  return {
    registryId: token.registryId,
    authorizationToken: token.authorizationToken,
    proxyEndpoint: token.proxyEndpoint,
    expiresAt: new Date(token.expiresAt),
  };
}
