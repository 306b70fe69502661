/**
 * What each path of the built CLI loads (ARCHITECTURE.md, "Start-up": a cache hit loads no AWS SDK). The proof is a
 * copy of dist/ without the lazily loaded files: a run that needed one of them would fail.
 */

import { execFile, spawn } from "node:child_process";
import { cp, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ACCOUNT, type E2eContext, startE2e } from "../support/e2e-harness.js";
import { runWithInput } from "../support/registry.js";

let ctx: E2eContext;

beforeAll(async () => {
  ctx = await startE2e();
});

afterAll(async () => {
  await ctx?.close();
});

function run(cli: string, args: readonly string[], env: Record<string, string>, node = true) {
  const [file, argv] = node ? [process.execPath, [cli, ...args]] : [cli, [...args]];
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(file, argv, { env, timeout: 30_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

describe("start-up of the built CLI", () => {
  test("a cache hit and --version need neither the SDK bundle nor any ES module", async () => {
    const env = ctx.env({ ECR_VARS_CACHE_DIR: ctx.path("cache") });
    const args = ["--cache", "--region", "eu-west-1", "--registry-id", ACCOUNT, "--format", "json"];
    const filled = await run("dist/ecr-vars.cjs", args, env);
    expect(filled.code).toBe(0);

    const copy = ctx.path("dist");
    await cp("dist", copy, { recursive: true });
    // Only the bins and the programs stay.
    for (const file of ["aws-sdk.cjs", "vendor.cjs"]) await rm(join(copy, file));
    const cli = join(copy, "ecr-vars.cjs");
    const hit = await run(cli, args, env);
    expect(hit.stderr).toContain("token cache");
    expect(hit.code).toBe(0);
    expect(JSON.parse(hit.stdout)).toEqual(JSON.parse(filled.stdout));
    expect((await run(cli, ["--version"], env)).code).toBe(0);
    const helper = await runWithInput(
      process.execPath,
      [join(copy, "docker-credential-ecr-vars.cjs"), "get"],
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
      env,
    );
    expect(helper.code, helper.stdout).toBe(0);
    expect(JSON.parse(helper.stdout).Username).toBe("AWS");

    // The same copy cannot fetch: the fresh path is the one that loads the SDK bundle.
    const fresh = await run(cli, args.slice(1), env);
    expect(fresh.code).not.toBe(0);
  });

  test("a fetch, writing files and the helper's miss need only the CommonJS files", async () => {
    // No ES module, so no run starts Node's ES module loader (scripts/build.mjs).
    const copy = ctx.path("dist-cjs");
    await cp("dist", copy, { recursive: true });
    await rm(join(copy, "chunks"), { recursive: true });
    for (const file of await readdir(copy)) {
      if (!file.endsWith(".cjs")) await rm(join(copy, file), { recursive: true });
    }
    const env = ctx.env({ ECR_VARS_CACHE_DIR: ctx.path("cjs-cache") });
    const args = ["--cache", "--region", "eu-west-1", "--registry-id", ACCOUNT];
    const cli = join(copy, "ecr-vars.cjs");
    const miss = await run(cli, [...args, "-q"], env);
    expect(miss.code, miss.stderr).toBe(0);
    for (const [format, file] of [
      ["docker-config", "config.json"],
      ["dotenv", "ecr.env"],
    ] as const) {
      const written = await run(
        cli,
        [...args, "--format", format, "--output", ctx.path(file)],
        env,
      );
      expect(written.code, written.stderr).toBe(0);
      expect((await readFile(ctx.path(file), "utf8")).length).toBeGreaterThan(100);
    }
    const helper = await runWithInput(
      process.execPath,
      [join(copy, "docker-credential-ecr-vars.cjs"), "get"],
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
      ctx.env({ ECR_VARS_CACHE_DIR: ctx.path("cjs-helper-cache") }),
    );
    expect(helper.code, helper.stdout).toBe(0);
    expect(JSON.parse(helper.stdout).Username).toBe("AWS");
  });

  test("the terminal check without node:tty: a pty is a terminal, /dev/null and a pipe are not", async () => {
    const env = ctx.env({ ECR_VARS_CACHE_DIR: ctx.path("tty-cache") });
    const args = ["--format", "password", "--region", "eu-west-1", "--registry-id", ACCOUNT];
    // script(1) gives the command a pseudo-terminal as stdout.
    const command = [process.execPath, "dist/ecr-vars.cjs", ...args].join(" ");
    const pty = await run("/usr/bin/script", ["-qec", command, "/dev/null"], env, false);
    expect(pty.stdout).toContain("stdout is a terminal");
    expect(pty.code).toBe(2);
    const piped = await run("dist/ecr-vars.cjs", args, env);
    expect(piped.code).toBe(0);
    expect(piped.stdout.trim().length).toBeGreaterThan(100);
    const devNull = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, ["dist/ecr-vars.cjs", ...args], {
        env,
        stdio: ["ignore", "ignore", "ignore"],
      });
      child.on("exit", done);
    });
    expect(devNull).toBe(0);
  });
});
