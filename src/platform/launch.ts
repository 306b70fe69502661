/**
 * Runs the bundled CommonJS programs (dist/ecr-vars-main.cjs, the SDK bundle dist/cli/aws-sdk.cjs,
 * the helper's dist/docker-credential-ecr-vars-fetch.cjs) from V8 code caches: compiling them is
 * most of a short run's start-up beyond Node's own (README "Start-up").
 *
 * V8 accepts a code cache only for its own version and flags, and checks neither the source's
 * content (only its length) nor the integrity of the cached bytes: a cache for an edited source of
 * the same length runs the old code, and a cache whose bytes are damaged behind an intact header
 * crashes the process. So a cache is ours only in a file of our own format (below) that names
 * what it was made for and carries checksums, verified before V8 sees a byte of it:
 *
 *   "ECRV8C\0\x01" | crc32(source) | crc32(payload) | payload length | tag length | tag | payload
 *   (numbers 32-bit little-endian, tag length 16-bit; tag = Node version, platform, arch, and the
 *   flags of this process: execArgv and NODE_OPTIONS, which change V8's flag hash)
 *
 * Two places, tried in this order:
 * - the user's cache directory (`<cache dir>/code/<program>.<tag hash>.v8cache`, the token cache's
 *   directory), written when no cache served a run: after the run, so that it holds what the run
 *   compiled, atomically, 0600, and silently not at all when the directory is not writable;
 * - beside the program (`<program>.v8cache`), written by the build for the Node that built it.
 * Anything that does not verify is ignored; a cache V8 still rejects is replaced.
 */

import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import * as vm from "node:vm";
import * as zlib from "node:zlib";
import { isPrivateToUser } from "./owner.js";

/** Set by the build's training runs: the file names whose code cache to write beside them. */
const TRAIN = "ECR_VARS_BUILD_CODE_CACHE";
/** `1`: one line on stderr per program run, saying which cache served it (tests, diagnosis). */
const TRACE = "ECR_VARS_CODE_CACHE_TRACE";

/**
 * How the programs import(): a function compiled by vm.Script (and restored from a code cache)
 * has no module loader behind its own `import()` on Node 20, so the build rewrites the programs'
 * `import(x)` to this global (scripts/build.mjs). Relative specifiers resolve against the file
 * that defines it, which sits beside the programs in dist/. `FILE.cjs#NAME` is NAME of the
 * packages a CommonJS bundle exports as lazy loaders (the AWS SDK, dist/cli/aws-sdk.cjs), also
 * run from its cache.
 */
export const IMPORT = Symbol.for("ecr-vars.import");

const MAGIC = Buffer.from("ECRV8C\0\x01", "latin1");
const HEADER = MAGIC.length + 14;

type Packages = Record<string, () => Promise<unknown>>;

