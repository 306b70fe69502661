/**
 * The `ecr-vars` program: the only place that reads process state and exits. Bundled as
 * CommonJS (dist/cli.cjs, see scripts/build.mjs) and started by the bin dist/ecr-vars.cjs
 * (cli/launcher.ts), so no top-level await here.
 */

import { fstatSync, statSync, writeSync } from "node:fs";
import { removeTracked } from "../platform/signal-cleanup.js";
import { VERSION } from "../version.js";
import { main } from "./main.js";

// The SDK warns on every run that Node 20 support ends; docs/development.md says so once instead.
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
 * Writes to fd 1 or 2 with writeSync: creating process.stdout and process.stderr loads Node's
 * stream machinery, a good part of a cache hit's start-up. A blocking descriptor blocks until its
 * reader takes the bytes, which is `exec`'s backpressure too; a non-blocking one that would block
 * (EAGAIN) hands over to the stream, which queues and reports `drain`, and the exit below waits
 * for it. A reader that went away (`| head -c1`) is not a failure of the run.
 */
function direct(fd: 1 | 2, stream: () => NodeJS.WriteStream) {
  let queued: NodeJS.WriteStream | undefined;
  return {
    write(text: string | Uint8Array): boolean {
      if (queued !== undefined) return queued.write(text);
      const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
      let offset = 0;
      try {
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EPIPE") return true;
        if (code !== "EAGAIN") throw error;
        queued = stream().on("error", () => undefined);
        streams.add(queued);
        return queued.write(bytes.subarray(offset));
      }
      return true;
    },
    once(event: "drain", listener: () => void) {
      if (queued === undefined) listener();
      else queued.once(event, listener);
    },
  };
}

/**
 * isatty without loading node:tty where the answer is plain: only a character device can be one,
 * and /dev/null (`> /dev/null`, `2> /dev/null`) is not.
 */
function isTerminal(fd: 1 | 2): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice()) return false;
    const devNull = statSync("/dev/null");
    if (stat.rdev === devNull.rdev && stat.ino === devNull.ino) return false;
  } catch {
    // No /dev/null (Windows): node:tty answers.
  }
  return (require("node:tty") as typeof import("node:tty")).isatty(fd);
}

void main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: direct(1, () => process.stdout),
  stderr: direct(2, () => process.stderr),
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
  .then((code) => {
    // Exit once the streams (if any) have drained; pending SDK sockets must not keep it alive.
    let pending = streams.size + 1;
    const done = () => {
      pending -= 1;
      if (pending === 0) process.exit(code);
    };
    for (const stream of streams) stream.write("", done);
    done();
  });
