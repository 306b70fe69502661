/**
 * awscli (botocore, an independent SigV4 and protocol implementation) against our emulator: if
 * it signs, parses and reports errors correctly, the emulator speaks the real wire protocols.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";

const PASSWORD = "peer-check-password-0123456789";
// Debian's awscli v2; the CI script installs it, so its absence is a broken test bed.
const DEBIAN_AWS = "/usr/bin/aws";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let emulator: Emulator;
let home: string;
let baseEnv: NodeJS.ProcessEnv;

function awsCli(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, [...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  emulator = await createEmulator({ password: PASSWORD });
  home = await mkdtemp(join(tmpdir(), "ecr-vars-awscli-"));
  const config = join(home, "config");
  const credentials = join(home, "credentials");
  await writeFile(config, "");
  await writeFile(credentials, "");
  // Only what the CLI needs: no profile, no inherited AWS_* settings, empty config files.
  baseEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    LANG: "C.UTF-8",
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_ACCESS_KEY_ID: emulator.defaultUser.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.defaultUser.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  };
});

afterAll(async () => {
  await emulator?.close();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe.each([
  ["awscli on PATH", "aws"],
  ["Debian awscli v2", DEBIAN_AWS],
])("%s", (_name, command) => {
  const endpoint = () => ["--region", "eu-west-1", "--endpoint-url", emulator.url];

  it("is installed", () => {
    if (command === DEBIAN_AWS)
      expect(existsSync(DEBIAN_AWS), `${DEBIAN_AWS} is missing`).toBe(true);
  });

  it("prints the emulator's password from ecr get-login-password", async () => {
    const run = await awsCli(command, ["ecr", "get-login-password", ...endpoint()], baseEnv);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe(PASSWORD);
    expect(run.code).toBe(0);
  });

  it("prints byte for byte what ecr-vars get-login-password prints", async () => {
    const aws = await awsCli(command, ["ecr", "get-login-password", ...endpoint()], baseEnv);
    const ours = await awsCli(
      process.execPath,
      [resolve("dist/ecr-vars.cjs"), "get-login-password", "--region", "eu-west-1"],
      { ...baseEnv, AWS_ENDPOINT_URL: emulator.url },
    );
    expect(ours).toEqual({ code: 0, stdout: aws.stdout, stderr: "" });
    expect(aws.stdout).toBe(`${PASSWORD}\n`);
  });

  it("reads the IAM user from sts get-caller-identity", async () => {
    const run = await awsCli(
      command,
      ["sts", "get-caller-identity", "--output", "json", ...endpoint()],
      baseEnv,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      Arn: "arn:aws:iam::123456789012:user/ecr-vars-user",
      Account: "123456789012",
    });
  });

  it("assumes a role and uses the session credentials", async () => {
    const assume = await awsCli(
      command,
      [
        "sts",
        "assume-role",
        "--role-arn",
        "arn:aws:iam::210987654321:role/ecr-push",
        "--role-session-name",
        "peer",
        "--output",
        "json",
        ...endpoint(),
      ],
      baseEnv,
    );
    expect(assume.code).toBe(0);
    const { Credentials } = JSON.parse(assume.stdout) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    };
    const run = await awsCli(
      command,
      ["sts", "get-caller-identity", "--output", "json", ...endpoint()],
      {
        ...baseEnv,
        AWS_ACCESS_KEY_ID: Credentials.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: Credentials.SecretAccessKey,
        AWS_SESSION_TOKEN: Credentials.SessionToken,
      },
    );
    expect(JSON.parse(run.stdout).Arn).toBe("arn:aws:sts::210987654321:assumed-role/ecr-push/peer");
  });

  it.each([
    ["ecr", "get-login-password", "InvalidSignatureException"],
    ["sts", "get-caller-identity", "SignatureDoesNotMatch"],
  ])("reports a wrong secret from %s %s as %s", async (service, operation, code) => {
    const run = await awsCli(command, [service, operation, ...endpoint()], {
      ...baseEnv,
      AWS_SECRET_ACCESS_KEY: "wrong-secret-wrong-secret-wrong-secret00",
    });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`(${code})`);
    expect(run.stderr).toContain(
      "The request signature we calculated does not match the signature you provided.",
    );
  });
});
