import { spawnSync } from "node:child_process";
import { readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { EcrVarsError } from "../../src/core/errors.js";
import { inspect, takeOver, withFileLock } from "../../src/platform/lock.js";
import { currentProcess } from "../../src/platform/process-identity.js";
import { removeLeftovers } from "../../src/platform/write-file.js";
import { tempDir } from "../support/cli.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function dir(): Promise<string> {
  const made = await tempDir();
  cleanups.push(made.cleanup);
  return made.path;
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ["-e", "0"]);
  if (pid === undefined) throw new Error("could not start node");
  return pid;
}

const self = currentProcess();
const json = (owner: Record<string, unknown>) => `${JSON.stringify(owner)}\n`;
const OLD = new Date(Date.now() - 60_000);

interface Case {
  readonly name: string;
  readonly content: () => string;
  /** Make the lock a minute old. */
  readonly old?: boolean;
}

// Locks a run may find: each is either taken over at once or waited for (never forever).
const TAKEN_OVER: Case[] = [
  {
    name: "a dead pid (pid@host, as older versions wrote)",
    content: () => `${deadPid()}@${hostname()}`,
  },
  {
    name: "a dead pid (owner record)",
    content: () => json({ ...self, pid: deadPid(), nonce: "x" }),
  },
  {
    name: "a live pid that started at another time (a reused pid)",
    content: () => json({ ...self, start: "1" }),
  },
  { name: "another boot of this host", content: () => json({ ...self, boot: "another-boot" }) },
  { name: "an empty lock a minute old", content: () => "", old: true },
  { name: "garbage a minute old", content: () => "\u0000\u0001 not a lock", old: true },
  {
    name: "another host, a minute old",
    content: () => json({ ...self, host: "build-7" }),
    old: true,
  },
  {
    name: "a live pid without a start time, a minute old",
    content: () => `1@${hostname()}`,
    old: true,
  },
];
const WAITED_FOR: Array<Case & { readonly holder: string }> = [
  {
    name: "a live owner (this process)",
    content: () => json({ ...self, nonce: "other" }),
    holder: `pid ${process.pid} on ${hostname()}`,
  },
  {
    name: "another host, just now",
    content: () => json({ ...self, pid: 4242, host: "build-7" }),
    holder: "pid 4242 on build-7",
  },
  { name: "an empty lock, just now", content: () => "", holder: "another process" },
];

