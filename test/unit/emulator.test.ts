import { GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import {
  ecrClient,
  fetchPassword,
  rejection,
  stsClient,
  type TestCredentials,
  userCredentials,
} from "../support/emulator.js";

const WARNING = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
const savedWarning = process.env[WARNING];
const SIGNATURE_TEXT =
  "The request signature we calculated does not match the signature you provided.";
const open: Emulator[] = [];

async function start(options: Parameters<typeof createEmulator>[0] = {}): Promise<Emulator> {
  const emulator = await createEmulator(options);
  open.push(emulator);
  return emulator;
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

describe("ECR GetAuthorizationToken", () => {
  it("returns base64 AWS:<password> with the configured expiry and the caller's registry", async () => {
    const expiresAt = new Date("2031-01-02T03:04:05.000Z");
    const emulator = await start({ password: "s3cret-password", expiresAt });
    const output = await ecrClient(emulator, userCredentials(emulator)).send(
      new GetAuthorizationTokenCommand({}),
    );
    expect(output.authorizationData).toEqual([
      {
        authorizationToken: Buffer.from("AWS:s3cret-password").toString("base64"),
        expiresAt,
        proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      },
    ]);
    expect(emulator.requests).toEqual([
      {
        service: "ecr",
        action: "GetAuthorizationToken",
        region: "eu-west-1",
        accessKeyId: emulator.defaultUser.accessKeyId,
        identityArn: "arn:aws:iam::123456789012:user/ecr-vars-user",
        params: {},
        status: 200,
      },
    ]);
  });

  it("generates a long random password per emulator and lets tests change it", async () => {
    const first = await start();
    const second = await start();
    const client = ecrClient(first, userCredentials(first));
    const generated = await fetchPassword(client);
    expect(generated.length).toBeGreaterThan(1000);
    expect(await fetchPassword(ecrClient(second, userCredentials(second)))).not.toBe(generated);
    first.setPassword("rotated");
    first.setExpiresAt(new Date("2030-05-05T00:00:00Z"));
    const output = await client.send(new GetAuthorizationTokenCommand({}));
    expect(output.authorizationData?.[0]?.authorizationToken).toBe(
      Buffer.from("AWS:rotated").toString("base64"),
    );
    expect(output.authorizationData?.[0]?.expiresAt).toEqual(new Date("2030-05-05T00:00:00Z"));
  });

  it("answers one entry per registry id, with the partition's DNS suffix", async () => {
    const china = { accessKeyId: "AKIACHINAUSER0000001", secretAccessKey: "china-secret" };
    const emulator = await start({ password: "p", users: [{ ...china, partition: "aws-cn" }] });
    const output = await ecrClient(emulator, china, {
      region: "cn-north-1",
    }).send(new GetAuthorizationTokenCommand({ registryIds: ["111111111111", "222222222222"] }));
    expect(output.authorizationData?.map((d) => d.proxyEndpoint)).toEqual([
      "https://111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn",
      "https://222222222222.dkr.ecr.cn-north-1.amazonaws.com.cn",
    ]);
    expect(emulator.requests[0]?.params).toEqual({ registryIds: ["111111111111", "222222222222"] });
  });

  it.each([
    ["a short id", ["12345"]],
    ["letters", ["12345678901a"]],
    ["eleven ids", Array.from({ length: 11 }, (_, i) => String(100000000000 + i))],
    ["an empty list", []],
  ])("rejects %s with InvalidParameterException", async (_name, registryIds) => {
    const emulator = await start();
    const error = await rejection(
      ecrClient(emulator, userCredentials(emulator)).send(
        new GetAuthorizationTokenCommand({ registryIds }),
      ),
    );
    expect(error.name).toBe("InvalidParameterException");
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it("uses credentials from AssumeRole and reports the assumed role's account", async () => {
    const emulator = await start({ password: "cross-account" });
    const assumed = await stsClient(emulator, userCredentials(emulator)).send(
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::210987654321:role/ecr-push",
        RoleSessionName: "build-42",
      }),
    );
    const credentials: TestCredentials = {
      accessKeyId: assumed.Credentials?.AccessKeyId ?? "",
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? "",
      sessionToken: assumed.Credentials?.SessionToken ?? "",
    };
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    const output = await ecrClient(emulator, credentials, { region: "us-west-2" }).send(
      new GetAuthorizationTokenCommand({}),
    );
    expect(output.authorizationData?.[0]?.proxyEndpoint).toBe(
      "https://210987654321.dkr.ecr.us-west-2.amazonaws.com",
    );
    expect(emulator.requests.at(-1)?.identityArn).toBe(
      "arn:aws:sts::210987654321:assumed-role/ecr-push/build-42",
    );
  });
});

describe("request authentication", () => {
  it("rejects a wrong secret: ECR InvalidSignatureException 400, STS SignatureDoesNotMatch 403", async () => {
    const emulator = await start();
    const wrong = { ...userCredentials(emulator), secretAccessKey: "not-the-secret" };
    const ecr = await rejection(
      ecrClient(emulator, wrong).send(new GetAuthorizationTokenCommand({})),
    );
    expect([ecr.name, ecr.$metadata?.httpStatusCode]).toEqual(["InvalidSignatureException", 400]);
    expect(ecr.message).toContain(SIGNATURE_TEXT);
    const sts = await rejection(stsClient(emulator, wrong).send(new GetCallerIdentityCommand({})));
    expect([sts.name, sts.$metadata?.httpStatusCode]).toEqual(["SignatureDoesNotMatch", 403]);
    expect(sts.message).toContain(SIGNATURE_TEXT);
  });

  it("rejects an unknown access key: UnrecognizedClientException / InvalidClientTokenId", async () => {
    const emulator = await start();
    const unknown = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x".repeat(40) };
    const ecr = await rejection(
      ecrClient(emulator, unknown).send(new GetAuthorizationTokenCommand({})),
    );
    expect([ecr.name, ecr.$metadata?.httpStatusCode, ecr.message]).toEqual([
      "UnrecognizedClientException",
      400,
      "The security token included in the request is invalid.",
    ]);
    const sts = await rejection(
      stsClient(emulator, unknown).send(new GetCallerIdentityCommand({})),
    );
    expect([sts.name, sts.$metadata?.httpStatusCode]).toEqual(["InvalidClientTokenId", 403]);
    expect(emulator.requests.map((r) => r.errorCode)).toEqual([
      "UnrecognizedClientException",
      "InvalidClientTokenId",
    ]);
  });

  it("rejects a body changed after signing", async () => {
    const emulator = await start();
    const client = ecrClient(emulator, userCredentials(emulator));
    let tampered = "";
    const tamper = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const request = (args as { request: { body: string | Uint8Array } }).request;
      const body = request.body;
      const text = typeof body === "string" ? body : new TextDecoder().decode(body);
      tampered = text.replace("111111111111", "999999999999");
      request.body = tampered;
      return next(args);
    };
    client.middlewareStack.addRelativeTo(
      tamper as Parameters<typeof client.middlewareStack.addRelativeTo>[0],
      { relation: "after", toMiddleware: "httpSigningMiddleware", name: "tamperBody" },
    );
    const error = await rejection(
      client.send(new GetAuthorizationTokenCommand({ registryIds: ["111111111111"] })),
    );
    expect(tampered).toBe('{"registryIds":["999999999999"]}');
    expect(error.name).toBe("InvalidSignatureException");
    expect(emulator.requests[0]?.params).toEqual({});
  });

  it("rejects session credentials with a wrong or missing session token", async () => {
    const emulator = await start();
    const assumed = await stsClient(emulator, userCredentials(emulator)).send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::123456789012:role/r", RoleSessionName: "s1" }),
    );
    const base = {
      accessKeyId: assumed.Credentials?.AccessKeyId ?? "",
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? "",
    };
    for (const credentials of [base, { ...base, sessionToken: "forged" }]) {
      const error = await rejection(
        ecrClient(emulator, credentials).send(new GetAuthorizationTokenCommand({})),
      );
      expect(error.name).toBe("UnrecognizedClientException");
    }
  });

  it("rejects expired session credentials with ExpiredTokenException / ExpiredToken", async () => {
    let now = Date.now();
    const emulator = await start({ clock: () => new Date(now) });
    const assumed = await stsClient(emulator, userCredentials(emulator)).send(
      new AssumeRoleCommand({
        RoleArn: "arn:aws:iam::123456789012:role/r",
        RoleSessionName: "short",
        DurationSeconds: 900,
      }),
    );
    const credentials = {
      accessKeyId: assumed.Credentials?.AccessKeyId ?? "",
      secretAccessKey: assumed.Credentials?.SecretAccessKey ?? "",
      sessionToken: assumed.Credentials?.SessionToken ?? "",
    };
    const shift = 16 * 60 * 1000;
    now += shift;
    const extras = { systemClockOffset: shift };
    const ecr = await rejection(
      ecrClient(emulator, credentials, extras).send(new GetAuthorizationTokenCommand({})),
    );
    expect([ecr.name, ecr.$metadata?.httpStatusCode]).toEqual(["ExpiredTokenException", 400]);
    const sts = await rejection(
      stsClient(emulator, credentials, extras).send(new GetCallerIdentityCommand({})),
    );
    expect([sts.name, sts.$metadata?.httpStatusCode]).toEqual(["ExpiredToken", 403]);
  });

  it("rejects a request signed more than five minutes away from its clock", async () => {
    const emulator = await start({ clock: () => new Date(Date.now() + 3600_000) });
    const ecr = await rejection(
      ecrClient(emulator, userCredentials(emulator)).send(new GetAuthorizationTokenCommand({})),
    );
    expect(ecr.name).toBe("InvalidSignatureException");
    expect(ecr.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    const sts = await rejection(
      stsClient(emulator, userCredentials(emulator)).send(new GetCallerIdentityCommand({})),
    );
    expect(sts.name).toBe("SignatureDoesNotMatch");
    expect(sts.message).toMatch(/^Signature expired/);
  });

  it("rejects a signature scoped to another service", async () => {
    const emulator = await start();
    const client = stsClient(emulator, userCredentials(emulator));
    // The header is added before signing, so the request is validly signed for `sts` but routed
    // to ECR, which must insist on an `ecr` scope.
    const retarget = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const request = (args as { request: { headers: Record<string, string> } }).request;
      request.headers["x-amz-target"] =
        "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";
      return next(args);
    };
    client.middlewareStack.add(
      // The SDK types each step's middleware separately; the test only touches the HTTP request.
      retarget as never,
      {
        step: "build",
        name: "retarget",
      },
    );
    await rejection(client.send(new GetCallerIdentityCommand({})));
    expect(emulator.requests[0]).toMatchObject({
      service: "ecr",
      status: 400,
      errorCode: "InvalidSignatureException",
    });
  });

  it("answers unsigned requests with MissingAuthenticationToken in each protocol", async () => {
    const emulator = await start();
    const ecr = await fetch(emulator.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
      },
      body: "{}",
    });
    expect(ecr.status).toBe(403);
    expect(ecr.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    expect(ecr.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ecr.json()).toEqual({
      __type: "MissingAuthenticationTokenException",
      message: "Missing Authentication Token",
    });
    const sts = await fetch(emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    expect(sts.status).toBe(403);
    const xml = await sts.text();
    expect(xml).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(xml).toContain("<Type>Sender</Type><Code>MissingAuthenticationToken</Code>");
  });
});

