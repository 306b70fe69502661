/**
 * Node's module compile cache (src/platform/compile-cache.ts, docs/start-up.md): on a Node that
 * has one (22.1 and later; .ci/run runs this suite on each supported version), the bins keep it
 * in `compile/` of the cache directory, 0700, and only where that directory is the user's own and
 * closed to others; a damaged cache changes nothing of what a run prints. Node 20 has none, and
 * the bins create nothing.
 */

import { chmod, mkdir, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ACCOUNT, type E2eContext, startE2e } from "../support/e2e-harness.js";
import { runWithInput } from "../support/registry.js";

const HAS_COMPILE_CACHE =
  typeof (process.getBuiltinModule?.("node:module") as { enableCompileCache?: unknown })
    ?.enableCompileCache === "function";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(async () => {
  await ctx?.close();
});

const ARGS = ["--cache", "--region", "eu-west-1", "--registry-id", ACCOUNT, "--format", "json"];
const run = (cache: string) =>
  runWithInput(process.execPath, ["dist/ecr-vars.cjs", ...ARGS], "", {
    ...ctx.env({ ECR_VARS_CACHE_DIR: cache }),
  });
const entries = async (dir: string) =>
  (await readdir(dir, { recursive: true }).catch(() => [])).filter((f) => !f.endsWith(".tmp"));

test("a run keeps Node's compile cache in compile/, 0700; the next run prints the same", async () => {
  const cache = ctx.path("own");
  const first = await run(cache);
  expect(first.code, first.stderr).toBe(0);
  const dir = join(cache, "compile");
  if (!HAS_COMPILE_CACHE) {
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    return;
  }
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  expect((await entries(dir)).length).toBeGreaterThan(0);
  const second = await run(cache);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stdout).toBe(first.stdout);
});

test("a damaged compile cache is ignored: the run prints what it printed before", async () => {
  const cache = ctx.path("damaged");
  const first = await run(cache);
  expect(first.code, first.stderr).toBe(0);
  const dir = join(cache, "compile");
  for (const entry of await entries(dir)) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile()) await writeFile(path, Buffer.alloc(4096, 0x5a));
  }
  const second = await run(cache);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stdout).toBe(first.stdout);
});

test("a cache directory others may write to, or a planted compile/, gets no compile cache", async () => {
  // Open to others: a compile/ there could be someone else's.
  const open = ctx.path("open");
  await mkdir(open, { mode: 0o777 });
  await chmod(open, 0o777);
  expect((await run(open)).code).toBe(0);
  await expect(stat(join(open, "compile"))).rejects.toThrow(/ENOENT/);

  // compile/ itself open to others, or a link to somewhere else: nothing is written into it.
  const loose = ctx.path("loose");
  await mkdir(join(loose, "compile"), { recursive: true, mode: 0o700 });
  await chmod(loose, 0o700);
  await chmod(join(loose, "compile"), 0o777);
  expect((await run(loose)).code).toBe(0);
  expect(await entries(join(loose, "compile"))).toEqual([]);

  const linked = ctx.path("linked");
  const target = ctx.path("elsewhere");
  await mkdir(linked, { mode: 0o700 });
  await mkdir(target, { mode: 0o700 });
  await symlink(target, join(linked, "compile"));
  expect((await run(linked)).code).toBe(0);
  expect(await entries(target)).toEqual([]);
});
