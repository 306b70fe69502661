import { chmod, mkdir, readdir, stat } from "node:fs/promises";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type E2eContext, startE2e } from "../support/e2e-harness.js";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(async () => {
  await ctx?.close();
});

test("before: --cache with ECR_VARS_CACHE_DIR at a sticky 1777 directory made it 0700; now the run succeeds, says why the cache was not written, and leaves the directory alone", async () => {
  const shared = ctx.path("shared-tmp");
  await mkdir(shared);
  await chmod(shared, 0o1777);
  const result = await ctx.run(["--region", "eu-west-1", "--cache", "--format", "json"], {
    ECR_VARS_CACHE_DIR: shared,
  });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toContain(
    `the cache directory ${shared} is open to other users (mode 777); point ECR_VARS_CACHE_DIR at a directory only you can read`,
  );
  expect((await stat(shared)).mode & 0o7777).toBe(0o1777);
  expect(await readdir(shared)).toEqual([]);
});
