/**
 * Whether the cache serves a configuration key: a fresh token, and the dependencies recorded
 * with it (config.ts) as they were. On the cache-hit path of both bins.
 */

import { type Dependencies, dependencyDigest } from "./config.js";
import { hostIdentity } from "./host-identity.js";
import { type CacheConfig, configKey } from "./key.js";
import { type CacheData, type CachedToken, cacheDir, lookup, readCache } from "./store.js";

type Env = Readonly<Record<string, string | undefined>>;

// One digest per set of dependencies and process: the registries of one run share them.
const digests = new Map<string, Promise<string | undefined>>();

export async function servedToken(
  data: CacheData,
  alias: string,
  env: Env,
  now: Date,
): Promise<CachedToken | undefined> {
  const token = lookup(data, alias, now);
  const depends = data.depends[alias];
  if (token === undefined || depends === undefined) return undefined;
  return (await currentDigest(depends, env)) === depends.digest ? token : undefined;
}

/**
 * The token the user's cache serves for one registry of a configuration, if any: the cache-hit
 * step of the credential helper and the kubelet plugin.
 */
export async function servedFromCache(
  config: Omit<CacheConfig, "region" | "registryId">,
  registry: Pick<CacheConfig, "region" | "registryId">,
  env: Env,
  now: Date,
): Promise<CachedToken | undefined> {
  const key = configKey({ ...config, region: registry.region, registryId: registry.registryId });
  return servedToken(await readCache(cacheDir(env)), key, env, now);
}

/** The digest of `dependencies` now; undefined when a host-bound endpoint does not answer. */
export function currentDigest(dependencies: Dependencies, env: Env): Promise<string | undefined> {
  const id = JSON.stringify([dependencies.files, dependencies.variables, dependencies.host]);
  let digest = digests.get(id);
  if (digest === undefined) {
    digest = (async () => {
      if (dependencies.host === undefined) return dependencyDigest(dependencies, env, undefined);
      // node:http is loaded only here, for a host-bound token (host-identity.ts).
      const hostId = await hostIdentity(dependencies.host, env);
      return hostId === undefined ? undefined : dependencyDigest(dependencies, env, hostId);
    })();
    digests.set(id, digest);
  }
  return digest;
}
