/**
 * Every executable, and those that cannot run here (Windows, macOS) above all, checked by structure:
 * file format and machine, an entry point inside executable code, Node's fuse flipped, and the
 * same SEA blob (flags, launcher, programs) as the linux-x64 executable that the other tests run,
 * which alone carries the programs' code caches. The programs are the entry and every program an
 * import of theirs names, found here by following those imports. SHA256SUMS matches the files.
 */

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import {
  type ExecutableInfo,
  readExecutable,
  readSeaAsset,
  readSeaBlob,
  SEA_FLAGS,
  SEA_FUSE,
} from "../support/executable-format.js";
import { NAMES, RELEASE, requireRelease } from "./support.js";

const files = new Map<string, Buffer>();
const info = new Map<string, ExecutableInfo>();

beforeAll(async () => {
  requireRelease();
  for (const name of NAMES) {
    const image = await readFile(join(RELEASE, name));
    files.set(name, image);
    info.set(name, readExecutable(image));
  }
});

function blobOf(name: string): Buffer {
  const blob = info.get(name)?.seaBlob;
  if (blob === undefined) throw new Error(`${name}: no SEA blob`);
  return blob;
}
const mainOf = (name: string) => readSeaBlob(blobOf(name));
const assetOf = (name: string, asset: string) =>
  readSeaAsset(blobOf(name), asset)?.toString("latin1");

/** The programs of an executable: the entry, then every asset their imports name, by name. */
function programsOf(name: string): Map<string, string> {
  const programs = new Map<string, string>();
  const pending = ["ecr-vars.cjs"];
  for (let asset = pending.shift(); asset !== undefined; asset = pending.shift()) {
    if (programs.has(asset)) continue;
    const text = assetOf(name, asset);
    if (text === undefined)
      throw new Error(`${name}: ${asset} is imported but not in the executable`);
    programs.set(asset, text);
    for (const match of text.matchAll(/__ecrVarsImport\("\.\/([^"#]+)/g))
      pending.push(match[1] ?? "");
  }
  return programs;
}

describe.each([
  { name: "ecr-vars-linux-x64", format: "ELF", machine: "x64", codeCache: true },
  { name: "ecr-vars-linux-arm64", format: "ELF", machine: "arm64", codeCache: false },
  { name: "ecr-vars-win-x64.exe", format: "PE", machine: "x64", codeCache: false },
  { name: "ecr-vars-darwin-x64", format: "Mach-O", machine: "x64", codeCache: false },
  { name: "ecr-vars-darwin-arm64", format: "Mach-O", machine: "arm64", codeCache: false },
] as const)("$name", ({ name, format, machine, codeCache }) => {
  test(`is a ${format} ${machine} executable with its entry point in code`, () => {
    const found = info.get(name);
    expect(found?.format).toBe(format);
    expect(found?.machine).toBe(machine);
    expect(found?.entryOffset).toBeGreaterThan(0);
  });

  test("carries the SEA blob, with the fuse flipped", () => {
    const image = files.get(name) ?? Buffer.alloc(0);
    expect(image.includes(`${SEA_FUSE}:1`)).toBe(true);
    expect(image.includes(`${SEA_FUSE}:0`)).toBe(false);
    const { flags, main } = mainOf(name);
    expect(flags & SEA_FLAGS.disableExperimentalWarning).not.toBe(0);
    expect(flags & SEA_FLAGS.useSnapshot).toBe(0);
    expect(flags & SEA_FLAGS.includeAssets).not.toBe(0);
    // Only the build platform's executable can hold V8 code caches.
    expect((flags & SEA_FLAGS.useCodeCache) !== 0).toBe(codeCache);
    // The caches of what the training runs ran: the CLI's and the helper's cache hits, the
    // helper's miss path and the SDK (a fresh fetch).
    for (const program of ["ecr-vars.cjs", "cli-bin.cjs", "helper-bin.cjs", "helper-fetch.cjs"]) {
      const cache = readSeaAsset(blobOf(name), `${program}.v8cache`);
      expect(cache === undefined ? 0 : cache.length > 1000, program).toBe(codeCache ? true : 0);
    }
    const sdkCache = readSeaAsset(blobOf(name), "aws-sdk.cjs.v8cache");
    expect(sdkCache === undefined ? 0 : sdkCache.length > 100_000).toBe(codeCache ? true : 0);
    // The same launcher and programs as the linux-x64 executable, which the other tests run.
    expect(main).toContain("sea.getRawAsset(");
    expect(main).toBe(mainOf("ecr-vars-linux-x64").main);
    const programs = programsOf(name);
    expect(programs.get("ecr-vars.cjs")).toContain("process.argv0");
    expect(programs).toEqual(programsOf("ecr-vars-linux-x64"));
  });

  test("holds no publisher signature that the injection broke", () => {
    // macOS needs an ad-hoc signature made on a Mac (README); Windows runs unsigned files.
    expect(info.get(name)?.signed).toBe(false);
  });
});

test("the checks tell a plain Node binary apart (they can fail)", async () => {
  const plain = readExecutable(await readFile(process.execPath));
  expect(plain.format).toBe("ELF");
  expect(plain.seaBlob).toBeUndefined();
  expect((await readFile(process.execPath)).includes(`${SEA_FUSE}:0`)).toBe(true);
});

test("the programs are there as their imports name them, and require Node built-ins only", () => {
  const programs = programsOf("ecr-vars-linux-x64");
  // The entry, the CLI and the helper (hit and miss paths), the SDK, and what the CLI loads lazily.
  for (const name of ["cli-bin.cjs", "helper-bin.cjs", "helper-fetch.cjs", "aws-sdk.cjs"]) {
    expect(programs.has(name), name).toBe(true);
  }
  expect(programs.size).toBeGreaterThan(10);
  expect(programs.get("aws-sdk.cjs")?.length).toBeGreaterThan(500_000);
  // Known and harmless: `debug` tries supports-color in a try block; the SDK names its optional
  // CRT signer in an error message.
  const optional = ["supports-color", "@aws-sdk/signature-v4-crt"];
  for (const [name, text] of programs) {
    const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
    const outside = [...required].filter((id = "") => !isBuiltin(id) && !optional.includes(id));
    expect(outside, name).toEqual([]);
    // No import() but in the fallback each program defines for running outside the launcher.
    const fallback = /^(?:#!.*\n)?(?:"use strict";\n)?var __ecrVarsImport = [\s\S]*?\n\}\);\n/;
    expect(text, name).toMatch(fallback);
    expect(text.replace(fallback, ""), name).not.toMatch(/\bimport\(/);
  }
});

test("SHA256SUMS lists every executable with its digest", async () => {
  const sums = await readFile(join(RELEASE, "SHA256SUMS"), "utf8");
  const expected = NAMES.map((name) => {
    const digest = createHash("sha256")
      .update(files.get(name) ?? "")
      .digest("hex");
    return `${digest}  ${name}\n`;
  });
  expect(sums).toBe(expected.join(""));
});
