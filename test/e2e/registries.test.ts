/**
 * Many registries in one run, against the emulator: grouping into calls (counted by the
 * emulator), ECR Public, partitions with their own connector, per-registry roles, FIPS hosts,
 * the JSON `registries` list, and look-alike hosts refused before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  startE2e,
  summaryOf,
} from "../support/e2e-harness.js";

const PASSWORD = "registries-e2e-password";
const CHINA = { accessKeyId: "AKIACHINAE2E00000001", secretAccessKey: "china-e2e-secret-key" };
let ctx: E2eContext;

beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
});
afterAll(() => ctx.close());

/** Requests the emulator sees during `work`. */
async function counted<T>(work: () => Promise<T>) {
  const before = ctx.emu.requests.length;
  const result = await work();
  const seen = ctx.emu.requests.slice(before);
  const calls = (service: string, region?: string) =>
    seen.filter(
      (r) =>
        r.service === service &&
        r.action === "GetAuthorizationToken" &&
        (region === undefined || r.region === region),
    ).length;
  return { result, seen, calls };
}

const SIX_PLUS_PUBLIC = `
region: eu-west-1
registryIds: ["111111111111", "222222222222"]
registries:
  - 333333333333.dkr.ecr.eu-west-1.amazonaws.com
  - https://444444444444.dkr.ecr.us-east-1.amazonaws.com
  - registryId: "555555555555"
    region: us-east-1
  - 666666666666.dkr.ecr.ap-southeast-2.amazonaws.com
  - public.ecr.aws
`;

