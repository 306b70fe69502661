/** Shared helpers for tests that drive the emulator with the real AWS SDK clients. */
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { STSClient } from "@aws-sdk/client-sts";
import type { Emulator } from "../../src/emulator/index.js";

export interface TestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface ClientExtras {
  readonly region?: string;
  /** Lets the client sign with the emulator's (shifted) clock. */
  readonly systemClockOffset?: number;
}

export function userCredentials(emulator: Emulator): TestCredentials {
  const { accessKeyId, secretAccessKey } = emulator.defaultUser;
  return { accessKeyId, secretAccessKey };
}

// One attempt only: retries would hide the exact error the emulator returned.
export function ecrClient(
  emulator: Emulator,
  credentials: TestCredentials,
  extras: ClientExtras = {},
) {
  return new ECRClient({
    endpoint: emulator.url,
    region: extras.region ?? "eu-west-1",
    credentials,
    maxAttempts: 1,
    ...(extras.systemClockOffset === undefined
      ? {}
      : { systemClockOffset: extras.systemClockOffset }),
  });
}

export function stsClient(
  emulator: Emulator,
  credentials?: TestCredentials,
  extras: ClientExtras = {},
) {
  return new STSClient({
    endpoint: emulator.url,
    region: extras.region ?? "eu-west-1",
    maxAttempts: 1,
    ...(credentials === undefined ? {} : { credentials }),
    ...(extras.systemClockOffset === undefined
      ? {}
      : { systemClockOffset: extras.systemClockOffset }),
  });
}

/** The registry password inside the first token ECR returns. */
export async function fetchPassword(client: ECRClient, registryIds?: string[]): Promise<string> {
  const output = await client.send(
    new GetAuthorizationTokenCommand(registryIds === undefined ? {} : { registryIds }),
  );
  const token = output.authorizationData?.[0]?.authorizationToken ?? "";
  const decoded = Buffer.from(token, "base64").toString("utf8");
  if (!decoded.startsWith("AWS:")) throw new Error("token does not start with AWS:");
  return decoded.slice(4);
}

/** The error a promise rejects with, so tests can assert on its fields. */
export async function rejection(promise: Promise<unknown>): Promise<{
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** An unsigned JWT-shaped token; the emulator checks its shape and claims, not its signature. */
export function makeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT", kid: "test" })}.${part(claims)}.${Buffer.from("signature").toString("base64url")}`;
}

/** Sets environment variables for the duration of `fn`, then restores them exactly. */
export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}
