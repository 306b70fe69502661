/**
 * The run from the issue, as a Bamboo Script task would do it by hand on an EC2 agent: instance
 * role, a cross-account role, the region from a Bamboo variable, a .properties file for the
 * "Inject Bamboo variables" task.
 */

import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import {
  type E2eContext,
  EXPIRES_TEXT,
  expectedValues,
  expectNoSecrets,
  modeOf,
  ROLE_ARN,
  startE2e,
} from "../support/e2e-harness.js";
import { readProperties } from "../support/e2e-properties.js";

const PASSWORD = "eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9In0=";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD, instanceRole: { roleName: "bamboo-agent" } });
});
afterAll(() => ctx.close());

test("bamboo_awsRegion=eu-west-1 ecr-vars --source instance-role --role-arn ... --format bamboo --output ecr.properties", async () => {
  const result = await runCli(
    [
      "--source",
      "instance-role",
      "--role-arn",
      ROLE_ARN,
      "--region-variable",
      "${bamboo.awsRegion}",
      "--registry-id",
      "123456789012",
      "--format",
      "bamboo",
      "--output",
      "ecr.properties",
    ],
    // An agent: no keys in the environment, IMDS reachable, the Bamboo variables of a Script task.
    ctx.bareEnv({
      AWS_EC2_METADATA_DISABLED: undefined,
      bamboo_awsRegion: "eu-west-1",
      bamboo_buildResultKey: "PROJ-PLAN-JOB1-7",
    }),
    ctx.dir,
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toBe("");

  const file = ctx.path("ecr.properties");
  expect(await modeOf(file)).toBe(0o600);
  const text = await readFile(file, "utf8");
  expect(text.startsWith("#")).toBe(true);
  expect(readProperties(text)).toEqual(expectedValues(PASSWORD));

  expect(result.stderr.replace(/\(in \d+h \d+m\)/, "(in Hh Mm)")).toBe(
    [
      "ecr-vars: Amazon ECR credentials for registry 123456789012 in eu-west-1",
      `  credentials: role ${ROLE_ARN} via the EC2 instance role (IMDSv2)`,
      "  region: eu-west-1 (from --region-variable ${bamboo.awsRegion})",
      "  custom.aws.ecr.authorizationToken.password: ********",
      `  custom.aws.ecr.expirationDate: ${EXPIRES_TEXT}`,
      "  custom.aws.ecr.proxyEndpoint: https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      "  custom.aws.ecr.proxyEndpointDomain: 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      "  custom.aws.ecr.username: AWS",
      "  custom.aws.ecr.password: ********",
      "  custom.aws.ecr.credentials.json.password: ********",
      `  token expires ${EXPIRES_TEXT} (in Hh Mm)`,
      "Wrote 7 variables to ecr.properties (format bamboo, scope local).",
      'Use an "Inject Bamboo variables" task with these settings:',
      "  Path to properties file: ecr.properties",
      "  Namespace: custom.aws",
      "  Scope of the variables: LOCAL",
      "",
    ].join("\n"),
  );
  expectNoSecrets(result.stderr, [PASSWORD]);

  const calls = ctx.emu.requests
    .filter((r) => r.service !== "imds" || r.action === "GetRoleCredentials")
    .map((r) => ({
      action: r.action,
      identityArn: r.identityArn,
      region: r.region,
      params: r.service === "imds" ? undefined : r.params,
    }));
  expect(calls).toEqual([
    { action: "GetRoleCredentials", identityArn: undefined, region: undefined, params: undefined },
    {
      action: "AssumeRole",
      identityArn: "arn:aws:sts::123456789012:assumed-role/bamboo-agent/i-0123456789abcdef0",
      region: "eu-west-1",
      params: { RoleArn: ROLE_ARN, RoleSessionName: "ecr-vars-PROJ-PLAN-JOB1-7" },
    },
    {
      action: "GetAuthorizationToken",
      identityArn: "arn:aws:sts::123456789012:assumed-role/ecr-push/ecr-vars-PROJ-PLAN-JOB1-7",
      region: "eu-west-1",
      params: { registryIds: ["123456789012"] },
    },
  ]);
});
