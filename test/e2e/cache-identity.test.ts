/**
 * The token cache's key holds what decides the identity, by content (docs/docker.md, "The token cache"): the
 * identity a host's metadata service hands out, the connectors file's text whatever its
 * timestamps say, the files behind `${file:}` references and the variables behind `${env.X}`
 * whatever their names. Each case first shows the hit (no call), then the change, after which
 * the new identity's token is printed, not the cached one.
 */

import { mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import { type CliResult, cleanEnv, runCli, tempDir } from "../support/cli.js";
import {
  ALICE,
  BOB,
  BOB_ACCOUNT,
  type E2eContext,
  REGION,
  startE2e,
} from "../support/e2e-harness.js";
import { runHelper } from "../support/registry.js";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const passwordOf = (result: CliResult) =>
  JSON.parse(result.stdout)["custom.aws.ecr.password"] as string;

describe("two hosts sharing one cache directory, each with its own instance role", () => {
  // Both hosts reach their metadata service, STS and ECR at the same address with the same
  // environment, as EC2 hosts do (169.254.169.254): the second emulator takes the first one's
  // port. Nothing but the answers of the host's own metadata service tells them apart.
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let port = 0;
  const hosts: Emulator[] = [];
  const host = async (roleName: string, password: string) => {
    const emu = await createEmulator({ port, password, instanceRole: { roleName } });
    port = Number(new URL(emu.url).port);
    hosts.push(emu);
    return emu;
  };
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    for (const emu of hosts) await emu.close().catch(() => undefined);
    await dir.cleanup();
  });

  test("host B is answered with its own role's token, not host A's", async () => {
    const a = await host("host-a-role", "host-a-password-0123456789abcdefghijkl");
    const env = cleanEnv({
      AWS_ENDPOINT_URL: a.url,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: a.url,
      AWS_EC2_METADATA_DISABLED: undefined,
      ECR_VARS_CACHE_DIR: join(dir.path, "shared-cache"),
      ECR_VARS_SOURCE: "instance-role",
    });
    const args = ["--source", "instance-role", "--region", REGION, "--cache", "-f", "json"];
    const registry = `${a.defaultUser.arn.split(":")[4]}.dkr.ecr.${REGION}.amazonaws.com`;

    const first = await runCli(args, env, dir.path);
    expect(first.code, first.stderr).toBe(0);
    expect(passwordOf(first)).toBe("host-a-password-0123456789abcdefghijkl");
    // On host A the cache answers, with no call to STS or ECR.
    let from = a.requests.length;
    expect(passwordOf(await runCli(args, env, dir.path))).toBe(
      "host-a-password-0123456789abcdefghijkl",
    );
    expect(a.requests.slice(from).filter((r) => r.service !== "imds")).toEqual([]);
    expect(JSON.parse((await runHelper("get", registry, env)).stdout).Secret).toBe(
      "host-a-password-0123456789abcdefghijkl",
    );

    // Host B: same environment, same cache directory, another instance role.
    await a.close();
    const b = await host("host-b-role", "host-b-password-0123456789abcdefghijkl");
    expect(b.url).toBe(a.url);
    from = b.requests.length;
    const onB = await runCli(args, env, dir.path);
    expect(onB.code, onB.stderr).toBe(0);
    expect(passwordOf(onB)).toBe("host-b-password-0123456789abcdefghijkl");
    expect(b.requests.slice(from).map((r) => r.action)).toContain("GetAuthorizationToken");
    expect(JSON.parse((await runHelper("get", registry, env)).stdout).Secret).toBe(
      "host-b-password-0123456789abcdefghijkl",
    );
  });
});

test("container credentials through the default chain: a repeated run is a hit that asks only the container endpoint", async () => {
  const emu = await createEmulator({ password: "container-password-0123456789abcdefghijk" });
  const dir = await tempDir();
  try {
    const container = emu.container;
    if (container === undefined) throw new Error("the emulator serves no container role");
    const env = cleanEnv({
      AWS_ENDPOINT_URL: emu.url,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: container.authorizationToken,
      ECR_VARS_CACHE_DIR: join(dir.path, "cache"),
    });
    const args = ["--region", REGION, "--cache", "-f", "json"];
    const first = await runCli(args, env, dir.path);
    expect(first.code, first.stderr).toBe(0);
    const from = emu.requests.length;
    const hit = await runCli(args, env, dir.path);
    expect(hit.code, hit.stderr).toBe(0);
    expect(passwordOf(hit)).toBe("container-password-0123456789abcdefghijk");
    const services = emu.requests.slice(from).map((r) => r.service);
    expect(services.filter((service) => service === "sts" || service === "ecr")).toEqual([]);
    expect(services.length).toBeGreaterThan(0);
  } finally {
    await emu.close();
    await dir.cleanup();
  }
});

