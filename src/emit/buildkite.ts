/**
 * `buildkite`: the `export` lines go to a 0600 file that a later command (or the repository's
 * `environment`/`pre-command` hook) sources, and every secret form is handed to
 * `buildkite-agent redactor add`, so that the agent redacts it from the rest of the job's log
 * should a later command print it. Buildkite does not mask values created during a job otherwise.
 * Meta-data would reach later steps but unmasked and readable, so there is no result scope.
 * docs/ci/buildkite.md.
 */

import { maskValues } from "./masks.js";
import { sh, shellQuote, sourceCommand } from "./sh.js";
import type { Renderer } from "./types.js";

export const buildkite: Renderer = {
  name: "buildkite",
  description:
    "Buildkite: export lines in a 0600 file (default ecr-vars.env) for a later command or an environment hook to source; every secret is added to the agent's redactor (buildkite-agent redactor add) when the agent is on PATH",
  masking:
    "nothing goes to the log; secrets are added to the agent's log redactor (buildkite-agent redactor add) in case a later command prints them",
  maskingKind: "clear",
  defaultOutput: { kind: "file", path: "ecr-vars.env" },
  ci: "buildkite",
  loading: (path) =>
    `load the variables with ${sourceCommand(path ?? "ecr-vars.env")} (they are not on stdout: Buildkite cannot mask them in the log)`,
  render(variables, options) {
    const { text } = sh.render(variables, options);
    const forms = maskValues(variables, options);
    const secrets = Object.fromEntries(forms.map((form, index) => [`ecr_vars_${index}`, form]));
    const path = options.outputPath ?? "ecr-vars.env";
    return {
      text,
      extra: [
        {
          kind: "command",
          argv: ["buildkite-agent", "redactor", "add", "--format", "json"],
          stdin: JSON.stringify(secrets),
        },
      ],
      notes: [
        `Buildkite: the variables are in ${path}, not the log; load them in a command with . ${shellQuote(path.includes("/") ? path : `./${path}`)}`,
      ],
    };
  },
};
