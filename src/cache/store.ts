/**
 * The token cache file: `$ECR_VARS_CACHE_DIR`, else `$XDG_CACHE_HOME/ecr-vars`, else
 * `~/.cache/ecr-vars`, holding `tokens.json` (0600 in a 0700 directory). Reads need no lock: the
 * file is only ever replaced by rename. Writes read-merge-write under the file's lock, so
 * concurrent helpers add to each other's entries. A file that is corrupt, of another format, not
 * ours or readable by others is ignored and replaced on the next write.
 *
 * On the helper's cache-hit path: node built-ins and small platform modules only.
 */

import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { join } from "node:path";
import { LIMITS, readBoundedSync } from "../platform/bounded-read.js";
import { hasPosixModes, isOwnedByUser, isPrivateToUser } from "../platform/owner.js";

type Env = Readonly<Record<string, string | undefined>>;

const FORMAT = "ecr-vars-token-cache";
const VERSION = 1;

export interface CachedToken {
  /** Caller identity the token was issued to (an ARN; not a secret). */
  readonly identity: string;
  readonly registryId: string;
  readonly region: string;
  readonly authorizationToken: string;
  readonly proxyEndpoint: string;
  /** ISO-8601. */
  readonly expiresAt: string;
  readonly fetchedAt: string;
}

/** What a token served under a configuration key also depended on (config.ts). */
export interface CachedDependencies {
  readonly files: readonly string[];
  readonly variables: readonly string[];
  readonly host?: "imds" | "container";
  /** `dependencyDigest` when the token was written. */
  readonly digest: string;
}

export interface CacheData {
  /** Configuration key → token key (see key.ts). */
  aliases: Record<string, string>;
  /**
   * Configuration key → its dependencies. An alias without them is not served (one written by a
   * version that dropped them): a miss, never a token the dependencies were not checked for.
   */
  depends: Record<string, CachedDependencies>;
  tokens: Record<string, CachedToken>;
}

export { cacheDir } from "./dir.js";

export const cacheFile = (dir: string) => join(dir, "tokens.json");

const emptyCache = (): CacheData => ({
  aliases: Object.create(null),
  depends: Object.create(null),
  tokens: Object.create(null),
});

/**
 * The cache's content; empty when missing, unreadable, corrupt, foreign or exposed. Synchronous:
 * it is one small file.
 */
export async function readCache(dir: string): Promise<CacheData> {
  let fd: number;
  const file = cacheFile(dir);
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return emptyCache();
  }
  try {
    const stat = fstatSync(fd);
    // Someone else's file, or one others can read or write, may be planted: do not trust it.
    if (!stat.isFile() || !isPrivateToUser(stat)) return emptyCache();
    return parseCache(readBoundedSync(fd, LIMITS.cacheFile));
  } catch {
    return emptyCache();
  } finally {
    closeSync(fd);
  }
}

export function parseCache(text: string): CacheData {
  const data = emptyCache();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return data;
  }
  if (!isObject(raw) || raw.format !== FORMAT || raw.version !== VERSION) return data;
  const { aliases, depends, tokens } = raw;
  if (isObject(aliases)) {
    for (const key of Object.keys(aliases)) {
      const value = aliases[key];
      if (typeof value === "string") data.aliases[key] = value;
    }
  }
  if (isObject(depends)) {
    for (const key of Object.keys(depends)) {
      const value = depends[key];
      if (isDependencies(value)) data.depends[key] = value;
    }
  }
  if (isObject(tokens)) {
    for (const key of Object.keys(tokens)) {
      const value = tokens[key];
      if (isToken(value)) data.tokens[key] = value;
    }
  }
  return data;
}

/**
 * Refresh before a margin of the token's life remains: a quarter of it (3 h of ECR's 12 h), at
 * least 5 minutes. A job handed a cached token can then run for hours before it expires, while
 * tokens are still reused across the many calls a build makes.
 */
export function isFresh(token: CachedToken, now: Date): boolean {
  return now.getTime() < freshUntil(token);
}

/** When (ms since the epoch) `isFresh` turns false for `token`; NaN for unreadable dates. */
export function freshUntil(token: CachedToken): number {
  const expires = Date.parse(token.expiresAt);
  const fetched = Date.parse(token.fetchedAt);
  return expires - Math.max(5 * 60_000, (expires - fetched) / 4);
}