export interface LaunchOptions {
  /** The user's code-cache directory; undefined: caches beside the programs only. */
  readonly cacheDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Sets up the programs' import() (see IMPORT) for programs in `dir`. */
export function installImport(dir: string, options: LaunchOptions): void {
  const bundles = new Map<string, { packages: Packages }>();
  (globalThis as Record<symbol, unknown>)[IMPORT] = async (specifier: string) => {
    const hash = specifier.indexOf("#");
    if (hash < 0) return import(specifier);
    const file = join(dir, specifier.slice(0, hash));
    let bundle = bundles.get(file);
    if (bundle === undefined) {
      bundle = runCommonJs(file, options) as { packages: Packages };
      bundles.set(file, bundle);
    }
    const load = bundle.packages[specifier.slice(hash + 1)];
    if (load === undefined) throw new Error(`${specifier}: no such package in the bundle`);
    return load();
  };
}

/** The bin dist/ecr-vars.cjs: runs the CLI's program. */
export function launch(program: string, options: LaunchOptions = {}): void {
  installImport(dirname(program), options);
  runCommonJs(program, options);
}

type Crc32 = (data: Uint8Array) => number;

/** zlib.crc32 (Node 20.15, 22.2); without it no code cache is used or written. */
const crc32Function = (zlib as { crc32?: Crc32 }).crc32;

/** What a cache is for: the same tag means V8 accepts it (version, platform, flags). */
export function cacheTag(
  env: Readonly<Record<string, string | undefined>>,
  execArgv: readonly string[] = process.execArgv,
): string {
  const flags = [...execArgv, env.NODE_OPTIONS ?? ""].join(" ").trim();
  return `${process.version} ${process.platform}-${process.arch} ${flags}`;
}

/** Encodes a cache file (the format above). */
export function encodeCache(crc32: Crc32, source: Buffer, tag: string, payload: Buffer): Buffer {
  const tagBytes = Buffer.from(tag, "utf8");
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(crc32(source), 8);
  header.writeUInt32LE(crc32(payload), 12);
  header.writeUInt32LE(payload.length, 16);
  header.writeUInt16LE(tagBytes.length, 20);
  return Buffer.concat([header, tagBytes, payload]);
}

/** The payload of a cache file if it verifies for this source and tag, else undefined. */
export function decodeCache(
  crc32: Crc32,
  file: Buffer,
  source: Buffer,
  tag: string,
): Buffer | undefined {
  if (file.length < HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const tagLength = file.readUInt16LE(20);
  const start = HEADER + tagLength;
  if (file.length < start || file.toString("utf8", HEADER, start) !== tag) return undefined;
  if (file.readUInt32LE(16) !== file.length - start) return undefined;
  if (file.readUInt32LE(8) !== crc32(source)) return undefined;
  const payload = file.subarray(start);
  return file.readUInt32LE(12) === crc32(payload) ? payload : undefined;
}

/**
 * A file of the user's cache directory: not through a link, a regular file that this user owns
 * and that nobody else can write (bytecode is code); see owner.ts for Windows.
 */
function readPrivateFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || !isPrivateToUser(stat, 0o022)) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function readFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Writes `data` to `path` by rename of a temporary file; quietly nothing on failure. */
function writeAtomically(path: string, data: Buffer, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, data, { mode, flag: "wx" });
    renameSync(temporary, path);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created.
    }
  }
}

/** Runs a CommonJS file as Node's loader would, compiled from a verified code cache if any. */
export function runCommonJs(file: string, options: LaunchOptions = {}): unknown {
  const env = options.env ?? process.env;
  const bytes = readFileSync(file);
  // The build checks that these files are ASCII: latin1 skips decoding a megabyte of UTF-8.
  const source = bytes.toString("latin1").replace(/^#!.*/, "");
  const crc32 = crc32Function;
  const training = env[TRAIN]?.split(",").includes(basename(file)) === true;
  const tag = cacheTag(env);
  const shipped = `${file}.v8cache`;
  const user =
    options.cacheDir === undefined || crc32 === undefined
      ? undefined
      : join(
          options.cacheDir,
          "code",
          `${basename(file)}.${crc32(Buffer.from(tag)).toString(16).padStart(8, "0")}.v8cache`,
        );

  let cachedData: Buffer | undefined;
  let from = "none";
  if (crc32 !== undefined && !training) {
    for (const [where, path, read] of [
      ["user", user, readPrivateFile],
      ["shipped", shipped, readFile],
    ] as const) {
      const data = path === undefined ? undefined : read(path);
      cachedData = data === undefined ? undefined : decodeCache(crc32, data, bytes, tag);
      if (cachedData !== undefined) {
        from = where;
        break;
      }
    }
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  const rejected = cachedData !== undefined && script.cachedDataRejected === true;
  if (env[TRACE] === "1") {
    const state =
      cachedData === undefined ? "no cache" : rejected ? `${from} cache rejected` : `${from} cache`;
    process.stderr.write(`code cache: ${basename(file)}: ${state}\n`);
  }
  // After the run, so that the cache holds the functions the run compiled, not only the top level.
  const target = training ? shipped : cachedData === undefined || rejected ? user : undefined;
  if (target !== undefined && crc32 !== undefined) {
    process.once("exit", () => {
      const data = encodeCache(crc32, bytes, tag, script.createCachedData());
      // The build's cache ships with the package; the user's stays private.
      writeAtomically(target, data, training ? 0o644 : 0o600);
    });
  }
  const module = { exports: {}, filename: file, id: file };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
