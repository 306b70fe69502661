/**
 * The user's cache directory: `$ECR_VARS_CACHE_DIR`, else `$XDG_CACHE_HOME/ecr-vars`, else
 * `~/.cache/ecr-vars`. The token cache (store.ts) and Node's compile cache
 * (platform/compile-cache.ts) live there; this module stays tiny because the bins' launchers
 * load it.
 */

import { join } from "node:path";
import { homeDir } from "../platform/home.js";

export function cacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.ECR_VARS_CACHE_DIR) return env.ECR_VARS_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homeDir(env), ".cache"), "ecr-vars");
}
