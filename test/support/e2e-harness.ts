/**
 * Shared pieces of the e2e tests: an emulator per test file, an environment that points the built
 * CLI at it, and the checks every run must pass (no secret on stderr, no stack trace).
 */

import { lstat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { type CliResult, cleanEnv, runCli, tempDir } from "./cli.js";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const PROXY_ENDPOINT = `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const PROXY_DOMAIN = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
/** A fixed expiry with seconds, so the rendered ISO form is known exactly. */
export const EXPIRES_AT = new Date("2031-05-06T07:08:09.000Z");
export const EXPIRES_TEXT = "2031-05-06T07:08:09Z";
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ecr-push`;

/**
 * Two IAM users for tests where the identity changes under the token cache: give them to
 * `startE2e({ users })`, Alice in ACCOUNT, Bob in BOB_ACCOUNT.
 */
export const ALICE = {
  accessKeyId: "AKIAALICE00000000001",
  secretAccessKey: "alice-secret-0123456789abcdefghijklmnopq",
};
export const BOB = {
  accessKeyId: "AKIABOB0000000000001",
  secretAccessKey: "bob-secret-0123456789abcdefghijklmnopqrs",
};
export const BOB_ACCOUNT = "210987654321";

/** Names of the seven variables the README lists, relative to the namespace. */
export const RELATIVE_NAMES = [
  "ecr.authorizationToken.password",
  "ecr.expirationDate",
  "ecr.proxyEndpoint",
  "ecr.proxyEndpointDomain",
  "ecr.username",
  "ecr.password",
  "ecr.credentials.json.password",
] as const;

export const SECRET_RELATIVE_NAMES = [
  "ecr.authorizationToken.password",
  "ecr.password",
  "ecr.credentials.json.password",
];

export function tokenOf(password: string): string {
  return Buffer.from(`AWS:${password}`, "utf8").toString("base64");
}

/** The exact values the CLI must publish for `password`, by name relative to the namespace. */
export function expectedValues(
  password: string,
  options: { proxyEndpoint?: string; expires?: string } = {},
): Map<string, string> {
  const proxyEndpoint = options.proxyEndpoint ?? PROXY_ENDPOINT;
  const values = {
    authorizationToken: tokenOf(password),
    expirationDate: options.expires ?? EXPIRES_TEXT,
    proxyEndpoint,
    proxyEndpointDomain: proxyEndpoint.replace(/^https:\/\//, ""),
    username: "AWS",
    password,
  };
  return new Map([
    ["ecr.authorizationToken.password", values.authorizationToken],
    ["ecr.expirationDate", values.expirationDate],
    ["ecr.proxyEndpoint", values.proxyEndpoint],
    ["ecr.proxyEndpointDomain", values.proxyEndpointDomain],
    ["ecr.username", values.username],
    ["ecr.password", values.password],
    ["ecr.credentials.json.password", JSON.stringify(values)],
  ]);
}

/** The environment name of a relative variable name (README, "What it does"). */
export function envNameOf(
  relative: string,
  namespace = "custom.aws",
  prefix: string | undefined = undefined,
): string {
  const name = `${namespace}.${relative}`.replaceAll(".", "_");
  return prefix === undefined ? name.toUpperCase() : `${prefix}${name}`;
}

export interface E2eContext {
  readonly emu: Emulator;
  /** A temp dir for output and config files; removed by `close`. */
  readonly dir: string;
  /** An environment with the default user's keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. */
  env(extra?: Record<string, string | undefined>): Record<string, string>;
  /** An environment pointing at the emulator, without any credentials. */
  bareEnv(extra?: Record<string, string | undefined>): Record<string, string>;
  run(args: readonly string[], extra?: Record<string, string | undefined>): Promise<CliResult>;
  path(name: string): string;
  write(name: string, text: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Like `startE2e`, but `run` runs the CLI in-process through `CliIo` (test/support/in-process.ts):
 * the same code, arguments, environment and working directory, without a process per case.
 */
export async function startInProcess(options: EmulatorOptions = {}): Promise<E2eContext> {
  const ctx = await startE2e(options);
  const { runInProcess } = await import("./in-process.js");
  return {
    ...ctx,
    run: (args, extra) => runInProcess(args, ctx.env(extra), { cwd: ctx.dir }),
  };
}

export async function startE2e(options: EmulatorOptions = {}): Promise<E2eContext> {
  const emu = await createEmulator({ expiresAt: EXPIRES_AT, ...options });
  const tmp = await tempDir();
  const bareEnv = (extra: Record<string, string | undefined> = {}) =>
    cleanEnv({
      AWS_ENDPOINT_URL: emu.url,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: emu.url,
      ...extra,
    });
  const env = (extra: Record<string, string | undefined> = {}) =>
    bareEnv({
      AWS_ACCESS_KEY_ID: emu.defaultUser.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emu.defaultUser.secretAccessKey,
      ...extra,
    });
  return {
    emu,
    dir: tmp.path,
    env,
    bareEnv,
    run: (args, extra) => runCli(args, env(extra), tmp.path),
    path: (name) => join(tmp.path, name),
    write: async (name, text) => {
      const file = join(tmp.path, name);
      await writeFile(file, text);
      return file;
    },
    close: async () => {
      await emu.close();
      await tmp.cleanup();
    },
  };
}

/** Asserts that none of `secrets` (nor the base64 of `AWS:secret`) appears in `text`. */
export function expectNoSecrets(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(text.includes(secret), `a secret leaked into:\n${text}`).toBe(false);
    expect(text.includes(tokenOf(secret)), `a token leaked into:\n${text}`).toBe(false);
  }
}

/** No stack trace: no `    at ...` frame line. */
export function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at /);
}

/** The summary lines `  name: value` on stderr, by full name. */
export function summaryOf(stderr: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const match of stderr.matchAll(/^ {2}([A-Za-z0-9_.-]+\.ecr\.[A-Za-z0-9_.]+): (.*)$/gm)) {
    lines.set(match[1] ?? "", match[2] ?? "");
  }
  return lines;
}

export async function modeOf(path: string): Promise<number> {
  return (await lstat(path)).mode & 0o777;
}
