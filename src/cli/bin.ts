#!/usr/bin/env node

/**
 * Entry point of the `ecr-vars` bin: the only place that reads process state and exits. It is
 * bundled as CommonJS (see scripts/build.mjs) because Node starts that faster than an ES module,
 * so no top-level await here.
 */

import { fstatSync, writeSync } from "node:fs";
import type { Writable } from "../platform/logger.js";
import { ledger, mayRecord, recording, spoil } from "../platform/replay-ledger.js";
import { removeTracked } from "../platform/signal-cleanup.js";
import { VERSION } from "../version.js";
import { main } from "./main.js";

// The SDK warns on every run that Node 20 support ends; the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// This process holds secrets in memory. Node starts its inspector on SIGUSR1, which would let
// anyone who may signal the process read them: a listener turns that off. SIGQUIT's default
// action dumps core: end with its status instead (exec forwards it to the command meanwhile).
process.on("SIGUSR1", () => undefined);
process.on("SIGQUIT", () => {
  if (process.listenerCount("SIGQUIT") > 1) return;
  removeTracked();
  process.exit(128 + 3);
});

const streams = new Set<NodeJS.WriteStream>();

/**
 * isatty without node:tty where the answer is plain: loading node:tty loads node:net and the
 * stream machinery, a fifth of a cache hit's start-up (ARCHITECTURE.md, "Start-up"). Only a
 * character device can be a terminal; a pipe or a file, the usual stdout, is not.
 */
function isTerminal(fd: 1 | 2): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (require("node:tty") as typeof import("node:tty")).isatty(fd);
}

/**
 * Writes straight to the file descriptor: creating process.stdout and process.stderr loads the
 * stream machinery, a few milliseconds of a cache hit's start-up budget (ARCHITECTURE.md, "Start-up"). A descriptor
 * that would block (a non-blocking pipe whose reader is behind) hands over to the stream, which
 * queues, and the exit below waits for it.
 */
function direct(fd: 1 | 2, stream: () => NodeJS.WriteStream): Writable {
  let queued: NodeJS.WriteStream | undefined;
  return {
    write(text: string) {
      if (queued !== undefined) return queued.write(text);
      const bytes = Buffer.from(text, "utf8");
      let offset = 0;
      try {
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
        queued = stream();
        streams.add(queued);
        queued.write(bytes.subarray(offset));
      }
      return true;
    },
  };
}

// `exec` pipes its child's output into these, with backpressure: it gets the real streams.
const exec = process.argv[2] === "exec";
if (exec) streams.add(process.stdout).add(process.stderr);

// A run the bin may replay later keeps what it prints; anything on stderr, Node's warnings
// included, means it is not recorded (src/platform/replay.ts). Nor is exec's output.
const out: Writable = exec ? process.stdout : direct(1, () => process.stdout);
const err: Writable = exec ? process.stderr : direct(2, () => process.stderr);
const run = recording(process.env, out, err, exec ? undefined : ledger());
if (run.ledger !== undefined) process.on("warning", spoil);

void main({
  argv: process.argv.slice(2),
  env: run.env,
  stdout: run.stdout,
  stderr: run.stderr,
  version: VERSION,
  isTty: {
    get stdout() {
      return isTerminal(1);
    },
    get stderr() {
      return isTerminal(2);
    },
  },
  // Our handlers are gone by then, so the default action ends the process with the signal.
  raise: (signal) => process.kill(process.pid, signal),
})
  // main reports every error itself; this only guards against a failure to report one.
  .catch(() => 1)
  .then(async (code) => {
    // The writer is loaded only for a run it will record.
    if (run.ledger !== undefined && code === 0 && mayRecord(run.ledger)) {
      try {
        (await import("../platform/replay.js")).writeRecord(run.ledger, run.printed());
      } catch {
        // A record only saves time.
      }
    }
    // Exit once the streams (if any) have drained; pending SDK sockets must not keep it alive.
    let pending = streams.size + 1;
    const done = () => {
      pending -= 1;
      if (pending === 0) process.exit(code);
    };
    for (const stream of streams) stream.write("", done);
    done();
  });
