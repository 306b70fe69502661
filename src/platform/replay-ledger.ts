/**
 * What a run's output depended on, noted while it runs, so that the CLI's bin can replay a
 * repeated `--cache` run without running the program (replay.ts, README "Start-up"): every file
 * read or stamped (bounded-read.ts, the token cache, the cache configuration's stamps), until when
 * the token cache serves the tokens used, and whether anything happened that a record cannot
 * stand for (a fetch, a read of stdin), and the environment variables the program read (through
 * `trackedEnv`). The bin opens a ledger only for a run that may be recorded; without one (the
 * helper, the Action, the library, tests in-process) noting is one property read. Everything
 * else the output depends on (argv, the names in the environment, the working directory, the
 * user, the program) is in the record's key.
 */

export const REPLAY = Symbol.for("ecr-vars.replay");

export interface Ledger {
  /** The key of the run's inputs other than files and time (replay.ts). */
  readonly key: string;
  /** Where the run's record goes. */
  readonly file: string;
  /** Path → stamp (`stampOf`) of every file read or stamped. */
  readonly inputs: Map<string, string>;
  /** Name → value (undefined: unset) of every environment variable the program read. */
  readonly env: Map<string, string | undefined>;
  /** Until when (ms since the epoch) the tokens the run used are served by the token cache. */
  until: number;
  /** Something the record cannot stand for happened: it is not written. */
  spoiled: boolean;
  /** The main job wrote its output to stdout only and nothing else (set at its end). */
  recordable: boolean;
}

interface Stamped {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** A file's identity and last change: any write, rename over it or chmod changes it. */
export function stampOf(stat: Stamped | undefined): string {
  return stat === undefined ? "-" : `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

export function ledger(): Ledger | undefined {
  return (globalThis as { [REPLAY]?: Ledger })[REPLAY];
}

export function openLedger(value: Ledger): void {
  (globalThis as { [REPLAY]?: Ledger })[REPLAY] = value;
}

/**
 * `path` (absolute) was read or stamped, as `stat` says (undefined: missing or unreadable). A
 * file seen twice with different stamps changed during the run: nothing to record.
 */
export function noteFile(path: string, stat: Stamped | undefined): void {
  const open = ledger();
  if (open === undefined) return;
  const stamp = stampOf(stat);
  const seen = open.inputs.get(path);
  if (seen !== undefined && seen !== stamp) open.spoiled = true;
  open.inputs.set(path, stamp);
}

/** A token the run used is served by the token cache until `ms`. */
export function noteUntil(ms: number): void {
  const open = ledger();
  if (open !== undefined) open.until = Math.min(open.until, Number.isNaN(ms) ? 0 : ms);
}

/** The run did something a record cannot stand for (a fetch, a read of stdin). */
export function spoil(): void {
  const open = ledger();
  if (open !== undefined) open.spoiled = true;
}

/** The main job's output went to stdout only: the run may be recorded if nothing spoiled it. */
export function markRecordable(): void {
  const open = ledger();
  if (open !== undefined) open.recordable = true;
}

/** The run may be recorded: the main job said so, nothing spoiled it, its tokens are served. */
export function mayRecord(open: Ledger, now = Date.now()): boolean {
  return open.recordable && !open.spoiled && now < open.until;
}

type Env = Record<string, string | undefined>;

interface Stream {
  write(text: string): unknown;
}

/** What a bin gives its program while a ledger is open, and what it takes back for the record. */
export interface Recording<E extends Env> {
  /** The environment, its reads noted (trackedEnv). */
  readonly env: E;
  /** Kept for the record as it is written. */
  readonly stdout: Stream;
  /** Anything written here spoils the run. */
  readonly stderr: Stream;
  /** The open ledger, undefined when the run is not recorded. */
  readonly ledger: Ledger | undefined;
  /** What the run printed on stdout. */
  printed(): Buffer;
}

/**
 * The environment and output streams of a run the bin may record in `open`, the ledger
 * (src/cli/bin.ts, src/helper/bin.ts): without one, the ones given, untouched.
 */
export function recording<E extends Env>(
  env: E,
  stdout: Stream,
  stderr: Stream,
  open: Ledger | undefined,
): Recording<E> {
  if (open === undefined) {
    return { env, stdout, stderr, ledger: undefined, printed: () => Buffer.alloc(0) };
  }
  const chunks: string[] = [];
  return {
    env: trackedEnv(env),
    stdout: {
      write(text) {
        chunks.push(text);
        return stdout.write(text);
      },
    },
    stderr: {
      write(text) {
        open.spoiled = true;
        return stderr.write(text);
      },
    },
    ledger: open,
    printed: () => Buffer.from(chunks.join("")),
  };
}

/**
 * The environment as the program sees it, noting the value of each variable it reads while a
 * ledger is open; a change of the environment during the run spoils it. Which names exist is in
 * the key already, so listing them (Object.keys, `in`) notes nothing: a program that lists the
 * names and reads some depends on the values of those only. (Object.entries, spreads and JSON
 * read each value, and note it.)
 */
export function trackedEnv<T extends Env>(env: T): T {
  const open = ledger();
  if (open === undefined) return env;
  return new Proxy(env, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof name === "string" && !open.env.has(name)) open.env.set(name, value);
      return value;
    },
    set(target, name, value) {
      open.spoiled = true;
      return Reflect.set(target, name, value);
    },
    deleteProperty(target, name) {
      open.spoiled = true;
      return Reflect.deleteProperty(target, name);
    },
  });
}
