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
 *   "ECRV8C\0\x03" | hash(source) | hash(payload) | payload length | tag length | kind | tag |
 *   payload
 *   (hashes 64-bit, payload length 32-bit, tag length 16-bit, all little-endian; kind 1 byte: 0,
 *   or 1 when written after a side run (side-run.ts), which a main-job run it serves rewrites;
 *   tag = Node version, platform, arch, and the flags of this process: execArgv and NODE_OPTIONS,
 *   which change V8's flag hash)
 *
 * The hash (contentHash) runs in a 112-byte WebAssembly module: node:zlib's crc32 or node:crypto
 * would cost a cache hit more to load than compiling the program does. Without WebAssembly
 * (`--jitless`) no code cache is used or written.
 *
 * Two places, tried in this order:
 * - the user's cache directory (`<cache dir>/code/<program>.<tag hash>.v8cache`, the token cache's
 *   directory), written when no cache served a run that then succeeded: after the run, so that it
 *   holds what the run compiled, atomically, 0600; not at all into a directory that other users
 *   may write to (a shared /tmp named in ECR_VARS_CACHE_DIR), nor when it is not writable. There
 *   is one for a tag only where the build's did not serve;
 * - beside the program (`<program>.v8cache`), written by the build for the Node that built it.
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
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type * as vm from "node:vm";
import { isPrivateToUser } from "./owner.js";
import { SIDE_RUN } from "./side-run.js";

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

const MAGIC = Buffer.from("ECRV8C\0\x03", "latin1");
const HEADER = MAGIC.length + 23;

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
  /**
   * Writes a program's code cache after the run when none served it (cacheAtExit): without it,
   * none is written. The CLI's bin loads the writing code only when it is needed.
   */
  readonly cacheWriter?: (file: string, compiled: Compiled) => void;
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
      bundle = startProgram(file, compileProgram(file, options), options) as {
        packages: Packages;
      };
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
  // A shebang line becomes a comment of the same length: no regular expression to compile.
  const body = text.startsWith("#!") ? `//${text.slice(2)}` : text;
  return `(function (exports, require, module, __filename, __dirname) {${body}\n})`;
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

/**
 * The checks' scratch memory and hash: a 112-byte WebAssembly module exporting its memory `m` and
 * `h(p, n)`, 64-bit FNV-1a over the little-endian 8-byte words of bytes p..p+n (the last word
 * zero-padded), seeded with n: a changed, missing or extra byte changes it. For damage, not for
 * an adversary: the files it checks are the package's own or in a directory only the user can
 * write. node:zlib's crc32 or node:crypto would cost a cache hit more to load than compiling the
 * program does. The files are read straight into the module's memory and checked there, and V8
 * takes the cache from there too: no copy of a file in between (README "Start-up"). The module:
 *   (module (memory (export "m") 1)
 *     (func (export "h") (param $p i32) (param $n i32) (result i64) (local $end i32) (local $h i64)
 *       (local.set $h (i64.xor (i64.const 0xcbf29ce484222325) (i64.extend_i32_u (local.get $n))))
 *       (local.set $end (i32.add (local.get $p) (local.get $n)))
 *       (block $done (loop $next
 *         (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
 *         (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $p)))
 *                                (i64.const 0x100000001b3)))
 *         (local.set $p (i32.add (local.get $p) (i32.const 8)))
 *         (br $next)))
 *       (local.get $h)))
 */
const HASH_MODULE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 126, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 9, 2,
  1, 109, 2, 0, 1, 104, 0, 0, 10, 73, 1, 71, 2, 1, 127, 1, 126, 66, 165, 198, 136, 161, 200, 156,
  167, 249, 75, 32, 1, 173, 133, 33, 3, 32, 0, 32, 1, 106, 33, 2, 2, 64, 3, 64, 32, 0, 32, 2, 79,
  13, 1, 32, 3, 32, 0, 41, 3, 0, 133, 66, 179, 131, 128, 128, 128, 32, 126, 33, 3, 32, 0, 65, 8,
  106, 33, 0, 12, 0, 11, 11, 32, 3, 11,
];

type Hash = (data: Uint8Array) => bigint;

/** The part of the WebAssembly global used here (the project's TypeScript lib has no DOM types). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
  ) => {
    exports: {
      m: { buffer: ArrayBuffer; grow(pages: number): number };
      h: (p: number, n: number) => bigint;
    };
  };
}

interface Scratch {
  /** A Buffer over bytes 0..size of the memory, grown as needed (growing detaches older views). */
  room(size: number): Buffer;
  /** The hash of bytes p..p+n, which must be followed by 8 zero bytes. */
  hash(p: number, n: number): bigint;
}

/**
 * One scratch memory per process, whichever copy of this module made it: the CLI's bin bundles
 * the part that reads and runs programs, and dist/ecr-vars-launch.cjs the part that writes
 * caches (src/cli/launcher.ts).
 */
const SCRATCH = Symbol.for("ecr-vars.scratch");
type Shared = { [SCRATCH]?: Scratch | null };

