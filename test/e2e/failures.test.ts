/**
 * Credential sources and AWS failures (exit 3 and 4) and credential provenance on success,
 * against the emulator's recorded requests. Output-file failures: output-files.test.ts.
 */

import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  ROLE_ARN,
  startE2e,
} from "../support/e2e-harness.js";

const CI_USER_ID = "0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70";
const PROD_PUSH_ID = "7d2c1b0a-9e8f-4a6b-8c5d-4e3f2a1b0c9d";
const WRONG_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYwrong";

let ctx: E2eContext;
let connectors: string;
beforeAll(async () => {
  ctx = await startE2e();
  await writeFile(ctx.path("secret-key"), `${ctx.emu.defaultUser.secretAccessKey}\n`, {
    mode: 0o600,
  });
  connectors = await ctx.write(
    "connectors.json",
    JSON.stringify({
      connectors: [
        {
          id: CI_USER_ID,
          name: "ci-user",
          type: "access-keys",
          accessKeyId: "${env.CI_AWS_ACCESS_KEY_ID}",
          secretAccessKey: "${env.CI_AWS_SECRET_ACCESS_KEY}",
        },
        {
          id: PROD_PUSH_ID,
          name: "prod-push",
          type: "assume-role",
          base: "ci-user",
          roleArn: ROLE_ARN,
          sessionName: "bamboo-build",
        },
        {
          id: "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b",
          name: "from-file",
          type: "access-keys",
          accessKeyId: "${env.CI_AWS_ACCESS_KEY_ID}",
          secretAccessKey: `\${file:${ctx.path("secret-key")}}`,
        },
      ],
    }),
  );
});
afterAll(() => ctx.close());

/** The connector keys, without AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, so only the connector works. */
function connectorEnv(extra: Record<string, string | undefined> = {}) {
  return {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    CI_AWS_ACCESS_KEY_ID: ctx.emu.defaultUser.accessKeyId,
    CI_AWS_SECRET_ACCESS_KEY: ctx.emu.defaultUser.secretAccessKey,
    ...extra,
  };
}

function newRequests(from: number) {
  return ctx.emu.requests.slice(from).map((r) => ({
    action: r.action,
    status: r.status,
    identityArn: r.identityArn,
    ...(r.service === "sts" ? { params: r.params } : {}),
  }));
}

describe("AWS refuses (exit 4: service, AWS error code, region, hint)", () => {
  const cases: Array<{
    name: string;
    env?: Record<string, string>;
    args?: string[];
    fault?: [string, { status: number; code: string }];
    message: string;
    hint: string;
  }> = [
    {
      name: "wrong secret key",
      env: { AWS_SECRET_ACCESS_KEY: WRONG_SECRET },
      message:
        "ecr-vars: error: ECR GetAuthorizationToken in eu-west-1 failed for the default AWS credential chain (environment variables): InvalidSignatureException: ",
      hint: "  fix: the secret access key does not match the access key id; check the secret",
    },
    {
      name: "unknown access key",
      env: { AWS_ACCESS_KEY_ID: "AKIAUNKNOWN000000000" },
      message:
        "ecr-vars: error: ECR GetAuthorizationToken in eu-west-1 failed for the default AWS credential chain (environment variables): UnrecognizedClientException: ",
      hint: "  fix: the access key id or session token is unknown in this partition; check the keys and the region",
    },
    {
      name: "ECR AccessDeniedException",
      fault: ["GetAuthorizationToken", { status: 400, code: "AccessDeniedException" }],
      message:
        "ecr-vars: error: ECR GetAuthorizationToken in eu-west-1 failed for the default AWS credential chain (environment variables): AccessDeniedException: ",
      hint: "  fix: grant the identity ecr:GetAuthorizationToken (see the IAM policy in the README)",
    },
    {
      name: "STS AccessDenied on --role-arn",
      args: ["--role-arn", ROLE_ARN],
      fault: ["AssumeRole", { status: 403, code: "AccessDenied" }],
      message: `ecr-vars: error: STS AssumeRole in eu-west-1 failed for role ${ROLE_ARN} via the default AWS credential chain (environment variables): AccessDenied: `,
      hint: "  fix: grant the identity the permission for this call (see the IAM policy in the README)",
    },
  ];
  test.each(cases)("$name", async (c) => {
    if (c.fault) ctx.emu.failNext(...c.fault);
    const result = await ctx.run(["--region", "eu-west-1", ...(c.args ?? [])], c.env);
    expect(result.code, result.stderr).toBe(4);
    const lines = result.stderr.split("\n");
    expect(lines[0]?.startsWith(c.message), lines[0]).toBe(true);
    expect(lines).toContain(c.hint);
    expectNoStack(result.stderr);
    expectNoSecrets(result.stderr, [WRONG_SECRET, ctx.emu.defaultUser.secretAccessKey]);
  });

  test("a transient 500 from ECR is retried and the run succeeds", async () => {
    const from = ctx.emu.requests.length;
    ctx.emu.failNext("GetAuthorizationToken", { status: 500, code: "ServerException" });
    const result = await ctx.run(["--region", "eu-west-1"]);
    expect(result.code, result.stderr).toBe(0);
    expect(newRequests(from).map((r) => [r.action, r.status])).toEqual([
      ["GetAuthorizationToken", 500],
      ["GetAuthorizationToken", 200],
    ]);
  });
});

