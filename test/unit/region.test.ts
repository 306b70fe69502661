/**
 * Region precedence (docs/reference.md, "Region"): the task's own region, then AWS_REGION,
 * AWS_DEFAULT_REGION and the active profile's region in the shared config file; the summary
 * names where it came from. The CLI runs in-process against the emulator.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import { resolveHelperSettings } from "../../src/helper/config.js";
import { regionOf } from "../../src/platform/aws-config.js";
import { cleanEnv, tempDir } from "../support/cli.js";
import { runInProcess } from "../support/in-process.js";

let emu: Emulator;
let dir: { path: string; cleanup: () => Promise<void> };
let config: string;
beforeAll(async () => {
  emu = await createEmulator({ password: "region-test-password" });
  dir = await tempDir();
  config = `${dir.path}/aws-config`;
  await writeFile(
    config,
    [
      "# the shared config file",
      "[default]",
      "region = ap-southeast-2",
      "",
      "[profile ci]",
      "output = json",
      // With AWS_PROFILE set, the SDK's chain skips the environment keys: the profile has its own.
      `aws_access_key_id = ${emu.defaultUser.accessKeyId}`,
      `aws_secret_access_key = ${emu.defaultUser.secretAccessKey}`,
      "region=eu-central-1 ; the CI account",
      "[profile broken]",
      "region = mars-north-1",
      "[sso-session corp]",
      "region = us-west-2",
    ].join("\n"),
  );
});
afterAll(async () => {
  await emu.close();
  await dir.cleanup();
});

const env = (extra: Record<string, string | undefined> = {}) =>
  cleanEnv({
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: emu.defaultUser.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.defaultUser.secretAccessKey,
    ...extra,
  });

/** The region the run called ECR in and the summary's region line. */
async function regionOfRun(args: readonly string[], extra: Record<string, string | undefined>) {
  const before = emu.requests.length;
  const result = await runInProcess(["-f", "json", ...args], env(extra));
  expect(result.code, result.stderr).toBe(0);
  const ecr = emu.requests.slice(before).filter((r) => r.service === "ecr");
  return {
    called: ecr.map((r) => r.region),
    line: result.stderr.split("\n").find((l) => l.startsWith("  region: ")),
  };
}

describe("the shared config file", () => {
  test.each([
    ["default", "ap-southeast-2"],
    ["ci", "eu-central-1"],
    ["broken", "mars-north-1"],
    ["missing", undefined],
    ["corp", undefined],
  ])("profile %s → %s", async (profile, region) => {
    const { readFileSync } = await import("node:fs");
    expect(regionOf(readFileSync(config, "utf8"), profile)).toBe(region);
  });
});

