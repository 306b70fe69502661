/**
 * `circleci`: CircleCI sources the file `$BASH_ENV` names at the start of every later step of the
 * job, so the `export` lines are appended there. CircleCI masks only project and context
 * variables, never values created during a job: nothing goes to the log. Workspaces could carry
 * a file to later jobs but unmasked and readable, so there is no result scope: a later job runs
 * ecr-vars again. docs/ci/circleci.md.
 */

import { sh, sourceCommand } from "./sh.js";
import type { Renderer } from "./types.js";

export const circleci: Renderer = {
  name: "circleci",
  description:
    "CircleCI: export lines appended to the file $BASH_ENV names, which every later step of the job sources",
  masking:
    "CircleCI cannot mask values created during a job: nothing goes to the log; the values are in $BASH_ENV only",
  maskingKind: "clear",
  defaultOutput: { kind: "append-env-file", variable: "BASH_ENV" },
  ci: "circleci",
  loading: (path) =>
    path === undefined
      ? 'the later steps of this job get the variables from $BASH_ENV; to load them into this step\'s shell, . "$BASH_ENV"'
      : `load the variables with ${sourceCommand(path)}`,
  render(variables, options) {
    const { text } = sh.render(variables, options);
    return {
      text,
      notes: [
        options.outputPath === undefined
          ? "CircleCI: every later step of this job has the variables (they were appended to $BASH_ENV)"
          : `CircleCI: load the variables in a later step with . ${options.outputPath}`,
      ],
    };
  },
};
