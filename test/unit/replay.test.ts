/**
 * Replay records (src/platform/replay.ts): a record written after a run that may be replayed is
 * printed by the next run with the same key while its inputs and tokens hold; a change of any of
 * them, damage, a record that is not the user's private file, or a run that may not be recorded
 * all end in the program running (replayed → false). test/e2e/replay.test.ts runs the bin.
 */

import { constants, statSync } from "node:fs";
import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { type ReplayInit, recordHash, replayed, writeRecord } from "../../src/platform/replay.js";
import {
  type Ledger,
  ledger,
  noteFile,
  REPLAY,
  trackedEnv,
} from "../../src/platform/replay-ledger.js";

let dir: string;
let cases = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ecr-vars-replay-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  delete (globalThis as { [REPLAY]?: Ledger })[REPLAY];
});

const OUTPUT = Buffer.from("export A='1'\nexport B='secret value'\n");
const NOW = Date.parse("2026-06-01T00:00:00Z");

interface Bed {
  readonly init: ReplayInit;
  readonly printed: Buffer[];
  readonly program: string;
  readonly input: string;
  readonly cache: string;
  /** Runs the program's part: a ledger is open, the run notes its input and is recorded. */
  record(change?: (open: Ledger) => void, output?: Buffer): Promise<void>;
  /** The bin's part: whether the record answered the run. */
  replay(init?: Partial<ReplayInit>): boolean;
}

/** A program file, an input file, a private cache directory and a run's init, for one case. */
async function bed(): Promise<Bed> {
  cases += 1;
  const root = join(dir, `case-${cases}`);
  const cache = join(root, "cache");
  await mkdir(cache, { recursive: true, mode: 0o700 });
  const program = join(root, "program.cjs");
  await writeFile(program, "program");
  const input = join(root, "input.txt");
  await writeFile(input, "input");
  const printed: Buffer[] = [];
  const init: ReplayInit = {
    env: { HOME: root, A: "1", BUILD: "1", NODE_OPTIONS: "" },
    argv: ["--region", "eu-west-1", "--cache", "-q"],
    cacheDir: () => cache,
    now: () => NOW,
    streamKinds: () => [constants.S_IFIFO, constants.S_IFIFO],
    print: (output) => {
      printed.push(Buffer.from(output));
      return true;
    },
  };
  return {
    init,
    printed,
    program,
    input,
    cache,
    async record(change, output = OUTPUT) {
      expect(replayed(program, init)).toBe(false);
      const open = ledger();
      if (open === undefined) throw new Error("no ledger was opened");
      noteFile(input, statSync(input));
      expect(trackedEnv({ ...init.env }).A).toBe("1");
      noteFile(join(root, "missing"), undefined);
      open.until = NOW + 60_000;
      open.recordable = true;
      change?.(open);
      writeRecord(open, output, NOW);
      delete (globalThis as { [REPLAY]?: Ledger })[REPLAY];
    },
    replay(extra = {}) {
      return replayed(program, { ...init, ...extra });
    },
  };
}

const recordOf = async (cache: string) => {
  const [name] = await readdir(join(cache, "replay"));
  if (name === undefined) throw new Error("no record");
  return join(cache, "replay", name);
};

describe("a record answers the same run", () => {
  test("the next run with the same inputs prints the recorded bytes", async () => {
    const b = await bed();
    await b.record();
    expect(b.replay()).toBe(true);
    expect(Buffer.concat(b.printed).equals(OUTPUT)).toBe(true);
    expect(ledger()).toBeUndefined();
  });

  test("a changed value of a variable the program did not read (a build number) is replayed", async () => {
    const b = await bed();
    await b.record();
    expect(b.replay({ env: { ...b.init.env, BUILD: "2" } })).toBe(true);
    expect(Buffer.concat(b.printed).equals(OUTPUT)).toBe(true);
  });

  test("a large output (hashed by WebAssembly above 64 KiB) too, and its damage is found", async () => {
    const large = Buffer.from("export X='y'\n".repeat(20_000));
    const b = await bed();
    await b.record(undefined, large);
    expect(b.replay()).toBe(true);
    expect(Buffer.concat(b.printed).equals(large)).toBe(true);
    const file = await recordOf(b.cache);
    const data = await readFile(file);
    data.writeUInt8((data.at(-40_000) ?? 0) ^ 4, data.length - 40_000);
    await writeFile(file, data);
    expect(b.replay()).toBe(false);
  });

  test("the record is 0600 in a 0700 directory", async () => {
    const b = await bed();
    await b.record();
    const file = await recordOf(b.cache);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(b.cache, "replay"))).mode & 0o777).toBe(0o700);
  });
});

