/** Which CI system the process runs in, from the variables each one sets. */

import type { Env } from "../core/expressions.js";

export type CiSystem = "bamboo" | "github" | "gitlab" | "azure" | "none";

export function detectCi(env: Env): CiSystem {
  if (env.bamboo_buildKey !== undefined || env.bamboo_planKey !== undefined) return "bamboo";
  if (env.GITHUB_ACTIONS === "true") return "github";
  if (env.GITLAB_CI === "true") return "gitlab";
  if (env.TF_BUILD === "True" || env.TF_BUILD === "true") return "azure";
  return "none";
}
