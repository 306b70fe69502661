/**
 * What the Action publishes for a run, as a pure plan: the secrets to mask, the environment
 * variables for the rest of the job (`GITHUB_ENV`) and the step outputs. The names of the docker
 * outputs follow aws-actions/amazon-ecr-login, so a workflow can switch without renaming.
 */

import { type EnvNaming, envName } from "../core/names.js";
import type { RegistrySummary } from "../core/registries.js";
import type { Scope } from "../core/task.js";
import type { Variable } from "../core/variables.js";
import { githubOutputs } from "../emit/github.js";

export interface PublishPlan {
  /** Every secret value, to mask before anything else is printed. */
  readonly secrets: readonly string[];
  /** Environment variables for the later steps of the job. */
  readonly env: ReadonlyArray<readonly [string, string]>;
  /** Step outputs. */
  readonly outputs: ReadonlyArray<readonly [string, string]>;
}

/**
 * Local scope: every variable in `GITHUB_ENV`, and the registry hosts (no secret) as outputs.
 * Result scope: also amazon-ecr-login's `docker_username_<host>` / `docker_password_<host>` and
 * every variable as step outputs, which job outputs can carry on (GitHub drops the masked ones
 * there: docs/ci/github-actions.md). The same names as `--format github`.
 */
export function publishPlan(
  variables: readonly Variable[],
  registries: readonly RegistrySummary[],
  scope: Scope,
  naming: EnvNaming,
): PublishPlan {
  return {
    secrets: variables.filter((v) => v.secret).map((v) => v.value),
    env: variables.map((v) => [envName(v.name, naming), v.value] as const),
    outputs: githubOutputs(variables, registries, scope, naming),
  };
}
