/**
 * The task configuration (README, "A task file"): task files in YAML and JSON, flags over file fields, disabled
 * tasks, region variables, registry ids and a role on top of the default chain. Assertions look at
 * the variables produced and at the requests the emulator recorded.
 */

import { access } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RecordedRequest } from "../../src/emulator/index.js";
import { type E2eContext, expectNoStack, ROLE_ARN, startE2e } from "../support/e2e-harness.js";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(() => ctx.close());

/** Runs the CLI (format json) and returns the parsed variables and the requests it caused. */
async function runJson(args: readonly string[], env?: Record<string, string | undefined>) {
  const from = ctx.emu.requests.length;
  const result = await ctx.run(["--format", "json", ...args], env);
  expect(result.code, result.stderr).toBe(0);
  const variables = JSON.parse(result.stdout) as Record<string, string>;
  return { result, variables, requests: ctx.emu.requests.slice(from) };
}

function ecrCalls(requests: readonly RecordedRequest[]) {
  return requests
    .filter((r) => r.action === "GetAuthorizationToken")
    .map((r) => ({ region: r.region, params: r.params, status: r.status }));
}

const TASK_YAML = `# a Bamboo task, as YAML
description: push images
region: ap-southeast-2
registryIds:
  - 123456789012
namespace: team.a
scope: result
`;
const TASK_JSON = JSON.stringify({
  description: "push images",
  region: "ap-southeast-2",
  registryIds: ["123456789012"],
  namespace: "team.a",
  scope: "result",
});

