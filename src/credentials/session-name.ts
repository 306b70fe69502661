/** Role session and federated user names: 2-64 (2-32) characters of [\w+=,.@-] (STS). */

import type { Env } from "../core/expressions.js";

const INVALID = /[^\w+=,.@-]+/g;
const PREFIX = "ecr-vars-";

/** The CI build key when one is known: it ties a CloudTrail session to the build that made it. */
export function ciBuildKey(env: Env): string | undefined {
  return (
    env.bamboo_buildResultKey ??
    (env.GITHUB_RUN_ID
      ? `${env.GITHUB_REPOSITORY ?? "github"}-${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `-${env.GITHUB_RUN_ATTEMPT}` : ""}`
      : undefined) ??
    (env.CI_JOB_ID ? `${env.CI_PROJECT_PATH ?? "gitlab"}-${env.CI_JOB_ID}` : undefined) ??
    (env.BUILD_BUILDID ? `${env.SYSTEM_TEAMPROJECT ?? "azure"}-${env.BUILD_BUILDID}` : undefined)
  );
}

/**
 * A meaningful session name: `ecr-vars-` and the CI build key when one is known, else `ecr-vars-`
 * and `fallback` (such as the connector's name), else `ecr-vars`.
 */
export function defaultSessionName(env: Env, fallback?: string, max = 64): string {
  const detail = ciBuildKey(env) ?? fallback;
  return toSessionName(detail === undefined ? "ecr-vars" : `${PREFIX}${detail}`, max);
}

/**
 * Replaces characters STS refuses and shortens to `max`; the end of a build key (the build number)
 * says the most, so a long name loses its middle rather than its end.
 */
export function toSessionName(text: string, max = 64): string {
  const cleaned = text.replace(INVALID, "-");
  const short =
    cleaned.length <= max
      ? cleaned
      : `${cleaned.slice(0, PREFIX.length)}${cleaned.slice(cleaned.length - (max - PREFIX.length))}`;
  return short.length >= 2 ? short : "ecr-vars";
}
