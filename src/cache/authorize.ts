/**
 * The token cache as an `Authorize` step of a run (see task/run.ts): a fresh token for this
 * configuration is answered without any AWS call; otherwise one GetCallerIdentity names the
 * identity, whose fresh token is reused if there is one, and only then is ECR asked.
 * The cache is an optimisation: failing to read or write it never fails the run.
 */

import { callerIdentityArn } from "../aws/caller-identity.js";
import type { FetchedAuthorization } from "../aws/ecr.js";
import { fetchAuthorizations } from "../aws/ecr.js";
import type { Env } from "../core/expressions.js";
import type { Logger } from "../platform/logger.js";
import type { Authorize } from "../task/run.js";
import { accountOf, type CacheConfig, configKey, endpointOf, identityOf, tokenKey } from "./key.js";
import { type CachedToken, isFresh, lookup, readCache, updateCache } from "./store.js";

export type CacheOutcome = "hit" | "identity-hit" | "miss";

export interface CachedAuthorizeInit {
  readonly dir: string;
  readonly env: Env;
  /** The configuration, without region and registry (they come with each request). */
  readonly config: Omit<CacheConfig, "region" | "registryId">;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** Told how the request was answered (for the summary and tests). */
  readonly onOutcome?: (outcome: CacheOutcome) => void;
}

export function cachedAuthorize(init: CachedAuthorizeInit): Authorize {
  const now = () => init.clock?.() ?? new Date();
  return async ({ call, region, credentials, registryIds }) => {
    const ids = registryIds.length > 0 ? [...registryIds] : ["default"];
    const aliases = ids.map((registryId) =>
      configKey({ ...init.config, region, registryId }, init.env),
    );
    const data = await readCache(init.dir);
    const hits = aliases.map((alias) => lookup(data, alias, now()));
    if (hits.every((hit): hit is CachedToken => hit !== undefined)) {
      init.onOutcome?.("hit");
      const first = hits[0];
      return {
        authorizations: hits.map(toAuthorization),
        source: `the token cache (identity ${first?.identity ?? "?"})`,
      };
    }

    const arn = await callerIdentityArn({ call, credentials });
    const identity = identityOf(arn);
    const endpoint = endpointOf(init.env);
    const accounts = ids.map((id) => (id === "default" ? (accountOf(arn) ?? id) : id));
    const keys = accounts.map((id) => tokenKey(identity, id, region, endpoint));
    const shared = keys.map((key) => data.tokens[key]);
    let authorizations: FetchedAuthorization[];
    let tokens: CachedToken[];
    if (shared.every((t): t is CachedToken => t !== undefined && isFresh(t, now()))) {
      init.onOutcome?.("identity-hit");
      tokens = shared;
      authorizations = shared.map(toAuthorization);
    } else {
      init.onOutcome?.("miss");
      authorizations = await fetchAuthorizations({ call, credentials, registryIds });
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
      );
    } catch (error) {
      init.logger.warn(
        `the token cache in ${init.dir} was not updated (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); continuing without it`,
      );
    }
    return { authorizations };
  };
}

function toAuthorization(token: CachedToken): FetchedAuthorization {
  return {
    registryId: token.registryId,
    authorizationToken: token.authorizationToken,
    proxyEndpoint: token.proxyEndpoint,
    expiresAt: new Date(token.expiresAt),
  };
}
