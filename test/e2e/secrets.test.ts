/**
 * The human summary on stderr, and the promise that no secret ever reaches it: not on success, not
 * with --debug, not in any failure, not in a stack trace printed by --debug.
 */

import { symlink, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type E2eContext,
  EXPIRES_TEXT,
  expectNoSecrets,
  PROXY_DOMAIN,
  PROXY_ENDPOINT,
  ROLE_ARN,
  startE2e,
  summaryOf,
  tokenOf,
} from "../support/e2e-harness.js";

const PASSWORD = "s3cr3t'pa$$word with spaces and \u00e9";
const WRONG_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYwrong";

let ctx: E2eContext;
let secretKey: string;
beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
  secretKey = ctx.emu.defaultUser.secretAccessKey;
  await writeFile(ctx.path("target.txt"), "untouched\n");
  await symlink(ctx.path("target.txt"), ctx.path("link.sh"));
});
afterAll(() => ctx.close());

/** Every value that must never be printed, in the forms the checks look for. */
function secrets(): string[] {
  return [PASSWORD, tokenOf(PASSWORD), secretKey, WRONG_SECRET, JSON.stringify(PASSWORD)];
}

describe("the summary on success", () => {
  test.each([
    ["plain", []],
    ["--debug", ["--debug"]],
  ])(
    "%s: names and values, secrets as ********, nothing secret anywhere on stderr",
    async (_label, extra) => {
      const result = await ctx.run(["--region", "eu-west-1", "--format", "json", ...extra]);
      expect(result.code).toBe(0);
      expect(summaryOf(result.stderr)).toEqual(
        new Map([
          ["custom.aws.ecr.authorizationToken.password", "********"],
          ["custom.aws.ecr.expirationDate", EXPIRES_TEXT],
          ["custom.aws.ecr.proxyEndpoint", PROXY_ENDPOINT],
          ["custom.aws.ecr.proxyEndpointDomain", PROXY_DOMAIN],
          ["custom.aws.ecr.username", "AWS"],
          ["custom.aws.ecr.password", "********"],
          ["custom.aws.ecr.credentials.json.password", "********"],
        ]),
      );
      expect(result.stderr).toContain(`  token expires ${EXPIRES_TEXT} (in `);
      expect(result.stderr).toContain("Wrote 7 variables to stdout (format json, scope local).");
      for (const secret of secrets()) expect(result.stderr).not.toContain(secret);
      expectNoSecrets(result.stderr, secrets());
      // The secrets are where they belong: in the output.
      expect(JSON.parse(result.stdout)["custom.aws.ecr.password"]).toBe(PASSWORD);
    },
  );

  test("--debug prints debug lines (so the check above covers debug output)", async () => {
    const result = await ctx.run(["--region", "eu-west-1", "--format", "json", "--debug"]);
    expect(result.stderr).toMatch(/^debug: fetched 1 authorization\(s\) in eu-west-1 with /m);
  });

  test("--quiet prints no summary at all", async () => {
    const result = await ctx.run(["--region", "eu-west-1", "--quiet"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  test.each(["sh", "json", "bamboo", "powershell"])(
    "--format %s --output FILE: stdout stays empty",
    async (format) => {
      const result = await ctx.run([
        "--region",
        "eu-west-1",
        "--format",
        format,
        "--output",
        ctx.path(`out.${format}`),
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("");
      expectNoSecrets(result.stderr, secrets());
    },
  );
});

interface FailureCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: () => Record<string, string | undefined>;
  readonly before?: () => void;
  readonly code: number;
}

const FAILURES: readonly FailureCase[] = [
  {
    name: "a wrong secret access key",
    args: [],
    env: () => ({ AWS_SECRET_ACCESS_KEY: WRONG_SECRET }),
    code: 4,
  },
  {
    name: "an unknown access key",
    args: [],
    env: () => ({ AWS_ACCESS_KEY_ID: "AKIAUNKNOWN000000000", AWS_SECRET_ACCESS_KEY: WRONG_SECRET }),
    code: 4,
  },
  {
    name: "ECR access denied",
    args: [],
    before: () =>
      ctx.emu.failNext("GetAuthorizationToken", { status: 400, code: "AccessDeniedException" }),
    code: 4,
  },
  {
    name: "STS AssumeRole denied",
    args: ["--role-arn", ROLE_ARN],
    before: () => ctx.emu.failNext("AssumeRole", { status: 403, code: "AccessDenied" }),
    code: 4,
  },
  {
    name: "no instance role reachable",
    args: ["--source", "instance-role"],
    code: 3,
    env: () => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9" }),
  },
  {
    name: "a format that refuses the password",
    args: ["--format", "cmd"],
    code: 5,
  },
  {
    name: "an output directory that does not exist",
    args: ["--output", "missing-dir/out.sh"],
    code: 5,
  },
  { name: "an output path that is a symlink", args: ["--output", "link.sh"], code: 5 },
  {
    name: "a bad registry id (config error, keys in the environment)",
    args: ["--registry-id", "12"],
    code: 2,
  },
];

describe("failures never print a secret", () => {
  for (const debug of [false, true]) {
    test.each(FAILURES)(`$name${debug ? " (--debug)" : ""}: exit $code`, async (failure) => {
      failure.before?.();
      const result = await ctx.run(
        ["--region", "eu-west-1", ...failure.args, ...(debug ? ["--debug"] : [])],
        failure.env?.(),
      );
      expect(result.code, result.stderr).toBe(failure.code);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^ecr-vars: error: /m);
      expectNoSecrets(result.stderr, secrets());
      if (debug && failure.code !== 2) expect(result.stderr).toMatch(/^debug: /m);
    });
  }
});

describe("a value read from a secret-named variable is masked in every message", () => {
  const DB_PASSWORD = "hunter2-db-Passw0rd";
  const MY_SECRET = "9f3c2a71-0d4e-4b8a-9c55-1e2f3a4b5c6d";
  const cases = [
    {
      name: "--region-variable '${env.AWS_SECRET_ACCESS_KEY}' (not a region): the key is not shown",
      args: ["--region-variable", "${env.AWS_SECRET_ACCESS_KEY}"],
      field: "--region-variable",
      secret: () => secretKey,
    },
    {
      name: "--region-variable '${bamboo.db.password}': the password is not shown",
      args: ["--region-variable", "${bamboo.db.password}"],
      field: "--region-variable",
      secret: () => DB_PASSWORD,
    },
    {
      name: "--connector-variable '${bamboo.my.secret}' naming no connector: the value is not shown",
      args: ["--region", "eu-west-1", "--connector-variable", "${bamboo.my.secret}"],
      field: "--connector-variable",
      secret: () => MY_SECRET,
    },
    {
      name: "--connector-variable '${env.AWS_SESSION_TOKEN}' (not a connector id): the token is not shown",
      args: ["--region", "eu-west-1", "--connector-variable", "${env.AWS_SESSION_TOKEN}"],
      field: "--connector-variable",
      secret: () => "FwoGZXIvYXdzEBYaDH-session-token-value",
    },
  ];
  for (const debug of [false, true]) {
    test.each(cases)(`$name${debug ? " (--debug)" : ""}`, async (c) => {
      const connectors = await ctx.write(
        "connectors.json",
        JSON.stringify({
          connectors: [
            {
              id: "0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70",
              name: "ci-user",
              type: "access-keys",
              accessKeyId: "${env.AWS_ACCESS_KEY_ID}",
              secretAccessKey: "${env.AWS_SECRET_ACCESS_KEY}",
            },
          ],
        }),
      );
      const result = await ctx.run(
        [...c.args, "--connectors", connectors, ...(debug ? ["--debug"] : [])],
        {
          bamboo_db_password: DB_PASSWORD,
          bamboo_my_secret: MY_SECRET,
          AWS_SESSION_TOKEN: "FwoGZXIvYXdzEBYaDH-session-token-value",
        },
      );
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`  ${c.field}: `);
      expect(result.stderr).toContain("(the value of a secret variable is not shown)");
      expect(result.stderr.includes(c.secret()), result.stderr).toBe(false);
    });
  }
});
