/**
 * Input that reaches the terminal or the credential helper from someone else: escape sequences in
 * a description, a server URL that would send the token in clear, a malformed role ARN in the
 * helper's environment, and an answer whose token has already expired.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type E2eContext, PROXY_DOMAIN, REGION, startE2e } from "../support/e2e-harness.js";
import { runHelper } from "../support/registry.js";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(() => ctx.close());

let dirs = 0;
function helperEnv(extra: Record<string, string> = {}) {
  return ctx.env({ ECR_VARS_CACHE_DIR: ctx.path(`cache-${dirs++}`), ...extra });
}

describe("terminal text", () => {
  test("ANSI escapes and control characters in --description reach stderr neutralised", async () => {
    const description = "deploy \u001b[31mRED\u001b[0m\rOK\u0007 \u202eevil\u009b2J";
    const result = await ctx.run(["--region", REGION, "--description", description, "-f", "json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      "ecr-vars (deploy \\x1b[31mRED\\x1b[0m\\x0dOK\\x07 \\u202eevil\\x9b2J)",
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  test("a control character in an error message's value is neutralised too", async () => {
    const result = await ctx.run(["--region", "eu-west-1\u001b[2J"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("eu-west-1\\x1b[2J");
    expect(result.stderr).not.toContain("\u001b");
  });
});

describe("docker-credential-ecr-vars get refuses before any AWS call", () => {
  test.each([
    ["http://", `http://${PROXY_DOMAIN}`],
    ["ftp://", `ftp://${PROXY_DOMAIN}`],
    ["HTTP:// in capitals", `HTTP://${PROXY_DOMAIN}`],
  ])("a %s server URL: exit 1, no token, nothing sent", async (_label, url) => {
    const before = ctx.emu.requests.length;
    const result = await runHelper("get", `${url}\n`, helperEnv());
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toMatch(
      /^the server URL uses (http|ftp):\/\/; the helper answers only for https:\/\/ URLs or a bare registry host$/,
    );
    expect(ctx.emu.requests.length).toBe(before);
  });

  test("https:// and a bare host are still answered", async () => {
    for (const url of [`https://${PROXY_DOMAIN}`, PROXY_DOMAIN]) {
      const result = await runHelper("get", `${url}\n`, helperEnv());
      expect(result.code, result.stdout).toBe(0);
      expect(JSON.parse(result.stdout).Username).toBe("AWS");
    }
  });

  test("a malformed ECR_VARS_ROLE_ARN is refused as the CLI refuses it: no AssumeRole sent", async () => {
    const before = ctx.emu.requests.length;
    const result = await runHelper(
      "get",
      `${PROXY_DOMAIN}\n`,
      helperEnv({ ECR_VARS_ROLE_ARN: "arn:aws:iam::12345:role/x y" }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe(
      'ECR_VARS_ROLE_ARN: "arn:aws:iam::12345:role/x y" is not an IAM role ARN (fix: use the form arn:<partition>:iam::<account-id>:role/<name>, e.g. arn:aws:iam::123456789012:role/ecr-push)',
    );
    expect(ctx.emu.requests.slice(before).map((r) => r.action)).toEqual([]);
    const cli = await ctx.run(["--region", REGION, "--role-arn", "arn:aws:iam::12345:role/x y"]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('"arn:aws:iam::12345:role/x y" is not an IAM role ARN');
  });
});

describe("an already-expired token", () => {
  test("the helper refuses a token that expired before it was handed out: exit 1, no Secret", async () => {
    const { createEmulator } = await import("../../src/emulator/index.js");
    const emu = await createEmulator({ expiresAt: new Date("2015-01-01T00:00:00Z") });
    try {
      const result = await runHelper(
        "get",
        `${PROXY_DOMAIN}\n`,
        helperEnv({
          AWS_ENDPOINT_URL: emu.url,
          AWS_ACCESS_KEY_ID: emu.defaultUser.accessKeyId,
          AWS_SECRET_ACCESS_KEY: emu.defaultUser.secretAccessKey,
        }),
      );
      expect(result.code).toBe(1);
      expect(result.stdout.trim()).toBe(
        `ECR GetAuthorizationToken in ${REGION} returned a token that expired at 2015-01-01T00:00:00Z (fix: check the clock of this machine and that the endpoint is Amazon ECR)`,
      );
      expect(result.stdout).not.toContain("Secret");
      // Nor is it cached for the next get.
      const again = await runHelper(
        "get",
        `${PROXY_DOMAIN}\n`,
        helperEnv({
          AWS_ENDPOINT_URL: emu.url,
          AWS_ACCESS_KEY_ID: emu.defaultUser.accessKeyId,
          AWS_SECRET_ACCESS_KEY: emu.defaultUser.secretAccessKey,
        }),
      );
      expect(again.code).toBe(1);
    } finally {
      await emu.close();
    }
  });
});
