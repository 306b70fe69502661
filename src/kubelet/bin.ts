/**
 * The `ecr-vars-kubelet` program: the only kubelet module that touches the process. Bundled as
 * CommonJS (dist/kubelet.cjs, see scripts/build.mjs) and started by the bin
 * dist/ecr-vars-kubelet.cjs (kubelet/launcher.ts), so no top-level await here.
 */

import { writeSync } from "node:fs";
import { EcrVarsError } from "../core/errors.js";
import { describeSize, LIMITS, readBoundedSync } from "../platform/bounded-read.js";
import { VERSION } from "../version.js";
import { runKubelet } from "./main.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The plugin holds a registry password and a service-account token: no inspector on SIGUSR1
// (Node's default), no core dump on SIGQUIT (see the ecr-vars bin).
process.on("SIGUSR1", () => undefined);
process.on("SIGQUIT", () => process.exit(128 + 3));

const limit = LIMITS.kubeletStdin;
const tooLarge = () =>
  new EcrVarsError({
    kind: "usage",
    code: "KUBELET_INPUT_TOO_LARGE",
    message: `the request on stdin is larger than ${describeSize(limit)}`,
  });
// A blocking read of fd 0 (the kubelet writes the request and closes the pipe); a non-blocking
// stdin (EAGAIN) falls back to the stream. Either way at most LIMITS.kubeletStdin.
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

// Synchronous writes: the answer is one short document, written before the exit below.
const writer = (fd: 1 | 2) => ({
  write: (text: string) => {
    try {
      writeSync(fd, text);
    } catch {
      // The kubelet went away (its one-minute timeout): nobody is left to answer.
    }
  },
});

void runKubelet({
  argv: process.argv.slice(2),
  env: process.env,
  stdin,
  stdout: writer(1),
  stderr: writer(2),
  version: VERSION,
  loadFetch: () => import("./fetch.js"),
}).then((code) => process.exit(code));
