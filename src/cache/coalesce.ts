/**
 * Concurrent cold callers that share a cache directory coalesce (docs/docker.md, "The token cache"): a
 * `docker compose pull` runs a helper per image, a node starting pods one per pod, an agent
 * several jobs at once. The first to miss fetches under a lock named after the configuration
 * keys it fetches for; the others wait for that lock, then read the cache again and are served
 * what it wrote. The lock is platform/lock.ts's, with its rules: a holder that died on this host
 * is taken over at once, one on another host after its age says it is gone. The wait is bounded:
 * past it a caller fetches on its own, as it would without a cache.
 */

import { join } from "node:path";
import { sha256Hex } from "../core/sha256.js";
import type { Logger } from "../platform/logger.js";
import { ensureCacheDir } from "./store.js";

type Env = Readonly<Record<string, string | undefined>>;

/** How long a caller waits for another process's fetch before it fetches itself. */
export const FETCH_WAIT_MS = 15_000;

/** Runs `work` (read the cache again, else fetch and store) under the lock of `keys`. */
export async function coalesced<T>(
  init: { readonly dir: string; readonly env: Env; readonly logger: Logger },
  keys: readonly string[],
  work: () => Promise<T>,
): Promise<T> {
  let started = false;
  const run = () => {
    started = true;
    return work();
  };
  let created = false;
  try {
    const { withFileLock } = await import("../platform/lock.js");
    created = await ensureCacheDir(init.dir, init.env);
    const name = join(init.dir, `fetch-${sha256Hex(keys.join("\n")).slice(0, 32)}`);
    return await withFileLock(name, run, { timeoutMs: FETCH_WAIT_MS });
  } catch (error) {
    if (started) throw error;
    init.logger.debug(
      `token cache: fetching without waiting for other processes (${(error as Error).message})`,
    );
    return run();
  } finally {
    // A directory made only for the lock of a run that cached nothing is not left behind (it is
    // removed only while empty: a token or another caller's lock keeps it).
    if (created) {
      const { rmdir } = await import("node:fs/promises");
      await rmdir(init.dir).catch(() => undefined);
    }
  }
}
