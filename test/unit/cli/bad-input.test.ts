/**
 * Bad usage and invalid options (exit 2), in-process through `CliIo` (test/e2e/bad-input-bin.test.ts
 * runs a few through the built bin): one error line, a line naming the field, the fix, no
 * stack trace, no secret, and nothing sent to AWS. Bad task and connectors files: bad-files.test.ts.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  accessKeys,
  assumeRole,
  type BadCase,
  connectorsJson,
  expectBadInput,
  ID_A,
  ID_B,
  R,
} from "../../support/e2e-bad-input.js";
import { type E2eContext, startInProcess } from "../../support/e2e-harness.js";

const CASES: readonly BadCase[] = [
  {
    name: "unknown flag, with a suggestion",
    args: ["--regoin", "eu-west-1"],
    error: "unknown option --regoin",
    field: "  fix: did you mean --region? (see ecr-vars --help)",
  },
  {
    name: "unknown flag, nothing close",
    args: ["--frobnicate"],
    error: "unknown option --frobnicate",
    field: "  fix: see ecr-vars --help",
  },
  {
    name: "unknown short flag",
    args: [...R, "-x"],
    error: "unknown option -x",
    field: "  fix: see ecr-vars --help",
  },
  {
    name: "flag without its value",
    args: ["--region"],
    error: "option --region needs a value",
    field: "  fix: write --region CODE",
  },
  {
    name: "flag followed by another flag instead of its value",
    args: ["--region", "--debug"],
    error: "option --region needs a value, but the next argument is --debug",
    field: "  fix: write --region CODE, or --region=VALUE for a value that starts with -",
  },
  {
    name: "an option of another command",
    args: [...R, "--pull"],
    error: "ecr-vars has no option --pull",
    field: "  fix: it is an option of ecr-vars policy; see ecr-vars --help",
  },
  {
    name: "an option of the main job given to a command without it",
    args: ["logout", "--region", "eu-west-1"],
    error: "ecr-vars logout has no option --region",
    field:
      /^ {2}fix: it is an option of ecr-vars, ecr-vars get-login-password, .*; see ecr-vars logout --help$/,
  },
  {
    name: "mistyped command",
    args: ["conectors", "list"],
    error: 'unexpected argument "conectors"',
    field: '  fix: did you mean the command "connectors"? (see ecr-vars --help)',
  },
  {
    name: "mistyped subcommand",
    args: ["connectors", "lsit"],
    error: 'unknown subcommand "connectors lsit"',
    field: "  fix: did you mean ecr-vars connectors list?",
  },
  {
    name: "command family without its subcommand",
    args: ["connectors"],
    error: "connectors needs a subcommand",
    field: "  fix: use ecr-vars connectors list, or ecr-vars connectors test",
  },
  {
    name: "help for a command that does not exist",
    args: ["help", "exce"],
    error: 'no command "exce"',
    field: "  fix: did you mean ecr-vars help exec?",
  },
  {
    name: "value for a boolean flag",
    args: [...R, "--disabled=yes"],
    error: "option --disabled takes no value",
    field: "  fix: see ecr-vars --help",
  },
  {
    name: "stray positional argument",
    args: [...R, "eu-west-2"],
    error: 'unexpected argument "eu-west-2"',
    field:
      "  fix: options start with --; the commands are get-login-password, exec, logout, connectors, policy, doctor, help (see ecr-vars --help)",
  },
  {
    name: "missing region",
    args: [],
    error: "invalid configuration",
    field:
      "  --region: no region is set (looked at --region, AWS_REGION, AWS_DEFAULT_REGION and the region of profile default in /nonexistent/aws-config) (fix: set a region code (e.g. --region eu-west-1, or AWS_REGION=eu-west-1) or a region variable (e.g. --region-variable '${bamboo.awsRegion}'))",
  },
  {
    name: "bad region",
    args: ["--region", "eu-west-99x"],
    error: "invalid configuration",
    field:
      '  --region: "eu-west-99x" is not an AWS region code (fix: use a code such as us-east-1, eu-central-1 or cn-north-1)',
  },
  {
    name: "region and region variable",
    args: [...R, "--region-variable", "${bamboo.awsRegion}"],
    error: "invalid configuration",
    field:
      "  --region-variable: region and region variable are both set (fix: set only one of them)",
  },
  {
    name: "region variable without a reference",
    args: ["--region-variable", "eu-west-1"],
    error: "invalid configuration",
    field: /^ {2}--region-variable: "eu-west-1" holds no variable reference/,
  },
  {
    name: "bad registry id",
    args: [...R, "--registry-id", "12345"],
    error: "invalid configuration",
    field:
      '  --registry-id: "12345" is not an AWS account id (fix: use the 12-digit account id that owns the registry)',
  },
  {
    name: "repeated registry id",
    args: [...R, "--registry-id", "123456789012", "--registry-id", "123456789012"],
    error: "invalid configuration",
    field:
      "  --registry-id: the same registry id is given more than once (fix: list each registry once)",
  },
  {
    name: "bad namespace a..b",
    args: [...R, "--namespace", "a..b"],
    error: "invalid configuration",
    field: /^ {2}--namespace: "a\.\.b" is not a valid namespace \(fix: /,
  },
  {
    name: "bad scope",
    args: [...R, "--scope", "global"],
    error: "invalid configuration",
    field: '  --scope: "global" is not a scope (fix: use one of: local, result)',
  },
  {
    name: "bad source",
    args: [...R, "--source", "magic"],
    error: "invalid configuration",
    field:
      '  --source: "magic" is not a credential source (fix: use one of: connector, instance-role, default-chain)',
  },
  {
    name: "source connector without a connector",
    args: [...R, "--source", "connector"],
    error: "invalid configuration",
    field: /^ {2}--connector: the source is connector but no connector is named/,
  },
  {
    name: "connector with source instance-role",
    args: [...R, "--source", "instance-role", "--connector", "ci-user"],
    error: "invalid configuration",
    field: /^ {2}--connector: a connector is named but the source is instance-role/,
  },
  {
    name: "connector without a connectors file",
    args: [...R, "--connector", "ci-user"],
    error:
      "cannot read the connectors file /nonexistent-home/.config/ecr-vars/connectors.yml: no such file",
    field: "  fix: check the path of the connectors file",
  },
  {
    name: "connectors file that does not exist",
    args: [...R, "--connector", "ci-user", "--connectors", "missing.json"],
    error: "cannot read the connectors file missing.json: no such file",
    field: "  fix: check the path of the connectors file",
  },
  {
    name: "unknown connector",
    args: [...R, "--connector", "nope", "--connectors", "good.json"],
    error: "invalid configuration",
    field: `  --connector: no connector "nope" in good.json (fix: use the id or name of a defined connector; defined: ci-user (${ID_A}))`,
  },
  {
    name: "connector variable resolving to a non-UUID",
    args: [...R, "--connector-variable", "${bamboo.awsConnector}", "--connectors", "good.json"],
    env: { bamboo_awsConnector: "ci-user" },
    error: "invalid configuration",
    field:
      /^ {2}--connector-variable: \$\{bamboo\.awsConnector\} resolved to "ci-user", which is not a connector id/,
  },
  {
    name: "connector variable undefined",
    args: [...R, "--connector-variable", "${bamboo.awsConnector}", "--connectors", "good.json"],
    error: "invalid configuration",
    field:
      /^ {2}--connector-variable: \$\{bamboo\.awsConnector\} is not defined \(environment variable bamboo_awsConnector is unset\)/,
  },
  {
    name: "connector and connector variable",
    args: [...R, "--connector", "ci-user", "--connector-variable", "${bamboo.awsConnector}"],
    error: "invalid configuration",
    field: /^ {2}--connector-variable: connector and connector variable are both set/,
  },
  {
    name: "bad role ARN",
    args: [...R, "--role-arn", "arn:aws:iam::123456789012:user/ci"],
    error: "invalid configuration",
    field:
      /^ {2}--role-arn: "arn:aws:iam::123456789012:user\/ci" is not an IAM role ARN \(fix: use the form arn:<partition>:iam::<account-id>:role\/<name>/,
  },
  {
    name: "bad --format",
    args: [...R, "--format", "xml"],
    error: "invalid options",
    field:
      /^ {2}--format: "xml" is not a format \(fix: use one of: bamboo, sh, powershell, cmd, dotenv, json\b/,
  },
  {
    name: "bad --timeout",
    args: [...R, "--timeout", "soon"],
    error: "invalid options",
    field:
      '  --timeout: "soon" is not a number of seconds (fix: use a number of seconds from 1 to 3600, e.g. --timeout 30)',
  },
  {
    name: "--timeout 0",
    args: [...R, "--timeout", "0"],
    error: "invalid options",
    field: /^ {2}--timeout: 0 is less than the minimum of 1 second \(fix: /,
  },
  {
    name: "--timeout 0.001: below the minimum",
    args: [...R, "--timeout", "0.001"],
    error: "invalid options",
    field:
      "  --timeout: 0.001 is less than the minimum of 1 second (fix: use a number of seconds from 1 to 3600, e.g. --timeout 30)",
  },
  {
    name: "--timeout -5: a negative value, not a missing one",
    args: [...R, "--timeout", "-5"],
    error: "invalid options",
    field: /^ {2}--timeout: "-5" is negative \(fix: use a number of seconds from 1 to 3600/,
  },
  {
    name: "--timeout above the maximum",
    args: [...R, "--timeout", "3601"],
    error: "invalid options",
    field: /^ {2}--timeout: 3601 is more than the maximum of 3600 seconds \(one hour\)/,
  },
  {
    name: "--format azure outside Azure Pipelines",
    args: [...R, "--format", "azure"],
    error:
      "the azure format prints commands for the Azure Pipelines agent, and this run is not in Azure Pipelines (TF_BUILD=True is not set)",
    field:
      /^ {2}fix: run it inside Azure Pipelines, or choose a format for where you are, e\.g\. eval "\$\(ecr-vars \.\.\. --format sh\)"$/,
  },
  {
    name: "--format azure under another CI",
    args: [...R, "--format", "azure"],
    env: { GITHUB_ACTIONS: "true" },
    error: /^the azure format prints commands for the Azure Pipelines agent/,
    field: /^ {2}fix: run it inside Azure Pipelines/,
  },
  {
    name: "bad --env-prefix",
    args: [...R, "--env-prefix", "1x-"],
    error: "invalid options",
    field: /^ {2}--env-prefix: "1x-" would make invalid environment names \(fix: /,
  },
  {
    name: "empty --output",
    args: [...R, "--output", ""],
    error: "invalid options",
    field: "  --output: is empty (fix: give a file path, or - for stdout)",
  },
];

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startInProcess();
  await ctx.write("good.json", connectorsJson(accessKeys(ID_A, "ci-user")));
});
afterAll(() => ctx.close());

describe("each bad input: exit 2, one error line naming the field, nothing sent", () => {
  test.each(CASES)("$name", (c) => expectBadInput(ctx, c));
});

describe("several problems are reported at once", () => {
  test("bad region, bad registry id and bad namespace in one run", async () => {
    const result = await ctx.run([
      "--region",
      "eu-west-99x",
      "--registry-id",
      "12",
      "--namespace",
      "a..b",
    ]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe("ecr-vars: error: invalid configuration (3 problems)");
    expect(lines.slice(1).map((l) => l.split(":")[0])).toEqual([
      "  --region",
      "  --registry-id",
      "  --namespace",
      "",
    ]);
  });

  test("bad format, prefix and timeout in one run", async () => {
    const result = await ctx.run([...R, "--format", "xml", "--env-prefix", "-", "--timeout", "x"]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe("ecr-vars: error: invalid options");
    expect(lines.slice(1).map((l) => l.split(":")[0])).toEqual([
      "  --format",
      "  --env-prefix",
      "  --timeout",
      "",
    ]);
  });

  // An unknown key once stopped the checks, hiding the bad values beside it.
  test("a task file with an unknown key, a mistyped and a bad value: all named at once", async () => {
    await ctx.write(
      "many.yml",
      'region: 5\nregistryIds: ["abc", 123456789012]\nscope: nowhere\nfrobnicate: 1\n',
    );
    const result = await ctx.run(["--task", "many.yml"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")).toEqual([
      "ecr-vars: error: invalid configuration (4 problems)",
      "  many.yml:1: region: must be a string, not a number",
      '  many.yml:4: frobnicate: unknown key "frobnicate" (fix: use one of: description, disabled, region, regionVariable, registryIds, registries, namespace, scope, source, connector, connectorVariable, roleArn)',
      '  many.yml:2: registryIds: "abc" is not an AWS account id (fix: use the 12-digit account id that owns the registry)',
      '  many.yml:3: scope: "nowhere" is not a scope (fix: use one of: local, result)',
      "",
    ]);
  });

  test("a connectors file with a duplicate id and a cycle: both named", async () => {
    const file = await ctx.write(
      "two-problems.json",
      connectorsJson(assumeRole(ID_A, "a", "b"), assumeRole(ID_B, "b", "a"), accessKeys(ID_A, "c")),
    );
    const result = await ctx.run([...R, "--connector", "c", "--connectors", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ecr-vars: error: invalid configuration \(2 problems\)\n/);
    expect(result.stderr).toContain('connectors[2] ("c").id: repeats the id of connectors[0]');
    expect(result.stderr).toContain('connectors[0] ("a").base: forms a cycle: a -> b -> a');
  });
});
