/**
 * `ecr-vars exec` masks the encodings of a secret that real tools print: coreutils `base64`
 * (wrapped at 76 columns, with the trailing newline of `echo`), base64 without padding, URL and
 * JSON escapes; and the secrets a connector read from the environment, which the command inherits.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type E2eContext, REGION, startE2e, tokenOf } from "../support/e2e-harness.js";

let ctx: E2eContext;
let password: string;
beforeAll(async () => {
  // The emulator's default password is shaped like ECR's: over a kilobyte of base64.
  ctx = await startE2e();
  password = await passwordOf(ctx);
});
afterAll(() => ctx.close());

async function passwordOf(c: E2eContext): Promise<string> {
  const result = await c.run(["--region", REGION, "-f", "json", "-q"]);
  return JSON.parse(result.stdout)["custom.aws.ecr.password"] as string;
}

const PW = "$CUSTOM_AWS_ECR_PASSWORD";
const sh = (script: string) => ["exec", "--region", REGION, "-q", "--", "sh", "-c", script];

describe("exec: encodings printed by real tools are masked", () => {
  const cases: Array<[string, string]> = [
    ["printf %s $pw | base64 (wrapped at 76)", `printf %s "${PW}" | base64`],
    ['echo "AWS:$pw" | base64 (trailing newline)', `echo "AWS:${PW}" | base64`],
    ["base64 -w0 without = padding", `printf %s "AWS:${PW}" | base64 -w0 | tr -d =`],
    ["base64 -w0 of the password with a newline", `echo "${PW}" | base64 -w0`],
    [
      "the token variable, base64 again",
      'printf %s "$CUSTOM_AWS_ECR_AUTHORIZATIONTOKEN_PASSWORD" | base64',
    ],
    [
      "URL-encoded (encodeURIComponent)",
      `${JSON.stringify(process.execPath)} -e 'process.stdout.write(encodeURIComponent(process.env.CUSTOM_AWS_ECR_PASSWORD))'`,
    ],
    [
      "JSON with \\/ escapes",
      `${JSON.stringify(process.execPath)} -e 'process.stdout.write(JSON.stringify({p: process.env.CUSTOM_AWS_ECR_PASSWORD}).replaceAll("/", "\\\\/"))'`,
    ],
  ];
  test.each(cases)("%s", async (_name, script) => {
    const result = await ctx.run(sh(script));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("********");
    const compact = result.stdout.replace(/\s+/g, "");
    expect(result.stdout).not.toContain(password);
    expect(compact).not.toContain(tokenOf(password).slice(0, 40));
    expect(compact).not.toContain(Buffer.from(password).toString("base64").slice(0, 40));
    expect(result.stdout).not.toContain(encodeURIComponent(password).slice(0, 40));
  });
});

describe("exec: a secret cut short is masked", () => {
  test.each([
    ["cut by one character", `printf %s "${PW}" | head -c -1`, (p: string) => p.slice(0, -1)],
    ["its first 60 characters", `printf %s "${PW}" | head -c 60`, (p: string) => p.slice(0, 60)],
    [
      "cut -c1-60 of each line",
      `printf '%s\\n' "${PW}" | cut -c1-60`,
      (p: string) => p.slice(0, 60),
    ],
  ])("%s", async (_name, script, cut) => {
    const result = await ctx.run(sh(`${script}; echo; echo done`));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split("\n").filter((line) => line !== "")).toEqual(["********", "done"]);
    expect(result.stdout).not.toContain(cut(password).slice(0, 16));
  });
});

describe("exec: secrets a connector takes from the environment", () => {
  test("are masked in the command's output (the command inherits them)", async () => {
    const connectors = await ctx.write(
      "connectors.json",
      JSON.stringify({
        connectors: [
          {
            id: "0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70",
            name: "ci-user",
            type: "access-keys",
            accessKeyId: "${env.CI_KEY_ID}",
            // A variable whose name does not say it is secret: masked because a connector used it.
            secretAccessKey: "${env.CI_KEY_B}",
          },
        ],
      }),
    );
    const secret = ctx.emu.defaultUser.secretAccessKey;
    const result = await ctx.run(
      [
        "exec",
        "--region",
        REGION,
        "--connectors",
        connectors,
        "--connector",
        "ci-user",
        "-q",
        "--",
        "sh",
        "-c",
        'echo "b=$CI_KEY_B"; echo "named=$DEPLOY_SECRET"; env | grep -c . >/dev/null',
      ],
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        CI_KEY_ID: ctx.emu.defaultUser.accessKeyId,
        CI_KEY_B: secret,
        DEPLOY_SECRET: "a-deploy-secret-value",
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("b=********\nnamed=********\n");
  });
});