describe("region precedence", () => {
  test("AWS_REGION when the task names none", async () => {
    expect(await regionOfRun([], { AWS_REGION: "eu-west-1" })).toEqual({
      called: ["eu-west-1"],
      line: "  region: eu-west-1 (from AWS_REGION)",
    });
  });

  test("AWS_DEFAULT_REGION after AWS_REGION", async () => {
    expect(await regionOfRun([], { AWS_DEFAULT_REGION: "us-west-2" })).toEqual({
      called: ["us-west-2"],
      line: "  region: us-west-2 (from AWS_DEFAULT_REGION)",
    });
    const both = await regionOfRun([], {
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "us-west-2",
    });
    expect(both.called).toEqual(["eu-west-1"]);
  });

  test("the active profile's region last: AWS_PROFILE, else default", async () => {
    expect(await regionOfRun([], { AWS_CONFIG_FILE: config, AWS_PROFILE: "ci" })).toEqual({
      called: ["eu-central-1"],
      line: `  region: eu-central-1 (from profile ci in ${config})`,
    });
    expect((await regionOfRun([], { AWS_CONFIG_FILE: config })).called).toEqual(["ap-southeast-2"]);
  });

  test("--region and the region variable win over the environment", async () => {
    const extra = { AWS_REGION: "eu-west-1", AWS_CONFIG_FILE: config, R: "sa-east-1" };
    expect(await regionOfRun(["--region", "us-east-2"], extra)).toEqual({
      called: ["us-east-2"],
      line: "  region: us-east-2 (from --region)",
    });
    expect(await regionOfRun(["--region-variable", "${env.R}"], extra)).toEqual({
      called: ["sa-east-1"],
      line: "  region: sa-east-1 (from --region-variable ${env.R})",
    });
  });

  test("a variable or profile that is no region code is named (exit 2, nothing sent)", async () => {
    const before = emu.requests.length;
    const bad = await runInProcess([], env({ AWS_REGION: "europe" }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('  AWS_REGION: "europe" is not an AWS region code');
    const profile = await runInProcess([], env({ AWS_CONFIG_FILE: config, AWS_PROFILE: "broken" }));
    expect(profile.code).toBe(2);
    expect(profile.stderr).toContain(
      `  profile broken in ${config}: "mars-north-1" is not an AWS region code`,
    );
    expect(emu.requests.length).toBe(before);
  });

  test("none at all: one message naming every place looked at", async () => {
    const result = await runInProcess([], env({ AWS_PROFILE: "ci" }));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "  --region: no region is set (looked at --region, AWS_REGION, AWS_DEFAULT_REGION and the region of profile ci in /nonexistent/aws-config)",
    );
  });

  test("get-login-password and policy follow the same order", async () => {
    const password = await runInProcess(["get-login-password"], env({ AWS_REGION: "eu-west-1" }));
    expect(password).toEqual({ code: 0, stdout: "region-test-password\n", stderr: "" });
    const policy = await runInProcess(["policy"], env({ AWS_DEFAULT_REGION: "eu-north-1" }));
    expect(policy.code, policy.stderr).toBe(0);
    expect(JSON.parse(policy.stdout).Statement[0].Condition).toEqual({
      StringEquals: { "aws:RequestedRegion": ["eu-north-1"] },
    });
  });

  test("connectors test: the same order, then us-east-1", async () => {
    const file = `${dir.path}/connectors.json`;
    await writeFile(
      file,
      JSON.stringify({
        connectors: [
          {
            id: "0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70",
            name: "keys",
            type: "access-keys",
            accessKeyId: "${env.AWS_ACCESS_KEY_ID}",
            secretAccessKey: "${env.AWS_SECRET_ACCESS_KEY}",
          },
        ],
      }),
    );
    for (const [extra, region] of [
      [{ AWS_CONFIG_FILE: config, AWS_PROFILE: "ci" }, "eu-central-1"],
      [{}, "us-east-1"],
    ] as const) {
      const before = emu.requests.length;
      const result = await runInProcess(
        ["connectors", "test", "keys", "--connectors", file],
        env(extra),
      );
      expect(result.code, result.stderr).toBe(0);
      expect(emu.requests.slice(before).map((r) => r.region)).toEqual([region]);
    }
  });
});

describe("the helper: a host of one's own with a registryId and no region", () => {
  test("takes AWS_REGION, AWS_DEFAULT_REGION or the profile's region, else says what to add", async () => {
    const helperConfig = `${dir.path}/helper.json`;
    await writeFile(
      helperConfig,
      JSON.stringify({ registries: { "mirror.internal:5000": { registryId: "123456789012" } } }),
    );
    const settings = async (extra: Record<string, string>) =>
      resolveHelperSettings(
        "mirror.internal:5000",
        cleanEnv({ ECR_VARS_HELPER_CONFIG: helperConfig, ...extra }),
      );
    expect(await settings({ AWS_REGION: "eu-west-1" })).toMatchObject({
      kind: "settings",
      settings: { region: "eu-west-1", registryId: "123456789012" },
    });
    expect(await settings({ AWS_CONFIG_FILE: config, AWS_PROFILE: "ci" })).toMatchObject({
      settings: { region: "eu-central-1" },
    });
    expect(await settings({})).toEqual({
      kind: "invalid",
      message: `${helperConfig}: registries["mirror.internal:5000"] names no region, and neither AWS_REGION, AWS_DEFAULT_REGION nor the region of profile default is set (fix: add "region" to the entry)`,
    });
  });
});
