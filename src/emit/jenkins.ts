/**
 * `jenkins`: Jenkins masks only the values its credentials bindings (`withCredentials`) put into
 * a build, never values a step creates, so the variables go to a 0600 file in the workspace that
 * later `sh` steps source, the way a `withCredentials` file binding is used; nothing goes to the
 * console log. For `docker` steps, the `docker-config` format writes a Docker config that
 * `DOCKER_CONFIG` points at instead. docs/ci/jenkins.md.
 */

import { envName } from "../core/names.js";
import { sh, shellQuote, sourceCommand } from "./sh.js";
import type { Renderer } from "./types.js";

export const jenkins: Renderer = {
  name: "jenkins",
  description:
    "Jenkins: export lines in a 0600 file of the workspace (default ecr-vars.env) for later sh steps: sh '. ./ecr-vars.env && ...'",
  masking:
    "Jenkins masks only its own credentials bindings: nothing goes to the console log; the values are in the 0600 file only",
  maskingKind: "clear",
  defaultOutput: { kind: "file", path: "ecr-vars.env" },
  ci: "jenkins",
  loading: (path) =>
    `load the variables with ${sourceCommand(path ?? "ecr-vars.env")} (they are not on stdout: Jenkins cannot mask them in the log)`,
  render(variables, options) {
    const { text } = sh.render(variables, options);
    const path = options.outputPath ?? "ecr-vars.env";
    const source = shellQuote(path.includes("/") ? path : `./${path}`);
    const name = (leaf: string) => envName(`${options.namespace}.ecr.${leaf}`, options.envNaming);
    return {
      text,
      notes: [
        `Jenkins: the variables are in ${path}, not the console log; use them in a later sh step: . ${source} && printf '%s' "$${name("password")}" | docker login --username AWS --password-stdin "$${name("proxyEndpointDomain")}"`,
      ],
    };
  },
};
