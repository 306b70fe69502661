/**
 * Concurrent cold callers that share a cache directory coalesce (docs/docker.md, "The token cache"): thirty
 * real processes of the built bins started at once make one GetAuthorizationToken and at most
 * one STS call between them, and every one of them answers with the token. A fetcher that died
 * holding the fetch lock does not keep the others waiting.
 */

import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import { type E2eContext, PROXY_DOMAIN, REGION, startE2e } from "../support/e2e-harness.js";
import { HELPER, runHelper } from "../support/registry.js";

const PASSWORD = "coalesce-e2e-password-0123456789abcdefgh";
const PROCESSES = 30;

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
});
afterAll(() => ctx.close());

let run = 0;
let cacheDir = "";
beforeEach(() => {
  run += 1;
  cacheDir = ctx.path(`cache-${run}`);
  // The fetch takes a while, as over a real network: every process starts before it ends.
  ctx.emu.failNext("GetAuthorizationToken", { kind: "delay", ms: 300 });
});

/** The ECR and STS calls the emulator saw since `from`. */
function awsCalls(from: number): { ecr: number; sts: number } {
  const seen = ctx.emu.requests.slice(from);
  return {
    ecr: seen.filter((r) => r.action === "GetAuthorizationToken").length,
    sts: seen.filter((r) => r.service === "sts").length,
  };
}

test(`${PROCESSES} concurrent cold helper gets: one GetAuthorizationToken, at most one STS call`, async () => {
  const env = ctx.env({ ECR_VARS_CACHE_DIR: cacheDir });
  const from = ctx.emu.requests.length;
  const results = await Promise.all(
    Array.from({ length: PROCESSES }, () => runHelper("get", PROXY_DOMAIN, env)),
  );
  for (const result of results) {
    expect(result.code, result.stdout).toBe(0);
    expect(JSON.parse(result.stdout).Secret).toBe(PASSWORD);
  }
  // One GetCallerIdentity names the identity (static keys need no other STS call).
  expect(awsCalls(from)).toEqual({ ecr: 1, sts: 1 });
});

test(`${PROCESSES} concurrent cold ecr-vars --cache runs: one GetAuthorizationToken, at most one STS call`, async () => {
  const env = ctx.env({ ECR_VARS_CACHE_DIR: cacheDir });
  const from = ctx.emu.requests.length;
  const results = await Promise.all(
    Array.from({ length: PROCESSES }, () =>
      runCli(["--region", REGION, "--cache", "-f", "json"], env, ctx.dir),
    ),
  );
  for (const result of results) {
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)["custom.aws.ecr.password"]).toBe(PASSWORD);
  }
  // One GetCallerIdentity names the identity (static keys need no other STS call).
  expect(awsCalls(from)).toEqual({ ecr: 1, sts: 1 });
});

test("a fetcher killed while it holds the fetch lock: the next caller takes over at once", async () => {
  const env = ctx.env({ ECR_VARS_CACHE_DIR: cacheDir });
  // The first caller's GetCallerIdentity never answers: it holds the lock until it is killed.
  ctx.emu.failNext("GetCallerIdentity", { kind: "hang" });
  const from = ctx.emu.requests.length;
  const stuck = spawn(process.execPath, [HELPER, "get"], {
    env,
    stdio: ["pipe", "ignore", "ignore"],
  });
  stuck.stdin.end(PROXY_DOMAIN);
  const lock = await waitFor(async () =>
    (await readdir(cacheDir).catch(() => [] as string[])).find((name) =>
      /^fetch-.*\.lock$/.test(name),
    ),
  );
  expect(lock).toBeDefined();
  // Killed once its call is pending (the hang used up), holding the lock.
  const hung = await waitFor(async () =>
    ctx.emu.requests.slice(from).find((r) => r.errorCode === "hang"),
  );
  expect(hung?.action).toBe("GetCallerIdentity");
  const ended = new Promise((done) => stuck.once("exit", done));
  stuck.kill("SIGKILL");
  await ended;
  // Left behind by the killed process, and taken over well before the bounded wait ends.
  expect(await readdir(cacheDir)).toContain(lock);
  const started = Date.now();
  const result = await runHelper("get", PROXY_DOMAIN, env);
  expect(result.code, result.stdout).toBe(0);
  expect(JSON.parse(result.stdout).Secret).toBe(PASSWORD);
  expect(Date.now() - started).toBeLessThan(5000);
  // And the CLI reads the token it stored, with no call.
  const after = ctx.emu.requests.length;
  const hit = await runCli(
    ["--registry-id", "123456789012", "--region", REGION, "--cache", "-f", "json"],
    env,
    ctx.dir,
  );
  expect(hit.code, hit.stderr).toBe(0);
  expect(awsCalls(after)).toEqual({ ecr: 0, sts: 0 });
});

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((done) => setTimeout(done, 25));
  }
  return undefined;
}
