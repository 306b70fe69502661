import { describe, expect, test } from "vitest";
import { isEcrVarsError } from "../../src/core/errors.js";
import {
  groupCalls,
  type IdentitySpec,
  nameSegment,
  type Registry,
  registrySpecsOf,
  resolveRegistries,
} from "../../src/core/registries.js";
import { parseTask, type TaskInput } from "../../src/core/task.js";
import { buildVariables } from "../../src/core/variables.js";
import { resolveRegion } from "../../src/task/resolve.js";

const label = (key: string) => `--${key}`;
const CHAIN: IdentitySpec = { source: { kind: "default-chain" } };

function registriesOf(input: TaskInput): Registry[] {
  const task = parseTask(input, label);
  // No AWS_REGION, no shared config file: only the task's own region counts.
  const region = resolveRegion(task, { AWS_CONFIG_FILE: "/nonexistent/aws-config" }, label)?.region;
  return resolveRegistries(registrySpecsOf(task), region, "--registries");
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isEcrVarsError(error)) return error.problems.map((p) => `${p.field}: ${p.message}`);
    throw error;
  }
  throw new Error("expected a configuration error");
}

describe("the registry list of a task", () => {
  test("no registry: the caller's own registry in the task's region", () => {
    expect(registriesOf({ region: "eu-west-1" })).toEqual([
      {
        kind: "private",
        accountId: undefined,
        region: "eu-west-1",
        partition: "aws",
        variant: "standard",
        host: undefined,
        identity: CHAIN,
      },
    ]);
  });

  test("registry ids first, then the registries list, each with its own region", () => {
    const registries = registriesOf({
      region: "eu-west-1",
      registryIds: ["111111111111"],
      registries: [
        "222222222222.dkr.ecr-fips.us-east-1.amazonaws.com",
        { registryId: "333333333333", region: "cn-north-1", connector: "china" },
        "public.ecr.aws",
      ],
    });
    expect(registries.map((r) => [r.kind, r.region, r.partition])).toEqual([
      ["private", "eu-west-1", "aws"],
      ["private", "us-east-1", "aws"],
      ["private", "cn-north-1", "aws-cn"],
      ["public", "us-east-1", "aws"],
    ]);
    expect(registries[2]?.identity).toEqual({
      source: { kind: "connector", connector: { kind: "ref", ref: "china" } },
    });
  });

  test("a task of hosts alone needs no region", () => {
    const task = parseTask({ registries: ["111111111111.dkr.ecr.eu-west-1.amazonaws.com"] }, label);
    expect(task.region).toBeUndefined();
  });

  test("a registry's own role replaces the task's; its connector replaces source and role", () => {
    const [own, connector] = registriesOf({
      region: "eu-west-1",
      roleArn: "arn:aws:iam::111111111111:role/task",
      registries: [
        { registryId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/own" },
        { registryId: "333333333333", connector: "c" },
      ],
    });
    expect(own?.identity).toEqual({
      source: { kind: "default-chain" },
      roleArn: "arn:aws:iam::222222222222:role/own",
    });
    expect(connector?.identity).toEqual({
      source: { kind: "connector", connector: { kind: "ref", ref: "c" } },
    });
  });

  test.each<[string, TaskInput, string]>([
    [
      "a look-alike host",
      { registries: ["111111111111.dkr.ecr.eu-west-1.amazonaws.com.evil.example"] },
      "--registries: registry 1 (111111111111.dkr.ecr.eu-west-1.amazonaws.com.evil.example): 111111111111.dkr.ecr.eu-west-1.amazonaws.com.evil.example is a look-alike",
    ],
    [
      "host and id together",
      {
        region: "eu-west-1",
        registries: [{ registry: "public.ecr.aws", registryId: "111111111111" }],
      },
      "give exactly one of registry",
    ],
    [
      "a region on a host entry",
      { registries: [{ registry: "public.ecr.aws", region: "eu-west-1" }] },
      "region, fips and dualStack belong to registryId entries",
    ],
    [
      "an id entry without any region",
      { registries: [{ registryId: "111111111111" }] },
      "--region: no region is set",
    ],
    [
      "a bad role",
      { registries: [{ registry: "public.ecr.aws", roleArn: "arn:aws:iam::1:user/x" }] },
      "is not an IAM role ARN",
    ],
  ])("rejects %s", (_name, input, message) => {
    expect(problemsOf(() => registriesOf(input)).join("\n")).toContain(message);
  });

  test("the same registry twice, by id and by host", () => {
    expect(
      problemsOf(() =>
        registriesOf({
          region: "eu-west-1",
          registryIds: ["111111111111"],
          registries: ["https://111111111111.dkr.ecr.eu-west-1.amazonaws.com/"],
        }),
      ),
    ).toEqual([
      "--registries: registry 1 (https://111111111111.dkr.ecr.eu-west-1.amazonaws.com/) is the same registry as registry id 111111111111",
    ]);
  });

  test("a role of another partition than its registry", () => {
    expect(
      problemsOf(() =>
        registriesOf({
          roleArn: "arn:aws:iam::111111111111:role/x",
          registries: ["222222222222.dkr.ecr.cn-north-1.amazonaws.com.cn"],
        }),
      ).join("\n"),
    ).toContain("is in partition aws-cn, but its role arn:aws:iam::111111111111:role/x is in aws");
  });
});

describe("variable names", () => {
  test.each<[string, string, string]>([
    ["standard", "111111111111.dkr.ecr.eu-west-1.amazonaws.com", "111111111111.eu_west_1"],
    [
      "FIPS",
      "111111111111.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
      "111111111111.us_gov_west_1_fips",
    ],
    ["dual-stack", "111111111111.dkr-ecr.eu-west-1.on.aws", "111111111111.eu_west_1_dualstack"],
    [
      "FIPS dual-stack",
      "111111111111.dkr-ecr-fips.us-east-1.on.aws",
      "111111111111.us_east_1_fips_dualstack",
    ],
    ["China", "111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn", "111111111111.cn_north_1"],
    ["ECR Public", "public.ecr.aws", "public"],
  ])("%s: NS.ecr.%s", (_name, host, segment) => {
    const [registry] = registriesOf({ registries: [host] });
    if (registry === undefined) throw new Error("no registry");
    expect(nameSegment(registry, "111111111111")).toBe(segment);
    const names = buildVariables(
      {
        authorizationToken: Buffer.from("AWS:p").toString("base64"),
        expiresAt: new Date(0),
        proxyEndpoint: `https://${host}`,
      },
      "custom.aws",
      segment,
    ).map((v) => v.name);
    expect(names[5]).toBe(`custom.aws.ecr.${segment}.password`);
    // Environment-safe: dots become underscores, and nothing else is needed.
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_.]+$/);
  });

  test("the multi --registry-id names stay as they were", () => {
    const [registry] = registriesOf({ region: "eu-west-1", registryIds: ["210987654321"] });
    if (registry === undefined) throw new Error("no registry");
    expect(nameSegment(registry, "210987654321")).toBe("210987654321.eu_west_1");
  });
});

