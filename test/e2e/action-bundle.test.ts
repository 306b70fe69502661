/** The committed Action (action.yml and its bundles) is exactly what the build makes today. */

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "ecr-vars-action-build-"));
  await promisify(execFile)(process.execPath, ["scripts/build-action.mjs", "--out", out]);
}, 120_000);
afterAll(() => rm(out, { recursive: true, force: true }));

test.each(["action/main.cjs", "action/post.cjs", "action.yml"])(
  "%s equals a fresh build (if not: npm run build:action and commit the result)",
  async (file) => {
    const fresh = await readFile(join(out, file));
    const committed = await readFile(file);
    expect(committed.equals(fresh), `${file} differs from a fresh build`).toBe(true);
  },
);

test("the build is deterministic: a second build is byte-identical to the first", async () => {
  const again = await mkdtemp(join(tmpdir(), "ecr-vars-action-build-"));
  try {
    await promisify(execFile)(process.execPath, ["scripts/build-action.mjs", "--out", again]);
    for (const file of ["action/main.cjs", "action/post.cjs", "action.yml"]) {
      expect((await readFile(join(again, file))).equals(await readFile(join(out, file)))).toBe(
        true,
      );
    }
  } finally {
    await rm(again, { recursive: true, force: true });
  }
}, 120_000);
