import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CLI, type CliResult } from "../support/cli.js";
import {
  type E2eContext,
  expectNoSecrets,
  modeOf,
  PROXY_DOMAIN,
  startE2e,
} from "../support/e2e-harness.js";

const PASSWORD = "stale-lock-e2e-password-0123456789abcdef";
const STALE_SECRET = "c3RhbGUtc2VjcmV0LW9mLWEta2lsbGVkLXdyaXRlcg";
const TASK = ["--region", "eu-west-1", "--format", "docker-config", "-q"];
const WRITERS = 32;
let ctx: E2eContext;
let holder: string;

beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
  holder = ctx.path("lock-holder.mjs");
  await build({
    entryPoints: ["test/support/lock-holder.ts"],
    outfile: holder,
    bundle: true,
    format: "esm",
    platform: "node",
    logLevel: "silent",
  });
});
afterAll(async () => {
  await ctx?.close();
});

/** Runs the CLI with a deadline long enough for 32 node processes on a loaded 2-core machine. */
function run(args: readonly string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: ctx.env(), cwd: ctx.dir, timeout: 180_000 },
      (error, stdout, stderr) =>
        done({
          code: error ? (typeof error.code === "number" ? error.code : -1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/** Starts the lock holder and resolves once it printed "ready". */
function startHolder(args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [holder, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready")) resolve(child);
    });
    child.on("exit", (code, signal) => reject(new Error(`holder ended early: ${code} ${signal}`)));
  });
}

function ended(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
}

async function newDir(name: string): Promise<string> {
  const dir = ctx.path(name);
  await import("node:fs/promises").then((fs) => fs.mkdir(dir));
  return dir;
}

/** Every file in `dir` with its content. */
async function contents(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of await readdir(dir)) files.set(name, await readFile(join(dir, name), "utf8"));
  return files;
}

async function writers(file: string): Promise<{ results: CliResult[]; ids: string[] }> {
  const ids = Array.from({ length: WRITERS }, (_, i) => `2000000000${String(i).padStart(2, "0")}`);
  const results = await Promise.all(
    ids.map((id) => run([...TASK, "--registry-id", id, "--output", file])),
  );
  return { results, ids };
}

async function expectAllKept(file: string, ids: string[], results: CliResult[]): Promise<void> {
  for (const result of results) {
    expect(result.code, result.stderr).toBe(0);
    expectNoSecrets(result.stdout + result.stderr, [PASSWORD]);
  }
  const config = JSON.parse(await readFile(file, "utf8")) as { auths: Record<string, unknown> };
  const kept = Object.keys(config.auths).filter((host) => host.startsWith("2000000000"));
  expect(kept.length, `entries kept of ${WRITERS}`).toBe(WRITERS);
  expect(Object.keys(config.auths).sort()).toEqual(
    ["keep", ...ids.map((id) => `${id}.dkr.ecr.eu-west-1.amazonaws.com`)].sort(),
  );
  expect(await modeOf(file)).toBe(0o600);
}

describe("concurrent writers after a stale lock", () => {
  test(`before: 27, 28 and 32 of ${WRITERS} entries kept; now ${WRITERS} concurrent writers with a dead pid in config.json.lock keep all ${WRITERS}, leaving no lock or temp file`, async () => {
    const dir = await newDir("dead-pid");
    const file = join(dir, "config.json");
    await writeFile(file, JSON.stringify({ auths: { keep: { auth: "a2VlcDprZWVw" } } }));
    const { pid } = spawnSync(process.execPath, ["-e", "0"]);
    await writeFile(`${file}.lock`, `${pid}@${hostname()}`);
    const { results, ids } = await writers(file);
    await expectAllKept(file, ids, results);
    expect(await readdir(dir)).toEqual(["config.json"]);
  }, 240_000);

  test(`${WRITERS} writers waiting on a writer that is killed (SIGKILL) mid-write take its lock over one at a time and keep all ${WRITERS}; its temp file with the credentials is gone`, async () => {
    const dir = await newDir("killed-writer");
    const file = join(dir, "config.json");
    await writeFile(file, JSON.stringify({ auths: { keep: { auth: "a2VlcDprZWVw" } } }));
    const child = await startHolder(["stall", file, STALE_SECRET]);
    const left = await contents(dir);
    expect([...left.values()].some((text) => text.includes(STALE_SECRET))).toBe(true);
    const running = writers(file);
    // Kill the holder once every writer waits for it (each has prepared its own lock), or after
    // 10 s of waiting, well within a writer's 30 s bound on a slow machine.
    const waitingLocks = /^\.config\.json\.lock\.\d+\.[0-9a-f]{12}\.tmp$/;
    const started = Date.now();
    let waiting = 0;
    while (waiting < WRITERS && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      waiting = (await readdir(dir)).filter((name) => waitingLocks.test(name)).length;
    }
    child.kill("SIGKILL");
    await ended(child);
    const { results, ids } = await running;
    await expectAllKept(file, ids, results);
    const after = await contents(dir);
    expect([...after.keys()]).toEqual(["config.json"]);
    expect(after.get("config.json")).not.toContain(STALE_SECRET);
  }, 240_000);

  test("what a writer killed mid-write leaves: its lock and a temporary file holding the secret", async () => {
    const dir = await newDir("leftovers");
    const file = join(dir, "config.json");
    await writeFile(file, "{}\n");
    const child = await startHolder(["stall", file, STALE_SECRET]);
    child.kill("SIGKILL");
    await ended(child);
    const left = await contents(dir);
    expect([...left.keys()].sort()).toEqual([
      expect.stringMatching(/^\.config\.json\.\d+\.[0-9a-f]{12}\.tmp$/),
      "config.json",
      "config.json.lock",
    ]);
    expect([...left.values()].filter((text) => text.includes(STALE_SECRET))).toHaveLength(1);
    // The next run recovers both at once: the lock's owner is gone.
    const result = await run([...TASK, "--output", file]);
    expect(result.code, result.stderr).toBe(0);
    expect([...(await contents(dir)).keys()]).toEqual(["config.json"]);
  });
});

