/**
 * What the Action publishes for a run, as a pure plan: the secrets to mask, the environment
 * variables for the rest of the job (`GITHUB_ENV`) and the step outputs. The names of the docker
 * outputs follow aws-actions/amazon-ecr-login, so a workflow can switch without renaming.
 */

import { envName } from "../core/names.js";
import type { RegistrySummary } from "../core/registries.js";
import type { Scope } from "../core/task.js";
import type { Variable } from "../core/variables.js";
import { registryLogins } from "../emit/docker-config.js";

export interface PublishPlan {
  /** Every secret value, to mask before anything else is printed. */
  readonly secrets: readonly string[];
  /** Environment variables for the later steps of the job. */
  readonly env: ReadonlyArray<readonly [string, string]>;
  /** Step outputs. */
  readonly outputs: ReadonlyArray<readonly [string, string]>;
}

/** `123456789012.dkr.ecr.eu-west-1.amazonaws.com` → `123456789012_dkr_ecr_eu_west_1_amazonaws_com`. */
export function outputSuffix(host: string): string {
  return host.replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * Local scope: every variable in `GITHUB_ENV`, and the registry hosts (no secret) as outputs.
 * Result scope: the same, and every variable plus amazon-ecr-login's `docker_username_<host>` /
 * `docker_password_<host>` as step outputs, which job outputs can carry on (GitHub drops the
 * masked ones there: docs/ci/github-actions.md).
 */
export function publishPlan(
  variables: readonly Variable[],
  registries: readonly RegistrySummary[],
  scope: Scope,
  envPrefix: string,
): PublishPlan {
  const secrets = variables.filter((v) => v.secret).map((v) => v.value);
  const env = variables.map((v) => [envName(v.name, envPrefix), v.value] as const);
  const hosts = registries.map((r) => r.registry);
  const outputs: Array<readonly [string, string]> = [];
  // Like amazon-ecr-login: `registry` names the registry when there is exactly one.
  if (hosts.length === 1 && hosts[0] !== undefined) outputs.push(["registry", hosts[0]]);
  outputs.push(["registries", hosts.join(",")]);
  if (scope === "result") {
    for (const login of registryLogins(variables)) {
      const suffix = outputSuffix(login.host);
      outputs.push([`docker_username_${suffix}`, login.username]);
      outputs.push([`docker_password_${suffix}`, login.password]);
    }
    outputs.push(...env);
  }
  return { secrets, env, outputs };
}
