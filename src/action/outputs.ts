/**
 * What the Action publishes for a run, as a pure plan: the secrets to mask, the environment
 * variables for the rest of the job (`GITHUB_ENV`) and the step outputs. The docker outputs are
 * named and set as aws-actions/amazon-ecr-login sets them, so a workflow can switch without
 * renaming anything (docs/ci/github-actions.md).
 */

import { type EnvNaming, envName } from "../core/names.js";
import type { RegistrySummary } from "../core/registries.js";
import type { Scope } from "../core/task.js";
import type { Variable } from "../core/variables.js";
import { registryLogins } from "../emit/docker-config.js";
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
 * amazon-ecr-login's output name suffix for a registry host: each run of characters other than
 * letters, digits and `_` becomes one `_` (`123456789012.dkr.ecr.eu-west-1.amazonaws.com` →
 * `123456789012_dkr_ecr_eu_west_1_amazonaws_com`, `public.ecr.aws` → `public_ecr_aws`).
 */
export function dockerOutputSuffix(host: string): string {
  return host.replace(/[^a-zA-Z0-9_]+/g, "_");
}

/** `docker_username_<host>` and `docker_password_<host>` for every registry served. */
export function dockerOutputs(variables: readonly Variable[]): Array<readonly [string, string]> {
  return registryLogins(variables).flatMap((login) => {
    const suffix = dockerOutputSuffix(login.host);
    return [
      [`docker_username_${suffix}`, login.username] as const,
      [`docker_password_${suffix}`, login.password] as const,
    ];
  });
}

/**
 * Both scopes: every variable in `GITHUB_ENV`; the outputs `registry` (one registry served),
 * `registries`, and amazon-ecr-login's `docker_username_<host>` / `docker_password_<host>`.
 * Result scope: also every variable as a step output under its environment name, which job
 * outputs can carry on (GitHub drops the masked ones there: docs/ci/github-actions.md).
 */
export function publishPlan(
  variables: readonly Variable[],
  registries: readonly RegistrySummary[],
  scope: Scope,
  naming: EnvNaming,
): PublishPlan {
  const outputs = [
    ...githubOutputs(variables, registries, "local", naming),
    ...dockerOutputs(variables),
  ];
  if (scope === "result") {
    for (const v of variables) outputs.push([envName(v.name, naming), v.value]);
  }
  return {
    secrets: variables.filter((v) => v.secret).map((v) => v.value),
    env: variables.map((v) => [envName(v.name, naming), v.value] as const),
    outputs,
  };
}
