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
import { dirname } from "node:path";
import * as vm from "node:vm";

/** Set by the build's training run: write the cache after this run. */
const TRAIN = "ECR_VARS_BUILD_CODE_CACHE";

/**
 * How the programs import(): a function compiled by vm.Script (and restored from a code cache)
 * has no module loader behind its own `import()` on Node 20, so the build rewrites the programs'
 * `import(x)` to this global (scripts/build.mjs). Relative specifiers resolve against this file,
 * which sits beside the programs in dist/.
 */
export const IMPORT = Symbol.for("ecr-vars.import");

export function launch(program: string): void {
  (globalThis as Record<symbol, unknown>)[IMPORT] = (specifier: string) => import(specifier);
  const source = readFileSync(program, "utf8").replace(/^#!.*/, "");
  const cacheFile = `${program}.v8cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: program, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  if (process.env[TRAIN] === "1") {
    process.on("exit", () => writeFileSync(cacheFile, script.createCachedData()));
  }
  const module = { exports: {}, filename: program, id: program };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(program),
    module,
    program,
    dirname(program),
  );
}