describe("stale locks", () => {
  test.each(TAKEN_OVER)(
    "before: every later run failed after 10 s; now $name is taken over at once",
    async (c) => {
      const file = join(await dir(), "config.json");
      await writeFile(`${file}.lock`, c.content());
      if (c.old) await utimes(`${file}.lock`, OLD, OLD);
      const started = Date.now();
      const seen = await withFileLock(file, () => readFile(`${file}.lock`, "utf8"), {
        timeoutMs: 20_000,
      });
      expect(JSON.parse(seen)).toMatchObject({ pid: process.pid, host: hostname() });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await readdir(join(file, ".."))).toEqual([]);
    },
  );

  test.each(WAITED_FOR)(
    "$name is waited for, then a clear exit-5 error names the holder",
    async (c) => {
      const file = join(await dir(), "config.json");
      const content = c.content();
      await writeFile(`${file}.lock`, content);
      let ran = false;
      const error = (await withFileLock(
        file,
        async () => {
          ran = true;
        },
        { timeoutMs: 300 },
      ).catch((e: unknown) => e)) as EcrVarsError;
      expect(ran).toBe(false);
      expect(error.code).toBe("LOCK_TIMEOUT");
      expect(error.exitCode).toBe(5);
      expect(error.message).toContain(`${file}.lock stayed locked by ${c.holder}`);
      // The holder's lock is left as it was, and nothing of ours stays behind.
      expect(await readFile(`${file}.lock`, "utf8")).toBe(content);
      expect((await readdir(join(file, ".."))).sort()).toEqual(["config.json.lock"]);
    },
  );

  test("an unverifiable lock is taken over once it is older than staleAfterMs, not before", async () => {
    const file = join(await dir(), "config.json");
    await writeFile(`${file}.lock`, json({ ...self, host: "build-7" }));
    const started = Date.now();
    await withFileLock(file, async () => undefined, { timeoutMs: 20_000, staleAfterMs: 400 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  test("without process start times (macOS, Windows) a running pid's lock is waited for, and taken over once 5 minutes old (a reused pid)", async () => {
    const base = await dir();
    const lock = join(base, "config.json.lock");
    const { start: _start, boot: _boot, ...withoutTimes } = self;
    await writeFile(lock, json(withoutTimes));
    expect((await inspect(lock, withoutTimes, 10_000)).kind).toBe("live");
    const old = new Date(Date.now() - 6 * 60_000);
    await utimes(lock, old, old);
    expect((await inspect(lock, withoutTimes, 10_000)).kind).toBe("stale");
  });

  test("a break marker left by a killed taker is cleared after staleAfterMs", async () => {
    const file = join(await dir(), "config.json");
    await writeFile(`${file}.lock`, `${deadPid()}@${hostname()}`);
    await writeFile(`${file}.lock.break`, "");
    await utimes(`${file}.lock.break`, OLD, OLD);
    await withFileLock(file, async () => undefined, { timeoutMs: 20_000 });
    expect(await readdir(join(file, ".."))).toEqual([]);
  });

  test("64 concurrent lockers in one process over a dead pid's lock hold it one at a time and lose no update", async () => {
    const file = join(await dir(), "counter");
    await writeFile(file, "0");
    // The form every version understands, so the same test shows the earlier takeover race.
    await writeFile(`${file}.lock`, `${deadPid()}@${hostname()}`);
    let holders = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 64 }, () =>
        withFileLock(
          file,
          async () => {
            holders++;
            most = Math.max(most, holders);
            const value = Number(await readFile(file, "utf8"));
            await new Promise((resolve) => setTimeout(resolve, 1));
            await writeFile(file, String(value + 1));
            holders--;
          },
          { timeoutMs: 60_000 },
        ),
      ),
    );
    expect(most).toBe(1);
    expect(await readFile(file, "utf8")).toBe("64");
    expect(await readdir(join(file, ".."))).toEqual(["counter"]);
  });

  test("before: two writers that both judged a lock stale could both take it over; now the second finds it changed and backs off", async () => {
    const base = await dir();
    const lock = join(base, "config.json.lock");
    await writeFile(lock, `${deadPid()}@${hostname()}`);
    // Both writers inspect the same dead lock before either acts.
    const [first, second] = [await inspect(lock, self, 10_000), await inspect(lock, self, 10_000)];
    if (first.kind !== "stale" || second.kind !== "stale") throw new Error("expected a stale lock");
    expect(second.id).toBe(first.id);
    await writeFile(join(base, "a"), "lock of A");
    await writeFile(join(base, "b"), "lock of B");
    expect(await takeOver(lock, first.id, join(base, "a"), 10_000)).toBe(true);
    expect(await takeOver(lock, second.id, join(base, "b"), 10_000)).toBe(false);
    expect(await readFile(lock, "utf8")).toBe("lock of A");
    expect((await readdir(base)).sort()).toEqual(["b", "config.json.lock"]);
  });

  test("while another taker holds the break marker, a second taker backs off", async () => {
    const base = await dir();
    const lock = join(base, "config.json.lock");
    await writeFile(lock, `${deadPid()}@${hostname()}`);
    const state = await inspect(lock, self, 10_000);
    if (state.kind !== "stale") throw new Error("expected a stale lock");
    await writeFile(`${lock}.break`, "");
    await writeFile(join(base, "b"), "lock of B");
    expect(await takeOver(lock, state.id, join(base, "b"), 10_000)).toBe(false);
    expect(await readFile(lock, "utf8")).toContain("@");
  });

  test("release removes only our own lock", async () => {
    const file = join(await dir(), "config.json");
    const other = json({ ...self, host: "build-7" });
    await withFileLock(file, async () => {
      // Someone took the lock over as abandoned while we held it: theirs must stay.
      await writeFile(`${file}.lock`, other);
    });
    expect(await readFile(`${file}.lock`, "utf8")).toBe(other);
  });
});

describe("temporary files left by killed writers", () => {
  test("before: .FILE.<pid>.<rand>.tmp with the credentials lingered; now the next write removes ours whose writer is gone or which are old", async () => {
    const base = await dir();
    const file = join(base, "config.json");
    const dead = deadPid();
    const names = {
      deadWriter: `.config.json.${dead}.0123456789ab.tmp`,
      deadLocker: `.config.json.lock.${dead}.0123456789ab.tmp`,
      liveWriter: `.config.json.${process.pid}.0123456789ab.tmp`,
      oldLiveWriter: `.config.json.${process.pid}.ba9876543210.tmp`,
      otherFile: `.other.json.${dead}.0123456789ab.tmp`,
      notOurPattern: `.config.json.${dead}.tmp`,
    };
    for (const name of Object.values(names)) await writeFile(join(base, name), "secret");
    await utimes(join(base, names.oldLiveWriter), OLD, OLD);
    expect(await removeLeftovers(file)).toBe(3);
    expect((await readdir(base)).sort()).toEqual(
      [names.liveWriter, names.otherFile, names.notOurPattern].sort(),
    );
  });
});
