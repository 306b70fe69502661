/**
 * The `docker-credential-ecr-vars` program: the only helper module that touches the process.
 * Bundled as CommonJS (dist/helper.cjs, see scripts/build.mjs) and started by the bin
 * dist/docker-credential-ecr-vars.cjs (helper/launcher.ts), so no top-level await here.
 */

import { EcrVarsError } from "../core/errors.js";
import { describeSize, LIMITS } from "../platform/bounded-read.js";
import { boundedStdin, syncWriter } from "../platform/program-io.js";
import { VERSION } from "../version.js";
import { runHelper } from "./main.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The helper holds a registry password: no inspector on SIGUSR1 (Node's default), no core dump
// on SIGQUIT (see the ecr-vars bin).
process.on("SIGUSR1", () => undefined);
process.on("SIGQUIT", () => process.exit(128 + 3));

// At most LIMITS.helperStdin: a client sends one server URL.
const limit = LIMITS.helperStdin;
const tooLarge = () =>
  new EcrVarsError({
    kind: "usage",
    code: "HELPER_INPUT_TOO_LARGE",
    message: `the request on stdin is larger than ${describeSize(limit)}; send one server URL`,
  });

void runHelper({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: boundedStdin(() => process.stdin, limit, tooLarge),
  stdout: syncWriter(1),
  stderr: syncWriter(2),
  version: VERSION,
  loadFetch: () => import("./fetch.js"),
}).then((code) => process.exit(code));
