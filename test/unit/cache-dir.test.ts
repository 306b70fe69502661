import { chmod, mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { cacheDir, updateCache } from "../../src/cache/store.js";
import { tempDir } from "../support/cli.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function base(): Promise<string> {
  const made = await tempDir();
  cleanups.push(made.cleanup);
  return made.path;
}

const NOW = new Date("2030-01-01T00:00:00Z");
const write = (dir: string, env: Record<string, string>) =>
  updateCache(
    dir,
    (data) => {
      data.tokens.k = {
        identity: "arn:aws:iam::123456789012:user/ci",
        registryId: "123456789012",
        region: "eu-west-1",
        authorizationToken: "QVdTOnNlY3JldA==",
        proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        expiresAt: "2030-01-01T12:00:00Z",
        fetchedAt: "2030-01-01T00:00:00Z",
      };
    },
    NOW,
    env,
  );
const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

describe("the token cache's directory", () => {
  test.each([
    ["a sticky world-writable directory (like /tmp)", 0o1777],
    ["the working directory (0755)", 0o755],
    ["a group-readable directory", 0o750],
  ])(
    "before: ECR_VARS_CACHE_DIR naming %s was chmod-ed to 0700; now it is left as it was and the cache is not written",
    async (_name, mode) => {
      const dir = join(await base(), "shared");
      await mkdir(dir);
      await chmod(dir, mode);
      const error = await write(dir, { ECR_VARS_CACHE_DIR: dir }).catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        `the cache directory ${dir} is open to other users (mode ${mode.toString(8).slice(-3)}); point ECR_VARS_CACHE_DIR at a directory only you can read, or at a path that does not exist yet`,
      );
      expect(await modeOf(dir)).toBe(mode);
      expect(await readdir(dir)).toEqual([]);
    },
  );

  test("ECR_VARS_CACHE_DIR naming a path that does not exist: created 0700 (parents too), tokens.json 0600", async () => {
    const dir = join(await base(), "new", "cache");
    await write(dir, { ECR_VARS_CACHE_DIR: dir });
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(dir, ".."))).toBe(0o700);
    expect(await modeOf(join(dir, "tokens.json"))).toBe(0o600);
  });

  test("ECR_VARS_CACHE_DIR naming an existing private directory: used as it is", async () => {
    const dir = join(await base(), "private");
    await mkdir(dir, { mode: 0o700 });
    await write(dir, { ECR_VARS_CACHE_DIR: dir });
    expect(await modeOf(dir)).toBe(0o700);
    expect(await readdir(dir)).toEqual(["tokens.json"]);
  });

  test("the default directory (…/ecr-vars, ours by name) is restricted to 0700 when found open", async () => {
    const xdg = await base();
    await chmod(xdg, 0o755);
    const env = { XDG_CACHE_HOME: xdg };
    const dir = cacheDir(env);
    expect(dir).toBe(join(xdg, "ecr-vars"));
    await mkdir(dir);
    await chmod(dir, 0o755);
    await write(dir, env);
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(xdg)).toBe(0o755);
  });
});
