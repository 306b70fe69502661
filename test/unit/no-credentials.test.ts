/**
 * With no credentials anywhere, the message says what each link of the default chain looked for
 * and why it gave up, and what to set; the helper's advice names its own settings, never the
 * CLI's flags. In-process for the CLI; the helper's main loop with its real cache-miss path.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { diagnoseDefaultChain } from "../../src/credentials/chain-diagnosis.js";
import { runHelper } from "../../src/helper/main.js";
import { cleanEnv, tempDir } from "../support/cli.js";
import { runInProcess } from "../support/in-process.js";

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.cleanup());

const fields = (env: Record<string, string>) =>
  diagnoseDefaultChain(cleanEnv(env)).map((p) => `${p.field}: ${p.message}`);

describe("the default chain, link by link", () => {
  test("nothing set: every link says what it looked for", () => {
    expect(fields({})).toEqual([
      "link 1 (environment): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
      'link 2 (profile): no profile "default" in /nonexistent/aws-config (ENOENT) and /nonexistent/aws-credentials (ENOENT)',
      "link 3 (web identity): AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set",
      "link 4 (container role): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI are not set (not an ECS task or EKS pod)",
      "link 5 (instance role): not asked: AWS_EC2_METADATA_DISABLED=true",
    ]);
  });

  test("half-set variables, a profile that skips the environment, SSO, IMDS", async () => {
    const config = `${dir.path}/config`;
    await writeFile(
      config,
      "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n[profile empty]\noutput = json\n",
    );
    expect(fields({ AWS_ACCESS_KEY_ID: "AKIAEXAMPLE" })[0]).toBe(
      "link 1 (environment): AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
    );
    const sso = fields({ AWS_PROFILE: "dev", AWS_CONFIG_FILE: config });
    expect(sso[0]).toBe(
      "link 1 (environment): skipped: AWS_PROFILE=dev is set, and then the SDK reads keys only from that profile",
    );
    expect(sso[1]).toBe(
      'link 2 (profile): profile "dev" sets SSO, which gave no credentials (is the SSO login current? aws sso login)',
    );
    expect(fields({ AWS_PROFILE: "empty", AWS_CONFIG_FILE: config })[1]).toMatch(
      /^link 2 \(profile\): profile "empty" \(in .*\) sets no credentials: no keys, SSO, role or credential_process$/,
    );
    expect(fields({ AWS_EC2_METADATA_DISABLED: undefined as unknown as string }).at(-1)).toBe(
      "link 5 (instance role): the instance metadata service at http://169.254.169.254 gave no role credentials (not an EC2 instance, no role attached, or IMDSv2 unreachable)",
    );
    expect(fields({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x" }).at(-1)).toBe(
      "link 4 (container role): the container credentials endpoint /v2/credentials/x gave none",
    );
  });
});

describe("what the programs print", () => {
  test("ecr-vars: exit 3, every link, and a fix naming the variables and its own flags", async () => {
    const result = await runInProcess(["--region", "eu-west-1", "-f", "json"], cleanEnv());
    expect(result.code).toBe(3);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "ecr-vars: error: no AWS credentials: no link of the default credential chain found any",
    );
    expect(lines.filter((l) => /^ {2}link \d \(/.test(l))).toHaveLength(5);
    expect(lines.at(-1)).toBe(
      "  fix: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE=NAME for a profile of ~/.aws/config (after aws sso login --profile NAME for SSO), or run on an EC2 instance, ECS task or EKS pod with a role; or choose another source: --source instance-role or --connector ID|NAME (docs/connectors.md)",
    );
  });

  test("--source default-chain is accepted, as ECR_VARS_SOURCE=default-chain is by the helper", async () => {
    const result = await runInProcess(
      ["--region", "eu-west-1", "--source", "default-chain"],
      cleanEnv(),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("no link of the default credential chain found any");
  });

  test("the helper: the same links, and advice in its own settings, no CLI flag", async () => {
    let stdout = "";
    const code = await runHelper({
      argv: ["get"],
      env: cleanEnv({ ECR_VARS_CACHE: "0" }),
      stdin: async () => "123456789012.dkr.ecr.eu-west-1.amazonaws.com\n",
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => undefined },
      version: "0.0.0-test",
      loadFetch: () => import("../../src/helper/fetch.js"),
    });
    expect(code).toBe(1);
    expect(stdout).toContain("no link of the default credential chain found any");
    expect(stdout).toContain("ECR_VARS_SOURCE=instance-role, or ECR_VARS_CONNECTOR=NAME");
    expect(stdout).toContain("  link 1 (environment): AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    // The AWS CLI's own command is advice a helper user can follow; no ecr-vars flag is.
    expect(stdout.replaceAll("aws sso login --profile", "")).not.toMatch(/(^|\s)--[a-z]/);
  });
});

describe("an SSO profile without a current login", () => {
  test("says to run aws sso login for that profile (exit 3)", async () => {
    const config = `${dir.path}/sso-config`;
    await writeFile(
      config,
      [
        "[profile dev]",
        "sso_session = corp",
        "sso_account_id = 123456789012",
        "sso_role_name = Dev",
        "[sso-session corp]",
        "sso_start_url = https://corp.example/start",
        "sso_region = eu-west-1",
      ].join("\n"),
    );
    const result = await runInProcess(
      ["--region", "eu-west-1"],
      cleanEnv({ AWS_CONFIG_FILE: config, AWS_PROFILE: "dev", HOME: dir.path }),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("SSO session token associated with profile=dev");
    expect(result.stderr).toContain("  fix: run aws sso login --profile dev, then run again");
  });
});