/** The scratch memory and hash, or undefined where WebAssembly is not available (`--jitless`). */
function scratch(): Scratch | undefined {
  const shared = globalThis as Shared;
  if (shared[SCRATCH] === undefined) {
    shared[SCRATCH] = null;
    try {
      const wasm = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
      if (wasm === undefined) return undefined;
      const { m: memory, h } = new wasm.Instance(new wasm.Module(new Uint8Array(HASH_MODULE)))
        .exports;
      shared[SCRATCH] = {
        room(size) {
          const pages = Math.ceil(size / 65_536) - memory.buffer.byteLength / 65_536;
          if (pages > 0) memory.grow(pages);
          return Buffer.from(memory.buffer, 0, size);
        },
        hash: (p, n) => BigInt.asUintN(64, h(p, n)),
      };
    } catch {
      // No WebAssembly here (--jitless): no code caches.
    }
  }
  return shared[SCRATCH] ?? undefined;
}

/** The content hash of any bytes (copied into the scratch memory), or undefined without it. */
export function contentHash(): Hash | undefined {
  const memory = scratch();
  if (memory === undefined) return undefined;
  return (data) => {
    const view = memory.room(data.length + 8);
    view.set(data, 0);
    view.fill(0, data.length, data.length + 8);
    return memory.hash(0, data.length);
  };
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
  return encodeHashed(hash(source), hash(payload), tag, payload, false);
}

function encodeHashed(
  sourceHash: bigint,
  payloadHash: bigint,
  tag: string,
  payload: Buffer,
  partial: boolean,
) {
  const tagBytes = Buffer.from(tag, "utf8");
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeBigUInt64LE(sourceHash, 8);
  header.writeBigUInt64LE(payloadHash, 16);
  header.writeUInt32LE(payload.length, 24);
  header.writeUInt16LE(tagBytes.length, 28);
  header.writeUInt8(partial ? 1 : 0, 30);
  return Buffer.concat([header, tagBytes, payload]);
}

/** The payload of a cache file if it verifies for this source and tag, else undefined. */
export function decodeCache(
  hash: Hash,
  file: Buffer,
  source: Buffer,
  tag: string,
): Buffer | undefined {
  const start = payloadStart(
    file,
    () => hash(source),
    tag,
    (at) => hash(file.subarray(at)),
  );
  return start === undefined ? undefined : file.subarray(start);
}

