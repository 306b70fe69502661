/**
 * A cross-process lock beside a file (`<file>.lock`), so that parallel jobs updating one auth file
 * or one token cache each see the others' writes: read, merge and rename happen under the lock.
 *
 * The lock file is created with O_EXCL and holds the owner's pid. A lock whose owner is no longer
 * running on this host is stale and taken over; anything else is waited for, up to a deadline.
 */

import { open, readFile, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { EcrVarsError } from "../core/errors.js";

export interface LockOptions {
  /** How long to wait for another holder, in milliseconds. Default 10 s. */
  readonly timeoutMs?: number;
}

export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const owner = `${process.pid}@${hostname()}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      await handle.writeFile(owner);
      await handle.close();
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw lockError(lockPath, code ?? "cannot create the lock", error);
      if (await takeOverIfStale(lockPath)) continue;
      if (Date.now() > deadline) {
        throw new EcrVarsError({
          kind: "output",
          code: "LOCK_TIMEOUT",
          message: `${lockPath} stayed locked by another process`,
          hint: "if no other ecr-vars runs, remove the .lock file",
        });
      }
      // Jittered, growing waits: many parallel jobs must not retry in lockstep.
      const wait = Math.min(100, 5 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function takeOverIfStale(lockPath: string): Promise<boolean> {
  const owner = await readFile(lockPath, "utf8").catch(() => undefined);
  // Empty: the holder is between creating and writing the file; not stale.
  const match = owner === undefined ? null : /^(\d+)@(.*)$/.exec(owner);
  if (match === null || match[2] !== hostname()) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") return false;
  }
  // Re-read right before removing so a lock that changed hands meanwhile is left alone.
  if ((await readFile(lockPath, "utf8").catch(() => undefined)) !== owner) return false;
  await unlink(lockPath).catch(() => undefined);
  return true;
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
