/**
 * The main script of the standalone executables (scripts/build-exe.mjs): it runs the program, the
 * CommonJS bundle of src/exe/bin.ts, from the executable's assets. On the platform the build ran
 * on, a V8 code cache of the program is an asset too, written by training runs of the executable
 * itself after they ran, so it holds the functions a cache hit compiles, not only the top level
 * (which is all a single executable application's own code cache can hold).
 *
 * That cache is part of the executable, as trustworthy as the code beside it (SHA256SUMS covers
 * both): it needs none of the checksums of the caches that live in files (src/platform/launch.ts).
 * V8 checks that it was made by this V8 with these flags for a source of this length; if not, it
 * rejects it and compiles, which costs time and nothing else (NODE_OPTIONS flags do that).
 */

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import * as sea from "node:sea";
import * as vm from "node:vm";
import { cacheTag, contentHash, decodeCache, encodeCache } from "../platform/launch.js";

/** Asset names, shared with scripts/build-exe.mjs. */
const PROGRAM = "ecr-vars.cjs";
const CODE_CACHE = "ecr-vars.cjs.v8cache";
/**
 * Build-time training: a file to run the program from (its code cache, if there) and to write
 * the program's code cache to after the run, in the checksummed format of src/platform/launch.ts
 * because it is a file; V8's bytes alone go to `<file>.v8`, for the build to put into the
 * executable.
 */
const TRAIN = "ECR_VARS_BUILD_CODE_CACHE";
/** `1`: one line on stderr saying whether the code cache served (tests, diagnosis). */
const TRACE = "ECR_VARS_CODE_CACHE_TRACE";

const env = process.env;

function asset(name: string): Buffer | undefined {
  try {
    // A view of the bytes in the executable, not a copy; nothing writes to it.
    return Buffer.from(sea.getRawAsset(name) as ArrayBuffer);
  } catch {
    return undefined;
  }
}

function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

const source = asset(PROGRAM);
if (source === undefined) throw new Error(`${PROGRAM} is missing from this executable`);
const training = env[TRAIN];
const hash = training === undefined ? undefined : contentHash();
const trainingFile = training === undefined ? undefined : readIfThere(training);
// A training run starts from the previous run's cache, so that successive runs add up.
const cachedData =
  training === undefined
    ? asset(CODE_CACHE)
    : trainingFile === undefined || hash === undefined
      ? undefined
      : decodeCache(hash, trainingFile, source, cacheTag(env));
// The build checks that the program is ASCII: latin1 is the cheapest decoding.
const script = new vm.Script(
  `(function (exports, require, module, __filename, __dirname) {${source.toString("latin1")}\n})`,
  { filename: PROGRAM, ...(cachedData === undefined ? {} : { cachedData }) },
);
if (env[TRACE] === "1") {
  const state =
    cachedData === undefined
      ? "no cache"
      : script.cachedDataRejected === true
        ? "cache rejected"
        : "cache";
  process.stderr.write(`code cache: ${PROGRAM}: ${state}\n`);
}
if (training !== undefined && hash !== undefined) {
  process.once("exit", () => {
    const payload = script.createCachedData();
    // The checksummed file for the next training run, and V8's bytes for the executable.
    writeFileSync(`${training}.partial`, encodeCache(hash, source, cacheTag(env), payload));
    renameSync(`${training}.partial`, training);
    writeFileSync(`${training}.v8`, payload);
  });
}
const module = { exports: {}, filename: PROGRAM, id: PROGRAM };
const run = script.runInThisContext() as (...args: unknown[]) => void;
// The executable's require loads Node's built-ins, all the bundle needs.
run.call(module.exports, module.exports, require, module, PROGRAM, ".");
