/**
 * The main script of the standalone executables (scripts/build-exe.mjs). The programs are
 * assets of the executable, laid out as the npm package's dist/ is: the entry (`ecr-vars.cjs`,
 * the CommonJS bundle of src/exe/bin.ts), which loads the CLI's or the credential helper's
 * program, each of which loads what it imports when it first needs it (its other subcommands,
 * the task file's parser, the AWS SDK bundle `aws-sdk.cjs`), so that a cache hit compiles and
 * runs only the little it uses (README "Start-up"). This script is their import() (see
 * src/platform/launch.ts, IMPORT): `./NAME.cjs` is the asset NAME.cjs, `./aws-sdk.cjs#PACKAGE` a
 * package of the SDK bundle, `node:x` a Node built-in.
 *
 * On the platform the build ran on, each program's V8 code cache is an asset too (`NAME.v8cache`),
 * written by training runs of the executable itself after they ran, so it holds the functions
 * those runs compiled, not only the top level (which is all a single executable application's
 * own code cache can hold). Such a cache is part of the executable, as trustworthy as the code
 * beside it (SHA256SUMS covers both): it needs none of the checksums of the caches that live in
 * files (src/platform/launch.ts). V8 checks that it was made by this V8 with these flags for a
 * source of this length; if not, it rejects it and compiles, which costs time and nothing else
 * (NODE_OPTIONS flags do that).
 */

import { renameSync, writeFileSync } from "node:fs";
import * as sea from "node:sea";
import * as vm from "node:vm";
import { cacheDir } from "../cache/dir.js";
import {
  builtinNamespace,
  cacheTag,
  contentHash,
  decodeCache,
  encodeCache,
  IMPORT,
  readIfThere,
  runWrapped,
  TRACE,
  wrapCommonJs,
} from "../platform/launch.js";
import { replayed } from "../platform/replay.js";
import { HELPER_NAME, programFor } from "./program.js";

/** The entry program's asset name, shared with scripts/build-exe.mjs. */
const ENTRY = "ecr-vars.cjs";
/**
 * Build-time training: a directory to run each program from (its code cache `NAME.v8cache` in
 * the checksummed format of src/platform/launch.ts, if there) and to write the code caches of
 * the programs TRAIN_ASSETS names (comma-separated) to after the run: that file, for the next
 * training run, and V8's bytes alone in `NAME.v8`, for the build to put into the executable.
 */
const TRAIN = "ECR_VARS_BUILD_CODE_CACHE";
const TRAIN_ASSETS = "ECR_VARS_BUILD_CODE_CACHE_ASSETS";

const env = process.env;
const training = env[TRAIN];
const trained = new Set(env[TRAIN_ASSETS]?.split(",") ?? []);

function asset(name: string): Buffer | undefined {
  try {
    // A view of the bytes in the executable, not a copy; nothing writes to it.
    return Buffer.from(sea.getRawAsset(name) as ArrayBuffer);
  } catch {
    return undefined;
  }
}

/** Runs the program of asset `name` as Node's loader would run a CommonJS file. */
function run(name: string): unknown {
  const source = asset(name);
  if (source === undefined) throw new Error(`${name} is missing from this executable`);
  const file = training === undefined ? undefined : `${training}/${name}.v8cache`;
  const hash = file === undefined ? undefined : contentHash();
  const fromFile = file === undefined ? undefined : readIfThere(file);
  // A training run starts from the previous run's cache, so that successive runs add up.
  const cachedData =
    file === undefined
      ? asset(`${name}.v8cache`)
      : fromFile === undefined || hash === undefined
        ? undefined
        : decodeCache(hash, fromFile, source, cacheTag(env));
  const script = new vm.Script(wrapCommonJs(source.toString("latin1")), {
    filename: name,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  if (env[TRACE] === "1") {
    const state =
      cachedData === undefined
        ? "no cache"
        : script.cachedDataRejected === true
          ? "cache rejected"
          : "cache";
    process.stderr.write(`code cache: ${name}: ${state}\n`);
  }
  if (file !== undefined && hash !== undefined && trained.has(name)) {
    process.once("exit", () => {
      const payload = script.createCachedData();
      writeFileSync(`${file}.partial`, encodeCache(hash, source, cacheTag(env), payload));
      renameSync(`${file}.partial`, file);
      writeFileSync(`${training}/${name}.v8`, payload);
    });
  }
  // The executable's require loads Node's built-ins, all a program requires.
  return runWrapped(script, name, ".", require);
}

const programs = new Map<string, unknown>();
(globalThis as Record<symbol, unknown>)[IMPORT] = async (specifier: string) => {
  if (specifier.startsWith("node:")) return builtinNamespace(specifier, require);
  const hash = specifier.indexOf("#");
  const name = (hash < 0 ? specifier : specifier.slice(0, hash)).replace(/^\.\//, "");
  if (!programs.has(name)) programs.set(name, run(name));
  const exports = programs.get(name) as { packages?: Record<string, () => Promise<unknown>> };
  if (hash < 0) return exports;
  const load = exports.packages?.[specifier.slice(hash + 1)];
  if (load === undefined) throw new Error(`${specifier}: no such package in the bundle`);
  return load();
};
// A repeated quiet `ecr-vars --cache` run is answered from its replay record, as the npm
// package's bin does (src/platform/replay.ts); the executable itself is the program it keys on.
// A replay holds the record's secrets in memory: no inspector on SIGUSR1 (see src/cli/bin.ts).
process.on("SIGUSR1", () => undefined);
const replay =
  training === undefined &&
  programFor(process.argv0) !== HELPER_NAME &&
  process.argv.includes("--cache", 2) &&
  replayed(process.execPath, {
    env,
    argv: process.argv.slice(2),
    cacheDir: () => cacheDir(env),
  });
if (!replay) run(ENTRY);
