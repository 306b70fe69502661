/**
 * Every executable, and those that cannot run here (Windows, macOS) above all, checked by structure:
 * file format and machine, an entry point inside executable code, Node's fuse flipped, and the
 * same SEA blob (flags, main script, package bundles as assets) as the linux-x64 executable that
 * the other tests run, which alone carries the V8 code caches. SHA256SUMS matches the files.
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
/** The package bundles, assets of every executable (src/exe/package-bundle.ts). */
const BUNDLES = ["aws-sdk.cjs", "vendor.cjs"] as const;
function assetOf(bundle: string): Buffer {
  const asset = readSeaAsset(blobOf("ecr-vars-linux-x64"), bundle);
  if (asset === undefined) throw new Error(`ecr-vars-linux-x64: no asset ${bundle}`);
  return asset;
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
    // Only the build platform's executable can hold V8's code caches, of its main script and
    // of each package bundle.
    expect((flags & SEA_FLAGS.useCodeCache) !== 0).toBe(codeCache);
    for (const bundle of BUNDLES) {
      expect(readSeaAsset(blobOf(name), `${bundle}.code-cache`) !== undefined, bundle).toBe(
        codeCache,
      );
    }
    // The same main script and package bundles as the linux-x64 executable, which the other
    // tests run.
    expect(main).toContain("process.argv0");
    expect(main).toBe(mainOf("ecr-vars-linux-x64").main);
    for (const bundle of BUNDLES) {
      const asset = readSeaAsset(blobOf(name), bundle);
      expect(asset?.equals(assetOf(bundle)), bundle).toBe(true);
    }
  });

  test("holds no publisher signature that the injection broke", () => {
    // macOS needs an ad-hoc signature made on a Mac (docs/executables.md); Windows runs unsigned files.
    expect(info.get(name)?.signed).toBe(false);
  });
});

test("the checks tell a plain Node binary apart (they can fail)", async () => {
  const plain = readExecutable(await readFile(process.execPath));
  expect(plain.format).toBe("ELF");
  expect(plain.seaBlob).toBeUndefined();
  expect((await readFile(process.execPath)).includes(`${SEA_FUSE}:0`)).toBe(true);
});

test("the main script holds the programs, its assets the packages; each requires Node built-ins only", () => {
  const { main } = mainOf("ecr-vars-linux-x64");
  for (const module of ["src/cli/bin.ts", "src/helper/bin.ts", "src/kubelet/bin.ts"]) {
    expect(main, module).toContain(module);
  }
  // The AWS SDK is not in the main script, which every start prepares, but in its asset.
  const ecrService = "AmazonEC2ContainerRegistry_V20150921";
  expect(main).not.toContain(ecrService);
  expect(assetOf("aws-sdk.cjs").toString("utf8")).toContain(ecrService);
  expect(assetOf("vendor.cjs").toString("utf8")).toContain("HttpsProxyAgent");
  const files: [string, string][] = [
    ["main", main],
    ...BUNDLES.map((bundle): [string, string] => [bundle, assetOf(bundle).toString("utf8")]),
  ];
  for (const [file, text] of files) {
    // Known and harmless: `debug` tries supports-color in a try block; the SDK names its
    // optional CRT signer in an error message; node:sea is a built-in only with its scheme.
    const optional = ["supports-color", "@aws-sdk/signature-v4-crt", "node:sea"];
    const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
    const outside = [...required].filter((id = "") => !isBuiltin(id) && !optional.includes(id));
    expect(outside, file).toEqual([]);
    // An import() would need a module loader the executable's script does not have.
    expect(text, file).not.toMatch(/\bimport\(/);
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
