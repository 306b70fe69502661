/** Random identifiers shaped like the real ones, so that client-side format checks pass. */
import { createHash, randomBytes, randomUUID } from "node:crypto";

const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function fromAlphabet(bytes: Buffer, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i] ?? 0) % alphabet.length];
  return out;
}

/** `AKIA…` for IAM user keys, `ASIA…` for temporary ones; 20 characters in all. */
export function newAccessKeyId(prefix: "AKIA" | "ASIA"): string {
  return prefix + fromAlphabet(randomBytes(16), KEY_ALPHABET, 16);
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString("base64").replace(/\+/g, "A").replace(/\//g, "B");
}

export function newSessionToken(): string {
  return `IQoJb3JpZ2luX2VjE${randomBytes(384).toString("base64")}`;
}

/**
 * Stable unique ids (`AIDA…` users, `AROA…` roles) derived from the ARN, so the same role always
 * reports the same `AssumedRoleId` prefix, as in AWS.
 */
export function uniqueIdFor(prefix: "AIDA" | "AROA", arn: string): string {
  return prefix + fromAlphabet(createHash("sha256").update(arn).digest(), KEY_ALPHABET, 17);
}

export function newRequestId(): string {
  return randomUUID();
}

export function newOpaqueToken(bytes = 42): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * A stand-in for the password in an ECR token: real ones are base64 of an encrypted JSON blob,
 * about 1.5 KB long, which matters for clients that size buffers or mask values.
 */
export function newRegistryPassword(): string {
  return `eyJwYXlsb2FkIjoi${randomBytes(1100).toString("base64")}`;
}
