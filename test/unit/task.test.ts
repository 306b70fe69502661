import { describe, expect, test } from "vitest";
import { EcrVarsError } from "../../src/core/errors.js";
import { parseTask, type TaskInput } from "../../src/core/task.js";

const label = (key: string) => `--${key}`;

function problemsOf(input: TaskInput): string[] {
  try {
    parseTask(input, label);
  } catch (error) {
    if (!(error instanceof EcrVarsError)) throw error;
    expect(error.exitCode).toBe(2);
    return error.problems.map((p) => `${p.field}: ${p.message}`);
  }
  throw new Error("expected a configuration error");
}

describe("parseTask", () => {
  test("no region: the environment's, found at run time (docs/reference.md, Region)", () => {
    expect(parseTask({}, label).region).toEqual({ kind: "environment" });
  });

  test("defaults: namespace custom.aws, scope local, default chain, enabled", () => {
    expect(parseTask({ region: "eu-west-1" }, label)).toEqual({
      disabled: false,
      region: { kind: "code", region: "eu-west-1" },
      registryIds: [],
      namespace: "custom.aws",
      scope: "local",
      source: { kind: "default-chain" },
    });
  });

  test("every field", () => {
    const task = parseTask(
      {
        description: "push",
        disabled: true,
        regionVariable: "${bamboo.awsRegion}",
        registryIds: ["123456789012", "210987654321"],
        namespace: "team.x",
        scope: "result",
        source: "connector",
        connectorVariable: "${bamboo.awsConnector}",
        roleArn: "arn:aws-cn:iam::123456789012:role/path/ecr-push",
      },
      label,
    );
    expect(task).toEqual({
      description: "push",
      disabled: true,
      region: { kind: "variable", expression: "${bamboo.awsRegion}" },
      registryIds: ["123456789012", "210987654321"],
      namespace: "team.x",
      scope: "result",
      source: {
        kind: "connector",
        connector: { kind: "variable", expression: "${bamboo.awsConnector}" },
      },
      roleArn: "arn:aws-cn:iam::123456789012:role/path/ecr-push",
    });
  });

  test("naming a connector implies the connector source", () => {
    expect(parseTask({ region: "us-east-1", connector: "ci-user" }, label).source).toEqual({
      kind: "connector",
      connector: { kind: "ref", ref: "ci-user" },
    });
  });

  test("instance-role source", () => {
    expect(parseTask({ region: "us-east-1", source: "instance-role" }, label).source).toEqual({
      kind: "instance-role",
    });
  });

  test.each<[string, TaskInput, string[]]>([
    [
      "bad region",
      { region: "eu-west-99x" },
      ['--region: "eu-west-99x" is not an AWS region code'],
    ],
    [
      "region and variable",
      { region: "eu-west-1", regionVariable: "${env.R}" },
      ["--regionVariable: region and region variable are both set"],
    ],
    [
      "variable without reference",
      { regionVariable: "eu-west-1" },
      ['--regionVariable: "eu-west-1" holds no variable reference'],
    ],
    [
      "bad registry id",
      { region: "eu-west-1", registryIds: ["12345"] },
      ['--registryIds: "12345" is not an AWS account id'],
    ],
    [
      "repeated registry id",
      { region: "eu-west-1", registryIds: ["123456789012", "123456789012"] },
      ["--registryIds: the same registry id is given more than once"],
    ],
    [
      "bad namespace",
      { region: "eu-west-1", namespace: "a..b" },
      ['--namespace: "a..b" is not a valid namespace'],
    ],
    ["bad scope", { region: "eu-west-1", scope: "global" }, ['--scope: "global" is not a scope']],
    [
      "bad source",
      { region: "eu-west-1", source: "magic" },
      ['--source: "magic" is not a credential source'],
    ],
    [
      "connector source without connector",
      { region: "eu-west-1", source: "connector" },
      ["--connector: the source is connector but no connector is named"],
    ],
    [
      "instance role with a connector",
      { region: "eu-west-1", source: "instance-role", connector: "x" },
      ["--connector: a connector is named but the source is instance-role"],
    ],
    [
      "connector and variable",
      { region: "eu-west-1", connector: "x", connectorVariable: "${env.C}" },
      ["--connectorVariable: connector and connector variable are both set"],
    ],
    [
      "bad role ARN",
      { region: "eu-west-1", roleArn: "arn:aws:iam::123:user/x" },
      ['--roleArn: "arn:aws:iam::123:user/x" is not an IAM role ARN'],
    ],
    [
      "all problems at once",
      { region: "nowhere", registryIds: ["x"], scope: "y" },
      [
        '--region: "nowhere" is not an AWS region code',
        '--registryIds: "x" is not an AWS account id',
        '--scope: "y" is not a scope',
      ],
    ],
  ])("%s", (_, input, expected) => {
    expect(problemsOf(input)).toEqual(expected);
  });

  test("every problem carries a hint", () => {
    try {
      parseTask(
        { region: "x", registryIds: ["1"], namespace: "", scope: "z", roleArn: "r" },
        label,
      );
      throw new Error("expected a configuration error");
    } catch (error) {
      if (!(error instanceof EcrVarsError)) throw error;
      expect(error.problems.length).toBe(5);
      for (const problem of error.problems) expect(problem.hint).toMatch(/\w+/);
    }
  });
});
