import { describe, expect, test } from "vitest";
import { EcrVarsError } from "../../src/core/errors.js";
import { resolveExpression } from "../../src/core/expressions.js";
import { envName, envNamingFor, isEnvPrefix, isNamespace } from "../../src/core/names.js";
import { isRegion, partitionOf } from "../../src/core/region.js";
import {
  buildVariables,
  decodeAuthorizationToken,
  endpointDomain,
  formatExpiry,
  isSecretName,
} from "../../src/core/variables.js";

const token = (text: string) => Buffer.from(text, "utf8").toString("base64");

describe("regions", () => {
  test.each([
    ["us-east-1", "aws", "amazonaws.com"],
    ["eu-central-1", "aws", "amazonaws.com"],
    ["ap-southeast-2", "aws", "amazonaws.com"],
    ["il-central-1", "aws", "amazonaws.com"],
    ["mx-central-1", "aws", "amazonaws.com"],
    ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
    ["cn-northwest-1", "aws-cn", "amazonaws.com.cn"],
    ["us-gov-west-1", "aws-us-gov", "amazonaws.com"],
    ["us-iso-east-1", "aws-iso", "c2s.ic.gov"],
    ["us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"],
    ["eusc-de-east-1", "aws-eusc", "amazonaws.eu"],
  ])("%s is a region of partition %s", (region, partition, dnsSuffix) => {
    expect(isRegion(region)).toBe(true);
    expect(partitionOf(region)).toEqual({ partition, dnsSuffix });
  });

  test.each([
    "",
    "eu-west",
    "eu-west-99x",
    "EU-WEST-1",
    "us-east-1 ",
    "moon-east-1",
    "eu_west_1",
    "us-gov-north-1",
  ])("%j is not a region", (value) => {
    expect(isRegion(value)).toBe(false);
  });
});

describe("names", () => {
  test.each([
    [
      "Bamboo's rule by default",
      "custom.aws.ecr.password",
      undefined,
      "bamboo_custom_aws_ecr_password",
    ],
    [
      "an empty prefix keeps the case",
      "custom.aws.ecr.authorizationToken.password",
      { prefix: "" },
      "custom_aws_ecr_authorizationToken_password",
    ],
    ["a prefix of one's own", "a.b", { prefix: "CI_" }, "CI_a_b"],
    [
      "upper case elsewhere",
      "custom.aws.ecr.proxyEndpointDomain",
      "upper",
      "CUSTOM_AWS_ECR_PROXYENDPOINTDOMAIN",
    ],
    [
      "upper case keeps digits and underscores",
      "ns.ecr.210987654321.eu_west_1.password",
      "upper",
      "NS_ECR_210987654321_EU_WEST_1_PASSWORD",
    ],
  ] as const)("environment names: %s", (_, name, naming, expected) => {
    expect(envName(name, naming)).toBe(expected);
  });

  test.each([
    ["--env-prefix wins in Bamboo", "CI_", true, { prefix: "CI_" }],
    ["--env-prefix wins elsewhere", "", false, { prefix: "" }],
    ["Bamboo's names in Bamboo", undefined, true, { prefix: "bamboo_" }],
    ["upper case elsewhere", undefined, false, "upper"],
  ] as const)("the naming of a run: %s", (_, prefix, inBamboo, expected) => {
    expect(envNamingFor(prefix, inBamboo)).toEqual(expected);
  });

  test.each([
    ["custom.aws", true],
    ["my-team.ecr_1", true],
    ["x", true],
    ["", false],
    ["a..b", false],
    [".a", false],
    ["a.", false],
    ["a b", false],
    ["a.$b", false],
  ])("namespace %j valid: %s", (value, valid) => {
    expect(isNamespace(value)).toBe(valid);
  });

  test.each([
    ["bamboo_", true],
    ["", true],
    ["CI_", true],
    ["1x", false],
    ["a-b", false],
  ])("env prefix %j valid: %s", (value, valid) => {
    expect(isEnvPrefix(value)).toBe(valid);
  });
});

