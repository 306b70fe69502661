/**
 * Writes secret-bearing files: created 0600 under a temporary name in the same directory, flushed,
 * then renamed over the target, so readers see the old file or the new one, never a partial one.
 * A symlink at the target is refused rather than followed or replaced: it may point somewhere
 * world-readable, or be planted to redirect the secret.
 */

import { randomBytes } from "node:crypto";
import { lstat, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EcrVarsError } from "../core/errors.js";

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
  if (existing && !existing.isFile()) {
    throw outputError(path, "it is not a regular file");
  }

  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
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
  }
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
