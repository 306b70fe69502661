/**
 * Replay records: the bins answer a repeated `ecr-vars --cache` run, or a repeated `get` of the
 * credential helper, from a record of the last run with the same inputs, without running the
 * program (README "Start-up"). Loading the program is most of a cache hit's time; printing a
 * record costs little more than `node -e 0`.
 *
 * A run is recorded (writeRecord) when it ran the main job with `--cache` (or was the credential
 * helper's `get`, whose request on stdin is part of the key), was answered whole by the token
 * cache (no call to AWS), read nothing else from stdin, printed its output to stdout only (no
 * file, no command run), wrote nothing to stderr and exited 0. The record is
 * `<cache dir>/replay/<k>`, k the key's first two hex digits (so at most 256 files), 0600 in the
 * token cache's private directory, written atomically:
 *
 *   {"format":"ecr-vars-replay","version":1,"key":…,"until":…,"inputs":[[path, stamp]…],
 *    "env":[name…],"envHash":…,"size":…,"hash":…}\n  then the bytes the run printed
 *
 * The bin prints them (replayed) only when
 * - the key matches: argv, the working directory, the user, the kinds of stdout and stderr,
 *   Node's version and flags, the program file's stamp, the names in the environment and the
 *   values of the few that the bin and Node read (replayKey);
 * - the variables the program read have the same values (envDigest): a variable it never reads,
 *   such as a CI system's build number, does not keep a record from serving;
 * - every file the run read or stamped (replay-ledger.ts) has the same stamp, or is still missing;
 * - the tokens it printed are still served by the token cache (`until`, as the cache decides);
 * - the record is a regular file of this user's that nobody else may read or write, its size is
 *   as its header says and its hash verifies.
 * Anything else runs the program, which writes the record again. Each write of the token cache
 * (a fetch, the helper's erase) removes the records: they hold its tokens, rendered.
 */

import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { readBoundedBytesSync } from "./bounded-read.js";
import { contentHash, TRACE } from "./launch.js";
import { isPrivateToUser } from "./owner.js";
import { type Ledger, mayRecord, openLedger, stampOf } from "./replay-ledger.js";

const FORMAT = "ecr-vars-replay";
const VERSION = 1;
/** `off`: no record is read or written. */
export const REPLAY_SWITCH = "ECR_VARS_REPLAY";
/** Far above a 40-registry run's output (about 300 kB). */
const MAX_RECORD = 8 * 1024 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

export interface ReplayInit {
  readonly env: Env;
  /** The command line after `node bin`. */
  readonly argv: readonly string[];
  /** What the run reads from stdin, read before (the credential helper's request). */
  readonly input?: string;
  /** The user's cache directory (the token cache's). */
  readonly cacheDir: () => string;
  /** Seams for tests: the clock, the kinds (S_IFMT) of fds 1 and 2, and printing to stdout. */
  readonly now?: () => number;
  readonly streamKinds?: () => readonly number[];
  readonly print?: (output: Buffer) => boolean;
}

/**
 * Prints the record of a run with this one's inputs and returns true; or returns false, having
 * opened a ledger (replay-ledger.ts) when this run may be recorded. For a run that may be
 * recorded only: `ecr-vars --cache`, the helper's `get`. Never throws.
 */
export function replayed(program: string, init: ReplayInit): boolean {
  const { env } = init;
  // Not on Windows (no uid to own a record by, owner.ts), not in a code-cache trace (its line on
  // stderr is not replayed), not when switched off.
  if (process.getuid === undefined) return false;
  if (env[REPLAY_SWITCH] === "off" || env[TRACE] === "1") return false;
  try {
    const key = replayKey(program, init);
    if (key === undefined) return false;
    const file = join(init.cacheDir(), "replay", key.slice(0, 2));
    const output = recorded(file, key, env, init.now?.() ?? Date.now());
    if (output !== undefined && (init.print ?? print)(output)) return true;
    openLedger({
      key,
      file,
      inputs: new Map(),
      env: new Map(),
      until: Infinity,
      spoiled: false,
      recordable: false,
    });
  } catch {
    // Whatever went wrong, the program answers.
  }
  return false;
}

