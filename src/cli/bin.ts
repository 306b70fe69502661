#!/usr/bin/env node

/** Entry point of the `ecr-vars` bin: the only place that reads process state and exits. */

import { VERSION } from "../version.js";
import { main } from "./main.js";

// The SDK warns on every run that Node 20 support ends; the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const code = await main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  version: VERSION,
  // Our handlers are gone by then, so the default action ends the process with the signal.
  raise: (signal) => process.kill(process.pid, signal),
});
// Exit once both streams have drained; pending SDK sockets must not keep the process alive.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
