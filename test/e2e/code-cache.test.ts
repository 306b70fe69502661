/**
 * The V8 code caches the CLI and the helper start from (src/platform/launch.ts): whatever state a
 * cache is in — missing, made for other flags, rejected by V8, damaged, cut short, made for an
 * edited source, in an unwritable directory, writable by others — the run prints the right
 * output and exits 0, and runs the source that is there. `ECR_VARS_CODE_CACHE_TRACE=1` makes each
 * run say which cache served each program.
 *
 * Each test works on its own copy of dist/ and its own cache directory.
 */

import { execFile } from "node:child_process";
import { chmod, cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  cacheTag,
  contentHash,
  decodeCache,
  encodeCache,
  IMPORT,
  installImport,
} from "../../src/platform/launch.js";
import { ACCOUNT, type E2eContext, PROXY_DOMAIN, startE2e } from "../support/e2e-harness.js";

let ctx: E2eContext;
let copies = 0;
const hash = contentHash();
if (hash === undefined) throw new Error("no WebAssembly: the code caches are off");
const VERSION = (JSON.parse(await readFile("package.json", "utf8")) as { version: string }).version;
const FLAGS = "--max-old-space-size=4096";

beforeAll(async () => {
  ctx = await startE2e();
});

afterAll(async () => {
  await ctx?.close();
});

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** program → how its code cache served the run, from the trace lines. */
  readonly caches: Record<string, string>;
}

function run(file: string, args: readonly string[], env: Record<string, string>, input = "") {
  return new Promise<Run>((done) => {
    const child = execFile(
      process.execPath,
      [file, ...args],
      { env: { ...env, ECR_VARS_CODE_CACHE_TRACE: "1" }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const caches: Record<string, string> = {};
        for (const match of stderr.matchAll(/^code cache: (\S+): (.*)$/gm)) {
          caches[match[1] ?? ""] = match[2] ?? "";
        }
        done({
          code: error ? (typeof error.code === "number" ? error.code : null) : 0,
          signal: error?.signal ?? null,
          stdout,
          stderr: stderr.replace(/^code cache: .*\n/gm, ""),
          caches,
        });
      },
    );
    // A run that does not read its input may close it first.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input);
  });
}

/** A copy of dist/ and an empty cache directory for one test. */
async function setup(extra: Record<string, string> = {}) {
  copies += 1;
  const dist = ctx.path(`dist-${copies}`);
  await cp("dist", dist, { recursive: true });
  const cacheDir = ctx.path(`cache-${copies}`);
  const env = ctx.env({ ECR_VARS_CACHE_DIR: cacheDir, ...extra });
  const cli = join(dist, "ecr-vars.cjs");
  const fetchArgs = ["--region", "eu-west-1", "--registry-id", ACCOUNT, "--format", "json"];
  return {
    dist,
    cacheDir,
    codeDir: join(cacheDir, "code"),
    env,
    version: (environment = env) => run(cli, ["--version"], environment),
    fetch: (environment = env) => run(cli, fetchArgs, environment),
    helper: (environment = env) =>
      run(join(dist, "docker-credential-ecr-vars.cjs"), ["get"], environment, PROXY_DOMAIN),
  };
}

function expectVersion(result: Run): void {
  expect(result.signal).toBeNull();
  expect(result.stderr).toBe("");
  expect(result.stdout).toBe(`${VERSION}\n`);
  expect(result.code).toBe(0);
}

function expectFetched(result: Run): void {
  expect(result.signal).toBeNull();
  expect(result.stderr).not.toMatch(/error|internal/i);
  expect(result.code).toBe(0);
  const variables = JSON.parse(result.stdout) as Record<string, string>;
  expect(variables["custom.aws.ecr.proxyEndpointDomain"]).toBe(PROXY_DOMAIN);
  expect(variables["custom.aws.ecr.password"]?.length).toBeGreaterThan(100);
}

/** The tag of the build's cache of the CLI's program: what the build's Node wrote it for. */
async function shippedTag(dist: string): Promise<string> {
  const data = await readFile(join(dist, "ecr-vars-main.cjs.v8cache"));
  // After the 31-byte header (launch.ts).
  return data.toString("utf8", 31, 31 + data.readUInt16LE(28));
}

