/**
 * Writes secret-bearing files: created 0600 under a temporary name in the same directory, flushed,
 * then renamed over the target, so readers see the old file or the new one, never a partial one.
 * A symlink at the target is refused rather than followed or replaced: it may point somewhere
 * world-readable, or be planted to redirect the secret. So is anything but a regular file (a
 * directory, a FIFO that would block, a device).
 *
 * The temporary file holds the full secret until the rename: SIGINT, SIGTERM and SIGHUP remove it
 * (signal-cleanup.ts), and the temporary files a killed writer left beside the target are removed
 * by the next write (`.NAME.<pid>.<random>.tmp`, ours by name and owner, whose pid is gone or
 * which are older than a minute).
 */

import { randomBytes } from "node:crypto";
import { lstat, open, readdir, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EcrVarsError } from "../core/errors.js";
import { pidExists } from "./process-identity.js";
import { removeOnSignal } from "./signal-cleanup.js";

/** A live writer holds its temporary file for milliseconds; one this old was left behind. */
const LEFTOVER_AGE_MS = 60_000;

export async function writeSecretFile(path: string, text: string): Promise<void> {
  const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw outputError(path, error.code ?? "cannot inspect the path", error);
  });
  if (existing?.isSymbolicLink()) {
    throw new EcrVarsError({
      kind: "output",
      code: "OUTPUT_IS_SYMLINK",
      message: `refusing to write ${path}: it is a symbolic link`,
      hint: "remove the link or write to a regular file path",
    });
  }
  if (existing && !existing.isFile()) throw notRegularFile(path, existing.isDirectory());

  await removeLeftovers(path);
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  const forget = removeOnSignal(temporary);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    // "wx" = O_CREAT|O_EXCL: never opens an existing file or follows a link planted at the temp name.
    handle = await open(temporary, "wx", 0o600);
    await handle.writeFile(text, "utf8");
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    throw outputError(
      path,
      code === "ENOENT" ? "its directory does not exist" : (code ?? "write failed"),
      error,
    );
  } finally {
    forget();
  }
}

/** `refusing to write X: it is a directory` (or another kind of non-regular file), exit 5. */
export function notRegularFile(path: string, directory: boolean): EcrVarsError {
  return new EcrVarsError({
    kind: "output",
    code: "OUTPUT_NOT_A_FILE",
    message: directory
      ? `refusing to write ${path}: it is a directory`
      : `refusing to write ${path}: it is not a regular file (a FIFO, socket or device)`,
    hint: directory
      ? `name a file, e.g. --output ${join(path, "config.json")}`
      : "write to a regular file path, or use --output - for stdout",
  });
}

/**
 * Removes temporary files of earlier writes to `path` that were never renamed (a writer killed
 * by SIGKILL or a power cut): they hold credentials. Only files of this user named by our pattern.
 */
export async function removeLeftovers(path: string): Promise<number> {
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return 0;
  }
  const prefix = `.${name}.`;
  let removed = 0;
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith(".tmp")) continue;
    const match = /^(?:lock\.)?(\d+)\.[0-9a-f]{12}\.tmp$/.exec(entry.slice(prefix.length));
    if (match === null) continue;
    const file = join(dir, entry);
    const stat = await lstat(file).catch(() => undefined);
    if (stat === undefined || !stat.isFile() || stat.uid !== process.getuid?.()) continue;
    const abandoned = !pidExists(Number(match[1])) || Date.now() - stat.mtimeMs > LEFTOVER_AGE_MS;
    if (
      abandoned &&
      (await unlink(file).then(
        () => true,
        () => false,
      ))
    )
      removed += 1;
  }
  return removed;
}

function outputError(path: string, reason: string, cause?: unknown): EcrVarsError {
  return new EcrVarsError({
    kind: "output",
    code: "OUTPUT_NOT_WRITTEN",
    message: `cannot write ${path}: ${reason}`,
    hint: "check that the directory exists and is writable by this user",
    ...(cause === undefined ? {} : { cause }),
  });
}
