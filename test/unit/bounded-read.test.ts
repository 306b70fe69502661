/**
 * readBoundedSync reads a regular file into one buffer of its size (a byte more, to see its end),
 * and anything of no size (a pipe, a device) into a buffer that doubles: both end at the limit
 * with EFBIG, and what fits comes back whole and decoded as UTF-8.
 */

import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { KiB, ReadLimitError, readBoundedSync } from "../../src/platform/bounded-read.js";
import { thrownBy } from "../support/thrown.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ecr-vars-bounded-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Text of `length` characters, multi-byte ones among them, that differs along its length. */
function text(length: number): string {
  return Array.from({ length }, (_, i) =>
    i % 97 === 0 ? "é" : String.fromCharCode(97 + (i % 26)),
  ).join("");
}

const limitError = (read: () => unknown) => thrownBy(ReadLimitError, read, "read past the limit");

describe("readBoundedSync", () => {
  test("a regular file at the limit is read whole; a byte more is refused", async () => {
    const content = text(100_000);
    const file = join(dir, "file.txt");
    await writeFile(file, content);
    const size = Buffer.byteLength(content);
    expect(readBoundedSync(file, size)).toBe(content);
    expect(limitError(() => readBoundedSync(file, size - 1)).code).toBe("EFBIG");
    expect(readBoundedSync(file, 8 * 1024 * KiB)).toBe(content);
  });

  test("an empty file reads as empty text", async () => {
    const file = join(dir, "empty.txt");
    await writeFile(file, "");
    expect(readBoundedSync(file, 10)).toBe("");
  });

  test("a pipe of more than 64 KiB (no size to go by) comes back whole", async () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const content = text(300_000);
    const source = join(dir, "source.txt");
    await writeFile(source, content);
    const writer = spawn("sh", ["-c", 'cat "$1" > "$2"', "sh", source, fifo], { stdio: "ignore" });
    const done = new Promise((resolve) => writer.on("exit", resolve));
    expect(readBoundedSync(fifo, 1024 * KiB)).toBe(content);
    expect(await done).toBe(0);
  });

  test("an endless device ends at the limit, not in memory exhaustion", () => {
    expect(limitError(() => readBoundedSync("/dev/zero", 200 * KiB)).code).toBe("EFBIG");
  });
});