/** Flips bytes in the middle of a cache file's V8 payload, keeping every header intact. */
async function damagePayload(file: string): Promise<void> {
  const data = await readFile(file);
  const middle = Math.floor(data.length / 2);
  for (let i = middle; i < middle + 64; i++) data[i] = (data[i] ?? 0) ^ 0xa5;
  await writeFile(file, data);
}

describe("code caches", () => {
  test("the build's caches serve the Node that built them; other versions and flags get their own after one run", async () => {
    const s = await setup();
    // Under CI's other Node versions, dist/ was built by another one: the user cache serves.
    const builtHere = (await shippedTag(s.dist)) === cacheTag(s.env, []);
    const served = builtHere ? "shipped cache" : "user cache";
    const first = await s.fetch();
    expectFetched(first);
    const firstState = builtHere ? "shipped cache" : "no cache";
    expect(first.caches).toEqual({ "ecr-vars-main.cjs": firstState, "aws-sdk.cjs": firstState });
    const second = await s.fetch();
    expectFetched(second);
    expect(second.caches).toEqual({ "ecr-vars-main.cjs": served, "aws-sdk.cjs": served });

    // NODE_OPTIONS flags change V8's flag hash: the build's caches do not serve, a user cache does.
    const flagged = { ...s.env, NODE_OPTIONS: FLAGS };
    const miss = await s.fetch(flagged);
    expectFetched(miss);
    expect(miss.caches).toEqual({ "ecr-vars-main.cjs": "no cache", "aws-sdk.cjs": "no cache" });
    const written = await readdir(s.codeDir);
    expect(written.length).toBe(builtHere ? 2 : 4);
    for (const name of written) {
      expect(name).toMatch(/^(aws-sdk|ecr-vars-main)\.cjs\.[0-9a-f]{16}\.v8cache$/);
      expect((await stat(join(s.codeDir, name))).mode & 0o777).toBe(0o600);
    }
    const hit = await s.fetch(flagged);
    expectFetched(hit);
    expect(hit.caches).toEqual({ "ecr-vars-main.cjs": "user cache", "aws-sdk.cjs": "user cache" });
    // Without the flags, the same caches as before serve.
    expect((await s.version()).caches).toEqual({ "ecr-vars-main.cjs": served });
  });

  test("a cache written after --version is rewritten whole by the next fetch, then left alone", async () => {
    const s = await setup();
    // Flags: the build's cache does not serve, so the first run writes the user's.
    const flagged = { ...s.env, NODE_OPTIONS: FLAGS };
    const file = async () => {
      const [name] = (await readdir(s.codeDir)).filter((n) => n.startsWith("ecr-vars-main"));
      const data = await readFile(join(s.codeDir, name ?? ""));
      // The kind byte (launch.ts): 1 after a side run such as --version.
      return {
        size: data.length,
        kind: data[30],
        mtime: (await stat(join(s.codeDir, name ?? ""))).mtimeMs,
      };
    };
    const version = await s.version(flagged);
    expectVersion(version);
    expect(version.caches).toEqual({ "ecr-vars-main.cjs": "no cache" });
    const partial = await file();
    expect(partial.kind).toBe(1);

    const fetched = await s.fetch(flagged);
    expectFetched(fetched);
    expect(fetched.caches["ecr-vars-main.cjs"]).toBe("user cache");
    const whole = await file();
    expect(whole.kind).toBe(0);
    // It now holds the functions a fetch runs, which the --version run never compiled.
    expect(whole.size).toBeGreaterThan(partial.size * 1.3);

    const again = await s.fetch(flagged);
    expectFetched(again);
    expect(again.caches["ecr-vars-main.cjs"]).toBe("user cache");
    expectVersion(await s.version(flagged));
    expect(await file()).toEqual(whole);
  });

  test("the helper's miss path starts from its cache and the SDK bundle's", async () => {
    const s = await setup({ ECR_VARS_CACHE: "off" });
    const builtHere = (await shippedTag(s.dist)) === cacheTag(s.env, []);
    for (const state of builtHere ? ["shipped cache"] : ["no cache", "user cache"]) {
      const miss = await s.helper();
      expect(miss.code).toBe(0);
      expect(JSON.parse(miss.stdout)).toMatchObject({ ServerURL: PROXY_DOMAIN, Username: "AWS" });
      expect(miss.caches).toEqual({
        "docker-credential-ecr-vars-fetch.cjs": state,
        "aws-sdk.cjs": state,
      });
    }
  });

  test("a cache whose payload is damaged behind an intact header is never given to V8", async () => {
    const s = await setup();
    // The build's cache of the program and of the SDK bundle.
    await damagePayload(join(s.dist, "ecr-vars-main.cjs.v8cache"));
    await damagePayload(join(s.dist, "cli", "aws-sdk.cjs.v8cache"));
    const version = await s.version();
    expectVersion(version);
    expect(version.caches).toEqual({ "ecr-vars-main.cjs": "no cache" });
    const fetched = await s.fetch();
    expectFetched(fetched);
    // The run wrote good caches for itself: the next run starts from them.
    expect((await s.fetch()).caches).toEqual({
      "ecr-vars-main.cjs": "user cache",
      "aws-sdk.cjs": "user cache",
    });

    // The user's cache, damaged the same way.
    for (const name of await readdir(s.codeDir)) await damagePayload(join(s.codeDir, name));
    const again = await s.fetch();
    expectFetched(again);
    expect(again.caches).toEqual({ "ecr-vars-main.cjs": "no cache", "aws-sdk.cjs": "no cache" });
  });

  test("a truncated or empty cache, or one of another format, is ignored", async () => {
    const s = await setup();
    const main = join(s.dist, "ecr-vars-main.cjs.v8cache");
    const full = await readFile(main);
    for (const data of [full.subarray(0, full.length - 1), full.subarray(0, 30), Buffer.alloc(0)]) {
      await writeFile(main, data);
      await rm(s.codeDir, { recursive: true, force: true });
      const result = await s.version();
      expectVersion(result);
      expect(result.caches).toEqual({ "ecr-vars-main.cjs": "no cache" });
    }
    // V8's own cache data without our header (what builds before this format shipped).
    await writeFile(main, full.subarray(full.length - full.readUInt32LE(24)));
    await rm(s.codeDir, { recursive: true, force: true });
    const raw = await s.version();
    expectVersion(raw);
    expect(raw.caches).toEqual({ "ecr-vars-main.cjs": "no cache" });
  });

  test("after a same-length edit of the program, the edited program runs", async () => {
    const s = await setup();
    const program = join(s.dist, "ecr-vars-main.cjs");
    const text = await readFile(program, "latin1");
    const edited = "9".repeat(VERSION.length);
    const replaced = text.replaceAll(JSON.stringify(VERSION), JSON.stringify(edited));
    expect(replaced).not.toBe(text);
    expect(replaced.length).toBe(text.length);
    await writeFile(program, replaced, "latin1");
    const result = await s.version();
    expect(result.stdout).toBe(`${edited}\n`);
    expect(result.code).toBe(0);
    expect(result.caches).toEqual({ "ecr-vars-main.cjs": "no cache" });
    // The user cache written for the edited source serves it next time; the old one stays unused.
    const next = await s.version();
    expect(next.stdout).toBe(`${edited}\n`);
    expect(next.caches).toEqual({ "ecr-vars-main.cjs": "user cache" });
  });

  test("a cache that verifies but that V8 rejects (other flags) is replaced", async () => {
    const s = await setup();
    // A flag in V8's flag hash on every supported version (Node 26 leaves heap sizes out of it).
    const flagged = { ...s.env, NODE_OPTIONS: "--stack-trace-limit=20" };
    expectVersion(await s.version(flagged));
    const [name] = await readdir(s.codeDir);
    const source = await readFile(join(s.dist, "ecr-vars-main.cjs"));
    const made = await readFile(join(s.codeDir, name ?? ""));
    const payload = decodeCache(hash, made, source, cacheTag(flagged, []));
    expect(payload).toBeDefined();
    // The flagged run's bytecode, labelled as made without flags: our checks pass, V8's do not.
    await writeFile(
      join(s.dist, "ecr-vars-main.cjs.v8cache"),
      encodeCache(hash, source, cacheTag(s.env, []), payload ?? Buffer.alloc(0)),
    );
    const rejected = await s.version();
    expectVersion(rejected);
    expect(rejected.caches).toEqual({ "ecr-vars-main.cjs": "shipped cache rejected" });
    const next = await s.version();
    expectVersion(next);
    expect(next.caches).toEqual({ "ecr-vars-main.cjs": "user cache" });
  });

  test("an unwritable cache directory costs nothing but the cache", async () => {
    const s = await setup();
    const blocker = ctx.path(`not-a-directory-${copies}`);
    await writeFile(blocker, "");
    const env = { ...s.env, ECR_VARS_CACHE_DIR: join(blocker, "cache"), NODE_OPTIONS: FLAGS };
    for (let i = 0; i < 2; i++) {
      const version = await s.version(env);
      expectVersion(version);
      expect(version.caches).toEqual({ "ecr-vars-main.cjs": "no cache" });
    }
    const fetched = await s.fetch(env);
    expectFetched(fetched);
  });

  test("no user cache goes into a directory others can write to, nor after a failed run", async () => {
    const s = await setup();
    const flagged = { ...s.env, NODE_OPTIONS: FLAGS };
    // A shared, sticky directory named in ECR_VARS_CACHE_DIR: left exactly as it was.
    const shared = ctx.path(`shared-${copies}`);
    await mkdir(shared);
    await chmod(shared, 0o1777);
    const open = { ...flagged, ECR_VARS_CACHE_DIR: shared };
    expectVersion(await s.version(open));
    expect(await readdir(shared)).toEqual([]);
    // A run that fails (exit 2) writes nothing; the next successful one writes the cache.
    const failed = await run(join(s.dist, "ecr-vars.cjs"), ["--regoin", "x"], flagged);
    expect(failed.code).toBe(2);
    expect(await readdir(s.cacheDir).catch(() => [])).toEqual([]);
    expectVersion(await s.version(flagged));
    expect((await readdir(s.codeDir)).length).toBe(1);
  });

  test("a user cache that others can write, or a link, is not used", async () => {
    const s = await setup();
    const flagged = { ...s.env, NODE_OPTIONS: FLAGS };
    expectVersion(await s.version(flagged));
    const [name] = await readdir(s.codeDir);
    const file = join(s.codeDir, name ?? "");
    await chmod(file, 0o666);
    const exposed = await s.version(flagged);
    expectVersion(exposed);
    expect(exposed.caches).toEqual({ "ecr-vars-main.cjs": "no cache" });

    // The exposed file was replaced by a private one; a link in its place is not followed.
    const { rename, symlink } = await import("node:fs/promises");
    await rename(file, join(s.cacheDir, "elsewhere"));
    await mkdir(s.codeDir, { recursive: true });
    await symlink(join(s.cacheDir, "elsewhere"), file);
    const linked = await s.version(flagged);
    expectVersion(linked);
    expect(linked.caches).toEqual({ "ecr-vars-main.cjs": "no cache" });
  });

  test("the programs take a Node built-in by require, never through the ES module loader", async () => {
    // import("node:http") builds a namespace of every export, which on Node 22 and later loads
    // undici; the programs' import function hands back the module itself behind a default.
    const previous = (globalThis as Record<symbol, unknown>)[IMPORT];
    try {
      installImport("dist", {});
      const load = (globalThis as Record<symbol, unknown>)[IMPORT] as (
        s: string,
      ) => Promise<unknown>;
      const http = (await load("node:http")) as { request: unknown; default: unknown };
      const required = createRequire(import.meta.url)("node:http") as { request: unknown };
      expect(Object.prototype.toString.call(http)).not.toBe("[object Module]");
      expect(http.default).toBe(required);
      expect(http.request).toBe(required.request);
      const { readFile: read } = (await load(
        "node:fs/promises",
      )) as typeof import("node:fs/promises");
      expect(read).toBe(readFile);
    } finally {
      (globalThis as Record<symbol, unknown>)[IMPORT] = previous;
    }
  });
});