/**
 * The names the bin and Node read themselves, whose values are always in the key: where the
 * caches are, the switches of this module and of the code caches, and what Node takes from the
 * environment (NODE_OPTIONS and the other NODE_ variables, the time zone, the locale).
 */
const FIXED = new Set([
  "HOME",
  "XDG_CACHE_HOME",
  "ECR_VARS_CACHE_DIR",
  REPLAY_SWITCH,
  TRACE,
  "ECR_VARS_BUILD_CODE_CACHE",
  "TZ",
  "LANG",
  "LANGUAGE",
]);

/** Whether the value of variable `name` is in the key (FIXED), not only its name. */
export function keyedByValue(name: string): boolean {
  return FIXED.has(name) || name.startsWith("NODE_") || name.startsWith("LC_");
}

/**
 * What the output depends on besides files, time and the values of the variables the program
 * reads (recorded with the output), as 16 hex digits: argv, the working directory, the user, the
 * kinds of stdout and stderr, Node's version and flags, the program file's stamp, the names in
 * the environment, and the values of the variables the bin and Node read. Undefined when stdout is a
 * character device (a terminal gets warnings or a refusal, not a record) or not open.
 */
export function replayKey(program: string, init: ReplayInit): string | undefined {
  const kinds = init.streamKinds?.() ?? [1, 2].map((fd) => fstatSync(fd).mode & constants.S_IFMT);
  if (kinds[0] === constants.S_IFCHR) return undefined;
  const parts = [
    `${FORMAT} ${VERSION}`,
    process.version,
    process.execArgv.join(" "),
    String(process.getuid?.()),
    stampOf(statSync(program)),
    kinds.join(","),
    process.cwd(),
    String(init.argv.length),
    ...init.argv,
    init.input === undefined ? "-" : `<${init.input}`,
  ];
  const { env } = init;
  for (const name in env) parts.push(keyedByValue(name) ? `${name}=${env[name]}` : name);
  return recordHash(Buffer.from(parts.join("\0")));
}

/** The values of the variables `names` (`value` gives each), as a hash; unset differs from empty. */
export function envDigest(
  names: readonly string[],
  value: (name: string) => string | undefined,
): string {
  const parts = names.map((name) => {
    const set = value(name);
    return set === undefined ? `${name}\u0001` : `${name}=${set}`;
  });
  return recordHash(Buffer.from(parts.join("\0")));
}

interface Header {
  readonly format: string;
  readonly version: number;
  readonly key: string;
  readonly until: number;
  readonly inputs: ReadonlyArray<readonly [string, string]>;
  /** The variables the program read, and the hash of their values (envDigest). */
  readonly env: readonly string[];
  readonly envHash: string;
  readonly size: number;
  readonly hash: string;
}

/** The output a valid record at `file` holds for `key` at `now`, else undefined. */
function recorded(file: string, key: string, env: Env, now: number): Buffer | undefined {
  const data = readPrivate(file);
  if (data === undefined) return undefined;
  const end = data.indexOf(10);
  if (end < 0) return undefined;
  let header: Header;
  try {
    header = JSON.parse(data.toString("utf8", 0, end)) as Header;
  } catch {
    return undefined;
  }
  if (header.format !== FORMAT || header.version !== VERSION || header.key !== key) {
    return undefined;
  }
  if (!(now < header.until) || !Array.isArray(header.inputs) || !Array.isArray(header.env)) {
    return undefined;
  }
  if (envDigest(header.env, (name) => env[name]) !== header.envHash) return undefined;
  for (const [path, stamp] of header.inputs) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path, { throwIfNoEntry: false });
    } catch {
      stat = undefined;
    }
    if (stampOf(stat) !== stamp) return undefined;
  }
  const output = data.subarray(end + 1);
  if (output.length !== header.size || outputHash(output) !== header.hash) return undefined;
  return output;
}

