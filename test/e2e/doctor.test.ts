/**
 * `ecr-vars doctor` (docs/doctor.md), the built CLI against the emulator: a healthy setup and
 * four broken ones (no credentials, denied permission, skewed clock, wrong credHelpers), each
 * with its output printed as a user sees it. Docker's file points the registry at our helper
 * (a wrapper of the built bin on PATH), so the client check asks a real program.
 */

import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { EmulatorOptions } from "../../src/emulator/index.js";
import {
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  PROXY_DOMAIN,
  startE2e,
} from "../support/e2e-harness.js";
import { HELPER } from "../support/registry.js";

const PASSWORD = "doctor-e2e-password-0123456789abcdef";
let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

/** An emulator, a home with Docker's config naming `helper` for the registry, our helper on PATH. */
async function setup(options: EmulatorOptions, helper = "ecr-vars") {
  ctx = await startE2e({ password: PASSWORD, ...options });
  const bin = ctx.path("bin");
  await mkdir(bin);
  const wrapper = join(bin, "docker-credential-ecr-vars");
  await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${HELPER}" "$@"\n`);
  await chmod(wrapper, 0o755);
  await mkdir(ctx.path("home/.docker"), { recursive: true });
  await writeFile(
    ctx.path("home/.docker/config.json"),
    JSON.stringify({ credHelpers: { [PROXY_DOMAIN]: helper } }),
  );
  return {
    HOME: ctx.path("home"),
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    ECR_VARS_CACHE_DIR: ctx.path("cache"),
    AWS_REGION: "eu-west-1",
    // The emulator serves the instance metadata service too (with a role unless told otherwise).
    AWS_EC2_METADATA_DISABLED: "",
  };
}

async function doctor(env: Record<string, string>, bare = false, extra: string[] = []) {
  if (ctx === undefined) throw new Error("no setup");
  const { runCli } = await import("../support/cli.js");
  const fullEnv = bare ? ctx.bareEnv(env) : ctx.env(env);
  const result = await runCli(["doctor", "--registry", PROXY_DOMAIN, ...extra], fullEnv, ctx.dir);
  console.log(
    `$ ecr-vars doctor --registry ${PROXY_DOMAIN} ${extra.join(" ")}\n${result.stdout}${result.stderr}(exit ${result.code})`,
  );
  expectNoSecrets(result.stdout + result.stderr, [PASSWORD, ctx.emu.defaultUser.secretAccessKey]);
  expectNoStack(result.stderr);
  return result;
}

const line = (stdout: string, check: string) =>
  stdout.split("\n").find((l) => l.slice(2).startsWith(`${check}:`)) ?? "";

describe("ecr-vars doctor", () => {
  test("a healthy setup: every check passes, exit 0", async () => {
    const env = await setup({});
    const result = await doctor(env);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("✗");
    expect(line(result.stdout, "credentials")).toMatch(
      /^✓ credentials: link 1 \(environment\) answers first: arn:aws:iam::123456789012:user\//,
    );
    expect(line(result.stdout, "ecr:GetAuthorizationToken eu-west-1")).toMatch(/^✓/);
    expect(line(result.stdout, `docker ${PROXY_DOMAIN}`)).toMatch(
      /^✓ .*docker-credential-ecr-vars answers \(user AWS\)/,
    );
    expect(line(result.stdout, "instance metadata (IMDSv2)")).toMatch(
      /^✓ .*IMDSv2 session token and role /,
    );
    expect(result.stdout).toMatch(
      /link 4 \(instance role\): arn:aws:sts::123456789012:assumed-role\//,
    );
    expect(result.stdout).toMatch(/All \d+ checks passed\./);
  });

  test("no credentials: the chain's links each say why, exit 3", async () => {
    const env = await setup({ instanceRole: false, containerRole: false });
    const result = await doctor(env, true);
    expect(result.code).toBe(3);
    expect(line(result.stdout, "credentials")).toMatch(
      /^✗ credentials: no link of the default credential chain gives credentials — fix: /,
    );
    expect(result.stdout).toContain(
      "link 1 (environment): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
    );
  });

  test("denied permission: the real GetAuthorizationToken is refused, exit 4", async () => {
    const env = await setup({});
    ctx?.emu.failNext("GetAuthorizationToken", {
      status: 400,
      code: "AccessDeniedException",
      message: `User: ${ctx.emu.defaultUser.arn} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
      count: Number.POSITIVE_INFINITY,
    });
    const result = await doctor(env);
    expect(result.code).toBe(4);
    expect(line(result.stdout, "credentials")).toMatch(/^✓/);
    expect(line(result.stdout, "ecr:GetAuthorizationToken eu-west-1")).toMatch(
      /^✗ .*AccessDenied.*— fix: allow ecr:GetAuthorizationToken to arn:aws:iam::123456789012:user\/.*ecr-vars policy --region eu-west-1/,
    );
  });

  test("a skewed clock: AWS's Date header is 20 minutes off, exit 4", async () => {
    const env = await setup({ clock: () => new Date(Date.now() - 20 * 60_000) });
    const result = await doctor(env);
    expect(result.code).not.toBe(0);
    expect(line(result.stdout, "clock")).toMatch(
      /^✗ clock: this machine's clock is 120\d s ahead of AWS .* — fix: synchronise the clock/,
    );
  });

  test("wrong credHelpers: the program it names is not on PATH, exit 2", async () => {
    const env = await setup({}, "ecr-logn");
    const result = await doctor(env);
    expect(result.code).toBe(2);
    expect(line(result.stdout, `docker ${PROXY_DOMAIN}`)).toMatch(
      /^✗ .*credHelpers\["[^"]+"\] in .*names docker-credential-ecr-logn, which is not on PATH — fix: /,
    );
    expect(line(result.stdout, "credentials")).toMatch(/^✓/);
  });

  test("--format json: the same checks for machines", async () => {
    const env = await setup({});
    const result = await doctor(env, false, ["--format", "json"]);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: Array<{ check: string; status: string }>;
    };
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.check).slice(0, 3)).toEqual([
      "credentials",
      "ecr:GetAuthorizationToken eu-west-1",
      "clock",
    ]);
  });
});
