/**
 * `creds`: `USER:PASSWORD` and a newline, the form `crictl pull --creds` and `ctr images pull
 * --user` take (docs/clients.md). Both split at the first colon; an ECR user name (`AWS`) has
 * none. Under the `password` format's rules: one registry, never to a terminal unless forced.
 */

import { usageError } from "../core/errors.js";
import { checkOneRegistry } from "./problems.js";
import type { Renderer } from "./types.js";

export const creds: Renderer = {
  name: "creds",
  description:
    "USER:PASSWORD and a newline, for crictl pull --creds and ctr images pull --user (one registry)",
  masking:
    "none by itself: hand it straight to the command; printing it to a terminal is refused unless --force",
  maskingKind: "clear",
  defaultOutput: { kind: "stdout" },
  refuseTerminal: true,
  render(variables, options) {
    checkOneRegistry("creds", "login", options, "use --format docker-config");
    const username = variables.find((v) => v.relativeName === "ecr.username");
    const password = variables.find((v) => v.relativeName === "ecr.password");
    if (username === undefined || password === undefined) {
      throw new Error("the run published no ecr.username and ecr.password variables");
    }
    // A colon in the user name would move the split point of both readers.
    if (username.value.includes(":")) {
      throw usageError(
        `the registry's user name contains ":", which crictl and ctr would take as the end of the user name`,
        "use --format docker-config or --format password instead",
      );
    }
    return { text: `${username.value}:${password.value}\n`, notes: [] };
  },
};
