/**
 * No echoed input becomes a CI command: values that reach an error or log line (a bad
 * `--registry`, a resolved `--region-variable`, a task description) carry command syntax that
 * the CI agent would act on. Every line ecr-vars prints for a human is checked with each
 * agent's own rule: Azure Pipelines' `##vso[` anywhere in a line and `##[` formatting,
 * TeamCity's `##teamcity[`, GitHub Actions' `::` at the start of a line.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type E2eContext, startInProcess } from "../../support/e2e-harness.js";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startInProcess();
});
afterAll(() => ctx.close());

const AZURE = { TF_BUILD: "True" };
const GITHUB = { GITHUB_ACTIONS: "true", GITHUB_ENV: "/dev/null", GITHUB_OUTPUT: "/dev/null" };
const TEAMCITY = { TEAMCITY_VERSION: "2025.11" };

/** The lines an agent would act on, by each agent's rule. */
function commandLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => /##vso\[|##\[|##teamcity\[/i.test(line) || /^\s*::/.test(line));
}

const CASES: ReadonlyArray<[string, readonly string[], Record<string, string>, number, string]> = [
  [
    "Azure: a bad --registry value",
    ["--registry", "##vso[task.setvariable variable=PWNED]yes"],
    AZURE,
    2,
    "##vso\\[task.setvariable variable=PWNED]yes",
  ],
  [
    "Azure: a resolved --region-variable",
    ["--region-variable", "${env.R}"],
    { ...AZURE, R: "x##vso[task.setsecret]y" },
    2,
    "x##vso\\[task.setsecret]y",
  ],
  [
    "Azure: ##[ formatting in upper case",
    ["--region", "##[ERROR]fake"],
    AZURE,
    2,
    "##\\[ERROR]fake",
  ],
  [
    "Azure: a task description in the summary",
    ["--region", "eu-west-1", "--description", "##VSO[task.complete result=Failed]"],
    AZURE,
    0,
    "##VSO\\[task.complete result=Failed]",
  ],
  [
    "GitHub: a value that starts a line with ::",
    ["--registry", "x\n::set-env name=PWNED::yes"],
    GITHUB,
    2,
    "\\::set-env name=PWNED::yes",
  ],
  [
    "GitHub: indented :: after a line break",
    ["--region-variable", "${env.R}"],
    { ...GITHUB, R: "eu\n  ::add-mask::x" },
    2,
    "  \\::add-mask::x",
  ],
  [
    "TeamCity: a service message",
    ["--registry", "##teamcity[setParameter name='x' value='y']"],
    TEAMCITY,
    2,
    "##teamcity\\[setParameter",
  ],
];

describe("echoed values carry no CI command", () => {
  test.each(CASES)("%s", async (_name, args, env, code, escaped) => {
    const result = await ctx.run(args, env);
    expect(result.code, result.stderr).toBe(code);
    // The value is echoed (escaped), and no line is a command to any agent.
    expect(result.stderr).toContain(escaped);
    expect(commandLines(result.stderr)).toEqual([]);
    if (code !== 0) expect(result.stdout).toBe("");
  });
});
