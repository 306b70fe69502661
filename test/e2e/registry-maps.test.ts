/**
 * One helper config with a pattern (→ an AWS profile), an exact host (→ a role) and a mirror alias
 * (→ an account and region), resolved alike by the credential helper, the CLI's `--registry`, the
 * kubelet plugin and `resolveHelperSettings` (what the plugin calls): each host is fetched by the identity its
 * entry names, and the alias's variables and auth-file entry carry the name the client asked for.
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { resolveHelperSettings } from "../../src/helper/config.js";
import { ACCOUNT, type E2eContext, expectNoSecrets, startE2e } from "../support/e2e-harness.js";
import { decodeResponse, encodeRequest, GROUP } from "../support/kubelet-api.js";
import { runHelper, runWithInput } from "../support/registry.js";

const KUBELET = resolve("dist/ecr-vars-kubelet.cjs");

const PASSWORD = "registry-maps-password-0123456789abcdefghij";
const OTHER = "210987654321";
const ENV_KEY = {
  accessKeyId: "AKIAMAPSENVIRONMENT1",
  secretAccessKey: "env-secret-0123456789abcdefghijklmnopqrs",
};
const PROFILE_KEY = {
  accessKeyId: "AKIAMAPSPROFILEPULL1",
  secretAccessKey: "profile-secret-0123456789abcdefghijklmno",
};
const ROLE = `arn:aws:iam::${OTHER}:role/exact-pull`;
const PATTERN_HOST = `${ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com`;
const EXACT_HOST = `${OTHER}.dkr.ecr.us-east-1.amazonaws.com`;
const MIRROR = "mirror.example.com";

let ctx: E2eContext;
let env: Record<string, string>;
beforeAll(async () => {
  ctx = await startE2e({
    password: PASSWORD,
    users: [
      { ...ENV_KEY, userName: "ci" },
      { ...PROFILE_KEY, userName: "puller" },
    ],
  });
  const config = await ctx.write(
    "helper.json",
    JSON.stringify({
      registries: {
        "*.dkr.ecr.*.amazonaws.com": { profile: "pull" },
        [EXACT_HOST]: { roleArn: ROLE },
        [MIRROR]: { registryId: ACCOUNT, region: "eu-west-1" },
      },
    }),
  );
  const credentials = await ctx.write(
    "credentials",
    `[pull]\naws_access_key_id = ${PROFILE_KEY.accessKeyId}\naws_secret_access_key = ${PROFILE_KEY.secretAccessKey}\n`,
  );
  env = ctx.bareEnv({
    AWS_ACCESS_KEY_ID: ENV_KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ENV_KEY.secretAccessKey,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    ECR_VARS_HELPER_CONFIG: config,
    ECR_VARS_CACHE: "0",
  });
});
afterAll(async () => {
  await ctx?.close();
});

/** The ECR calls made while `work` ran: region, registry ids and the key that signed them. */
async function ecrCalls(work: () => Promise<unknown>) {
  const before = ctx.emu.requests.length;
  await work();
  return ctx.emu.requests
    .slice(before)
    .map(
      (r) =>
        `${r.service}:${r.action} ${r.region} ${r.accessKeyId?.slice(0, 4)}…${r.identityArn ?? ""} ${JSON.stringify(r.params.registryIds ?? r.params.RoleArn ?? "")}`,
    );
}

/** [host, what the calls must show: region, signing identity, and what was asked] */
const CASES: ReadonlyArray<readonly [string, readonly RegExp[]]> = [
  // The pattern's profile signs (not the environment's keys).
  [PATTERN_HOST, [/^ecr:GetAuthorizationToken eu-central-1 .*user\/puller \["123456789012"\]$/]],
  // The exact host beats the pattern: its role, assumed with the environment's keys.
  [
    EXACT_HOST,
    [
      /^sts:AssumeRole us-east-1 .*user\/ci "arn:aws:iam::210987654321:role\/exact-pull"$/,
      /^ecr:GetAuthorizationToken us-east-1 .*assumed-role\/exact-pull\/.* \["210987654321"\]$/,
    ],
  ],
  // The alias: the account and region of its entry, the environment's identity.
  [MIRROR, [/^ecr:GetAuthorizationToken eu-west-1 .*user\/ci \["123456789012"\]$/]],
];

