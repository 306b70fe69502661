/** Role session names: 2-64 characters of [\w+=,.@-] (STS AssumeRole). */

import type { Env } from "../core/expressions.js";

const INVALID = /[^\w+=,.@-]+/g;

/** A meaningful session name: the CI build key when one is known, else `ecr-vars`. */
export function defaultSessionName(env: Env): string {
  const build =
    env.bamboo_buildResultKey ??
    (env.GITHUB_RUN_ID ? `${env.GITHUB_REPOSITORY ?? "github"}-${env.GITHUB_RUN_ID}` : undefined) ??
    (env.CI_JOB_ID ? `${env.CI_PROJECT_PATH ?? "gitlab"}-${env.CI_JOB_ID}` : undefined) ??
    env.BUILD_BUILDID;
  return toSessionName(build === undefined ? "ecr-vars" : `ecr-vars-${build}`);
}

export function toSessionName(text: string): string {
  const cleaned = text.replace(INVALID, "-").slice(0, 64);
  return cleaned.length >= 2 ? cleaned : "ecr-vars";
}
