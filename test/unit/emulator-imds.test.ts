import { GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { fromInstanceMetadata } from "@aws-sdk/credential-providers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import { ecrClient, withEnv } from "../support/emulator.js";

const WARNING = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
const savedWarning = process.env[WARNING];
const open: Emulator[] = [];

async function start(options: Parameters<typeof createEmulator>[0] = {}): Promise<Emulator> {
  const emulator = await createEmulator(options);
  open.push(emulator);
  return emulator;
}

async function imdsToken(emulator: Emulator): Promise<string> {
  const response = await fetch(`${emulator.url}/latest/api/token`, {
    method: "PUT",
    headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
  });
  expect(response.status).toBe(200);
  return response.text();
}

async function get(emulator: Emulator, path: string, token?: string) {
  const response = await fetch(`${emulator.url}${path}`, {
    headers: token === undefined ? {} : { "x-aws-ec2-metadata-token": token },
  });
  return { status: response.status, body: await response.text() };
}

beforeAll(() => {
  process.env[WARNING] = "true";
});
afterAll(() => {
  if (savedWarning === undefined) delete process.env[WARNING];
  else process.env[WARNING] = savedWarning;
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((emulator) => emulator.close()));
});

describe("IMDSv2", () => {
  it("serves the instance role to the SDK's fromInstanceMetadata, usable against ECR", async () => {
    const emulator = await start({ password: "from-imds", instanceRole: { roleName: "builder" } });
    const credentials = await withEnv(
      { AWS_EC2_METADATA_SERVICE_ENDPOINT: emulator.url, AWS_EC2_METADATA_DISABLED: undefined },
      () => fromInstanceMetadata({ maxRetries: 0, timeout: 2000 })(),
    );
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now() + 5 * 3600_000);
    expect(emulator.requests.map((r) => [r.action, r.status])).toEqual([
      ["GetToken", 200],
      ["ListRoles", 200],
      ["GetRoleCredentials", 200],
    ]);
    const output = await ecrClient(emulator, credentials).send(
      new GetAuthorizationTokenCommand({}),
    );
    expect(output.authorizationData?.[0]?.authorizationToken).toBe(
      Buffer.from("AWS:from-imds").toString("base64"),
    );
    expect(emulator.requests.at(-1)?.identityArn).toBe(
      "arn:aws:sts::123456789012:assumed-role/builder/i-0123456789abcdef0",
    );
  });

  it("answers 401 to reads without a valid session token", async () => {
    const emulator = await start();
    const path = "/latest/meta-data/iam/security-credentials/";
    expect((await get(emulator, path)).status).toBe(401);
    expect((await get(emulator, path, "made-up-token")).status).toBe(401);
    expect(await get(emulator, path, await imdsToken(emulator))).toEqual({
      status: 200,
      body: "ecr-vars-agent",
    });
  });

  it("expires session tokens after their TTL on the emulated clock", async () => {
    let now = Date.now();
    const emulator = await start({ clock: () => new Date(now) });
    const token = await imdsToken(emulator);
    expect((await get(emulator, "/latest/meta-data/placement/region", token)).body).toBe(
      "us-east-1",
    );
    now += 61_000;
    expect((await get(emulator, "/latest/meta-data/placement/region", token)).status).toBe(401);
  });

  it.each([
    ["no TTL header", {}],
    ["a zero TTL", { "x-aws-ec2-metadata-token-ttl-seconds": "0" }],
    ["a TTL over six hours", { "x-aws-ec2-metadata-token-ttl-seconds": "21601" }],
  ])("refuses a token request with %s", async (_name, headers) => {
    const emulator = await start();
    const response = await fetch(`${emulator.url}/latest/api/token`, { method: "PUT", headers });
    expect(response.status).toBe(400);
  });

  it("names the account only on the extended credentials path", async () => {
    const emulator = await start({ accountId: "999988887777" });
    const token = await imdsToken(emulator);
    const base = JSON.parse(
      (await get(emulator, "/latest/meta-data/iam/security-credentials/ecr-vars-agent", token))
        .body,
    );
    const extended = JSON.parse(
      (
        await get(
          emulator,
          "/latest/meta-data/iam/security-credentials-extended/ecr-vars-agent",
          token,
        )
      ).body,
    );
    expect(base).toMatchObject({ Code: "Success", Type: "AWS-HMAC" });
    expect(base.AccountId).toBeUndefined();
    expect(extended.AccountId).toBe("999988887777");
    // Same credentials until they near expiry, as on a real instance.
    expect(extended.AccessKeyId).toBe(base.AccessKeyId);
  });

  it("has no credentials when the instance has no role", async () => {
    const emulator = await start({ instanceRole: false, instanceRegion: "eu-central-1" });
    const token = await imdsToken(emulator);
    expect((await get(emulator, "/latest/meta-data/iam/security-credentials/", token)).status).toBe(
      404,
    );
    const document = JSON.parse(
      (await get(emulator, "/latest/dynamic/instance-identity/document", token)).body,
    );
    expect(document).toMatchObject({ region: "eu-central-1", instanceId: "i-0123456789abcdef0" });
  });

  it("injects faults into metadata reads", async () => {
    const emulator = await start();
    emulator.failNext("GetRoleCredentials", { status: 500, code: "InternalError" });
    const token = await imdsToken(emulator);
    const path = "/latest/meta-data/iam/security-credentials/ecr-vars-agent";
    expect((await get(emulator, path, token)).status).toBe(500);
    expect((await get(emulator, path, token)).status).toBe(200);
  });
});