describe("signals mid-write", () => {
  test.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "before: %s mid-write left FILE.lock and .FILE.<pid>.<rand>.tmp with the credentials; now both are removed and the writer ends by the signal",
    async (signal) => {
      const dir = await newDir(`signal-${signal}`);
      const file = join(dir, "config.json");
      await writeFile(file, "{}\n");
      const child = await startHolder(["stall", file, STALE_SECRET]);
      expect((await readdir(dir)).length).toBe(3);
      child.kill(signal);
      expect(await ended(child)).toEqual({ code: null, signal });
      expect(await contents(dir)).toEqual(new Map([["config.json", "{}\n"]]));
    },
  );

  test("a run waiting for a live holder, ended by SIGTERM, leaves the holder's lock alone and nothing of its own", async () => {
    const dir = await newDir("waiting");
    const file = join(dir, "config.json");
    const child = await startHolder(["hold", file]);
    const lock = await readFile(`${file}.lock`, "utf8");
    const waiting = spawn(process.execPath, [CLI, ...TASK, "--output", file], { env: ctx.env() });
    // It waits with its own lock prepared under a temporary name: signal it once that exists.
    const own = new RegExp(`^\\.config\\.json\\.lock\\.${waiting.pid}\\.[0-9a-f]{12}\\.tmp$`);
    while (!(await readdir(dir)).some((name) => own.test(name))) {
      if (waiting.exitCode !== null)
        throw new Error("the waiting run ended before it was signalled");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    waiting.kill("SIGTERM");
    expect(await ended(waiting)).toEqual({ code: null, signal: "SIGTERM" });
    expect(await contents(dir)).toEqual(new Map([["config.json.lock", lock]]));
    child.kill("SIGTERM");
    expect(await ended(child)).toEqual({ code: null, signal: "SIGTERM" });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("outputs that are not regular files", () => {
  test.each([
    ["docker-config", ["--format", "docker-config"]],
    ["sh", ["--format", "sh"]],
  ])(
    "a device (/dev/null) as --output is refused by %s (exit 5), no lock made beside it",
    async (_name, format) => {
      const result = await run(["--region", "eu-west-1", ...format, "--output", "/dev/null"]);
      expect(result.code).toBe(5);
      expect(result.stderr).toContain(
        "ecr-vars: error: refusing to write /dev/null: it is not a regular file (a FIFO, socket or device)",
      );
    },
  );

  test.each([
    ["docker-config", ["--format", "docker-config"]],
    ["sh", ["--format", "sh"]],
  ])(
    "before: a FIFO as --output hung forever holding the lock; now %s refuses it at once (exit 5)",
    async (_name, format) => {
      const dir = await newDir(`fifo-${_name}`);
      const fifo = join(dir, "config.json");
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const result = await run(["--region", "eu-west-1", ...format, "--output", fifo]);
      expect(result.code).toBe(5);
      expect(result.stderr).toContain(
        `ecr-vars: error: refusing to write ${fifo}: it is not a regular file (a FIFO, socket or device)`,
      );
      expect(await readdir(dir)).toEqual(["config.json"]);
    },
  );

  test.each([
    ["docker-config", ["--format", "docker-config"]],
    ["sh", ["--format", "sh"]],
    ["logout", []],
  ])(
    "before: --output DIR was an internal error (exit 4); now %s says it is a directory (exit 5)",
    async (name, format) => {
      const dir = await newDir(`dir-${name}`);
      const args = name === "logout" ? ["logout"] : ["--region", "eu-west-1", ...format];
      const result = await run([...args, "--output", dir]);
      expect(result.code).toBe(5);
      expect(result.stderr).toContain(`refusing to write ${dir}: it is a directory`);
      expect(result.stderr).toContain(
        `fix: name a file, e.g. --output ${join(dir, "config.json")}`,
      );
      expect(await readdir(dir)).toEqual([]);
      expect(PROXY_DOMAIN).toBeTruthy();
    },
  );
});
