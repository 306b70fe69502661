import { ECRPUBLICClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr-public";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import { ecrClient, userCredentials } from "../support/emulator.js";

let emu: Emulator;
beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  emu = await createEmulator({
    password: "public-pass",
    expiresAt: new Date("2031-01-02T03:04:05Z"),
    users: [
      { accessKeyId: "AKIAPUBLICTEST000001", secretAccessKey: "s1" },
      { accessKeyId: "AKIAGOVCLOUDTEST0001", secretAccessKey: "s2", partition: "aws-us-gov" },
    ],
  });
});
afterAll(() => emu.close());

function publicClient(region = "us-east-1", credentials = userCredentials(emu)) {
  return new ECRPUBLICClient({ endpoint: emu.url, region, credentials, maxAttempts: 1 });
}

async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error("expected a failure");
}

describe("ECR Public", () => {
  test("GetAuthorizationToken: one object, no proxy endpoint; counted apart from ECR", async () => {
    const before = emu.countCalls({ service: "ecr-public" });
    const output = await publicClient().send(new GetAuthorizationTokenCommand({}));
    expect(output.authorizationData).toEqual({
      authorizationToken: Buffer.from("AWS:public-pass").toString("base64"),
      expiresAt: new Date("2031-01-02T03:04:05Z"),
    });
    expect(emu.countCalls({ service: "ecr-public" })).toBe(before + 1);
    expect(emu.countCalls({ service: "ecr", action: "GetAuthorizationToken" })).toBe(0);
  });

  test("only in us-east-1", async () => {
    expect(
      await errorOf(publicClient("eu-west-1").send(new GetAuthorizationTokenCommand({}))),
    ).toBe("UnsupportedCommandException");
  });

  test("a signature scoped to ecr instead of ecr-public is refused", async () => {
    // An ECR client signs with service `ecr`; sent with ECR Public's target it must fail.
    const client = ecrClient(emu, userCredentials(emu), { region: "us-east-1" });
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        request.headers["x-amz-target"] = "SpencerFrontendService.GetAuthorizationToken";
        return next(args);
      },
      { step: "build" },
    );
    const { GetAuthorizationTokenCommand: EcrCommand } = await import("@aws-sdk/client-ecr");
    expect(await errorOf(client.send(new EcrCommand({})))).toBe("InvalidSignatureException");
  });
});

describe("partitions", () => {
  test("keys work only in their own partition's regions", async () => {
    const gov = { accessKeyId: "AKIAGOVCLOUDTEST0001", secretAccessKey: "s2" };
    const { GetAuthorizationTokenCommand: EcrCommand } = await import("@aws-sdk/client-ecr");
    const ok = await ecrClient(emu, gov, { region: "us-gov-west-1" }).send(new EcrCommand({}));
    expect(ok.authorizationData?.[0]?.proxyEndpoint).toMatch(
      /\.dkr\.ecr\.us-gov-west-1\.amazonaws\.com$/,
    );
    expect(
      await errorOf(ecrClient(emu, gov, { region: "us-east-1" }).send(new EcrCommand({}))),
    ).toBe("UnrecognizedClientException");
    expect(emu.countCalls({ service: "ecr", region: "us-gov-west-1" })).toBe(1);
  });

  test("an unknown partition is a bad option", async () => {
    await expect(
      createEmulator({
        users: [{ accessKeyId: "AKIAX", secretAccessKey: "x", partition: "aws-moon" }],
      }),
    ).rejects.toThrow("partition aws-moon is not an AWS partition");
  });
});
