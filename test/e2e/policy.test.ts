/** `ecr-vars policy`: the IAM policy as JSON on stdout, usable by `aws iam put-role-policy`. */
import { expect, test } from "vitest";
import { cleanEnv, runCli } from "../support/cli.js";

const env = cleanEnv();

test("--push for two regions and ECR Public", async () => {
  const result = await runCli(
    [
      "policy",
      "--push",
      "--registry",
      "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
      "--registry",
      "222222222222.dkr.ecr.us-east-1.amazonaws.com",
      "--registry",
      "public.ecr.aws",
    ],
    env,
  );
  expect(result.code, result.stderr).toBe(0);
  const policy = JSON.parse(result.stdout);
  expect(policy.Version).toBe("2012-10-17");
  expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
    "EcrLogin",
    "EcrPush",
    "EcrPublicLogin",
    "EcrPublicPush",
  ]);
  expect(policy.Statement[1].Resource).toEqual([
    "arn:aws:ecr:eu-west-1:111111111111:repository/*",
    "arn:aws:ecr:us-east-1:222222222222:repository/*",
  ]);
  expect(policy.Statement[2].Action).toEqual([
    "ecr-public:GetAuthorizationToken",
    "sts:GetServiceBearerToken",
  ]);
  expect(result.stderr).toContain("ecr-vars policy: note: ECR Public repositories belong");
});

test("a task file with --pull", async () => {
  const result = await runCli(
    ["policy", "--pull", "--region", "cn-north-1", "--registry-id", "111111111111"],
    env,
  );
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout).Statement[1]).toEqual({
    Sid: "EcrPull",
    Effect: "Allow",
    Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    Resource: ["arn:aws-cn:ecr:cn-north-1:111111111111:repository/*"],
  });
});

test("registries of two partitions need --partition (exit 2), then work", async () => {
  const args = [
    "policy",
    "--registry",
    "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
    "--registry",
    "111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn",
  ];
  const mixed = await runCli(args, env);
  expect(mixed.code).toBe(2);
  expect(mixed.stderr).toContain("the registries are in 2 partitions (aws, aws-cn)");
  expect(mixed.stdout).toBe("");
  const one = await runCli([...args, "--partition", "aws-cn"], env);
  expect(one.code, one.stderr).toBe(0);
  expect(JSON.parse(one.stdout).Statement[0].Condition).toEqual({
    StringEquals: { "aws:RequestedRegion": ["cn-north-1"] },
  });
});

test("a look-alike registry: exit 2 naming it", async () => {
  const result = await runCli(["policy", "--registry", "public.ecr.aws.evil.example"], env);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("public.ecr.aws.evil.example is not ECR Public");
});

test("--help", async () => {
  const result = await runCli(["policy", "--help"], env);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("aws iam put-role-policy");
});