/** The fresh token a configuration key points at. */
export function lookup(data: CacheData, config: string, now: Date): CachedToken | undefined {
  const key = data.aliases[config];
  const token = key === undefined ? undefined : data.tokens[key];
  if (token === undefined || !isFresh(token, now)) return undefined;
  return token;
}

/** Applies `change` to the current cache under its lock and writes it back (stale tokens pruned). */
export async function updateCache(
  dir: string,
  change: (data: CacheData) => void,
  now: Date,
  env: Env = {},
): Promise<void> {
  // Loaded here, not at the top: the hit path only reads.
  const { lstat, unlink } = await import("node:fs/promises");
  const { withFileLock } = await import("../platform/lock.js");
  const { writeSecretFile } = await import("../platform/write-file.js");
  await ensureCacheDir(dir, env);
  const file = cacheFile(dir);
  await withFileLock(file, async () => {
    const data = await readCache(dir);
    change(data);
    for (const [key, token] of Object.entries(data.tokens)) {
      if (Date.parse(token.expiresAt) <= now.getTime()) delete data.tokens[key];
    }
    for (const [key, target] of Object.entries(data.aliases)) {
      if (data.tokens[target] === undefined) delete data.aliases[key];
    }
    for (const key of Object.keys(data.depends)) {
      if (data.aliases[key] === undefined) delete data.depends[key];
    }
    // A planted link or a foreign file is removed, not followed: the directory is ours (0700).
    const stat = await lstat(file).catch(() => undefined);
    if (stat !== undefined && (!stat.isFile() || !isOwnedByUser(stat))) await unlink(file);
    const text = JSON.stringify({ format: FORMAT, version: VERSION, ...data });
    await writeSecretFile(file, `${text}\n`);
  });
}

/**
 * Creates the cache directory, or checks it, before a token or a lock is written into it; true
 * when this call created it.
 */
export async function ensureCacheDir(dir: string, env: Env): Promise<boolean> {
  const { chmod, lstat, mkdir } = await import("node:fs/promises");
  return prepareCacheDir(dir, env, { chmod, lstat, mkdir });
}

/**
 * Makes sure the cache directory is private before a token is written into it, restricting only
 * a directory that is ours: one this run creates, or the default `…/ecr-vars`. A directory the
 * user named in ECR_VARS_CACHE_DIR that exists already (a shared /tmp, the working directory) is
 * never chmod-ed: unless it is this user's and closed to group and others, the cache is not written.
 */
async function prepareCacheDir(
  dir: string,
  env: Env,
  fs: Pick<typeof import("node:fs/promises"), "chmod" | "lstat" | "mkdir">,
): Promise<boolean> {
  const before = await fs.lstat(dir).catch(() => undefined);
  if (before === undefined) {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  }
  const stat = await fs.lstat(dir);
  if (!stat.isDirectory() || !isOwnedByUser(stat)) {
    throw new Error(`the cache directory ${dir} is not a directory owned by this user`);
  }
  // Windows reports 0o777 for every directory: its profile's ACLs keep others out (owner.ts).
  if (!hasPosixModes() || (stat.mode & 0o077) === 0) return before === undefined;
  const ours = before === undefined || !env.ECR_VARS_CACHE_DIR;
  if (!ours) {
    throw new Error(
      `the cache directory ${dir} is open to other users (mode ${(stat.mode & 0o777).toString(8)}); point ECR_VARS_CACHE_DIR at a directory only you can read, or at a path that does not exist yet`,
    );
  }
  // Created just now with a umask-independent 0700, or the default directory named ecr-vars.
  await fs.chmod(dir, 0o700);
  return before === undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const TOKEN_FIELDS = [
  "identity",
  "registryId",
  "region",
  "authorizationToken",
  "proxyEndpoint",
  "expiresAt",
  "fetchedAt",
] as const satisfies readonly (keyof CachedToken)[];

function isDependencies(value: unknown): value is CachedDependencies {
  if (!isObject(value)) return false;
  const { files, variables, host, digest } = value;
  const strings = (list: unknown) =>
    Array.isArray(list) && list.every((item) => typeof item === "string");
  return (
    strings(files) &&
    strings(variables) &&
    typeof digest === "string" &&
    (host === undefined || host === "imds" || host === "container")
  );
}

function isToken(value: unknown): value is CachedToken {
  if (!isObject(value)) return false;
  for (const field of TOKEN_FIELDS) if (typeof value[field] !== "string") return false;
  return true;
}
