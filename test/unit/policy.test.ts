import { describe, expect, test } from "vitest";
import { buildPolicy, partitionsOf } from "../../src/core/policy.js";
import { registrySpecsOf, resolveRegistries } from "../../src/core/registries.js";
import { parseTask, type TaskInput } from "../../src/core/task.js";

function registriesOf(input: TaskInput) {
  const task = parseTask(input, (key) => key);
  const region = task.region?.kind === "code" ? task.region.region : undefined;
  return resolveRegistries(registrySpecsOf(task), region, "registries");
}

const TWO_REGIONS: TaskInput = {
  registries: [
    "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
    "222222222222.dkr.ecr-fips.us-east-1.amazonaws.com",
  ],
};

describe("buildPolicy", () => {
  test("login only: GetAuthorizationToken, limited to the registries' regions", () => {
    expect(buildPolicy(registriesOf(TWO_REGIONS), { pull: false, push: false })).toEqual({
      document: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EcrLogin",
            Effect: "Allow",
            Action: "ecr:GetAuthorizationToken",
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": ["eu-west-1", "us-east-1"] } },
          },
        ],
      },
      notes: [],
    });
  });

  test("--pull: the three read actions on each registry's repositories", () => {
    const [, pull] = buildPolicy(registriesOf(TWO_REGIONS), { pull: true, push: false }).document
      .Statement;
    expect(pull).toEqual({
      Sid: "EcrPull",
      Effect: "Allow",
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ],
      Resource: [
        "arn:aws:ecr:eu-west-1:111111111111:repository/*",
        "arn:aws:ecr:us-east-1:222222222222:repository/*",
      ],
    });
  });

  test("--push without --pull grants no read actions", () => {
    const [, push] = buildPolicy(registriesOf(TWO_REGIONS), { pull: false, push: true }).document
      .Statement;
    expect(push?.Action).toEqual([
      "ecr:BatchCheckLayerAvailability",
      "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]);
  });

  test("ECR Public adds its two login actions, and its push actions with --push", () => {
    const policy = buildPolicy(registriesOf({ registries: ["public.ecr.aws"] }), {
      pull: false,
      push: true,
    });
    expect(policy.document.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      ["EcrPublicLogin", ["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"]],
      [
        "EcrPublicPush",
        [
          "ecr-public:BatchCheckLayerAvailability",
          "ecr-public:CompleteLayerUpload",
          "ecr-public:InitiateLayerUpload",
          "ecr-public:PutImage",
          "ecr-public:UploadLayerPart",
        ],
      ],
    ]);
  });

  test("partition-correct ARNs in China and GovCloud", () => {
    for (const [host, arn] of [
      [
        "111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn",
        "arn:aws-cn:ecr:cn-north-1:111111111111:repository/*",
      ],
      [
        "111111111111.dkr.ecr.us-gov-west-1.amazonaws.com",
        "arn:aws-us-gov:ecr:us-gov-west-1:111111111111:repository/*",
      ],
    ] as const) {
      const registries = registriesOf({ registries: [host] });
      expect(
        buildPolicy(registries, { pull: true, push: false }).document.Statement[1]?.Resource,
      ).toEqual([arn]);
    }
  });

  test("the caller's own registry: a wildcard account, and a note saying how to narrow it", () => {
    const policy = buildPolicy(registriesOf({ region: "eu-west-1" }), { pull: true, push: false });
    expect(policy.document.Statement[1]?.Resource).toEqual([
      "arn:aws:ecr:eu-west-1:*:repository/*",
    ]);
    expect(policy.notes.join("\n")).toContain("--registry-id");
  });

  test("partitionsOf lists each partition once", () => {
    expect(
      partitionsOf(
        registriesOf({
          registries: [
            "111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn",
            "public.ecr.aws",
            "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
          ],
        }),
      ),
    ).toEqual(["aws-cn", "aws"]);
  });
});
