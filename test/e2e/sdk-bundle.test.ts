/**
 * The AWS SDK bundle's stand-ins (scripts/bundles.mjs, README "Start-up"): for node:zlib
 * (src/aws/lazy-zlib.ts), which on the Node running this suite (.ci/run runs it on each supported
 * version) has crc32 exactly where node:zlib has it, with the same results; for @smithy/core's
 * stream type checks (src/aws/stream-type-check.ts), which answer as @smithy/core's do; for its
 * UUID v4 (src/aws/uuid-v4.ts); for node:fs/promises (src/aws/fs-promises.ts), whose readFile
 * gives what node:fs/promises's does. A fresh fetch loads none of node:zlib, Node's web streams,
 * its web crypto and node:fs/promises.
 */

import * as promises from "node:fs/promises";
import { readFile, writeFile } from "node:fs/promises";
import { Readable } from "node:stream";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFile as readFileStandIn } from "../../src/aws/fs-promises.js";
import { crc32 } from "../../src/aws/lazy-zlib.js";
import { isBlob, isReadableStream } from "../../src/aws/stream-type-check.js";
import { bindV4 } from "../../src/aws/uuid-v4.js";
import { ACCOUNT, type E2eContext, startE2e } from "../support/e2e-harness.js";
import { runWithInput } from "../support/registry.js";

let ctx: E2eContext;

beforeAll(async () => {
  ctx = await startE2e();
});

afterAll(async () => {
  await ctx?.close();
});

/** Node's modules that `which` picks, loaded by a fresh fetch of the bin (start-up's included). */
async function modulesOfFreshFetch(which: (module: string) => boolean): Promise<string[]> {
  const preload = ctx.path("modules.cjs");
  await writeFile(
    preload,
    'process.on("exit", () => require("node:fs").writeSync(2, "\\nmodules: " + JSON.stringify(process.moduleLoadList) + "\\n"));\n',
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
  const line = /^modules: (.*)$/m.exec(result.stderr)?.[1];
  if (line === undefined) throw new Error(`the preload said nothing: ${result.stderr}`);
  const modules = JSON.parse(line) as string[];
  // The list is whole: what every fetch loads is in it.
  expect(modules).toContain("NativeModule http");
  return modules.filter(which);
}

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

    expect(await modulesOfFreshFetch((m) => m === "NativeModule zlib")).toEqual([]);
  });

  test("a fresh fetch loads neither Node's web streams, its web crypto nor node:fs/promises", async () => {
    // (Node loads two small modules of its web streams at start-up itself.)
    const bundle = await readFile("dist/cli/aws-sdk.cjs", "utf8");
    expect(bundle).toContain("// src/aws/stream-type-check.ts");
    expect(bundle).toContain("// src/aws/uuid-v4.ts");
    expect(bundle).toContain("// src/aws/fs-promises.ts");
    expect(bundle).not.toMatch(/require\("(node:)?fs\/promises"\)/);
    // The stand-in has readFile alone: all the bundle uses of its default export.
    const uses = [...bundle.matchAll(/fs_promises_default\.(\w+)/g)].map((match) => match[1]);
    expect(new Set(uses)).toEqual(new Set(["readFile"]));
    const web = /webstreams\/(readable|writable)stream|crypto\/webcrypto|fs\/promises/;
    expect(await modulesOfFreshFetch((m) => web.test(m))).toEqual([]);
  });
});

describe("@smithy/core's stream type checks and UUID v4, as the bundle has them", () => {
  test("isReadableStream and isBlob answer as @smithy/core's do", async () => {
    // The installed original, its two exports made a function's result.
    const text = await readFile(
      "node_modules/@smithy/core/dist-es/submodules/serde/util-stream/stream-type-check.js",
      "utf8",
    );
    const original = new Function(
      `${text.replaceAll("export const", "const")}\nreturn { isReadableStream, isBlob };`,
    )() as { isReadableStream: (v: unknown) => boolean; isBlob: (v: unknown) => boolean };
    class ReadableStreamLookalike {}
    class WebStream extends ReadableStream<Uint8Array> {}
    class File extends Blob {}
    Object.defineProperty(ReadableStreamLookalike, "name", { value: "ReadableStream" });
    const values: unknown[] = [
      new ReadableStream(),
      new WebStream(),
      Readable.from(["x"]),
      new Blob(["x"]),
      new File([]),
      Buffer.from("x"),
      new Uint8Array(2),
      "ReadableStream",
      "",
      0,
      null,
      undefined,
      {},
      { getReader: () => undefined },
      { constructor: { name: "ReadableStream" } },
      { constructor: { name: "Blob" } },
      new ReadableStreamLookalike(),
      Object.create(null),
      () => undefined,
    ];
    for (const [i, value] of values.entries()) {
      expect(isReadableStream(value), `value ${i}`).toBe(original.isReadableStream(value));
      expect(isBlob(value), `value ${i}`).toBe(original.isBlob(value));
    }
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(isReadableStream(value)).toBe(original.isReadableStream(value));
        expect(isBlob(value)).toBe(original.isBlob(value));
      }),
      { numRuns: 500 },
    );
  });

  test("readFile: node:fs/promises's contents and errors", async () => {
    const file = await ctx.write("read-me.txt", "[default]\nregion = eu-west-1\n");
    const cases: Array<[string, Parameters<typeof promises.readFile>[1]]> = [
      [file, "utf8"],
      [file, { encoding: "utf8" }],
      [file, undefined],
      [ctx.path("missing.txt"), "utf8"],
      [ctx.dir, "utf8"],
    ];
    const settle = (promise: Promise<unknown>) =>
      promise.then(
        (value) => ({ value }),
        (error: NodeJS.ErrnoException) => ({ code: error.code, message: error.message }),
      );
    for (const [path, options] of cases) {
      expect(await settle(readFileStandIn(path, options))).toEqual(
        await settle(promises.readFile(path, options)),
      );
    }
  });

  test("UUID v4: node:crypto's randomUUID, of the form RFC 9562 gives version 4", () => {
    const v4 = bindV4(() => {
      throw new Error("not the fallback");
    });
    const ids = new Set(Array.from({ length: 200 }, () => v4()));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