describe("groupCalls", () => {
  const host = (account: number, region: string, fips = false) =>
    `${String(account).padStart(12, "1")}.dkr.ecr${fips ? "-fips" : ""}.${region}.amazonaws.com`;

  test("one call per identity and region, ECR Public apart", () => {
    const registries = registriesOf({
      registries: [
        host(1, "eu-west-1"),
        host(2, "us-east-1"),
        host(3, "eu-west-1"),
        { registry: host(4, "eu-west-1"), connector: "other" },
        host(5, "us-east-1", true),
        "public.ecr.aws",
        host(6, "us-east-1"),
      ],
    });
    expect(
      groupCalls(registries).map((g) => [g.kind, g.region, g.variant, g.identityKey, g.members]),
    ).toEqual([
      ["private", "eu-west-1", "standard", "default-chain", [0, 2]],
      ["private", "us-east-1", "standard", "default-chain", [1, 6]],
      ["private", "eu-west-1", "standard", "connector:ref:other", [3]],
      ["private", "us-east-1", "fips", "default-chain", [4]],
      ["public", "us-east-1", "standard", "default-chain", [5]],
    ]);
  });

  test("at most ten registry ids per call", () => {
    const ids = Array.from({ length: 23 }, (_, i) => String(100000000000 + i));
    const groups = groupCalls(registriesOf({ region: "eu-west-1", registryIds: ids }));
    expect(groups.map((g) => g.registryIds.length)).toEqual([10, 10, 3]);
    expect(groups.flatMap((g) => g.registryIds)).toEqual(ids);
  });

  test("40 registries in 4 regions cost 4 calls", () => {
    const regions = ["eu-west-1", "us-east-1", "ap-southeast-2", "sa-east-1"];
    const registries = registriesOf({
      registries: Array.from({ length: 40 }, (_, i) => host(i, regions[i % 4] ?? "")),
    });
    expect(groupCalls(registries)).toHaveLength(4);
  });
});