describe("connectors", () => {
  let ctx: E2eContext;
  beforeAll(async () => {
    ctx = await startE2e({
      users: [
        { ...ALICE, userName: "alice" },
        { ...BOB, userName: "bob", accountId: BOB_ACCOUNT },
      ],
    });
  });
  afterAll(() => ctx.close());

  const accountIn = (result: CliResult) =>
    JSON.parse(result.stdout)["custom.aws.ecr.proxyEndpoint"] as string;

  async function cached(name: string, connectors: string, extra: Record<string, string> = {}) {
    const home = ctx.path(`${name}-home`);
    await mkdir(home, { recursive: true });
    const env = ctx.bareEnv({
      ECR_VARS_CACHE_DIR: ctx.path(`${name}-cache`),
      ECR_VARS_CONNECTORS: connectors,
      ...extra,
    });
    const run = () =>
      runCli(["--connector", "ci", "--region", REGION, "--cache", "-f", "json"], env, ctx.dir);
    return { env, run };
  }

  /** Alice's registry twice, the second time from the cache: no AWS call. */
  async function expectHit(run: () => Promise<CliResult>) {
    expect(accountIn(await run())).toContain("123456789012");
    const from = ctx.emu.requests.length;
    expect(accountIn(await run())).toContain("123456789012");
    expect(ctx.emu.requests.length).toBe(from);
  }

  /** After the change: Bob's registry, fetched with Bob's keys. */
  async function expectBob(run: () => Promise<CliResult>) {
    const from = ctx.emu.requests.length;
    const switched = await run();
    expect(switched.code, switched.stderr).toBe(0);
    expect(accountIn(switched)).toContain(BOB_ACCOUNT);
    expect(ctx.emu.requests.slice(from).map((r) => r.identityArn)).toContain(
      `arn:aws:iam::${BOB_ACCOUNT}:user/bob`,
    );
  }

  test("a connectors file edited with its size and timestamps kept: the new identity's token", async () => {
    // Keys of one length, so that the edit keeps the size; its timestamps are restored after.
    const text = (keys: typeof ALICE, secret: string) => `connectors:
  - id: ${id(1)}
    name: ci
    type: access-keys
    accessKeyId: ${keys.accessKeyId}
    secretAccessKey: \${env.${secret}}
`;
    const file = await ctx.write("stamped.yml", text(ALICE, "SECRET_A"));
    const stamp = new Date("2030-01-02T03:04:05Z");
    await utimes(file, stamp, stamp);
    const { run } = await cached("stamped", file, {
      SECRET_A: ALICE.secretAccessKey,
      SECRET_B: BOB.secretAccessKey,
    });
    await expectHit(run);

    await writeFile(file, text(BOB, "SECRET_B"));
    await utimes(file, stamp, stamp);
    await expectBob(run);
  });

  test("new keys behind ${file:} references: the new identity's token", async () => {
    const keyFile = ctx.path("key-id");
    const secretFile = ctx.path("key-secret");
    await writeFile(keyFile, `${ALICE.accessKeyId}\n`);
    await writeFile(secretFile, `${ALICE.secretAccessKey}\n`);
    const file = await ctx.write(
      "files.yml",
      `connectors:
  - id: ${id(2)}
    name: ci
    type: access-keys
    accessKeyId: \${file:${keyFile}}
    secretAccessKey: \${file:${secretFile}}
`,
    );
    const { run } = await cached("files", file);
    await expectHit(run);

    await writeFile(keyFile, `${BOB.accessKeyId}\n`);
    await writeFile(secretFile, `${BOB.secretAccessKey}\n`);
    await expectBob(run);
  });

  test("new keys behind ${env.X} references of any name (MY_PASSWORD): the new identity's token", async () => {
    const file = await ctx.write(
      "variables.yml",
      `connectors:
  - id: ${id(3)}
    name: ci
    type: access-keys
    accessKeyId: \${env.BUILD_USER_ID}
    secretAccessKey: \${env.MY_PASSWORD}
`,
    );
    const alice = await cached("variables", file, {
      BUILD_USER_ID: ALICE.accessKeyId,
      MY_PASSWORD: ALICE.secretAccessKey,
    });
    await expectHit(alice.run);

    const bob = await cached("variables", file, {
      BUILD_USER_ID: BOB.accessKeyId,
      MY_PASSWORD: BOB.secretAccessKey,
    });
    await expectBob(bob.run);
  });
});
