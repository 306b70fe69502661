/**
 * The AWS SDK bundle's stand-in for node:zlib (src/aws/lazy-zlib.ts, README "Start-up"): on the
 * Node running this suite (.ci/run runs it on each supported version) it has crc32 exactly where
 * node:zlib has it, with the same results, and a fresh fetch does not load node:zlib.
 */

import { readFile, writeFile } from "node:fs/promises";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { crc32 } from "../../src/aws/lazy-zlib.js";
import { ACCOUNT, type E2eContext, startE2e } from "../support/e2e-harness.js";
import { runWithInput } from "../support/registry.js";

let ctx: E2eContext;

beforeAll(async () => {
  ctx = await startE2e();
});

afterAll(async () => {
  await ctx?.close();
});

describe("the SDK bundle's node:zlib", () => {
  test(`crc32 is there exactly where node:zlib has it (${process.version}), with its results`, () => {
    expect(typeof crc32).toBe(typeof (zlib as { crc32?: unknown }).crc32);
    const shim = crc32;
    if (shim === undefined) return;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (data, value) => {
        expect(shim(data, value)).toBe(zlib.crc32(data, value));
        expect(shim(data)).toBe(zlib.crc32(data));
      }),
      { numRuns: 300 },
    );
  });

  test("only the stand-in requires node:zlib in the bundle, and a fresh fetch loads no zlib", async () => {
    const bundle = await readFile("dist/cli/aws-sdk.cjs", "utf8");
    expect(bundle.match(/require\("(node:)?zlib"\)/g)).toEqual(['require("node:zlib")']);
    expect(bundle).toContain("// src/aws/lazy-zlib.ts");

    const preload = ctx.path("modules.cjs");
    await writeFile(
      preload,
      'process.on("exit", () => require("node:fs").writeSync(2, `\\nzlib loaded: ${process.moduleLoadList.includes("NativeModule zlib")}\\n`));\n',
    );
    const args = ["dist/ecr-vars.cjs", "--region", "eu-west-1", "--registry-id", ACCOUNT];
    const result = await runWithInput(
      process.execPath,
      ["--require", preload, ...args, "--format", "json"],
      "",
      ctx.env({}),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)["custom.aws.ecr.password"]?.length).toBeGreaterThan(100);
    expect(result.stderr).toContain("zlib loaded: false");
  });
});
