/**
 * `password`: the registry password alone and a newline, exactly what `aws ecr
 * get-login-password` prints, for `docker|podman|helm|oras login --password-stdin`.
 */

import { checkOneRegistry } from "./problems.js";
import type { Renderer } from "./types.js";

export const password: Renderer = {
  name: "password",
  description:
    "the registry password alone and a newline, as aws ecr get-login-password prints it, for ... login --username AWS --password-stdin (also: ecr-vars get-login-password)",
  masking:
    "none by itself: pipe it straight into the login command; printing it to a terminal is refused unless --force",
  maskingKind: "clear",
  defaultOutput: { kind: "stdout" },
  refuseTerminal: true,
  render(variables, options) {
    checkOneRegistry("password", "password", options, "use another format such as json");
    const variable = variables.find((v) => v.relativeName === "ecr.password");
    if (variable === undefined) throw new Error("the run published no ecr.password variable");
    const notes =
      options.outputPath === undefined
        ? []
        : [
            `log in with: docker login --username AWS --password-stdin HOST < ${options.outputPath}`,
          ];
    return { text: `${variable.value}\n`, notes };
  },
};