describe("six registries in three regions plus ECR Public", () => {
  test("one call per region and one for ECR Public; seed names plus a set per registry", async () => {
    const file = await ctx.write("six.yml", SIX_PLUS_PUBLIC);
    const { result, seen, calls } = await counted(() =>
      ctx.run(["--task", file, "--format", "json"]),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(seen).toHaveLength(4);
    expect([
      calls("ecr", "eu-west-1"),
      calls("ecr", "us-east-1"),
      calls("ecr", "ap-southeast-2"),
    ]).toEqual([1, 1, 1]);
    expect(calls("ecr-public", "us-east-1")).toBe(1);
    const euCall = seen.find((r) => r.service === "ecr" && r.region === "eu-west-1");
    expect(euCall?.params).toEqual({
      registryIds: ["111111111111", "222222222222", "333333333333"],
    });

    const output = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(output["custom.aws.ecr.proxyEndpoint"]).toBe(
      "https://111111111111.dkr.ecr.eu-west-1.amazonaws.com",
    );
    for (const segment of [
      "111111111111.eu_west_1",
      "222222222222.eu_west_1",
      "333333333333.eu_west_1",
      "444444444444.us_east_1",
      "555555555555.us_east_1",
      "666666666666.ap_southeast_2",
      "public",
    ]) {
      expect(output[`custom.aws.ecr.${segment}.password`]).toBe(PASSWORD);
    }
    expect(output["custom.aws.ecr.public.proxyEndpoint"]).toBe("https://public.ecr.aws");
    expect(Object.keys(output).filter((k) => k !== "registries")).toHaveLength(7 * 8);
    const registries = output.registries as Array<Record<string, string>>;
    expect(registries.map((r) => r.registry)).toEqual([
      "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
      "222222222222.dkr.ecr.eu-west-1.amazonaws.com",
      "333333333333.dkr.ecr.eu-west-1.amazonaws.com",
      "444444444444.dkr.ecr.us-east-1.amazonaws.com",
      "555555555555.dkr.ecr.us-east-1.amazonaws.com",
      "666666666666.dkr.ecr.ap-southeast-2.amazonaws.com",
      "public.ecr.aws",
    ]);
    expect(registries[6]).toMatchObject({
      kind: "public",
      variablePrefix: "custom.aws.ecr.public",
      region: "us-east-1",
    });

    expect(result.stderr.split("\n")[0]).toContain("for 7 registries");
    expect(result.stderr.split("\n")[0]).toContain("in 4 GetAuthorizationToken calls");
    expect(summaryOf(result.stderr).get("custom.aws.ecr.public.password")).toBe("********");
    expectNoSecrets(result.stderr, [PASSWORD, ctx.emu.defaultUser.secretAccessKey]);
    expectNoStack(result.stderr);
  });

  test("sh output: every name is a shell identifier", async () => {
    const file = await ctx.write("six-sh.yml", SIX_PLUS_PUBLIC);
    const result = await ctx.run(["--task", file, "--format", "sh"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`export CUSTOM_AWS_ECR_PUBLIC_PASSWORD='${PASSWORD}'\n`);
    expect(result.stdout).toContain(
      "export CUSTOM_AWS_ECR_666666666666_AP_SOUTHEAST_2_PROXYENDPOINTDOMAIN='666666666666.dkr.ecr.ap-southeast-2.amazonaws.com'\n",
    );
    for (const line of result.stdout.trim().split("\n")) {
      expect(line).toMatch(/^export [A-Za-z_][A-Za-z0-9_]*='/);
    }
  });
});

test("23 registry ids in one region: three calls of at most ten ids", async () => {
  const ids = Array.from({ length: 23 }, (_, i) => String(300000000000 + i));
  const args = ids.flatMap((id) => ["--registry-id", id]);
  const { result, seen } = await counted(() =>
    ctx.run(["--region", "eu-west-1", "--format", "json", ...args]),
  );
  expect(result.code, result.stderr).toBe(0);
  expect(seen.map((r) => (r.params.registryIds as string[]).length)).toEqual([10, 10, 3]);
  expect(Object.keys(JSON.parse(result.stdout))).toHaveLength(7 + 23 * 7 + 1);
});

test("a FIPS host is a group of its own and is published under its FIPS host", async () => {
  const { result, calls } = await counted(() =>
    ctx.run([
      "--registry",
      "111111111111.dkr.ecr.us-east-1.amazonaws.com",
      "--registry",
      "111111111111.dkr.ecr-fips.us-east-1.amazonaws.com",
      "--format",
      "json",
    ]),
  );
  expect(result.code, result.stderr).toBe(0);
  expect(calls("ecr", "us-east-1")).toBe(2);
  const output = JSON.parse(result.stdout);
  expect(output["custom.aws.ecr.111111111111.us_east_1_fips.proxyEndpoint"]).toBe(
    "https://111111111111.dkr.ecr-fips.us-east-1.amazonaws.com",
  );
  expect(output["custom.aws.ecr.111111111111.us_east_1.proxyEndpoint"]).toBe(
    "https://111111111111.dkr.ecr.us-east-1.amazonaws.com",
  );
});

describe("partitions", () => {
  let china: E2eContext;
  beforeAll(async () => {
    china = await startE2e({
      password: PASSWORD,
      users: [
        { accessKeyId: "AKIACOMMERCIALE2E001", secretAccessKey: "commercial-secret" },
        { ...CHINA, partition: "aws-cn", accountId: "999999999999" },
      ],
    });
  });
  afterAll(() => china.close());

  const connectors = () =>
    china.write(
      "connectors.yml",
      `connectors:
  - id: 3f6c1d2e-8a9b-4c0d-9e1f-2a3b4c5d6e7f
    name: china
    type: access-keys
    accessKeyId: \${env.CN_KEY_ID}
    secretAccessKey: \${env.CN_SECRET}
`,
    );

  test("a China registry with its own connector, next to a commercial one", async () => {
    const path = await connectors();
    const task = await china.write(
      "cn.yml",
      `registries:
  - 111111111111.dkr.ecr.eu-west-1.amazonaws.com
  - registry: 999999999999.dkr.ecr.cn-north-1.amazonaws.com.cn
    connector: china
`,
    );
    const before = china.emu.requests.length;
    const result = await china.run(["--task", task, "--connectors", path, "--format", "json"], {
      CN_KEY_ID: CHINA.accessKeyId,
      CN_SECRET: CHINA.secretAccessKey,
      AWS_ACCESS_KEY_ID: "AKIACOMMERCIALE2E001",
      AWS_SECRET_ACCESS_KEY: "commercial-secret",
    });
    expect(result.code, result.stderr).toBe(0);
    const seen = china.emu.requests.slice(before);
    expect(seen.map((r) => [r.region, r.identityArn, r.status])).toEqual(
      expect.arrayContaining([
        ["eu-west-1", "arn:aws:iam::123456789012:user/ecr-vars-user", 200],
        ["cn-north-1", "arn:aws-cn:iam::999999999999:user/ecr-vars-user", 200],
      ]),
    );
    const output = JSON.parse(result.stdout);
    expect(output["custom.aws.ecr.999999999999.cn_north_1.proxyEndpointDomain"]).toBe(
      "999999999999.dkr.ecr.cn-north-1.amazonaws.com.cn",
    );
    expect(output.registries[1]).toMatchObject({ partition: "aws-cn", region: "cn-north-1" });
    expectNoSecrets(result.stderr, [PASSWORD, CHINA.secretAccessKey, "commercial-secret"]);
  });

  test("commercial keys for a China registry: AWS refuses them (exit 4)", async () => {
    const result = await china.run(
      ["--registry", "999999999999.dkr.ecr.cn-north-1.amazonaws.com.cn"],
      { AWS_ACCESS_KEY_ID: "AKIACOMMERCIALE2E001", AWS_SECRET_ACCESS_KEY: "commercial-secret" },
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      "ECR GetAuthorizationToken in cn-north-1 failed for the default AWS credential chain (environment variables): UnrecognizedClientException",
    );
    expectNoStack(result.stderr);
  });
});

test("a registry with its own role: AssumeRole once, then ECR as that role", async () => {
  const role = "arn:aws:iam::210987654321:role/ecr-other";
  const task = await ctx.write(
    "role.yml",
    `registries:
  - 123456789012.dkr.ecr.eu-west-1.amazonaws.com
  - registry: 210987654321.dkr.ecr.eu-west-1.amazonaws.com
    roleArn: ${role}
  - registry: 210987654321.dkr.ecr.us-east-1.amazonaws.com
    roleArn: ${role}
`,
  );
  const { result, seen } = await counted(() => ctx.run(["--task", task, "--format", "json"]));
  expect(result.code, result.stderr).toBe(0);
  expect(seen.map((r) => `${r.service}:${r.action}:${r.region}`).sort()).toEqual([
    "ecr:GetAuthorizationToken:eu-west-1",
    "ecr:GetAuthorizationToken:eu-west-1",
    "ecr:GetAuthorizationToken:us-east-1",
    "sts:AssumeRole:eu-west-1",
  ]);
  const asRole = seen.filter((r) => r.identityArn?.includes("assumed-role/ecr-other/"));
  expect(asRole.map((r) => r.region).sort()).toEqual(["eu-west-1", "us-east-1"]);
  expect(result.stderr).toContain(
    `credentials: the default AWS credential chain (environment variables); role ${role}`,
  );
});

describe("bad registries: exit 2, nothing sent", () => {
  test.each([
    [
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example",
      "--registry: registry 1 (123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example): 123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example is a look-alike: it continues after .amazonaws.com with .evil.example, so it is not an ECR registry (fix: use the registry's own host, which ends in .amazonaws.com)",
    ],
    [
      "dkr.ecr.eu-west-1.amazonaws.com",
      "--registry: registry 1 (dkr.ecr.eu-west-1.amazonaws.com): dkr.ecr.eu-west-1.amazonaws.com names no account: a registry host starts with the 12-digit account id",
    ],
    [
      "123456789012.dkr.ecr.eu-moon-1.amazonaws.com",
      '--registry: registry 1 (123456789012.dkr.ecr.eu-moon-1.amazonaws.com): "eu-moon-1" in 123456789012.dkr.ecr.eu-moon-1.amazonaws.com is not an AWS region code',
    ],
  ])("%s", async (host, line) => {
    const before = ctx.emu.requests.length;
    const result = await ctx.run(["--registry", host]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`  ${line}`);
    expect(ctx.emu.requests.length).toBe(before);
    expectNoStack(result.stderr);
  });
});
