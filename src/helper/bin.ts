#!/usr/bin/env node

/**
 * Entry point of `docker-credential-ecr-vars`: the only helper module that touches the process.
 * It is bundled as CommonJS (see scripts/build.mjs): Docker may call a helper for every image
 * layer, and Node starts a CommonJS file measurably faster than an ES module. So no top-level
 * await here, and the cache-miss path is a separate ES module entry loaded from beside this file.
 */

import { writeSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../cache/dir.js";
import { EcrVarsError } from "../core/errors.js";
import { describeSize, LIMITS, readBoundedSync } from "../platform/bounded-read.js";
import { replayed, writeRecord } from "../platform/replay.js";
import { ledger, recording, spoil } from "../platform/replay-ledger.js";
import { VERSION } from "../version.js";
import { cacheOffIn } from "./config.js";
import type { fetchToken } from "./fetch.js";
import { runHelper } from "./main.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.on("warning", spoil);

// The helper holds a registry password: no inspector on SIGUSR1 (Node's default), no core dump
// on SIGQUIT (see the ecr-vars bin).
process.on("SIGUSR1", () => undefined);
process.on("SIGQUIT", () => process.exit(128 + 3));

// A blocking read of fd 0 starts faster than a stdin stream; a non-blocking stdin (EAGAIN) falls
// back to the stream. Either way at most LIMITS.helperStdin: a client sends one server URL.
const limit = LIMITS.helperStdin;
const tooLarge = () =>
  new EcrVarsError({
    kind: "usage",
    code: "HELPER_INPUT_TOO_LARGE",
    message: `the request on stdin is larger than ${describeSize(limit)}; send one server URL`,
  });
const stdin = async (): Promise<string> => {
  try {
    return readBoundedSync(0, limit);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EFBIG") throw tooLarge();
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of process.stdin) {
      length += (chunk as Buffer).length;
      if (length > limit) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  }
};

const userCacheDir = () => cacheDir(process.env);

// The built file lives in dist/ next to the miss-path program; __dirname is its real directory.
// The program and the SDK bundle run from their code caches, as the CLI's do. A standalone
// executable (src/exe/bin.ts) has no such files: it sets a loader of its bundled copy.
type LoadFetch = () => Promise<{ fetchToken: typeof fetchToken }>;
const bundledFetch = (globalThis as Record<symbol, LoadFetch | undefined>)[
  Symbol.for("ecr-vars.helper-fetch")
];
const loadFetch: LoadFetch =
  bundledFetch ??
  (async () => {
    const { cacheAtExit, installImport, runCommonJs } = await import("../platform/launch.js");
    const options = {
      cacheDir: userCacheDir,
      env: process.env,
      require,
      cacheWriter: cacheAtExit,
    };
    installImport(__dirname, options);
    const program = join(__dirname, "docker-credential-ecr-vars-fetch.cjs");
    return runCommonJs(program, options) as { fetchToken: typeof fetchToken };
  });

// A `get` repeated with the same request and environment is answered from its replay record
// (src/platform/replay.ts), as `ecr-vars --cache` is: Docker asks once per image, or more. Its
// request is read first, for the key. The program is this file, or the standalone executable
// this file is part of.
const argv = process.argv.slice(2);
let request: string | undefined;
let requestTooLarge = false;
// Without the token cache (ECR_VARS_CACHE=0) every get fetches: nothing to replay.
if (argv[0] === "get" && argv.length === 1 && !cacheOffIn(process.env)) {
  try {
    request = readBoundedSync(0, limit);
  } catch (error) {
    // Too large: the run says so. A non-blocking stdin: the run reads it as a stream.
    requestTooLarge = (error as NodeJS.ErrnoException).code === "EFBIG";
  }
}
const replay =
  request !== undefined &&
  replayed(bundledFetch === undefined ? __filename : process.execPath, {
    env: process.env,
    argv,
    input: request,
    cacheDir: userCacheDir,
  });
if (!replay) {
  // Direct writes: creating process.stdout (a socket or pipe stream) costs start-up time, and
  // a synchronous write needs no draining before exit.
  const run = recording(
    process.env,
    { write: (text: string) => writeSync(1, text) },
    { write: (text: string) => writeSync(2, text) },
    ledger(),
  );
  void runHelper({
    argv,
    env: run.env,
    stdin: requestTooLarge
      ? () => Promise.reject(tooLarge())
      : request === undefined
        ? stdin
        : async () => request,
    stdout: run.stdout,
    stderr: run.stderr,
    version: VERSION,
    // A fetch is not what a record stands for.
    loadFetch: () => {
      spoil();
      return loadFetch();
    },
  }).then((code) => {
    if (run.ledger !== undefined && code === 0) writeRecord(run.ledger, run.printed());
    process.exit(code);
  });
}