describe("a registry map resolved alike", () => {
  test.each(CASES)("docker-credential-ecr-vars get %s", async (host, expected) => {
    let answer: { stdout: string; code: number } | undefined;
    const calls = await ecrCalls(async () => {
      answer = await runHelper("get", `https://${host}`, env);
    });
    expect(answer?.code, answer?.stdout).toBe(0);
    expect(JSON.parse(answer?.stdout ?? "")).toMatchObject({
      ServerURL: `https://${host}`,
      Username: "AWS",
      Secret: PASSWORD,
    });
    expect(calls).toHaveLength(expected.length);
    for (const [index, call] of calls.entries()) expect(call).toMatch(expected[index] as RegExp);
  });

  test.each(CASES)("ecr-vars --registry %s", async (host, expected) => {
    let result: { code: number; stdout: string; stderr: string } | undefined;
    const calls = await ecrCalls(async () => {
      result = await ctx.run(["--registry", host, "--format", "json", "--output", "-"], env);
    });
    expect(result?.code, result?.stderr).toBe(0);
    const variables = JSON.parse(result?.stdout ?? "{}");
    expect(variables["custom.aws.ecr.proxyEndpointDomain"]).toBe(host);
    expect(variables["custom.aws.ecr.password"]).toBe(PASSWORD);
    expect(calls).toHaveLength(expected.length);
    for (const [index, call] of calls.entries()) expect(call).toMatch(expected[index] as RegExp);
    expectNoSecrets(result?.stderr ?? "", [PASSWORD]);
  });

  test.each(CASES)("ecr-vars-kubelet for an image on %s", async (host, expected) => {
    let result: { code: number; stdout: string; stderr: string } | undefined;
    const calls = await ecrCalls(async () => {
      result = await runWithInput(
        process.execPath,
        [KUBELET],
        encodeRequest("v1", { image: `${host}/team/app` }),
        env,
      );
    });
    expect(result?.code, result?.stderr).toBe(0);
    const response = decodeResponse(result?.stdout ?? "", `${GROUP}/v1`);
    expect(response.auth[host]).toEqual({ username: "AWS", password: PASSWORD });
    expect(calls).toHaveLength(expected.length);
    for (const [index, call] of calls.entries()) expect(call).toMatch(expected[index] as RegExp);
    expectNoSecrets(result?.stderr ?? "", [PASSWORD]);
  });

  test("the kubelet plugin's resolution (resolveHelperSettings) gives the same settings", async () => {
    const settingsOf = async (host: string) => {
      const resolution = await resolveHelperSettings(host, env);
      expect(resolution.kind).toBe("settings");
      return resolution.kind === "settings" ? resolution.settings : undefined;
    };
    expect(await settingsOf(PATTERN_HOST)).toMatchObject({
      source: "profile",
      profile: "pull",
      registryId: ACCOUNT,
      region: "eu-central-1",
    });
    expect(await settingsOf(EXACT_HOST)).toMatchObject({
      source: "default-chain",
      roleArn: ROLE,
      registryId: OTHER,
      region: "us-east-1",
    });
    expect(await settingsOf(MIRROR)).toMatchObject({
      source: "default-chain",
      registryId: ACCOUNT,
      region: "eu-west-1",
    });
  });

  test("the alias's docker-config entry is under the host the client asks for", async () => {
    const file = ctx.path("auth.json");
    const result = await ctx.run(
      ["--registry", MIRROR, "--format", "docker-config", "--output", file],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    const auths = JSON.parse(await readFile(file, "utf8")).auths;
    expect(Object.keys(auths)).toEqual([MIRROR]);
    expect(Buffer.from(auths[MIRROR].auth, "base64").toString()).toBe(`AWS:${PASSWORD}`);
  });
});

describe("a broken registry map fails every reader, naming the entries", () => {
  test("a host named twice: the helper and the CLI both refuse, with no AWS call", async () => {
    const broken = ctx.path("broken.json");
    await writeFile(
      broken,
      `{"registries": {"${MIRROR}": {"registryId": "${ACCOUNT}"}, "HTTPS://${MIRROR.toUpperCase()}": {"profile": "pull"}}}`,
    );
    const brokenEnv = { ...env, ECR_VARS_HELPER_CONFIG: broken };
    const calls = await ecrCalls(async () => {
      const helper = await runHelper("get", MIRROR, brokenEnv);
      expect(helper.code).toBe(1);
      expect(helper.stdout).toContain(
        `registries["${MIRROR}"] and registries["HTTPS://${MIRROR.toUpperCase()}"] name the same host ${MIRROR}`,
      );
      const cli = await ctx.run(["--registry", MIRROR], brokenEnv);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toContain(`name the same host ${MIRROR}`);
    });
    expect(calls).toEqual([]);
  });

  test("an unmapped custom host is refused by the CLI with the helper config named in the fix", async () => {
    const result = await ctx.run(["--registry", "other.example.com"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("other.example.com is not an Amazon ECR registry host");
  });
});
