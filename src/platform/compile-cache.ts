/**
 * Node's own module compile cache (`module.enableCompileCache`, Node 22.1 and later) for the
 * bins: the code a run loads after this call starts from V8 code that an earlier run saved,
 * instead of being compiled again. Node keys each entry by the file's content, its own version
 * and flags, and ignores entries that do not match or are damaged. Node 20 has no compile cache
 * and compiles at every start (docs/start-up.md).
 *
 * The cache holds code that this process will run, so it lives only in a directory that is this
 * user's own and closed to others: `compile/` in the token cache's directory, created 0700.
 * Anything else (someone else's directory, a link, a mode others may write to) means no cache.
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off, `NODE_COMPILE_CACHE=DIR` moves it (Node's own).
 */

import { lstatSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { isPrivateToUser } from "./owner.js";

type NodeModule = { enableCompileCache?: (dir: string) => unknown };

export function enableCompileCache(cacheDir: () => string): void {
  const module = require("node:module") as NodeModule;
  if (typeof module.enableCompileCache !== "function") return;
  try {
    const parent = cacheDir();
    const dir = join(parent, "compile");
    mkdirSync(parent, { recursive: true, mode: 0o700 });
    // The parent may be a directory named in ECR_VARS_CACHE_DIR: if others may write to it, they
    // could put a `compile/` of their own there.
    if (!isTrusted(parent, 0o022)) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isTrusted(dir, 0o077)) return;
    module.enableCompileCache(dir);
  } catch {
    // No cache: the run compiles, as on Node 20.
  }
}

function isTrusted(path: string, mask: number): boolean {
  const stat = lstatSync(path);
  return stat.isDirectory() && isPrivateToUser(stat, mask);
}
