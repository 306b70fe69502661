/**
 * A cross-process lock beside a file (`<file>.lock`), so that parallel jobs updating one auth file
 * or one token cache each see the others' writes: read, merge and rename happen under the lock.
 *
 * Taking the lock: the owner record (pid, host, boot id, process start time, a random nonce) is
 * written to a temporary file first and hard-linked to the lock name, which fails when the name
 * exists; so a lock of ours is never seen empty or half-written.
 *
 * A held lock is stale when its owner certainly ended: same host and boot, and its pid is gone or
 * now belongs to a process that started at another time (pids are reused). A lock that cannot be
 * verified from here (another host on a shared file system, an empty or foreign file, a pid with
 * no start time) is stale once it is older than `staleAfterMs`: the lock is only ever held for the
 * few milliseconds of a read-merge-write. Where the platform has no process start times (macOS,
 * Windows) a running pid may be a reused one, so such a lock is taken over after 5 minutes.
 * Otherwise a live owner is waited for, never displaced.
 *
 * Taking over a stale lock has exactly one winner: the taker first creates `<file>.lock.break`
 * exclusively, checks that the lock is still the very file it judged stale (same inode and
 * timestamps), and renames its own fresh lock over it; everyone else finds a lock that is alive.
 */

import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EcrVarsError } from "../core/errors.js";
import { currentProcess, isRunning, type ProcessIdentity } from "./process-identity.js";
import { removeOnSignal } from "./signal-cleanup.js";

/** How long a run waits for a live holder by default. */
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
/** Age after which a lock whose owner cannot be verified from this host is taken over. */
export const UNVERIFIABLE_LOCK_MS = 10_000;
/** Age after which a lock verified by its pid alone (no start time on this platform) is taken over. */
export const PID_ONLY_LOCK_MS = 5 * 60_000;
/** Lock files are a few hundred bytes; reading more of a planted one is pointless. */
const MAX_LOCK_BYTES = 4096;

export interface LockOptions {
  /** How long to wait for a live holder, in milliseconds. */
  readonly timeoutMs?: number;
  /** Age at which an unverifiable lock counts as abandoned, in milliseconds. */
  readonly staleAfterMs?: number;
}

interface LockOwner extends ProcessIdentity {
  readonly since?: string;
}

type LockState =
  | { readonly kind: "gone" }
  | { readonly kind: "live"; readonly owner: LockOwner | undefined }
  | { readonly kind: "stale"; readonly id: string };

export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lockPath = `${path}.lock`;
  const self = currentProcess();
  const content = `${JSON.stringify({
    ...self,
    since: new Date().toISOString(),
    nonce: randomBytes(8).toString("hex"),
  })}\n`;
  // Registered first: a signal between taking the lock and the work must not leave it behind.
  const forgetLock = removeOnSignal(lockPath, content);
  try {
    await acquire(lockPath, content, self, options);
  } catch (error) {
    forgetLock();
    throw error;
  }
  try {
    return await work();
  } finally {
    await release(lockPath, content);
    forgetLock();
  }
}