describe("anything else runs the program", () => {
  const cases: Array<[string, (b: Bed) => Promise<Partial<ReplayInit> | undefined>]> = [
    ["another argument", async () => ({ argv: ["--region", "eu-west-2", "--cache", "-q"] })],
    [
      "arguments in another order",
      async () => ({ argv: ["--cache", "--region", "eu-west-1", "-q"] }),
    ],
    ["one more environment variable", async (b) => ({ env: { ...b.init.env, B: "" } })],
    [
      "another value of a variable the program read",
      async (b) => ({ env: { ...b.init.env, A: "2" } }),
    ],
    ["a variable the program read, empty", async (b) => ({ env: { ...b.init.env, A: "" } })],
    [
      "another value of a variable Node reads",
      async (b) => ({ env: { ...b.init.env, NODE_OPTIONS: "--no-warnings" } }),
    ],
    ["another home directory", async (b) => ({ env: { ...b.init.env, HOME: "/elsewhere" } })],
    [
      "stderr of another kind",
      async () => ({ streamKinds: () => [constants.S_IFIFO, constants.S_IFCHR] }),
    ],
    ["the program edited", async (b) => void (await writeFile(b.program, "programme"))],
    [
      "the program touched",
      async (b) => void (await utimes(b.program, new Date(NOW), new Date(NOW))),
    ],
    ["an input file changed", async (b) => void (await writeFile(b.input, "other"))],
    ["an input file removed", async (b) => void (await rm(b.input))],
    [
      "a missing input file created",
      async (b) => void (await writeFile(join(dirname(b.input), "missing"), "")),
    ],
    ["the tokens no longer served", async () => ({ now: () => NOW + 60_000 })],
    ["switched off", async (b) => ({ env: { ...b.init.env, ECR_VARS_REPLAY: "off" } })],
  ];

  test.each(cases)("%s", async (_, change) => {
    const b = await bed();
    await b.record();
    const extra = await change(b);
    expect(b.replay(extra ?? {})).toBe(false);
    expect(b.printed).toEqual([]);
  });

  test("a run with stdout on a character device (a terminal) is neither replayed nor recorded", async () => {
    const b = await bed();
    await b.record();
    const terminal = { streamKinds: () => [constants.S_IFCHR, constants.S_IFIFO] };
    expect(b.replay(terminal)).toBe(false);
    expect(ledger()).toBeUndefined();
  });

  test("a run in a code-cache trace opens no ledger (its trace line is not replayed)", async () => {
    const b = await bed();
    expect(b.replay({ env: { ...b.init.env, ECR_VARS_CODE_CACHE_TRACE: "1" } })).toBe(false);
    expect(ledger()).toBeUndefined();
    expect(b.replay()).toBe(false);
    expect(ledger()).toBeDefined();
  });

  test("what the run read from stdin is in the key", async () => {
    const b = await bed();
    const init = { ...b.init, input: "registry.example\n" };
    expect(replayed(b.program, init)).toBe(false);
    const open = ledger();
    if (open === undefined) throw new Error("no ledger was opened");
    open.until = NOW + 60_000;
    open.recordable = true;
    writeRecord(open, OUTPUT, NOW);
    delete (globalThis as { [REPLAY]?: Ledger })[REPLAY];
    expect(replayed(b.program, { ...init, input: "other.example\n" })).toBe(false);
    expect(replayed(b.program, { ...b.init })).toBe(false);
    expect(b.printed).toEqual([]);
    expect(replayed(b.program, init)).toBe(true);
  });
});

describe("a damaged or foreign record is ignored", () => {
  const damages: Array<[string, (file: string) => Promise<void>]> = [
    [
      "a byte of the output changed",
      async (file) => {
        const data = await readFile(file);
        data.writeUInt8((data.at(-3) ?? 0) ^ 1, data.length - 3);
        await writeFile(file, data);
      },
    ],
    [
      "cut short",
      async (file) => {
        const data = await readFile(file);
        await writeFile(file, data.subarray(0, data.length - 1));
      },
    ],
    [
      "a byte more",
      async (file) => writeFile(file, Buffer.concat([await readFile(file), Buffer.from("x")])),
    ],
    ["the header damaged", async (file) => writeFile(file, `{"format"${await readFile(file)}`)],
    ["empty", async (file) => writeFile(file, "")],
    ["readable by others", async (file) => chmod(file, 0o644)],
    [
      "a link to a record",
      async (file) => {
        await writeFile(`${file}.real`, await readFile(file), { mode: 0o600 });
        await rm(file);
        await symlink(`${file}.real`, file);
      },
    ],
  ];

  test.each(damages)("%s", async (_, damage) => {
    const b = await bed();
    await b.record();
    await damage(await recordOf(b.cache));
    expect(b.replay()).toBe(false);
    expect(b.printed).toEqual([]);
  });
});

