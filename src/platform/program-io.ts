/**
 * The standard streams of the small programs a client runs with a request on stdin and reads one
 * answer from stdout (the credential helper, the kubelet plugin).
 */

import { writeSync } from "node:fs";
import { readBoundedSync } from "./bounded-read.js";

/**
 * Reads the request on stdin, at most `limit` bytes: a blocking read of fd 0 (the client writes
 * the request and closes the pipe), or, when stdin is non-blocking (EAGAIN), the `stream` the
 * caller gives. Past the limit, `tooLarge()` is thrown.
 */
export function boundedStdin(
  stream: () => AsyncIterable<Buffer | string>,
  limit: number,
  tooLarge: () => Error,
): () => Promise<string> {
  return async () => {
    try {
      return readBoundedSync(0, limit);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EFBIG") throw tooLarge();
      const chunks: Buffer[] = [];
      let length = 0;
      for await (const chunk of stream()) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        length += bytes.length;
        if (length > limit) throw tooLarge();
        chunks.push(bytes);
      }
      return Buffer.concat(chunks).toString("utf8");
    }
  };
}

/**
 * Synchronous writes to fd 1 or 2: the answer is short and written before the program exits. A
 * client that went away leaves nobody to answer, so a failed write is dropped.
 */
export function syncWriter(fd: 1 | 2): { write(text: string): void } {
  return {
    write(text: string) {
      try {
        writeSync(fd, text);
      } catch {
        // The client is gone.
      }
    },
  };
}