/** Where the payload starts in a cache file that verifies (hashes checked last), else undefined. */
function payloadStart(
  file: Buffer,
  sourceHash: () => bigint,
  tag: string,
  payloadHash: (start: number) => bigint,
): number | undefined {
  if (file.length < HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const start = HEADER + file.readUInt16LE(28);
  if (file.length < start || file.toString("utf8", HEADER, start) !== tag) return undefined;
  if (file.readUInt32LE(24) !== file.length - start) return undefined;
  if (file.readBigUInt64LE(8) !== sourceHash()) return undefined;
  return file.readBigUInt64LE(16) === payloadHash(start) ? start : undefined;
}

/** The largest program or cache file read (the SDK bundle and its cache are a few MB). */
const MAX_FILE = 64 * 1024 * 1024;

/**
 * Reads the file at `path` into the scratch memory at `at`, followed by 8 zero bytes: its length,
 * or undefined where it cannot be read. `own`: a file of the user's cache directory, read only if
 * it is not a link, a regular file that this user owns and that nobody else can write (bytecode
 * is code); see owner.ts for Windows.
 */
function readInto(memory: Scratch, path: string, at: number, own: boolean): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (own ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || (own && !isPrivateToUser(stat, 0o022))) return undefined;
    // One byte more than the file: the read that finds its end needs room too.
    let view = memory.room(at + stat.size + 9);
    let length = 0;
    for (;;) {
      if (at + length + 8 === view.length) view = memory.room(view.length * 2);
      const read = readSync(fd, view, at + length, view.length - 8 - at - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_FILE) return undefined;
    }
    view.fill(0, at + length, at + length + 8);
    return length;
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

/** A program compiled, and how: what startProgram needs to trace it, run it and cache it. */
export interface Compiled {
  readonly script: vm.Script;
  /** `shipped cache`, `user cache`, `… cache rejected` or `no cache` (the trace's words). */
  readonly state: string;
  /** A cache served the compilation (V8 accepted it): nothing to write, unless it is partial. */
  readonly served: boolean;
  /** The cache that served was written after a side run (side-run.ts). */
  readonly partial: boolean;
  /** What the cache's header says of the source (undefined: no code caches, e.g. `--jitless`). */
  readonly sourceHash: bigint | undefined;
  readonly tag: string;
  /** A build's training run for this file: no cache is read, the build's is written. */
  readonly training: boolean;
  /** Where the user's cache of this file for this tag is (undefined: no directory, no hash). */
  readonly userCache: string | undefined;
}

/**
 * Compiles a CommonJS file from the first of its caches that verifies: the user's, then the
 * build's beside it. The first that V8 rejects ends the search: the script is then compiled from
 * the source, and V8's in-memory compilation cache would hand that same script to any later
 * compilation of the source in this process, whatever cache came with it.
 */
export function compileProgram(file: string, options: LaunchOptions = {}): Compiled {
  const env = options.env ?? process.env;
  const memory = scratch();
  const training = env[TRAIN]?.split(",").includes(basename(file)) === true;
  const tag = cacheTag(env);
  // The program at the start of the scratch memory; a cache file after it (8-byte aligned).
  const length = memory === undefined ? undefined : readInto(memory, file, 0, false);
  // The build checks that these files are ASCII: latin1 skips decoding a megabyte of UTF-8.
  const text =
    memory === undefined || length === undefined
      ? readFileSync(file, "latin1")
      : memory.room(length).toString("latin1");
  const sourceHash =
    memory === undefined || length === undefined ? undefined : memory.hash(0, length);
  const userCache = userCacheFile(file, tag, options);
  const how = { sourceHash, tag, training, userCache };
  const wrapped = wrapCommonJs(text);
  // Loaded here: a replayed run (replay.ts) compiles nothing.
  const { Script } = (process.getBuiltinModule?.("node:vm") ?? require("node:vm")) as typeof vm;
  const compile = (cachedData?: Buffer) =>
    new Script(wrapped, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  if (memory !== undefined && length !== undefined && sourceHash !== undefined && !training) {
    const at = (length + 15) & ~7;
    // The user's first: there is one for this tag only where the build's did not serve (made
    // for another Node, rejected by V8, damaged, or for an edited source).
    for (const where of ["user", "shipped"] as const) {
      const path = where === "shipped" ? `${file}.v8cache` : userCache;
      const size = path === undefined ? undefined : readInto(memory, path, at, where === "user");
      if (size === undefined) continue;
      const cache = memory.room(at + size).subarray(at);
      const start = payloadStart(
        cache,
        () => sourceHash,
        tag,
        (from) => memory.hash(at + from, size - from),
      );
      if (start === undefined) continue;
      // V8 reads the payload where it is, during the compilation.
      const script = compile(cache.subarray(start));
      const served = script.cachedDataRejected !== true;
      const partial = served && cache[30] === 1;
      // A rejected cache's script was compiled from the source: it runs as is.
      return {
        script,
        state: `${where} cache${served ? "" : " rejected"}`,
        served,
        partial,
        ...how,
      };
    }
  }
  return { script: compile(), state: "no cache", served: false, partial: false, ...how };
}

/** Where the user's cache of `file` for `tag` is (undefined: no cache directory, no hash). */
function userCacheFile(file: string, tag: string, options: LaunchOptions): string | undefined {
  const hash = contentHash();
  if (options.cacheDir === undefined || hash === undefined) return undefined;
  const name = hash(Buffer.from(tag)).toString(16).padStart(16, "0");
  return join(options.cacheDir(), "code", `${basename(file)}.${name}.v8cache`);
}

/**
 * Runs a compiled program as the module `file`: says on stderr how its cache served (TRACE), and
 * has options.cacheWriter write one when none did, or when a partial one served, or in a
 * training run.
 */
export function startProgram(file: string, compiled: Compiled, options: LaunchOptions = {}) {
  const env = options.env ?? process.env;
  if (env[TRACE] === "1") {
    process.stderr.write(`code cache: ${basename(file)}: ${compiled.state}\n`);
  }
  if (compiled.training || !compiled.served || compiled.partial) {
    options.cacheWriter?.(file, compiled);
  }
  return runWrapped(compiled.script, file, dirname(file), requireFor(file, options));
}

/**
 * Writes the code cache of a program at exit, after the run, so that it holds the functions the
 * run compiled, not only the top level: the user's (0600), or in a training run the build's.
 * A partial one (side-run.ts) is rewritten only by a run that adds what it lacks.
 */
export function cacheAtExit(file: string, compiled: Compiled): void {
  const { script, sourceHash, tag, training } = compiled;
  const target = training ? `${file}.v8cache` : compiled.userCache;
  if (target === undefined || sourceHash === undefined) return;
  process.once("exit", (code) => {
    const side = (globalThis as Record<symbol, unknown>)[SIDE_RUN] === true;
    if (!training && compiled.served && side) return;
    // Only a run that succeeded leaves anything behind; and the user's cache directory only
    // when it is the user's own and closed to others (a shared directory is left alone).
    if (!training && (code !== 0 || !privateOrMissing(dirname(dirname(target))))) return;
    const payload = script.createCachedData();
    const hash = contentHash();
    if (hash === undefined) return;
    // The build's cache ships with the package; the user's stays private.
    writeAtomically(
      target,
      encodeHashed(sourceHash, hash(payload), tag, payload, side && !training),
      training ? 0o644 : 0o600,
    );
  });
}

/** Runs a CommonJS file as Node's loader would, compiled from a verified code cache if any. */
export function runCommonJs(file: string, options: LaunchOptions = {}): unknown {
  const writing = { cacheWriter: cacheAtExit, ...options };
  return startProgram(file, compileProgram(file, writing), writing);
}
