/**
 * Starts the CLI's bundled CommonJS program (dist/ecr-vars-main.cjs) from V8's code cache: the
 * bytecode of the functions a cache-hit run executes, written beside it at build time
 * (scripts/build.mjs). Node 20 has no compile cache of its own (`module.enableCompileCache` is
 * Node 22), and compiling those functions is a few milliseconds of a cache hit's budget (SPEC 5).
 * V8 accepts the cache only for the same V8 version, flags and source length (the build writes it
 * fresh with every bundle); otherwise it compiles as usual.
 *
 * The cache is only ever read from the package's own directory, never from a user-writable place:
 * bytecode is code.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import * as vm from "node:vm";

/** Set by the build's training runs: the file names whose code cache to write after this run. */
const TRAIN = "ECR_VARS_BUILD_CODE_CACHE";

/**
 * How the programs import(): a function compiled by vm.Script (and restored from a code cache)
 * has no module loader behind its own `import()` on Node 20, so the build rewrites the programs'
 * `import(x)` to this global (scripts/build.mjs). Relative specifiers resolve against this file,
 * which sits beside the programs in dist/. `FILE.cjs#NAME` is NAME of the packages a CommonJS
 * bundle exports as lazy loaders (the AWS SDK, dist/cli/aws-sdk.cjs), also run from its cache.
 */
export const IMPORT = Symbol.for("ecr-vars.import");

type Packages = Record<string, () => Promise<unknown>>;

export function launch(program: string): void {
  const bundles = new Map<string, { packages: Packages }>();
  (globalThis as Record<symbol, unknown>)[IMPORT] = async (specifier: string) => {
    const hash = specifier.indexOf("#");
    if (hash < 0) return import(specifier);
    const file = join(dirname(program), specifier.slice(0, hash));
    let bundle = bundles.get(file);
    if (bundle === undefined) {
      bundle = run(file) as { packages: Packages };
      bundles.set(file, bundle);
    }
    const load = bundle.packages[specifier.slice(hash + 1)];
    if (load === undefined) throw new Error(`${specifier}: no such package in the bundle`);
    return load();
  };
  run(program);
}

/** Runs a CommonJS file as Node's loader would, compiled from its code cache when V8 accepts it. */
function run(file: string): unknown {
  // The build checks that these files are ASCII: latin1 skips decoding a megabyte of UTF-8.
  const source = readFileSync(file, "latin1").replace(/^#!.*/, "");
  const cacheFile = `${file}.v8cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  if (process.env[TRAIN]?.split(",").includes(basename(file))) {
    process.on("exit", () => writeFileSync(cacheFile, script.createCachedData()));
  }
  const module = { exports: {}, filename: file, id: file };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
