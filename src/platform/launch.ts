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
 *   "ECRV8C\0\x02" | hash(source) | hash(payload) | payload length | tag length | tag | payload
 *   (hashes 64-bit, payload length 32-bit, tag length 16-bit, all little-endian; tag = Node
 *   version, platform, arch, and the flags of this process: execArgv and NODE_OPTIONS, which
 *   change V8's flag hash)
 *
 * The hash (contentHash) runs in a 104-byte WebAssembly module: node:zlib's crc32 or node:crypto
 * would cost a cache hit more to load than compiling the program does. Without WebAssembly
 * (`--jitless`) no code cache is used or written.
 *
 * Two places, tried in this order:
 * - beside the program (`<program>.v8cache`), written by the build for the Node that built it;
 * - the user's cache directory (`<cache dir>/code/<program>.<tag hash>.v8cache`, the token cache's
 *   directory), written when no cache served a run that then succeeded: after the run, so that it
 *   holds what the run compiled, atomically, 0600; not at all into a directory that other users
 *   may write to (a shared /tmp named in ECR_VARS_CACHE_DIR), nor when it is not writable.
 * Anything that does not verify is ignored; a cache V8 still rejects is replaced.
 */

import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import * as vm from "node:vm";
import { isPrivateToUser } from "./owner.js";

/** Set by the build's training runs: the file names whose code cache to write beside them. */
const TRAIN = "ECR_VARS_BUILD_CODE_CACHE";
/** `1`: one line on stderr per program run, saying which cache served it (tests, diagnosis). */
export const TRACE = "ECR_VARS_CODE_CACHE_TRACE";

/**
 * How the programs import(): a function compiled by vm.Script (and restored from a code cache)
 * has no module loader behind its own `import()` on Node 20, so the build rewrites the programs'
 * `import(x)` to this global (scripts/build.mjs). Relative specifiers resolve against the file
 * that defines it, which sits beside the programs in dist/. `FILE.cjs#NAME` is NAME of the
 * packages a CommonJS bundle exports as lazy loaders (the AWS SDK, dist/cli/aws-sdk.cjs), also
 * run from its cache. A Node built-in (`node:x`) is required, not imported: the ES module loader
 * builds a namespace of every export, which for node:http on Node 22 and later loads undici, a
 * tenth of a second of CPU on this machine's Node 26 for nothing (README "Start-up").
 */
export const IMPORT = Symbol.for("ecr-vars.import");

const MAGIC = Buffer.from("ECRV8C\0\x02", "latin1");
const HEADER = MAGIC.length + 22;

type Packages = Record<string, () => Promise<unknown>>;

export interface LaunchOptions {
  /** The user's cache directory (code caches go to `code/` in it), asked only when needed. */
  readonly cacheDir?: () => string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The programs' `require`: the bins pass their own (the programs require Node's built-ins
   * only). Without it, one is made with node:module, which loading costs a cache hit a
   * millisecond (it brings the ES module loader and source maps along).
   */
  readonly require?: (id: string) => unknown;
}

type NodeModule = typeof import("node:module");

/** The programs' require: the one given, else one made for `file`. */
function requireFor(file: string, options: LaunchOptions): (id: string) => unknown {
  if (options.require !== undefined) return options.require;
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const nodeModule = getBuiltin?.("node:module") as NodeModule | undefined;
  if (nodeModule === undefined) throw new Error("pass options.require on Node before 20.16");
  return nodeModule.createRequire(resolve(file));
}

