/**
 * The linux-x64 standalone executable end to end, on a PATH without `node`: version, help, a
 * fresh fetch and a cache hit against the emulator (which runs in this test's own Node), and the
 * credential helper under its own name (a symlink).
 */

import { execFile } from "node:child_process";
import { readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type E2eContext,
  expectedValues,
  expectNoSecrets,
  expectNoStack,
  PROXY_DOMAIN,
  startE2e,
} from "../support/e2e-harness.js";
import { type RunResult, runWithInput } from "../support/registry.js";
import { helperBin, LINUX_X64, requireRelease } from "./support.js";

const PASSWORD = "exe-e2e-password-0123456789abcdefghijklmnop";
let ctx: E2eContext;
let bin = "";

beforeAll(async () => {
  requireRelease();
  ctx = await startE2e({ password: PASSWORD });
  bin = await helperBin(ctx.dir);
});
afterAll(async () => {
  await ctx?.close();
});

/** The environment of every run: the emulator's, with PATH holding only the helper's link. */
function env(extra: Record<string, string> = {}) {
  return ctx.env({ PATH: bin, ECR_VARS_CACHE_DIR: ctx.path("cache"), ...extra });
}

async function exe(file: string, args: string[], input = ""): Promise<RunResult> {
  const result = await runWithInput(file, args, input, env(), ctx.dir);
  expectNoSecrets(result.stderr, [PASSWORD]);
  expectNoStack(result.stderr);
  return result;
}

/** The AWS calls the emulator saw while `work` ran. */
async function callsDuring<T>(work: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const before = ctx.emu.requests.length;
  const result = await work();
  return { result, calls: ctx.emu.requests.slice(before).map((r) => `${r.service}:${r.action}`) };
}

test("the PATH of these runs has no node (the runs below cannot fall back to one)", async () => {
  const found = await new Promise<number>((done) =>
    execFile("/bin/sh", ["-c", "command -v node"], { env: env() }, (error) =>
      done(typeof error?.code === "number" ? error.code : 0),
    ),
  );
  expect(found).not.toBe(0);
  const { size } = await stat(LINUX_X64);
  console.log(`release/ecr-vars-linux-x64: ${size} bytes (${(size / 2 ** 20).toFixed(1)} MiB)`);
});

test("--version and --help", async () => {
  const version = await exe(LINUX_X64, ["--version"]);
  expect(version.code).toBe(0);
  expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  expect(version.stderr).toBe("");
  const help = await exe(LINUX_X64, ["--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("USAGE");
  expect(help.stdout).toContain("--registry-id");
  expect(help.stderr).toBe("");
});

test("a fresh fetch against the emulator prints the seven variables, with no warning", async () => {
  const { result, calls } = await callsDuring(() =>
    exe(LINUX_X64, ["--region", "eu-west-1", "--format", "json"]),
  );
  expect(result.code, result.stderr).toBe(0);
  expect(calls).toContain("ecr:GetAuthorizationToken");
  const published = JSON.parse(result.stdout) as Record<string, string>;
  for (const [name, value] of expectedValues(PASSWORD)) {
    expect(published[`custom.aws.${name}`]).toBe(value);
  }
  // Nothing but our summary on stderr: no SDK or Node warning.
  expect(result.stderr).not.toMatch(/warning|deprecat|experimental/i);
  console.log(`fresh fetch: AWS calls ${calls.join(", ")}`);
});

test("a YAML task file: the YAML parser comes from the executable's package bundles", async () => {
  const task = ctx.path("task.yml");
  await writeFile(task, "description: from YAML\nregion: eu-west-1\n");
  const { result, calls } = await callsDuring(() =>
    exe(LINUX_X64, ["--task", task, "--format", "dotenv"]),
  );
  expect(result.code, result.stderr).toBe(0);
  expect(calls).toEqual(["ecr:GetAuthorizationToken"]);
  expect(result.stdout).toContain(`CUSTOM_AWS_ECR_PASSWORD=${PASSWORD}`);
  expect(result.stderr).toContain("from YAML");
});

test("--cache: the first run fills the token cache, the second answers without AWS", async () => {
  const args = ["--region", "eu-west-1", "--cache", "--format", "dotenv"];
  const miss = await callsDuring(() => exe(LINUX_X64, args));
  expect(miss.result.code, miss.result.stderr).toBe(0);
  expect(miss.calls).toContain("ecr:GetAuthorizationToken");
  const hit = await callsDuring(() => exe(LINUX_X64, args));
  expect(hit.result.code, hit.result.stderr).toBe(0);
  expect(hit.calls).toEqual([]);
  expect(hit.result.stdout).toBe(miss.result.stdout);
  expect(hit.result.stdout).toContain(`CUSTOM_AWS_ECR_PASSWORD=${PASSWORD}\n`);
});

test("a cache hit writes nothing beside the token cache: no code cache of its own", async () => {
  // The executable's code cache is inside it (SEA's useCodeCache), not in the user's files.
  const cache = ctx.path("exe-own-cache");
  const args = ["--region", "eu-west-1", "--cache", "-q", "--format", "dotenv"];
  const run = () => runWithInput(LINUX_X64, args, "", env({ ECR_VARS_CACHE_DIR: cache }), ctx.dir);
  expect((await run()).code).toBe(0);
  const hit = await run();
  expect(hit.code, hit.stderr).toBe(0);
  expect(hit.stdout).toContain(`CUSTOM_AWS_ECR_PASSWORD=${PASSWORD}\n`);
  expect((await readdir(cache)).sort()).toEqual(["tokens.json"]);
});

test("named docker-credential-ecr-vars, the same file is the credential helper", async () => {
  const helper = join(bin, "docker-credential-ecr-vars");
  const version = await exe(helper, ["version"]);
  expect(version.stdout).toMatch(/^docker-credential-ecr-vars \d+\.\d+\.\d+\n$/);

  const cache = ctx.path("helper-cache");
  const get = () => runWithInput(helper, ["get"], PROXY_DOMAIN, env({ ECR_VARS_CACHE_DIR: cache }));
  const miss = await callsDuring(get);
  expect(miss.result.code, miss.result.stdout).toBe(0);
  expect(JSON.parse(miss.result.stdout)).toEqual({
    ServerURL: PROXY_DOMAIN,
    Username: "AWS",
    Secret: PASSWORD,
  });
  expect(miss.calls).toContain("ecr:GetAuthorizationToken");
  expect(miss.result.stderr).toBe("");
  const hit = await callsDuring(get);
  expect(hit.result.stdout).toBe(miss.result.stdout);
  expect(hit.calls).toEqual([]);

  // Not ours: the protocol's not-found answer on stdout, exit 1.
  const other = await runWithInput(helper, ["get"], "registry.example.com", env());
  expect(other.code).toBe(1);
  expect(other.stdout).toContain("credentials not found in native keychain");
});