describe("an already-expired token from the endpoint", () => {
  test("is refused as the helper refuses it (exit 4, nothing written); --force writes it with a warning", async () => {
    const expired = await startE2e({ expiresAt: new Date("2015-01-01T00:00:00Z") });
    try {
      for (const args of [[], ["get-login-password"]]) {
        const refused = await expired.run([...args, "--region", "eu-west-1", "-q"]);
        expect(refused.code, refused.stderr).toBe(4);
        expect(refused.stdout).toBe("");
        expect(refused.stderr).toBe(
          "ecr-vars: error: ECR returned a token that expired at 2015-01-01T00:00:00Z, which registries refuse\n  fix: check the clock of this machine and that the endpoint is Amazon ECR (--force writes the token anyway)\n",
        );
      }
      const result = await expired.run(["--region", "eu-west-1", "-q", "--force"]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("CUSTOM_AWS_ECR_EXPIRATIONDATE='2015-01-01T00:00:00Z'");
      expect(result.stderr).toBe(
        "warning: ECR returned a token that expired at 2015-01-01T00:00:00Z, which registries refuse: check the clock of this machine and that the endpoint is Amazon ECR\n",
      );
      // A fresh token: no warning.
      expect((await ctx.run(["--region", "eu-west-1", "-q"])).stderr).toBe("");
    } finally {
      await expired.close();
    }
  });
});

describe("no usable credentials (exit 3: the source tried and why)", () => {
  let noRole: E2eContext;
  beforeAll(async () => {
    noRole = await startE2e({ instanceRole: false });
  });
  afterAll(() => noRole.close());

  test.each([
    ["the emulator has no instance profile", () => ({})],
    ["IMDS is a closed port", () => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9" })],
  ])("--source instance-role when %s", async (_name, env) => {
    const result = await noRole.run(["--region", "eu-west-1", "--source", "instance-role"], {
      AWS_EC2_METADATA_DISABLED: undefined,
      ...env(),
    });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(
      /^ecr-vars: error: no usable credentials from the EC2 instance role \(IMDSv2\): /,
    );
    expectNoStack(result.stderr);
    expect(noRole.emu.requests.some((r) => r.service === "ecr")).toBe(false);
  });

  test.each([
    ["CI_AWS_SECRET_ACCESS_KEY", "ci-user", "secretAccessKey"],
    ["CI_AWS_ACCESS_KEY_ID", "prod-push", "accessKeyId"],
  ])("connector whose ${env.%s} is unset (used through %s)", async (unset, connector, field) => {
    const result = await ctx.run(
      ["--region", "eu-west-1", "--connector", connector, "--connectors", connectors],
      connectorEnv({ [unset]: undefined }),
    );
    expect(result.code, result.stderr).toBe(3);
    const lines = result.stderr.split("\n");
    expect(lines[0]).toMatch(/^ecr-vars: error: /);
    // The connector that failed (also when reached through another one) and the variable.
    expect(lines[0]).toContain(`connector "${connector}"`);
    expect(result.stderr).toContain('connector "ci-user" (access-keys)');
    expect(lines[0]).toContain(
      `${field}: \${env.${unset}} is not defined (environment variable ${unset} is unset)`,
    );
    expect(lines).toContain(`  fix: set the environment variable ${unset}`);
    expectNoStack(result.stderr);
  });
});

describe("credential provenance on success", () => {
  test("--source instance-role --role-arn: the role via the EC2 instance role", async () => {
    const from = ctx.emu.requests.length;
    const result = await ctx.run(
      ["--region", "eu-west-1", "--source", "instance-role", "--role-arn", ROLE_ARN],
      { AWS_EC2_METADATA_DISABLED: undefined, AWS_ACCESS_KEY_ID: undefined },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split("\n")).toContain(
      `  credentials: role ${ROLE_ARN} via the EC2 instance role (IMDSv2)`,
    );
    const calls = newRequests(from).filter((r) => r.action !== "GetToken");
    expect(calls.map((r) => r.action)).toEqual([
      "ListRoles",
      "GetRoleCredentials",
      "AssumeRole",
      "GetAuthorizationToken",
    ]);
    expect(calls[2]?.identityArn).toMatch(
      /^arn:aws:sts::123456789012:assumed-role\/ecr-vars-agent\//,
    );
    expect(calls[3]?.identityArn).toBe("arn:aws:sts::123456789012:assumed-role/ecr-push/ecr-vars");
  });

  test("assume-role connector on an access-keys connector", async () => {
    const from = ctx.emu.requests.length;
    const result = await ctx.run(
      ["--region", "eu-west-1", "--connector", "prod-push", "--connectors", connectors],
      connectorEnv(),
    );
    expect(result.code, result.stderr).toBe(0);
    const provenance = result.stderr.split("\n").find((l) => l.startsWith("  credentials: "));
    expect(provenance).toMatch(
      /^ {2}credentials: connector "prod-push" \(assume-role (role )?arn:aws:iam::123456789012:role\/ecr-push via connector "ci-user" \(access-keys\)\)$/,
    );
    expect(newRequests(from)).toEqual([
      {
        action: "AssumeRole",
        status: 200,
        identityArn: "arn:aws:iam::123456789012:user/ecr-vars-user",
        params: { RoleArn: ROLE_ARN, RoleSessionName: "bamboo-build" },
      },
      {
        action: "GetAuthorizationToken",
        status: 200,
        identityArn: "arn:aws:sts::123456789012:assumed-role/ecr-push/bamboo-build",
      },
    ]);
  });

  test.each([
    ["lower case", CI_USER_ID],
    ["upper case", CI_USER_ID.toUpperCase()],
  ])("--connector-variable '${bamboo.awsConnector}' with a UUID in %s", async (_case, uuid) => {
    const result = await ctx.run(
      [
        "--region",
        "eu-west-1",
        "--connector-variable",
        "${bamboo.awsConnector}",
        "--connectors",
        connectors,
      ],
      connectorEnv({ bamboo_awsConnector: uuid }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split("\n")).toContain('  credentials: connector "ci-user" (access-keys)');
  });

  test("ECR_VARS_CONNECTORS and a ${file:PATH} secret", async () => {
    const from = ctx.emu.requests.length;
    const result = await ctx.run(
      ["--region", "eu-west-1", "--connector", "from-file"],
      connectorEnv({ CI_AWS_SECRET_ACCESS_KEY: undefined, ECR_VARS_CONNECTORS: connectors }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(newRequests(from)).toEqual([
      {
        action: "GetAuthorizationToken",
        status: 200,
        identityArn: "arn:aws:iam::123456789012:user/ecr-vars-user",
      },
    ]);
  });
});
