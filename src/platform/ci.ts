/**
 * Which CI system the process runs in, from the variables each one sets, and what that system
 * does with a secret that reaches its log (docs/ci/ describes each one).
 */

import type { Env } from "../core/expressions.js";

export type CiSystem =
  | "bamboo"
  | "github"
  | "gitlab"
  | "azure"
  | "circleci"
  | "buildkite"
  | "jenkins"
  | "bitbucket"
  | "teamcity"
  | "none";

export interface CiPlatform {
  readonly system: Exclude<CiSystem, "none">;
  /** The product's name, for messages. */
  readonly title: string;
  /**
   * Whether the platform hides a value created during the run once told to (GitHub's
   * `::add-mask::`, Azure's `issecret=true`, Bamboo's password-named variables). Where it does
   * not, a secret printed to the log stays readable there.
   */
  readonly runtimeMasking: boolean;
  /** The variables that identify it, for docs and messages. */
  readonly detectedBy: string;
}

/** Every detected platform, in the order they are tried. */
export const CI_PLATFORMS: readonly CiPlatform[] = [
  {
    system: "bamboo",
    title: "Bamboo",
    runtimeMasking: true,
    detectedBy: "bamboo_buildKey or bamboo_planKey",
  },
  {
    system: "github",
    title: "GitHub Actions",
    runtimeMasking: true,
    detectedBy: "GITHUB_ACTIONS=true",
  },
  { system: "gitlab", title: "GitLab CI", runtimeMasking: false, detectedBy: "GITLAB_CI=true" },
  { system: "azure", title: "Azure Pipelines", runtimeMasking: true, detectedBy: "TF_BUILD=True" },
  { system: "circleci", title: "CircleCI", runtimeMasking: false, detectedBy: "CIRCLECI=true" },
  { system: "buildkite", title: "Buildkite", runtimeMasking: false, detectedBy: "BUILDKITE=true" },
  {
    system: "jenkins",
    title: "Jenkins",
    runtimeMasking: false,
    detectedBy: "JENKINS_URL, or BUILD_TAG starting with jenkins-",
  },
  {
    system: "bitbucket",
    title: "Bitbucket Pipelines",
    runtimeMasking: false,
    detectedBy: "BITBUCKET_BUILD_NUMBER",
  },
  {
    system: "teamcity",
    title: "TeamCity",
    runtimeMasking: false,
    detectedBy: "TEAMCITY_VERSION",
  },
];

const set = (value: string | undefined) => value !== undefined && value !== "";
const isTrue = (value: string | undefined) => value?.toLowerCase() === "true";

const DETECTORS: Readonly<Record<Exclude<CiSystem, "none">, (env: Env) => boolean>> = {
  bamboo: (env) => env.bamboo_buildKey !== undefined || env.bamboo_planKey !== undefined,
  github: (env) => env.GITHUB_ACTIONS === "true",
  gitlab: (env) => env.GITLAB_CI === "true",
  // Azure sets TF_BUILD=True (capitalised, as Team Foundation did).
  azure: (env) => isTrue(env.TF_BUILD),
  circleci: (env) => env.CIRCLECI === "true",
  buildkite: (env) => env.BUILDKITE === "true",
  jenkins: (env) => set(env.JENKINS_URL) || (env.BUILD_TAG ?? "").startsWith("jenkins-"),
  bitbucket: (env) => set(env.BITBUCKET_BUILD_NUMBER),
  teamcity: (env) => set(env.TEAMCITY_VERSION),
};

export function detectCi(env: Env): CiSystem {
  for (const platform of CI_PLATFORMS) if (DETECTORS[platform.system](env)) return platform.system;
  return "none";
}

/** The detected platform with its properties, or undefined outside CI. */
export function detectCiPlatform(env: Env): CiPlatform | undefined {
  const system = detectCi(env);
  return CI_PLATFORMS.find((p) => p.system === system);
}
