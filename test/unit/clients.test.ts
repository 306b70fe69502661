/**
 * The clients beyond Docker (docs/clients.md): where each one's auth file is by default, and the
 * CLI writing, refusing and logging out of those files, in-process against the emulator.
 */

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { authFilePath, KANIKO_CONFIG } from "../../src/platform/docker-config-file.js";
import {
  type E2eContext,
  expectNoSecrets,
  modeOf,
  PROXY_DOMAIN,
  startInProcess,
  tokenOf,
} from "../support/e2e-harness.js";
import { runInProcess } from "../support/in-process.js";

describe("authFilePath", () => {
  test.each([
    ["docker", {}, "linux", "/home/u/.docker/config.json"],
    ["docker", { REGISTRY_AUTH_FILE: "/run/auth.json" }, "linux", "/run/auth.json"],
    ["docker", { DOCKER_CONFIG: "/d" }, "linux", "/d/config.json"],
    ["helm", {}, "linux", "/home/u/.config/helm/registry/config.json"],
    ["helm", { XDG_CONFIG_HOME: "/x" }, "linux", "/x/helm/registry/config.json"],
    ["helm", { HELM_CONFIG_HOME: "/h", XDG_CONFIG_HOME: "/x" }, "linux", "/h/registry/config.json"],
    ["helm", { HELM_REGISTRY_CONFIG: "/r.json", HELM_CONFIG_HOME: "/h" }, "linux", "/r.json"],
    [
      "helm",
      { DOCKER_CONFIG: "/d", REGISTRY_AUTH_FILE: "/a" },
      "linux",
      "/home/u/.config/helm/registry/config.json",
    ],
    ["helm", {}, "darwin", "/home/u/Library/Preferences/helm/registry/config.json"],
    [
      "helm",
      { APPDATA: "C:\\Users\\u\\AppData\\Roaming" },
      "win32",
      "C:\\Users\\u\\AppData\\Roaming\\helm\\registry\\config.json",
    ],
    ["kaniko", {}, "linux", KANIKO_CONFIG],
    ["kaniko", { DOCKER_CONFIG: "/kaniko/.docker/" }, "linux", "/kaniko/.docker/config.json"],
    ["kaniko", { REGISTRY_AUTH_FILE: "/a" }, "linux", "/kaniko/.docker/config.json"],
  ] as const)("%s with %j on %s: %s", (client, env, platform, expected) => {
    expect(authFilePath(client, { HOME: "/home/u", ...env }, platform)).toBe(expected);
  });
});

describe("the CLI and the clients' files", () => {
  const PASSWORD = "clients-unit-password-0123456789abcdef";
  let ctx: E2eContext;
  beforeAll(async () => {
    ctx = await startInProcess({ password: PASSWORD });
  });
  afterAll(async () => {
    await ctx?.close();
  });
  const TASK = ["--region", "eu-west-1"];

  test.each([
    ["helm-config", "HELM_CONFIG_HOME", "helm/registry/config.json"],
    ["helm-config", "XDG_CONFIG_HOME", "helm/helm/registry/config.json"],
    ["kaniko-config", "DOCKER_CONFIG", "kaniko/config.json"],
  ])("--format %s without --output writes where %s says (0600)", async (format, name, relative) => {
    const dir = join(ctx.dir, `${format}-${name}`);
    const base = relative.split("/")[0] ?? "";
    const result = await ctx.run([...TASK, "--format", format], { [name]: join(dir, base) });
    expect(result.code, result.stderr).toBe(0);
    const file = join(dir, relative);
    const config = JSON.parse(await readFile(file, "utf8"));
    expect(config.auths[PROXY_DOMAIN]).toEqual({ auth: tokenOf(PASSWORD) });
    expect(await modeOf(file)).toBe(0o600);
    expectNoSecrets(result.stderr + result.stdout, [PASSWORD]);
  });

  test("helm-config merges into Helm's file, keeping another registry's login", async () => {
    const file = join(ctx.dir, "helm-merge.json");
    await writeFile(file, '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}\n');
    const result = await ctx.run([...TASK, "--format", "helm-config", "--output", file]);
    expect(result.code, result.stderr).toBe(0);
    const config = JSON.parse(await readFile(file, "utf8"));
    expect(Object.keys(config.auths).sort()).toEqual(["ghcr.io", PROXY_DOMAIN].sort());
  });

  test("logout --format helm-config removes ours from Helm's default file and nothing else", async () => {
    const home = join(ctx.dir, "helm-logout");
    const file = join(home, "registry", "config.json");
    await mkdir(join(home, "registry"), { recursive: true });
    await writeFile(file, '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}\n');
    const env = { HELM_CONFIG_HOME: home };
    expect((await ctx.run([...TASK, "--format", "helm-config"], env)).code).toBe(0);
    const out = await ctx.run(["logout", "--format", "helm-config"], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain(`removed from ${file}: auths ${PROXY_DOMAIN}`);
    expect(JSON.parse(await readFile(file, "utf8")).auths).toEqual({
      "ghcr.io": { auth: "dXNlcjpwYXNz" },
    });
  });

  test.each([
    [["logout", "--format", "sh"], /"sh" is not a format that writes an auth file/],
    [
      [...TASK, "--format", "kaniko-config", "--credential-helper"],
      /--credential-helper: has no meaning for the kaniko-config format.*docker-config, helm-config/s,
    ],
  ])("%j is refused (exit 2)", async (args, message) => {
    const result = await ctx.run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test("creds prints USER:PASSWORD to a pipe, refuses a terminal unless --force", async () => {
    const piped = await ctx.run([...TASK, "--format", "creds"]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe(`AWS:${PASSWORD}\n`);
    expectNoSecrets(piped.stderr, [PASSWORD]);
    const env = ctx.env();
    const tty = await runInProcess([...TASK, "--format", "creds"], env, {
      stdoutIsTty: true,
      cwd: ctx.dir,
    });
    expect(tty.code).toBe(2);
    expect(tty.stdout).toBe("");
    expect(tty.stderr).toMatch(/stdout is a terminal: the creds format/);
    const forced = await runInProcess([...TASK, "--format", "creds", "--force"], env, {
      stdoutIsTty: true,
      cwd: ctx.dir,
    });
    expect(forced.stdout).toBe(`AWS:${PASSWORD}\n`);
  });
});
