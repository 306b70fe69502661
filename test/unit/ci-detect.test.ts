import { describe, expect, test } from "vitest";
import { CI_PLATFORMS, detectCi, detectCiPlatform } from "../../src/platform/ci.js";

describe("CI detection from the variables each system sets", () => {
  test.each([
    [{ bamboo_buildKey: "PROJ-PLAN-JOB1-42" }, "bamboo"],
    [{ bamboo_planKey: "PROJ-PLAN" }, "bamboo"],
    [{ GITHUB_ACTIONS: "true", CI: "true" }, "github"],
    [{ GITLAB_CI: "true", CI: "true" }, "gitlab"],
    [{ TF_BUILD: "True" }, "azure"],
    [{ TF_BUILD: "true" }, "azure"],
    [{ CIRCLECI: "true", CI: "true" }, "circleci"],
    [{ BUILDKITE: "true", CI: "true" }, "buildkite"],
    [{ JENKINS_URL: "https://jenkins.example.com/" }, "jenkins"],
    [{ BUILD_TAG: "jenkins-app-main-42" }, "jenkins"],
    [{ BITBUCKET_BUILD_NUMBER: "17", CI: "true" }, "bitbucket"],
    [{ TEAMCITY_VERSION: "2025.11" }, "teamcity"],
    [{}, "none"],
    [{ CI: "true" }, "none"],
    [{ GITHUB_ACTIONS: "false" }, "none"],
    [{ BUILD_TAG: "build-42" }, "none"],
    [{ JENKINS_URL: "" }, "none"],
    [{ BUILDKITE: "false" }, "none"],
  ] as const)("%o → %s", (env, expected) => {
    expect(detectCi(env)).toBe(expected);
  });

  test("Bamboo wins over the agent's other variables (a Bamboo agent on a Jenkins host)", () => {
    expect(detectCi({ bamboo_buildKey: "P-J-1", JENKINS_URL: "https://j/" })).toBe("bamboo");
  });

  test("the platforms without run-time masking are the ones the log could leak on", () => {
    const unmasked = CI_PLATFORMS.filter((p) => !p.runtimeMasking).map((p) => p.system);
    expect(unmasked).toEqual([
      "gitlab",
      "circleci",
      "buildkite",
      "jenkins",
      "bitbucket",
      "teamcity",
    ]);
    expect(detectCiPlatform({ CIRCLECI: "true" })?.title).toBe("CircleCI");
    expect(detectCiPlatform({})).toBeUndefined();
  });
});
