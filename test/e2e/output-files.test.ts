/**
 * Output files (docs/reference.md, "Formats"): created 0600, atomically, never through a symlink; a path that cannot be
 * written is exit 5 and leaves nothing behind.
 */

import { lstat, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { type E2eContext, modeOf, startE2e } from "../support/e2e-harness.js";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(() => ctx.close());

describe("output files (exit 5)", () => {
  let dir: string;
  let n = 0;
  afterEach(() => {
    n += 1;
  });
  beforeAll(() => {
    dir = ctx.dir;
  });
  const out = (name: string) => `${dir}/${n}-${name}`;

  test("into a missing directory", async () => {
    const result = await ctx.run(["--region", "eu-west-1", "--output", `${dir}/missing/x.sh`]);
    expect(result.code).toBe(5);
    expect(result.stderr.split("\n")[0]).toBe(
      `ecr-vars: error: cannot write ${dir}/missing/x.sh: its directory does not exist`,
    );
    expect(result.stdout).toBe("");
  });

  test("through a symlink: refused, the target untouched", async () => {
    const target = out("target.txt");
    const link = out("link.sh");
    await writeFile(target, "original\n", { mode: 0o644 });
    await symlink(target, link);
    const result = await ctx.run(["--region", "eu-west-1", "--output", link]);
    expect(result.code).toBe(5);
    expect(result.stderr.split("\n")[0]).toBe(
      `ecr-vars: error: refusing to write ${link}: it is a symbolic link`,
    );
    expect(await readFile(target, "utf8")).toBe("original\n");
    expect(await modeOf(target)).toBe(0o644);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  test("an existing 0644 file is replaced by a new 0600 file, no temp file left", async () => {
    const file = out("ecr.sh");
    await writeFile(file, "old contents\n", { mode: 0o644 });
    const before = await lstat(file);
    expect(before.mode & 0o777).toBe(0o644);
    const result = await ctx.run(["--region", "eu-west-1", "--output", file]);
    expect(result.code, result.stderr).toBe(0);
    const after = await lstat(file);
    expect(after.mode & 0o777).toBe(0o600);
    // A rename over the old file, not a rewrite in place: readers never see a partial file.
    expect(after.ino).not.toBe(before.ino);
    const text = await readFile(file, "utf8");
    expect(text.startsWith("export CUSTOM_AWS_ECR_AUTHORIZATIONTOKEN_PASSWORD='")).toBe(true);
    expect((await readdir(dir)).filter((name) => name.startsWith(`.${n}-`))).toEqual([]);
  });
});
