import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  type Credentials,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
} from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import { makeJwt, rejection, stsClient, userCredentials } from "../support/emulator.js";

const WARNING = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
const savedWarning = process.env[WARNING];
let emulator: Emulator;

beforeAll(async () => {
  process.env[WARNING] = "true";
  emulator = await createEmulator({ accountId: "111122223333" });
});
afterAll(async () => {
  await emulator.close();
  if (savedWarning === undefined) delete process.env[WARNING];
  else process.env[WARNING] = savedWarning;
});
afterEach(() => {
  emulator.requests.length = 0;
});

function asClientCredentials(c: Credentials | undefined) {
  return {
    accessKeyId: c?.AccessKeyId ?? "",
    secretAccessKey: c?.SecretAccessKey ?? "",
    sessionToken: c?.SessionToken ?? "",
  };
}

async function identityOf(credentials: ReturnType<typeof asClientCredentials>) {
  const { Arn, Account, UserId } = await stsClient(emulator, credentials).send(
    new GetCallerIdentityCommand({}),
  );
  return { Arn, Account, UserId };
}

const future = () => Math.floor(Date.now() / 1000) + 600;

describe("STS identities", () => {
  it("reports the IAM user for its long-term keys", async () => {
    const identity = await stsClient(emulator, userCredentials(emulator)).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Arn).toBe("arn:aws:iam::111122223333:user/ecr-vars-user");
    expect(identity.Account).toBe("111122223333");
    expect(identity.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it("AssumeRole: assumed-role ARN, AROA id with the session name, expiry from DurationSeconds", async () => {
    const before = Date.now();
    const output = await stsClient(emulator, userCredentials(emulator)).send(
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::444455556666:role/team/ecr-pull",
        RoleSessionName: "bamboo@build.1",
        DurationSeconds: 1800,
        ExternalId: "ext-id-1",
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
        Tags: [{ Key: "project", Value: "demo" }],
      }),
    );
    expect(output.AssumedRoleUser?.Arn).toBe(
      "arn:aws:sts::444455556666:assumed-role/ecr-pull/bamboo@build.1",
    );
    expect(output.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:bamboo@build\.1$/);
    expect(output.PackedPolicySize).toBeGreaterThan(0);
    const expiry = output.Credentials?.Expiration?.getTime() ?? 0;
    expect(expiry - before).toBeGreaterThan(1795_000);
    expect(expiry - before).toBeLessThan(1805_000);
    expect(await identityOf(asClientCredentials(output.Credentials))).toEqual({
      Arn: "arn:aws:sts::444455556666:assumed-role/ecr-pull/bamboo@build.1",
      Account: "444455556666",
      UserId: output.AssumedRoleUser?.AssumedRoleId,
    });
  });

  it("GetSessionToken keeps the user's identity; MFA serial and code are accepted together", async () => {
    const output = await stsClient(emulator, userCredentials(emulator)).send(
      new GetSessionTokenCommand({
        DurationSeconds: 3600,
        SerialNumber: "arn:aws:iam::111122223333:mfa/ci",
        TokenCode: "123456",
      }),
    );
    expect((await identityOf(asClientCredentials(output.Credentials))).Arn).toBe(
      "arn:aws:iam::111122223333:user/ecr-vars-user",
    );
    expect(emulator.requests[0]?.params).toEqual({
      DurationSeconds: "3600",
      SerialNumber: "arn:aws:iam::111122223333:mfa/ci",
      TokenCode: "<redacted>",
    });
  });

  it("GetFederationToken yields a federated-user identity", async () => {
    const output = await stsClient(emulator, userCredentials(emulator)).send(
      new GetFederationTokenCommand({ Name: "deployer", Policy: '{"Version":"2012-10-17"}' }),
    );
    expect(output.FederatedUser).toEqual({
      Arn: "arn:aws:sts::111122223333:federated-user/deployer",
      FederatedUserId: "111122223333:deployer",
    });
    expect(await identityOf(asClientCredentials(output.Credentials))).toEqual({
      Arn: "arn:aws:sts::111122223333:federated-user/deployer",
      Account: "111122223333",
      UserId: "111122223333:deployer",
    });
  });

  it("AssumeRoleWithWebIdentity works unsigned and reports the token's subject and issuer", async () => {
    const token = makeJwt({
      iss: "https://token.actions.githubusercontent.com",
      sub: "repo:acme/app:ref:refs/heads/main",
      aud: "sts.amazonaws.com",
      exp: future(),
    });
    const output = await stsClient(emulator).send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: "arn:aws:iam::111122223333:role/gha",
        RoleSessionName: "gha-run",
        WebIdentityToken: token,
      }),
    );
    expect(output.SubjectFromWebIdentityToken).toBe("repo:acme/app:ref:refs/heads/main");
    expect(output.Provider).toBe("token.actions.githubusercontent.com");
    expect(output.Audience).toBe("sts.amazonaws.com");
    expect((await identityOf(asClientCredentials(output.Credentials))).Arn).toBe(
      "arn:aws:sts::111122223333:assumed-role/gha/gha-run",
    );
    const recorded = emulator.requests[0];
    expect(recorded?.accessKeyId).toBeUndefined();
    expect(recorded?.params.WebIdentityToken).toBe("<redacted>");
    expect(JSON.stringify(emulator.requests)).not.toContain(token);
  });
});

