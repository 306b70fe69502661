/** `erase`: forgets the cached tokens of a registry host (what `docker logout HOST` asks for). */

import { cacheDir, updateCache } from "../cache/store.js";
import { normalizeHost } from "./config.js";

type Env = Readonly<Record<string, string | undefined>>;

export async function eraseCached(host: string, env: Env, now: Date): Promise<void> {
  await updateCache(
    cacheDir(env),
    (data) => {
      for (const [key, token] of Object.entries(data.tokens)) {
        if (normalizeHost(token.proxyEndpoint) === host) delete data.tokens[key];
      }
    },
    now,
    env,
  );
}