describe("task files", () => {
  test.each([
    ["YAML", "task.yml", TASK_YAML],
    ["JSON", "task.json", TASK_JSON],
  ])("%s: every field is applied", async (_kind, name, text) => {
    const file = await ctx.write(name, text);
    // The file's scope result is applied: the json format cannot carry it, so it is refused.
    const refused = await ctx.run(["--format", "json", "--task", file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/scope: result: the json format has no way/);
    expect(refused.stderr).toContain(name);
    const { result, variables, requests } = await runJson(["--task", file, "--scope", "local"]);
    expect(Object.keys(variables)[0]).toBe("team.a.ecr.authorizationToken.password");
    expect(variables["team.a.ecr.proxyEndpoint"]).toBe(
      "https://123456789012.dkr.ecr.ap-southeast-2.amazonaws.com",
    );
    expect(ecrCalls(requests)).toEqual([
      { region: "ap-southeast-2", params: { registryIds: ["123456789012"] }, status: 200 },
    ]);
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe(
      "ecr-vars (push images): Amazon ECR credentials for registry 123456789012 in ap-southeast-2",
    );
    expect(lines).toContain("Wrote 7 variables to stdout (format json, scope local).");
  });

  test.each([
    ["YAML", "override.yml", TASK_YAML],
    ["JSON", "override.json", TASK_JSON],
  ])("%s: flags override the file's fields", async (_kind, name, text) => {
    const file = await ctx.write(name, text);
    const { result, variables, requests } = await runJson([
      "--task",
      file,
      "--region",
      "eu-west-1",
      "--namespace",
      "custom.aws",
      "--scope",
      "local",
    ]);
    expect(variables["custom.aws.ecr.proxyEndpoint"]).toBe(
      "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    );
    expect(ecrCalls(requests).map((c) => c.region)).toEqual(["eu-west-1"]);
    expect(result.stderr).toContain("(format json, scope local)");
  });

  test("--region replaces the file's regionVariable instead of conflicting with it", async () => {
    const file = await ctx.write(
      "variable.json",
      JSON.stringify({ regionVariable: "${bamboo.awsRegion}" }),
    );
    const { requests } = await runJson(["--task", file, "--region", "eu-central-1"]);
    expect(ecrCalls(requests).map((c) => c.region)).toEqual(["eu-central-1"]);
  });
});

describe("disabled tasks do nothing", () => {
  test.each([
    ["--disabled", async () => ["--region", "eu-west-1", "--disabled"]],
    [
      "disabled: true in YAML",
      async () => ["--task", await ctx.write("off.yml", "region: eu-west-1\ndisabled: true\n")],
    ],
    [
      "disabled: true in JSON",
      async () => [
        "--task",
        await ctx.write("off.json", '{"region": "eu-west-1", "disabled": true}'),
      ],
    ],
  ])("%s: exit 0, says so, no file, no request", async (name, args) => {
    const from = ctx.emu.requests.length;
    const output = ctx.path(`disabled-${name.length}.sh`);
    const result = await ctx.run([...(await args()), "--output", output]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("ecr-vars: the task is disabled; nothing was fetched or written.\n");
    expect(result.stdout).toBe("");
    await expect(access(output)).rejects.toThrow(/ENOENT/);
    expect(ctx.emu.requests.slice(from)).toEqual([]);
  });
});

describe("--region-variable", () => {
  test.each([
    ["${bamboo.awsRegion}", { bamboo_awsRegion: "eu-west-1" }, "eu-west-1"],
    ["${bamboo.awsRegion}", { bamboo_awsRegion: "ap-southeast-2" }, "ap-southeast-2"],
    ["${env.DEPLOY_REGION}", { DEPLOY_REGION: "us-east-2" }, "us-east-2"],
  ])("%s with %o runs in %s", async (expression, env, region) => {
    const { variables, requests, result } = await runJson(["--region-variable", expression], env);
    expect(variables["custom.aws.ecr.proxyEndpoint"]).toBe(
      `https://123456789012.dkr.ecr.${region}.amazonaws.com`,
    );
    expect(variables["custom.aws.ecr.proxyEndpointDomain"]).toBe(
      `123456789012.dkr.ecr.${region}.amazonaws.com`,
    );
    expect(ecrCalls(requests).map((c) => c.region)).toEqual([region]);
    expect(result.stderr.split("\n")[0]).toBe(
      `ecr-vars: Amazon ECR credentials for registry 123456789012 in ${region}`,
    );
  });

  test.each([
    [
      "an undefined Bamboo variable",
      {},
      "  --region-variable: ${bamboo.awsRegion} is not defined (environment variable bamboo_awsRegion is unset) (fix: define the Bamboo variable awsRegion on the plan, job or agent)",
    ],
    [
      "an empty Bamboo variable",
      { bamboo_awsRegion: "" },
      "  --region-variable: ${bamboo.awsRegion} is not defined (environment variable bamboo_awsRegion is empty) (fix: define the Bamboo variable awsRegion on the plan, job or agent)",
    ],
    [
      "a value that is not a region",
      { bamboo_awsRegion: "Ireland" },
      '  --region-variable: ${bamboo.awsRegion} resolved to "Ireland", which is not an AWS region code (fix: set the variable to a region code such as ap-southeast-2)',
    ],
  ])("%s: exit 2 naming the variable", async (_name, env, line) => {
    const from = ctx.emu.requests.length;
    const result = await ctx.run(["--region-variable", "${bamboo.awsRegion}"], env);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")).toEqual(["ecr-vars: error: invalid configuration", line, ""]);
    expectNoStack(result.stderr);
    expect(ctx.emu.requests.slice(from)).toEqual([]);
  });
});

test("an undefined region variable from a task file is named with the file", async () => {
  const file = await ctx.write("region-var.json", '{"regionVariable": "${bamboo.awsRegion}"}');
  const result = await ctx.run(["--task", file]);
  expect(result.code).toBe(2);
  expect(result.stderr.split("\n")[1]).toBe(
    `  ${file}: regionVariable: \${bamboo.awsRegion} is not defined (environment variable bamboo_awsRegion is unset) (fix: define the Bamboo variable awsRegion on the plan, job or agent)`,
  );
});

describe("--registry-id", () => {
  test("one id: asked for by id, the seven seed variables", async () => {
    const { variables, requests } = await runJson([
      "--region",
      "eu-west-1",
      "--registry-id",
      "123456789012",
    ]);
    expect(ecrCalls(requests)).toEqual([
      { region: "eu-west-1", params: { registryIds: ["123456789012"] }, status: 200 },
    ]);
    expect(Object.keys(variables)).toHaveLength(7);
  });

  test("two ids: one call, the seed variables for the first, seven more per registry", async () => {
    const { variables, requests, result } = await runJson([
      "--region",
      "eu-west-1",
      "--registry-id",
      "123456789012",
      "--registry-id",
      "210987654321",
    ]);
    expect(ecrCalls(requests)).toEqual([
      {
        region: "eu-west-1",
        params: { registryIds: ["123456789012", "210987654321"] },
        status: 200,
      },
    ]);
    // Seven per registry plus the seed seven (an index of registries may sit beside them).
    expect(Object.keys(variables).filter((k) => k.startsWith("custom.aws.ecr."))).toHaveLength(21);
    expect(variables["custom.aws.ecr.proxyEndpoint"]).toBe(
      "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    );
    expect(variables["custom.aws.ecr.123456789012.eu_west_1.proxyEndpoint"]).toBe(
      "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    );
    expect(variables["custom.aws.ecr.210987654321.eu_west_1.proxyEndpointDomain"]).toBe(
      "210987654321.dkr.ecr.eu-west-1.amazonaws.com",
    );
    expect(result.stderr.split("\n")[0]).toBe(
      "ecr-vars: Amazon ECR credentials for registry 123456789012, 210987654321 in eu-west-1",
    );
  });
});

test("--role-arn on the default chain: AssumeRole by the user, then ECR as the role", async () => {
  const { requests, result } = await runJson(["--region", "eu-west-1", "--role-arn", ROLE_ARN], {
    bamboo_buildResultKey: "PROJ-PLAN-JOB1-42",
  });
  expect(
    requests.map((r) => ({
      action: r.action,
      identityArn: r.identityArn,
      region: r.region,
      ...(r.action === "AssumeRole" ? { params: r.params } : {}),
    })),
  ).toEqual([
    {
      action: "AssumeRole",
      identityArn: "arn:aws:iam::123456789012:user/ecr-vars-user",
      region: "eu-west-1",
      params: { RoleArn: ROLE_ARN, RoleSessionName: "ecr-vars-PROJ-PLAN-JOB1-42" },
    },
    {
      action: "GetAuthorizationToken",
      identityArn: "arn:aws:sts::123456789012:assumed-role/ecr-push/ecr-vars-PROJ-PLAN-JOB1-42",
      region: "eu-west-1",
    },
  ]);
  expect(result.stderr.split("\n")).toContain(
    `  credentials: role ${ROLE_ARN} via the default AWS credential chain (environment variables)`,
  );
});