describe("STS rejections", () => {
  const role = "arn:aws:iam::111122223333:role/r";

  it.each([
    ["an expired token", makeJwt({ iss: "https://idp", exp: 1_000_000 }), "ExpiredTokenException"],
    ["two parts", "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0", "InvalidIdentityToken"],
    ["a non-JSON payload", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln", "InvalidIdentityToken"],
    ["no issuer", makeJwt({ sub: "x", exp: future() }), "InvalidIdentityToken"],
  ])("AssumeRoleWithWebIdentity rejects %s", async (_name, token, code) => {
    const error = await rejection(
      stsClient(emulator).send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: role,
          RoleSessionName: "s1",
          WebIdentityToken: token,
        }),
      ),
    );
    expect([emulator.requests[0]?.errorCode, error.$metadata?.httpStatusCode]).toEqual([code, 400]);
    expect(error.name).toBe(code.endsWith("Exception") ? code : `${code}Exception`);
  });

  it.each([
    ["a one-character session name", { RoleArn: role, RoleSessionName: "x" }, "roleSessionName"],
    ["a space in the session name", { RoleArn: role, RoleSessionName: "a b" }, "roleSessionName"],
    [
      "a 100-second duration",
      { RoleArn: role, RoleSessionName: "ok", DurationSeconds: 100 },
      "durationSeconds",
    ],
    [
      "a 13-hour duration",
      { RoleArn: role, RoleSessionName: "ok", DurationSeconds: 46_800 },
      "durationSeconds",
    ],
    [
      "a user ARN",
      { RoleArn: "arn:aws:iam::111122223333:user/u", RoleSessionName: "ok" },
      "roleArn",
    ],
  ])("AssumeRole rejects %s with ValidationError", async (_name, input, field) => {
    const error = await rejection(
      stsClient(emulator, userCredentials(emulator)).send(new AssumeRoleCommand(input)),
    );
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(["ValidationError", 400]);
    expect(error.message).toContain(`at '${field}'`);
  });

  it("limits role chaining to one hour and refuses GetSessionToken with session credentials", async () => {
    const first = await stsClient(emulator, userCredentials(emulator)).send(
      new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "hop1" }),
    );
    const chained = stsClient(emulator, asClientCredentials(first.Credentials));
    const error = await rejection(
      chained.send(
        new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "hop2", DurationSeconds: 7200 }),
      ),
    );
    expect(error.name).toBe("ValidationError");
    expect(error.message).toContain("role chaining");
    const denied = await rejection(chained.send(new GetSessionTokenCommand({})));
    expect([denied.name, denied.$metadata?.httpStatusCode]).toEqual(["AccessDenied", 403]);
  });

  it("rejects a session policy that is not JSON with MalformedPolicyDocument", async () => {
    const error = await rejection(
      stsClient(emulator, userCredentials(emulator)).send(
        new AssumeRoleCommand({ RoleArn: role, RoleSessionName: "pp", Policy: "{not json" }),
      ),
    );
    // The SDK names modelled query errors after their shape; the wire code is the short one.
    expect(error.name).toBe("MalformedPolicyDocumentException");
    expect(emulator.requests[0]?.errorCode).toBe("MalformedPolicyDocument");
  });
});