describe("what is not recorded", () => {
  const refusals: Array<[string, (open: Ledger) => void]> = [
    [
      "a run that is not recordable (a file written, a command run)",
      (open) => {
        open.recordable = false;
      },
    ],
    [
      "a spoiled run (a fetch, stdin read, something on stderr)",
      (open) => {
        open.spoiled = true;
      },
    ],
    [
      "a run whose tokens are no longer served",
      (open) => {
        open.until = NOW;
      },
    ],
  ];

  test.each(refusals)("%s", async (_, change) => {
    const b = await bed();
    await b.record(change);
    expect(await readdir(join(b.cache, "replay")).catch(() => [])).toEqual([]);
  });

  test("nothing is written into a cache directory others may enter", async () => {
    const b = await bed();
    await chmod(b.cache, 0o755);
    await b.record();
    expect(await readdir(b.cache)).toEqual([]);
  });

  test("a file read twice with different stamps spoils the run", async () => {
    const b = await bed();
    expect(b.replay()).toBe(false);
    noteFile(b.input, { ino: 1, size: 1, mtimeMs: 1, ctimeMs: 1 });
    noteFile(b.input, { ino: 1, size: 2, mtimeMs: 1, ctimeMs: 1 });
    expect(ledger()?.spoiled).toBe(true);
  });
});

describe("recordHash", () => {
  test("any one changed byte, at any position, changes it", () => {
    const data = Buffer.from("the quick brown fox jumps over the lazy dog, 0123456789");
    const base = recordHash(data);
    for (let i = 0; i < data.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const changed = Buffer.from(data);
        changed[i] = (changed[i] as number) ^ bit;
        expect(recordHash(changed), `byte ${i}, bit ${bit}`).not.toBe(base);
      }
    }
  });

  test("a trailing zero byte and the length count", () => {
    expect(recordHash(Buffer.from("ab"))).not.toBe(recordHash(Buffer.from("ab\0")));
    expect(recordHash(Buffer.from(""))).not.toBe(recordHash(Buffer.from("\0\0\0\0")));
  });

  test("the same bytes at any alignment hash alike", () => {
    const data = Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz");
    const backing = Buffer.alloc(data.length + 3);
    for (let offset = 0; offset < 4; offset++) {
      data.copy(backing, offset);
      expect(recordHash(backing.subarray(offset, offset + data.length))).toBe(recordHash(data));
    }
  });

  test("16 hex digits", () => {
    expect(recordHash(Buffer.from("x"))).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("trackedEnv", () => {
  test("notes the value of each variable read, unset ones too, and not of those only listed", async () => {
    const b = await bed();
    expect(b.replay()).toBe(false);
    const env = trackedEnv({ A: "1", B: "2", C: "3" } as Record<string, string | undefined>);
    expect(Object.keys(env)).toEqual(["A", "B", "C"]);
    expect("B" in env).toBe(true);
    expect(env.A).toBe("1");
    expect(env.MISSING).toBeUndefined();
    expect([...(ledger()?.env ?? [])]).toEqual([
      ["A", "1"],
      ["MISSING", undefined],
    ]);
    expect({ ...env }).toEqual({ A: "1", B: "2", C: "3" });
    expect([...(ledger()?.env.keys() ?? [])].sort()).toEqual(["A", "B", "C", "MISSING"]);
    expect(ledger()?.spoiled).toBe(false);
  });

  test("a change of the environment during the run spoils it", async () => {
    const b = await bed();
    expect(b.replay()).toBe(false);
    const env = trackedEnv({ A: "1" } as Record<string, string | undefined>);
    env.B = "2";
    expect(ledger()?.spoiled).toBe(true);
  });

  test("without a ledger the environment is given back as it is", () => {
    const env = { A: "1" };
    expect(trackedEnv(env)).toBe(env);
  });
});