/** Sets up the programs' import() (see IMPORT) for programs in `dir`. */
export function installImport(dir: string, options: LaunchOptions): void {
  const bundles = new Map<string, { packages: Packages }>();
  (globalThis as Record<symbol, unknown>)[IMPORT] = async (specifier: string) => {
    if (specifier.startsWith("node:")) {
      return builtinNamespace(specifier, requireFor(join(dir, "launcher"), options));
    }
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

/**
 * A built-in module as import() would give it (its exports, and itself as `default`), without
 * reading any export it is not asked for.
 */
export function builtinNamespace(specifier: string, require: (id: string) => unknown): unknown {
  const loaded = require(specifier) as object;
  return Object.create(loaded, { default: { value: loaded, enumerable: true } });
}

/**
 * A CommonJS file's text wrapped as Node's loader wraps it, for vm.Script (the build checks that
 * the programs are ASCII, so callers decode them as latin1, the cheapest way). A bin's bundle
 * starts with a shebang line.
 */
export function wrapCommonJs(text: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${text.replace(/^#!.*/, "")}\n})`;
}

/** Runs a script made of wrapCommonJs's text as the module `file`; returns its exports. */
export function runWrapped(
  script: vm.Script,
  file: string,
  dir: string,
  require: (id: string) => unknown,
): unknown {
  const module = { exports: {}, filename: file, id: file };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, require, module, file, dir);
  return module.exports;
}

/** The bin dist/ecr-vars.cjs: runs the CLI's program. */
export function launch(program: string, options: LaunchOptions = {}): void {
  installImport(dirname(program), options);
  runCommonJs(program, options);
}

/**
 * 64-bit FNV-1a over little-endian 8-byte words (the last one zero-padded), seeded with the
 * length: a changed, missing or extra byte changes it. For damage, not for an adversary: the
 * files it checks are the package's own or in a directory only the user can write. The module:
 *   (module (memory (export "m") 1)
 *     (func (export "h") (param $n i32) (result i64) (local $i i32) (local $h i64)
 *       (local.set $h (i64.xor (i64.const 0xcbf29ce484222325) (i64.extend_i32_u (local.get $n))))
 *       (block $done (loop $next
 *         (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
 *         (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $i)))
 *                                (i64.const 0x100000001b3)))
 *         (local.set $i (i32.add (local.get $i) (i32.const 8)))
 *         (br $next)))
 *       (local.get $h)))
 */
const HASH_MODULE =
  "AGFzbQEAAAABBgFgAX8BfgMCAQAFAwEAAQcJAgFtAgABaAAACkIBQAIBfwF+QqXGiKHInKf5SyAArYUhAgJAA0AgASAATw0BIAIgASkDAIVCs4OAgIAgfiECIAFBCGohAQwACwsgAgs=";

type Hash = (data: Uint8Array) => bigint;
let hashFunction: Hash | null | undefined;

/** The part of the WebAssembly global used here (the project's TypeScript lib has no DOM types). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
  ) => {
    exports: { m: { buffer: ArrayBuffer; grow(pages: number): number }; h: (n: number) => bigint };
  };
}

/** The content hash, or undefined where WebAssembly is not available. */
export function contentHash(): Hash | undefined {
  if (hashFunction === undefined) {
    hashFunction = null;
    try {
      const wasm = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
      if (wasm === undefined) return undefined;
      const { m: memory, h } = new wasm.Instance(
        new wasm.Module(Buffer.from(HASH_MODULE, "base64")),
      ).exports;
      hashFunction = (data) => {
        const pages = Math.ceil((data.length + 8) / 65_536) - memory.buffer.byteLength / 65_536;
        if (pages > 0) memory.grow(pages);
        const view = new Uint8Array(memory.buffer);
        view.set(data, 0);
        view.fill(0, data.length, data.length + 8);
        return BigInt.asUintN(64, h(data.length));
      };
    } catch {
      // No WebAssembly here (--jitless): no code caches.
    }
  }
  return hashFunction ?? undefined;
}

/** What a cache is for: the same tag means V8 accepts it (version, platform, flags). */
export function cacheTag(
  env: Readonly<Record<string, string | undefined>>,
  execArgv: readonly string[] = process.execArgv,
): string {
  const flags = [...execArgv, env.NODE_OPTIONS ?? ""].join(" ").trim();
  return `${process.version} ${process.platform}-${process.arch} ${flags}`;
}

/** Encodes a cache file (the format above). */
export function encodeCache(hash: Hash, source: Buffer, tag: string, payload: Buffer): Buffer {
  const tagBytes = Buffer.from(tag, "utf8");
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeBigUInt64LE(hash(source), 8);
  header.writeBigUInt64LE(hash(payload), 16);
  header.writeUInt32LE(payload.length, 24);
  header.writeUInt16LE(tagBytes.length, 28);
  return Buffer.concat([header, tagBytes, payload]);
}

/** The payload of a cache file if it verifies for this source and tag, else undefined. */
export function decodeCache(
  hash: Hash,
  file: Buffer,
  source: Buffer,
  tag: string,
): Buffer | undefined {
  if (file.length < HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const start = HEADER + file.readUInt16LE(28);
  if (file.length < start || file.toString("utf8", HEADER, start) !== tag) return undefined;
  if (file.readUInt32LE(24) !== file.length - start) return undefined;
  if (file.readBigUInt64LE(8) !== hash(source)) return undefined;
  const payload = file.subarray(start);
  return file.readBigUInt64LE(16) === hash(payload) ? payload : undefined;
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

/** A file's bytes, or undefined where it cannot be read. */
export function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** A directory that does not exist yet (it is made 0700), or one that only this user can write. */
function privateOrMissing(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && isPrivateToUser(stat, 0o022);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
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
  const wrapped = wrapCommonJs(bytes.toString("latin1"));
  const hash = contentHash();
  const training = env[TRAIN]?.split(",").includes(basename(file)) === true;
  const tag = cacheTag(env);
  const shipped = `${file}.v8cache`;
  const userFile = () => {
    if (options.cacheDir === undefined || hash === undefined) return undefined;
    const name = hash(Buffer.from(tag)).toString(16).padStart(16, "0");
    return join(options.cacheDir(), "code", `${basename(file)}.${name}.v8cache`);
  };

  const compile = (cachedData?: Buffer) =>
    new vm.Script(wrapped, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  let script: vm.Script | undefined;
  let state = "no cache";
  let served = false;
  if (hash !== undefined && !training) {
    // The build's cache first (one read on the common path), then the user's.
    for (const where of ["shipped", "user"] as const) {
      const path = where === "shipped" ? shipped : userFile();
      const data =
        path === undefined
          ? undefined
          : (where === "shipped" ? readIfThere : readPrivateFile)(path);
      const cachedData = data === undefined ? undefined : decodeCache(hash, data, bytes, tag);
      if (cachedData === undefined) continue;
      script = compile(cachedData);
      served = script.cachedDataRejected !== true;
      state = served ? `${where} cache` : `${where} cache rejected`;
      if (served) break;
    }
  }
  // A rejected cache's script was compiled from the source: it runs as is.
  script ??= compile();
  if (env[TRACE] === "1") process.stderr.write(`code cache: ${basename(file)}: ${state}\n`);
  // After the run, so that the cache holds the functions the run compiled, not only the top level.
  const target = training ? shipped : served ? undefined : userFile();
  if (target !== undefined && hash !== undefined) {
    const done = script;
    process.once("exit", (code) => {
      // Only a run that succeeded leaves anything behind; and the user's cache directory only
      // when it is the user's own and closed to others (a shared directory is left alone).
      if (!training && (code !== 0 || !privateOrMissing(dirname(dirname(target))))) return;
      const data = encodeCache(hash, bytes, tag, done.createCachedData());
      // The build's cache ships with the package; the user's stays private.
      writeAtomically(target, data, training ? 0o644 : 0o600);
    });
  }
  return runWrapped(script, file, dirname(file), requireFor(file, options));
}
