import { lstat, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ACCOUNT,
  type E2eContext,
  expectNoSecrets,
  modeOf,
  PROXY_DOMAIN,
  startE2e,
  tokenOf,
} from "../support/e2e-harness.js";
import { runHelper } from "../support/registry.js";

const PASSWORD = "docker-config-e2e-password-0123456789abcdef";
const TASK = ["--region", "eu-west-1", "--format", "docker-config"];
let ctx: E2eContext;

beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
});
afterAll(async () => {
  await ctx?.close();
});

const readJson = async (path: string) =>
  JSON.parse(await readFile(path, "utf8")) as Record<string, Record<string, unknown>>;

describe("--format docker-config", () => {
  test("merges an auths entry into an existing config.json, keeping every other key (0600)", async () => {
    const file = await ctx.write(
      "merge.json",
      JSON.stringify({
        auths: { "ghcr.io": { auth: "dXNlcjpwYXNz" } },
        credHelpers: { "gcr.io": "gcloud" },
        HttpHeaders: { "User-Agent": "ci" },
      }),
    );
    const result = await ctx.run([...TASK, "--output", file]);
    expect(result.code, result.stderr).toBe(0);
    const config = await readJson(file);
    expect(config.auths).toEqual({
      "ghcr.io": { auth: "dXNlcjpwYXNz" },
      [PROXY_DOMAIN]: { auth: tokenOf(PASSWORD) },
    });
    expect(config.credHelpers).toEqual({ "gcr.io": "gcloud" });
    expect(config.HttpHeaders).toEqual({ "User-Agent": "ci" });
    expect(await modeOf(file)).toBe(0o600);
    expectNoSecrets(result.stderr + result.stdout, [PASSWORD]);
  });

  test.each([
    [
      "REGISTRY_AUTH_FILE",
      (dir: string) => ({ REGISTRY_AUTH_FILE: join(dir, "auth.json") }),
      "auth.json",
    ],
    [
      "DOCKER_CONFIG",
      (dir: string) => ({ DOCKER_CONFIG: join(dir, "docker") }),
      "docker/config.json",
    ],
    ["HOME", (dir: string) => ({ HOME: join(dir, "home") }), "home/.docker/config.json"],
  ])("without --output it writes where %s says", async (_name, env, relative) => {
    const dir = join(ctx.dir, `default-${_name}`);
    await mkdir(dir);
    const result = await ctx.run(TASK, env(dir));
    expect(result.code, result.stderr).toBe(0);
    const file = join(dir, relative);
    expect((await readJson(file)).auths?.[PROXY_DOMAIN]).toEqual({ auth: tokenOf(PASSWORD) });
    expect(await modeOf(file)).toBe(0o600);
  });

  test("--credential-helper writes a credHelpers entry and no secret", async () => {
    const file = ctx.path("helper.json");
    const result = await ctx.run([...TASK, "--credential-helper", "--output", file]);
    expect(result.code, result.stderr).toBe(0);
    const text = await readFile(file, "utf8");
    expect(JSON.parse(text).credHelpers).toEqual({ [PROXY_DOMAIN]: "ecr-vars" });
    expectNoSecrets(text, [PASSWORD]);
    expect(result.stderr).toContain(
      `Wrote credHelpers entries pointing 1 registry at docker-credential-ecr-vars (no secret) to ${file} (format docker-config, scope local).`,
    );
  });

  test("the summary of auths entries says what was written, not 7 variables", async () => {
    const file = ctx.path("summary.json");
    const result = await ctx.run([...TASK, "--output", file]);
    expect(result.stderr).toContain(
      `Wrote the auths entries of 1 registry to ${file} (format docker-config, scope local).`,
    );
  });

  test("--credential-helper for ECR Public points both its hosts at a helper that answers them", async () => {
    const file = ctx.path("public-helper.json");
    await writeFile(
      file,
      JSON.stringify({ auths: { "public.ecr.aws": { auth: "b2xkOm9sZA==" } } }),
    );
    const args = ["--format", "docker-config", "--credential-helper", "--output", file];
    const hosts = ["--registry", "public.ecr.aws", "--registry", "ecr-public.aws.com"];
    const result = await ctx.run([...args, ...hosts]);
    expect(result.code, result.stderr).toBe(0);
    const config = await readJson(file);
    expect(config.credHelpers).toEqual({
      "public.ecr.aws": "ecr-vars",
      "ecr-public.aws.com": "ecr-vars",
    });
    // Someone else's auths entry stays; clients ask the helper first.
    expect(config.auths).toEqual({ "public.ecr.aws": { auth: "b2xkOm9sZA==" } });
    for (const host of ["public.ecr.aws", "ecr-public.aws.com"]) {
      const answer = await runHelper("get", host, ctx.env({ ECR_VARS_CACHE: "0" }));
      expect(answer.code, answer.stdout).toBe(0);
      expect(JSON.parse(answer.stdout).Secret).toBe(PASSWORD);
    }
  });

  test("refuses to write through a symlink (exit 5) and leaves its target alone", async () => {
    const target = await ctx.write("target.json", "{}");
    const link = ctx.path("link.json");
    await symlink(target, link);
    const result = await ctx.run([...TASK, "--output", link]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("symbolic link");
    expect(await readFile(target, "utf8")).toBe("{}");
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  test("refuses to replace a file that is not JSON (exit 5)", async () => {
    const file = await ctx.write("broken.json", "{ not json");
    const result = await ctx.run([...TASK, "--output", file]);
    expect(result.code).toBe(5);
    expect(await readFile(file, "utf8")).toBe("{ not json");
  });

  test("--credential-helper with another format is a usage error", async () => {
    const result = await ctx.run([
      "--region",
      "eu-west-1",
      "--format",
      "sh",
      "--credential-helper",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--credential-helper");
  });

  test("parallel runs for 12 registries into one file lose nothing", async () => {
    const file = await ctx.write(
      "parallel.json",
      JSON.stringify({ auths: { keep: { auth: "a" } } }),
    );
    const ids = Array.from({ length: 12 }, (_, i) => `1000000000${String(i).padStart(2, "0")}`);
    const results = await Promise.all(
      ids.map((id) => ctx.run([...TASK, "--registry-id", id, "--output", file, "-q"])),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const config = await readJson(file);
    expect(Object.keys(config.auths ?? {}).sort()).toEqual(
      ["keep", ...ids.map((id) => `${id}.dkr.ecr.eu-west-1.amazonaws.com`)].sort(),
    );
    await expect(lstat(`${file}.lock`)).rejects.toThrow();
  });
});

describe("ecr-vars logout", () => {
  test("removes exactly the entries ecr-vars added", async () => {
    const file = await ctx.write(
      "logout.json",
      JSON.stringify({ auths: { "ghcr.io": { auth: "dXNlcjpwYXNz" } }, credsStore: "pass" }),
    );
    expect((await ctx.run([...TASK, "--output", file])).code).toBe(0);
    const other = `${ACCOUNT.replace(/^1/, "9")}.dkr.ecr.eu-west-1.amazonaws.com`;
    const helper = await ctx.run([
      ...TASK,
      "--registry-id",
      ACCOUNT.replace(/^1/, "9"),
      "--credential-helper",
      "--output",
      file,
    ]);
    expect(helper.code, helper.stderr).toBe(0);
    const result = await ctx.run(["logout", "--output", file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`auths ${PROXY_DOMAIN}`);
    expect(result.stderr).toContain(`credHelpers ${other}`);
    expect(await readJson(file)).toEqual({
      auths: { "ghcr.io": { auth: "dXNlcjpwYXNz" } },
      credsStore: "pass",
      credHelpers: {},
    });
    const again = await ctx.run(["logout", "--output", file]);
    expect(again.stderr).toContain("no entries of ecr-vars");
  });

  test("a missing file is nothing to do", async () => {
    const result = await ctx.run(["logout", "--output", ctx.path("none.json")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("does not exist");
  });
});

test("the temp files of the atomic writes do not stay behind", async () => {
  await writeFile(ctx.path("marker"), "");
  const { readdir } = await import("node:fs/promises");
  expect((await readdir(ctx.dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
});