describe("expressions", () => {
  const env = { bamboo_awsRegion: "eu-west-1", bamboo_my_var: "x", REGION: "us-east-2", EMPTY: "" };

  test.each([
    ["${bamboo.awsRegion}", "eu-west-1"],
    ["${bamboo.my.var}", "x"],
    ["${env.REGION}", "us-east-2"],
    ["${ env.REGION }", "us-east-2"],
    ["pre-${env.REGION}-post", "pre-us-east-2-post"],
    ["plain", "plain"],
  ])("%s resolves to %s", (expression, value) => {
    expect(resolveExpression(expression, env)).toEqual({ ok: true, value, secret: false });
  });

  test.each([
    ["${bamboo.db.password}", true],
    ["${bamboo.DB.PassPhrase}", true],
    ["${bamboo.my.secret}", true],
    ["${bamboo.deploy.sshKey}", true],
    ["${env.AWS_SECRET_ACCESS_KEY}", true],
    ["${env.AWS_SESSION_TOKEN}", true],
    ["pre-${env.REGION}-${bamboo.my.password}", true],
    ["${bamboo.awsRegion}", false],
    ["${env.AWS_REGION}", false],
  ])("%s is secret-named: %s", (expression, secret) => {
    const all = {
      ...env,
      bamboo_db_password: "p",
      bamboo_DB_PassPhrase: "p",
      bamboo_my_secret: "s",
      bamboo_deploy_sshKey: "k",
      bamboo_my_password: "p",
      AWS_SECRET_ACCESS_KEY: "k",
      AWS_SESSION_TOKEN: "t",
      AWS_REGION: "eu-west-1",
    };
    const result = resolveExpression(expression, all);
    expect(result.ok && result.secret).toBe(secret);
  });

  test("an undefined Bamboo variable names the variable and its environment name", () => {
    const result = resolveExpression("${bamboo.awsRegionX}", env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(
      "${bamboo.awsRegionX} is not defined (environment variable bamboo_awsRegionX is unset)",
    );
    expect(result.hint).toContain("awsRegionX");
  });

  test("an empty variable counts as undefined", () => {
    const result = resolveExpression("${env.EMPTY}", env);
    expect(result).toMatchObject({
      ok: false,
      reason: "${env.EMPTY} is not defined (environment variable EMPTY is empty)",
    });
  });

  test.each(["${foo.bar}", "${env.}", "${env.1X}", "${}"])(
    "%s is not a supported reference",
    (expression) => {
      const result = resolveExpression(expression, env);
      expect(result).toMatchObject({ ok: false });
      if (!result.ok) expect(result.reason).toContain("is not a supported reference");
    },
  );
});

describe("variables", () => {
  const auth = {
    authorizationToken: token("AWS:s3cr:et=="),
    expiresAt: new Date("2026-11-26T11:39:00.123Z"),
    proxyEndpoint: "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
  };

  test("the seven seed variables with exact names, values and masking", () => {
    const variables = buildVariables(auth, "custom.aws");
    const json = JSON.stringify({
      authorizationToken: auth.authorizationToken,
      expirationDate: "2026-11-26T11:39:00Z",
      proxyEndpoint: auth.proxyEndpoint,
      proxyEndpointDomain: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
      username: "AWS",
      password: "s3cr:et==",
    });
    expect(variables.map((v) => [v.name, v.relativeName, v.value, v.secret])).toEqual([
      [
        "custom.aws.ecr.authorizationToken.password",
        "ecr.authorizationToken.password",
        auth.authorizationToken,
        true,
      ],
      ["custom.aws.ecr.expirationDate", "ecr.expirationDate", "2026-11-26T11:39:00Z", false],
      ["custom.aws.ecr.proxyEndpoint", "ecr.proxyEndpoint", auth.proxyEndpoint, false],
      [
        "custom.aws.ecr.proxyEndpointDomain",
        "ecr.proxyEndpointDomain",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        false,
      ],
      ["custom.aws.ecr.username", "ecr.username", "AWS", false],
      ["custom.aws.ecr.password", "ecr.password", "s3cr:et==", true],
      ["custom.aws.ecr.credentials.json.password", "ecr.credentials.json.password", json, true],
    ]);
  });

  test("a registry key puts the variables under <account>.<region>", () => {
    const variables = buildVariables(auth, "ns", {
      registryId: "123456789012",
      region: "us-east-1",
    });
    expect(variables.map((v) => v.name)).toContain("ns.ecr.123456789012.us_east_1.password");
    expect(variables.every((v) => v.name.startsWith("ns.ecr.123456789012.us_east_1."))).toBe(true);
  });

  test("the token is split on the first colon only", () => {
    expect(decodeAuthorizationToken(token("AWS:a:b:c"))).toEqual({
      username: "AWS",
      password: "a:b:c",
    });
  });

  test.each(["", token("no-colon"), token(":password-without-user")])(
    "a malformed token %j is an AWS error",
    (value) => {
      expect(() => decodeAuthorizationToken(value)).toThrow(EcrVarsError);
    },
  );

  test("expiry has seconds and no fraction", () => {
    expect(formatExpiry(new Date("2026-01-02T03:04:05.999Z"))).toBe("2026-01-02T03:04:05Z");
  });

  test.each([
    [
      "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
      "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    ],
    ["http://127.0.0.1:5000/", "127.0.0.1:5000"],
  ])("endpoint domain of %s", (url, domain) => {
    expect(endpointDomain(url)).toBe(domain);
  });

  test.each([
    ["custom.aws.ecr.password", true],
    ["x.PASSWORD", true],
    ["my.Passphrase", true],
    ["a.secretThing", true],
    ["ssh.SSHKEY.x", true],
    ["custom.aws.ecr.username", false],
    ["custom.aws.ecr.proxyEndpoint", false],
  ])("%s is secret: %s", (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });
});