/** A regular file of this user's that nobody else may read or write, whole; else undefined. */
function readPrivate(file: string): Buffer | undefined {
  // No record is the common case of a run that may be recorded: no exception for it.
  if (statSync(file, { throwIfNoEntry: false }) === undefined) return undefined;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || !isPrivateToUser(stat)) return undefined;
    return readBoundedBytesSync(fd, MAX_RECORD);
  } catch {
    // Larger than the limit, or unreadable.
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the output to stdout: true once it is all written, or once what is left is queued on
 * process.stdout (a non-blocking pipe that is full). False on an error (a closed pipe, a full
 * disk): the program then runs, meets it again and reports it as it always does.
 */
function print(output: Buffer): boolean {
  let offset = 0;
  try {
    while (offset < output.length) offset += writeSync(1, output, offset);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") return false;
    process.stdout.write(output.subarray(offset));
  }
  return true;
}

/**
 * Writes the record of a run that may be replayed (the ledger says whether it may), atomically
 * and 0600, into the replay directory of the token cache's directory when that is the user's own
 * and private. Quietly nothing on failure: a record only saves time. It uses the node:fs
 * functions that the run used already where it can: the first call of each costs a run the time
 * to compile it.
 */
export function writeRecord(ledger: Ledger, output: Buffer, now = Date.now()): void {
  if (!mayRecord(ledger, now)) return;
  // What the bin would not read back (with room for the header) is not written.
  if (output.length > MAX_RECORD - 1024 * 1024) return;
  const directory = dirname(ledger.file);
  const temporary = `${ledger.file}.${process.pid}.tmp`;
  try {
    if (privateDirectory(dirname(directory)) !== true) return;
    const there = privateDirectory(directory);
    if (there === false) return;
    if (there === undefined) {
      mkdirSync(directory, { mode: 0o700 });
      if (privateDirectory(directory) !== true) return;
    }
    const header: Header = {
      format: FORMAT,
      version: VERSION,
      key: ledger.key,
      until: ledger.until,
      inputs: [...ledger.inputs],
      env: [...ledger.env.keys()],
      envHash: envDigest([...ledger.env.keys()], (name) => ledger.env.get(name)),
      size: output.length,
      hash: outputHash(output),
    };
    const data = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), output]);
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
    const fd = openSync(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, ledger.file);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created.
    }
  }
}

/** Whether `path` is a directory of the user's that others cannot enter; undefined: none there. */
function privateDirectory(path: string): boolean | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : false;
  }
  try {
    const stat = fstatSync(fd);
    return stat.isDirectory() && isPrivateToUser(stat);
  } finally {
    closeSync(fd);
  }
}

/**
 * The hash of a record's output: recordHash up to 64 KiB; above, the code caches' WebAssembly
 * hash (launch.ts), whose set-up costs a third of a millisecond but which hashes a 40-registry
 * output (300 kB) in a tenth of one, where JavaScript takes two milliseconds.
 */
function outputHash(output: Buffer): string {
  const wasm = output.length > 64 * 1024 ? contentHash() : undefined;
  return wasm === undefined
    ? recordHash(output)
    : `w${wasm(output).toString(16).padStart(16, "0")}`;
}

/**
 * 64 bits of hash (16 hex digits) of `data`, for the record's key and to find damage in it, not
 * against an adversary (the record is in a directory only the user can write). Two lanes of
 * multiply-xor over the 32-bit words, seeded with the length, each step a bijection of the lane,
 * so that any one changed word changes both lanes. In JavaScript: the code caches' WebAssembly
 * hash (launch.ts) costs a replayed run a third of a millisecond to set up.
 */
export function recordHash(data: Uint8Array): string {
  const count = data.length >>> 2;
  const aligned = data.byteOffset % 4 === 0 ? data : new Uint8Array(data);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, count);
  let a = 0x811c9dc5 ^ data.length;
  let b = 0x9e3779b9 ^ data.length;
  for (let i = 0; i < count; i++) {
    const word = words[i] as number;
    a = Math.imul(a ^ word, 0x01000193);
    b = Math.imul(b ^ word, 0x85ebca6b);
    b ^= b >>> 15;
  }
  let tail = 0;
  for (let i = data.length - 1; i >= count * 4; i--) tail = (tail << 8) | (data[i] as number);
  a = Math.imul(a ^ tail, 0x01000193);
  b = Math.imul(b ^ tail, 0x85ebca6b);
  return finish(a) + finish(b);
}

/** Murmur3's 32-bit finaliser, as 8 hex digits. */
function finish(value: number): string {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0).toString(16).padStart(8, "0");
}