describe("fault injection", () => {
  it("fails the next N calls of an action in that action's protocol, then recovers", async () => {
    const emulator = await start({ password: "after-faults" });
    emulator.failNext("GetAuthorizationToken", {
      status: 400,
      code: "ThrottlingException",
      message: "Rate exceeded",
      count: 2,
    });
    emulator.failNext("GetCallerIdentity", { status: 503, code: "ServiceUnavailable" });
    const ecr = ecrClient(emulator, userCredentials(emulator));
    for (let i = 0; i < 2; i++) {
      const error = await rejection(ecr.send(new GetAuthorizationTokenCommand({})));
      expect([error.name, error.message, error.$metadata?.httpStatusCode]).toEqual([
        "ThrottlingException",
        "Rate exceeded",
        400,
      ]);
    }
    expect(await fetchPassword(ecr)).toBe("after-faults");
    const sts = stsClient(emulator, userCredentials(emulator));
    const error = await rejection(sts.send(new GetCallerIdentityCommand({})));
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(["ServiceUnavailable", 503]);
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe("123456789012");
  });
});

describe("options", () => {
  it.each(["0.0.0.0", "192.168.1.10", "example.com", "::"])(
    "refuses to listen on %s",
    async (host) => {
      await expect(createEmulator({ host })).rejects.toMatchObject({ code: "EMULATOR_BAD_OPTION" });
    },
  );

  it("accepts configured IAM users and reports the first as the default user", async () => {
    const emulator = await start({
      accountId: "111122223333",
      users: [
        { accessKeyId: "AKIAFIRSTUSER0000001", secretAccessKey: "first-secret", userName: "ci" },
        {
          accessKeyId: "AKIASECONDUSER000002",
          secretAccessKey: "second-secret",
          accountId: "444455556666",
        },
      ],
    });
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.defaultUser).toEqual({
      accessKeyId: "AKIAFIRSTUSER0000001",
      secretAccessKey: "first-secret",
      arn: "arn:aws:iam::111122223333:user/ci",
    });
    const second = await stsClient(emulator, {
      accessKeyId: "AKIASECONDUSER000002",
      secretAccessKey: "second-secret",
    }).send(new GetCallerIdentityCommand({}));
    expect(second.Arn).toBe("arn:aws:iam::444455556666:user/ecr-vars-user");
  });
});
