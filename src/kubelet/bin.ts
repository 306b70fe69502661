/**
 * The `ecr-vars-kubelet` program: the only kubelet module that touches the process. Bundled as
 * CommonJS (dist/kubelet.cjs, see scripts/build.mjs) and started by the bin
 * dist/ecr-vars-kubelet.cjs (kubelet/launcher.ts), so no top-level await here.
 */

import { EcrVarsError } from "../core/errors.js";
import { describeSize, LIMITS } from "../platform/bounded-read.js";
import { boundedStdin, syncWriter } from "../platform/program-io.js";
import { VERSION } from "../version.js";
import { runKubelet } from "./main.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// The plugin holds a registry password and a service-account token: no inspector on SIGUSR1
// (Node's default), no core dump on SIGQUIT (see the ecr-vars bin).
process.on("SIGUSR1", () => undefined);
process.on("SIGQUIT", () => process.exit(128 + 3));

// At most LIMITS.kubeletStdin: the kubelet sends one CredentialProviderRequest.
const limit = LIMITS.kubeletStdin;
const tooLarge = () =>
  new EcrVarsError({
    kind: "usage",
    code: "KUBELET_INPUT_TOO_LARGE",
    message: `the request on stdin is larger than ${describeSize(limit)}`,
  });

void runKubelet({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: boundedStdin(() => process.stdin, limit, tooLarge),
  stdout: syncWriter(1),
  stderr: syncWriter(2),
  version: VERSION,
  loadFetch: () => import("./fetch.js"),
}).then((code) => process.exit(code));