async function acquire(
  lockPath: string,
  content: string,
  self: ProcessIdentity,
  options: LockOptions,
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  const staleAfterMs = options.staleAfterMs ?? UNVERIFIABLE_LOCK_MS;
  const temp = join(
    dirname(lockPath),
    `.${basename(lockPath)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  const forgetTemp = removeOnSignal(temp);
  try {
    await writeNew(temp, content, lockPath);
    for (let attempt = 0; ; attempt++) {
      if (await tryLink(temp, lockPath, content)) return;
      const state = await inspect(lockPath, self, staleAfterMs);
      if (state.kind === "stale" && (await takeOver(lockPath, state.id, temp, staleAfterMs))) {
        if ((await readSmall(lockPath)) === content) return;
        // Displaced at once (only possible by a taker that could not verify us): start over.
        await writeNew(temp, content, lockPath);
      }
      if (state.kind === "live" && Date.now() > deadline) throw timeoutError(lockPath, state.owner);
      // Jittered, growing waits: many parallel jobs must not retry in lockstep.
      const wait = Math.min(100, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, state.kind === "live" ? wait : 1));
    }
  } finally {
    await unlink(temp).catch(() => undefined);
    forgetTemp();
  }
}

async function writeNew(path: string, content: string, lockPath: string): Promise<void> {
  try {
    const handle = await open(path, "wx", 0o600);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw lockError(lockPath, code ?? "cannot create the lock", error);
  }
}

/** Links the prepared lock into place; false when a lock exists already. */
async function tryLink(temp: string, lockPath: string, content: string): Promise<boolean> {
  try {
    await link(temp, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EOPNOTSUPP")
      throw lockError(lockPath, code ?? "cannot create the lock", error);
  }
  // A file system without hard links: create the lock exclusively and write it (an empty lock
  // seen meanwhile is left alone for staleAfterMs, so the short gap is harmless).
  try {
    const handle = await open(lockPath, "wx", 0o600);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    throw lockError(lockPath, code ?? "cannot create the lock", error);
  }
}

/** Exported for tests: what a run makes of the lock it found. */
export async function inspect(
  lockPath: string,
  self: ProcessIdentity,
  staleAfterMs: number,
): Promise<LockState> {
  const id = await identityOf(lockPath);
  if (id === undefined) return { kind: "gone" };
  const owner = parseOwner(await readSmall(lockPath));
  const age = Date.now() - id.mtimeMs;
  const running = owner === undefined ? undefined : isRunning(owner, self);
  if (running === false) return { kind: "stale", id: id.key };
  // Unverifiable: another host, an empty or foreign file, or a record without a start time
  // (written by hand or by an older version) whose pid is in use.
  const verified = running === true && (owner?.start !== undefined || self.start === undefined);
  if (!verified && age > staleAfterMs) return { kind: "stale", id: id.key };
  // Where there are no start times (macOS, Windows) a running pid may be a reused one: a lock
  // that old is abandoned whoever runs under its pid now.
  if (owner?.start === undefined && age > PID_ONLY_LOCK_MS) return { kind: "stale", id: id.key };
  return { kind: "live", owner };
}

/** Exported for tests: replaces the stale lock `staleId` with ours (`temp`); false if it changed. */
export async function takeOver(
  lockPath: string,
  staleId: string,
  temp: string,
  staleAfterMs: number,
): Promise<boolean> {
  const breaker = `${lockPath}.break`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(breaker, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      const code = (error as NodeJS.ErrnoException).code;
      throw lockError(lockPath, code ?? "cannot take over the stale lock", error);
    }
    // Held for microseconds: an old one was left by a process killed in between.
    const held = await identityOf(breaker);
    if (held !== undefined && Date.now() - held.mtimeMs > staleAfterMs) {
      await unlink(breaker).catch(() => undefined);
    }
    return false;
  }
  const forgetBreaker = removeOnSignal(breaker);
  try {
    await handle.close();
    if ((await identityOf(lockPath))?.key !== staleId) return false;
    await rename(temp, lockPath);
    return true;
  } finally {
    await unlink(breaker).catch(() => undefined);
    forgetBreaker();
  }
}

async function release(lockPath: string, content: string): Promise<void> {
  // Only our own lock: had it been taken over as abandoned, the new holder's stays.
  if ((await readSmall(lockPath)) === content) await unlink(lockPath).catch(() => undefined);
}

async function identityOf(path: string): Promise<{ key: string; mtimeMs: number } | undefined> {
  try {
    const stat = await lstat(path, { bigint: true });
    return {
      key: `${stat.dev}:${stat.ino}:${stat.mtimeNs}:${stat.ctimeNs}`,
      mtimeMs: Number(stat.mtimeMs),
    };
  } catch {
    return undefined;
  }
}

async function readSmall(path: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(MAX_LOCK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_LOCK_BYTES, 0);
    return buffer.toString("utf8", 0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** The owner a lock names: our JSON record, or `pid@host` as earlier versions wrote it. */
function parseOwner(text: string | undefined): LockOwner | undefined {
  if (text === undefined) return undefined;
  const legacy = /^(\d+)@(.+)$/.exec(text.trim());
  if (legacy) return { pid: Number(legacy[1]), host: legacy[2] ?? "" };
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.pid !== "number" || typeof value.host !== "string") return undefined;
    const { pid, host, boot, start, since } = value;
    return {
      pid,
      host,
      ...(typeof boot === "string" ? { boot } : {}),
      ...(typeof start === "string" ? { start } : {}),
      ...(typeof since === "string" ? { since } : {}),
    };
  } catch {
    return undefined;
  }
}

function timeoutError(lockPath: string, owner: LockOwner | undefined): EcrVarsError {
  const holder =
    owner === undefined
      ? "another process"
      : `pid ${owner.pid} on ${owner.host}${owner.since ? ` since ${owner.since}` : ""}`;
  return new EcrVarsError({
    kind: "output",
    code: "LOCK_TIMEOUT",
    message: `${lockPath} stayed locked by ${holder}`,
    hint: "a lock left by a process that ended is taken over automatically; if that process is stuck, end it",
  });
}

function lockError(lockPath: string, reason: string, cause: unknown): EcrVarsError {
  return new EcrVarsError({
    kind: "output",
    code: "LOCK_FAILED",
    message: `cannot lock ${lockPath}: ${reason}`,
    hint: "check that the directory exists and is writable by this user",
    cause,
  });
}
