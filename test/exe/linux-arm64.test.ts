/**
 * The linux-arm64 executable, run for real under qemu's user-mode emulation with Debian's arm64
 * cross libraries (qemu-user, libc6-arm64-cross, libstdc++6-arm64-cross, libatomic1-arm64-cross;
 * .ci/run installs them): version, a fresh fetch against the emulator and the helper's `get`,
 * on a PATH without `node`. Emulated, it starts in seconds, hence one fetch of each kind.
 */

import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type E2eContext,
  expectedValues,
  expectNoSecrets,
  PROXY_DOMAIN,
  startE2e,
} from "../support/e2e-harness.js";
import { type RunResult, runWithInput } from "../support/registry.js";
import { RELEASE, requireRelease } from "./support.js";

const QEMU = "/usr/bin/qemu-aarch64";
const SYSROOT = "/usr/aarch64-linux-gnu";
const ARM64 = join(RELEASE, "ecr-vars-linux-arm64");
const PASSWORD = "exe-arm64-password-0123456789abcdefghijklmno";
let ctx: E2eContext;

beforeAll(async () => {
  requireRelease();
  ctx = await startE2e({ password: PASSWORD });
});
afterAll(async () => {
  await ctx?.close();
});

/** Runs `file` (the executable, or a link to it) as an arm64 program. */
function arm64(file: string, args: string[], input = ""): Promise<RunResult> {
  const env = ctx.env({ PATH: "/nonexistent", ECR_VARS_CACHE_DIR: ctx.path("cache") });
  return runWithInput(QEMU, ["-L", SYSROOT, file, ...args], input, env, ctx.dir);
}

test("--version", async () => {
  const result = await arm64(ARM64, ["--version"]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
});

test("a fresh fetch against the emulator", async () => {
  const before = ctx.emu.requests.length;
  const result = await arm64(ARM64, ["--region", "eu-west-1", "--format", "json"]);
  expect(result.code, result.stderr).toBe(0);
  expectNoSecrets(result.stderr, [PASSWORD]);
  const calls = ctx.emu.requests.slice(before).map((r) => `${r.service}:${r.action}`);
  expect(calls).toContain("ecr:GetAuthorizationToken");
  const published = JSON.parse(result.stdout) as Record<string, string>;
  for (const [name, value] of expectedValues(PASSWORD)) {
    expect(published[`custom.aws.${name}`]).toBe(value);
  }
});

test("named docker-credential-ecr-vars, it answers get", async () => {
  const helper = ctx.path("docker-credential-ecr-vars");
  await symlink(ARM64, helper);
  const result = await arm64(helper, ["get"], PROXY_DOMAIN);
  expect(result.code, result.stdout).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({
    ServerURL: PROXY_DOMAIN,
    Username: "AWS",
    Secret: PASSWORD,
  });
});
