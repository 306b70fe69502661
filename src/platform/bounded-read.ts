/**
 * Every file and stream ecr-vars reads is read up to a limit: a task file pointed at /dev/urandom,
 * a planted multi-gigabyte auth file or an endless stdin must end in a clear error, not in memory
 * exhaustion. The limits are far above what a real file of each kind holds (see docs/reference.md, "Limits").
 */

import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

export const KiB = 1024;
export const MiB = 1024 * KiB;

export const LIMITS = {
  /** Task files and connectors files. */
  configFile: 1 * MiB,
  /** Docker config.json / containers auth.json. */
  authFile: 8 * MiB,
  /** The token cache. */
  cacheFile: 8 * MiB,
  /** A secret or token read from a file (`file:` references, web identity token files). */
  secretFile: 64 * KiB,
  /** What a credential helper client sends on stdin (a server URL, or a login for `store`). */
  helperStdin: 64 * KiB,
  /**
   * The kubelet's request to `ecr-vars-kubelet`: an image, a service-account token (a few KiB) and
   * the annotations the config passes on (Kubernetes caps a whole object's at 256 KiB).
   */
  kubeletStdin: 512 * KiB,
  /** AWS_CA_BUNDLE: PEM certificates (a system's whole bundle is a few hundred KiB). */
  caBundle: 4 * MiB,
  /** The body of an answer from AWS (src/aws/http.ts). */
  awsResponse: 1 * MiB,
} as const;

/** Thrown by the readers below; `code` is `EFBIG` (too large) or `ENOTREG` (not a regular file). */
export class ReadLimitError extends Error {
  constructor(
    readonly code: "EFBIG" | "ENOTREG",
    readonly limit: number,
  ) {
    super(code === "EFBIG" ? `larger than ${describeSize(limit)}` : "not a regular file");
  }
}

/** Why a read failed, for a message: a limit refused (`larger than 1 MiB`), else the code. */
export function readFailure(error: unknown): string {
  if (error instanceof ReadLimitError) return error.message;
  return (error as NodeJS.ErrnoException).code ?? "read failed";
}

/** `1 MiB`, `64 KiB`. */
export function describeSize(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}

export interface BoundedReadOptions {
  /** Refuse anything but a regular file (FIFOs, devices, sockets), without blocking on it. */
  readonly regularOnly?: boolean;
  /** Extra open flags, e.g. O_NOFOLLOW. */
  readonly flags?: number;
}

function openFlags(options: BoundedReadOptions): number {
  // O_NONBLOCK: opening a FIFO that has no writer must not hang before we can refuse it.
  return (
    constants.O_RDONLY | (options.flags ?? 0) | (options.regularOnly ? constants.O_NONBLOCK : 0)
  );
}

/** Reads `path` as UTF-8, at most `limit` bytes. Node's own errors (ENOENT, EISDIR...) pass through. */
export async function readBounded(
  path: string,
  limit: number,
  options: BoundedReadOptions = {},
): Promise<string> {
  // Loaded here: the helper's cache-hit path uses only the synchronous reader below.
  const { open } = await import("node:fs/promises");
  const handle = await open(path, openFlags(options));
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (options.regularOnly && !stat.isFile()) throw new ReadLimitError("ENOTREG", limit);
    if (stat.isFile() && stat.size > limit) throw new ReadLimitError("EFBIG", limit);
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length <= limit) {
      const { bytesRead } = await handle.read(buffer, length, limit + 1 - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit) throw new ReadLimitError("EFBIG", limit);
    return buffer.toString("utf8", 0, length);
  } finally {
    await handle.close();
  }
}

/** `readBounded` for synchronous callers (start-up paths); also reads an open descriptor. */
export function readBoundedSync(
  source: string | number,
  limit: number,
  options: BoundedReadOptions = {},
): string {
  return readBoundedBytesSync(source, limit, options).toString("utf8");
}

/** `readBoundedSync`'s bytes, not decoded. */
export function readBoundedBytesSync(
  source: string | number,
  limit: number,
  options: BoundedReadOptions = {},
): Buffer {
  const fd = typeof source === "number" ? source : openSync(source, openFlags(options));
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (options.regularOnly && !stat.isFile()) throw new ReadLimitError("ENOTREG", limit);
    if (stat.isFile() && stat.size > limit) throw new ReadLimitError("EFBIG", limit);
    // A file's size, and a byte more to see that it ended; what has no size grows as it comes.
    // Read straight into one buffer, decoded once: the token cache is read on every cache hit.
    let buffer = Buffer.allocUnsafe(Math.min(limit + 1, stat.size > 0 ? stat.size + 1 : 64 * KiB));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > limit) throw new ReadLimitError("EFBIG", limit);
    }
    return buffer.subarray(0, length);
  } finally {
    if (typeof source !== "number") closeSync(fd);
  }
}
