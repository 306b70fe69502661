#!/usr/bin/env node

/**
 * Entry point of `docker-credential-ecr-vars`: the only helper module that touches the process.
 * It is bundled as CommonJS (see scripts/build.mjs): Docker may call a helper for every image
 * layer, and Node starts a CommonJS file measurably faster than an ES module. So no top-level
 * await here, and the cache-miss path is a separate ES module entry loaded from beside this file.
 */

import { readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "../cache/store.js";
import { VERSION } from "../version.js";
import type { fetchToken } from "./fetch.js";
import { runHelper } from "./main.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// A blocking read of fd 0 starts faster than a stdin stream; a non-blocking stdin (EAGAIN) falls
// back to the stream.
const stdin = async (): Promise<string> => {
  try {
    return readFileSync(0, "utf8");
  } catch {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
};

// The built file lives in dist/ next to the miss-path program; __dirname is its real directory.
// The program and the SDK bundle run from their code caches, as the CLI's do.
const loadFetch = async () => {
  const { installImport, runCommonJs } = await import("../platform/launch.js");
  const options = { cacheDir: cacheDir(process.env), env: process.env };
  installImport(__dirname, options);
  const program = join(__dirname, "docker-credential-ecr-vars-fetch.cjs");
  return runCommonJs(program, options) as { fetchToken: typeof fetchToken };
};

void runHelper({
  argv: process.argv.slice(2),
  env: process.env,
  stdin,
  // Direct writes: creating process.stdout (a socket or pipe stream) costs start-up time, and
  // a synchronous write needs no draining before exit.
  stdout: { write: (text: string) => writeSync(1, text) },
  stderr: { write: (text: string) => writeSync(2, text) },
  version: VERSION,
  loadFetch,
}).then((code) => process.exit(code));
