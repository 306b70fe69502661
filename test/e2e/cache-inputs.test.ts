/**
 * The token cache follows the files a credential source reads, not only the environment: when
 * `~/.aws/credentials` switches to another identity's key, `--cache` asks AWS again instead of
 * answering with the old identity's token — and an untouched file still gives a hit with no call.
 */

import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import {
  ALICE,
  BOB,
  BOB_ACCOUNT,
  type E2eContext,
  REGION,
  startE2e,
} from "../support/e2e-harness.js";
import { runHelper } from "../support/registry.js";

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

async function writeCredentials(home: string, keys: typeof ALICE): Promise<void> {
  const file = join(home, ".aws", "credentials");
  // As editors and `aws configure` do: a new file renamed over the old one.
  await writeFile(
    `${file}.new`,
    `[default]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`,
  );
  await rename(`${file}.new`, file);
}

function calls(from: number): string[] {
  return ctx.emu.requests.slice(from).map((r) => `${r.action}:${r.identityArn ?? "?"}`);
}

test("switching ~/.aws/credentials to another key: --cache makes a fresh AWS call for the new identity", async () => {
  const home = ctx.path("home");
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeCredentials(home, ALICE);
  const env = ctx.bareEnv({
    HOME: home,
    AWS_SHARED_CREDENTIALS_FILE: undefined,
    AWS_CONFIG_FILE: undefined,
    ECR_VARS_CACHE_DIR: ctx.path("cache"),
  });
  const args = ["--region", REGION, "--cache", "-f", "json"];

  let from = ctx.emu.requests.length;
  const first = await runCli(args, env, ctx.dir);
  expect(first.code, first.stderr).toBe(0);
  expect(calls(from)).toEqual([
    "GetCallerIdentity:arn:aws:iam::123456789012:user/alice",
    "GetAuthorizationToken:arn:aws:iam::123456789012:user/alice",
  ]);

  from = ctx.emu.requests.length;
  const hit = await runCli(args, env, ctx.dir);
  expect(hit.code, hit.stderr).toBe(0);
  expect(calls(from)).toEqual([]);

  await writeCredentials(home, BOB);
  from = ctx.emu.requests.length;
  const switched = await runCli(args, env, ctx.dir);
  expect(switched.code, switched.stderr).toBe(0);
  expect(calls(from)).toEqual([
    "GetCallerIdentity:arn:aws:iam::210987654321:user/bob",
    "GetAuthorizationToken:arn:aws:iam::210987654321:user/bob",
  ]);
  expect(JSON.parse(switched.stdout)["custom.aws.ecr.proxyEndpoint"]).toContain("210987654321");

  // Switching back: the key holds the file's content, which is Alice's again, so her token is
  // served with no call at all.
  await writeCredentials(home, ALICE);
  from = ctx.emu.requests.length;
  const back = await runCli(args, env, ctx.dir);
  expect(back.code, back.stderr).toBe(0);
  expect(calls(from)).toEqual([]);
  expect(JSON.parse(back.stdout)["custom.aws.ecr.proxyEndpoint"]).toContain("123456789012");
});

test("the helper's cache follows the credentials file too", async () => {
  const home = ctx.path("helper-home");
  await mkdir(join(home, ".aws"), { recursive: true });
  await writeCredentials(home, ALICE);
  const env = ctx.bareEnv({
    HOME: home,
    AWS_SHARED_CREDENTIALS_FILE: undefined,
    AWS_CONFIG_FILE: undefined,
    ECR_VARS_CACHE_DIR: ctx.path("helper-cache"),
  });
  const host = `123456789012.dkr.ecr.${REGION}.amazonaws.com\n`;
  expect((await runHelper("get", host, env)).code).toBe(0);
  let from = ctx.emu.requests.length;
  expect((await runHelper("get", host, env)).code).toBe(0);
  expect(calls(from)).toEqual([]);

  await writeCredentials(home, BOB);
  from = ctx.emu.requests.length;
  await runHelper("get", host, env);
  // Bob's identity is asked for: Alice's cached token is not handed out for his credentials.
  expect(calls(from)[0]).toBe("GetCallerIdentity:arn:aws:iam::210987654321:user/bob");
});
