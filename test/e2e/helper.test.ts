import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import {
  ACCOUNT,
  type E2eContext,
  expectNoSecrets,
  PROXY_DOMAIN,
  startE2e,
} from "../support/e2e-harness.js";
import { HELPER, runHelper, runWithInput } from "../support/registry.js";

const PASSWORD = "helper-e2e-password-0123456789abcdefghij";
const SECOND_KEY = {
  accessKeyId: "AKIAHELPERSECONDKEY1",
  secretAccessKey: "second-secret-key-0123456789abcdefghijkl",
};
let ctx: E2eContext;
let users: { accessKeyId: string; secretAccessKey: string }[];

beforeAll(async () => {
  users = [
    {
      accessKeyId: "AKIAHELPERFIRSTKEY01",
      secretAccessKey: "first-secret-key-0123456789abcdefghijklm",
    },
    SECOND_KEY,
  ];
  // Two access keys of one IAM user: the same identity, as with two sessions of one role.
  ctx = await startE2e({ password: PASSWORD, users: users.map((u) => ({ ...u, userName: "ci" })) });
});
afterAll(async () => {
  await ctx?.close();
});

let dirs = 0;
/** An environment with its own empty cache directory. */
function helperEnv(extra: Record<string, string> = {}) {
  const cache = ctx.path(`cache-${dirs++}`);
  return {
    cache,
    env: ctx.bareEnv({
      AWS_ACCESS_KEY_ID: users[0]?.accessKeyId,
      AWS_SECRET_ACCESS_KEY: users[0]?.secretAccessKey,
      ECR_VARS_CACHE_DIR: cache,
      ...extra,
    }),
  };
}

/** The AWS calls the emulator saw while `work` ran. */
async function callsDuring<T>(work: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const before = ctx.emu.requests.length;
  const result = await work();
  const calls = ctx.emu.requests.slice(before).map((r) => `${r.service}:${r.action}`);
  return { result, calls };
}

describe("docker-credential-ecr-vars get", () => {
  test("a miss asks STS who it is and ECR for a token; the next get is a hit with no AWS call", async () => {
    const { env, cache } = helperEnv();
    const miss = await callsDuring(() => runHelper("get", `https://${PROXY_DOMAIN}\n`, env));
    expect(miss.result.code, miss.result.stdout).toBe(0);
    expect(JSON.parse(miss.result.stdout)).toEqual({
      ServerURL: `https://${PROXY_DOMAIN}`,
      Username: "AWS",
      Secret: PASSWORD,
    });
    expect(miss.calls).toEqual(["sts:GetCallerIdentity", "ecr:GetAuthorizationToken"]);
    expect(miss.result.stderr).toBe("");

    const hit = await callsDuring(() => runHelper("get", PROXY_DOMAIN, env));
    expect(JSON.parse(hit.result.stdout).Secret).toBe(PASSWORD);
    expect(hit.calls).toEqual([]);
    console.log(
      `helper: miss made ${miss.calls.length} AWS calls (${miss.calls.join(", ")}); hit made ${hit.calls.length}`,
    );

    expect((await stat(cache)).mode & 0o777).toBe(0o700);
    expect((await stat(join(cache, "tokens.json"))).mode & 0o777).toBe(0o600);
  });

  test("new session keys of the same identity reuse its token after one GetCallerIdentity", async () => {
    const { env } = helperEnv();
    await runHelper("get", PROXY_DOMAIN, env);
    const other = {
      ...env,
      AWS_ACCESS_KEY_ID: SECOND_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SECOND_KEY.secretAccessKey,
    };
    const { result, calls } = await callsDuring(() => runHelper("get", PROXY_DOMAIN, other));
    expect(JSON.parse(result.stdout).Secret).toBe(PASSWORD);
    expect(calls).toEqual(["sts:GetCallerIdentity"]);
  });

  test("the cache-hit path loads neither the AWS SDK nor the YAML parser", async () => {
    const { env } = helperEnv();
    const hook = resolve("test/support/log-imports.cjs");
    const loaded = async (name: string) => {
      const log = ctx.path(name);
      const result = await runWithInput(
        process.execPath,
        ["--require", hook, HELPER, "get"],
        PROXY_DOMAIN,
        { ...env, ECR_VARS_TEST_IMPORT_LOG: log },
      );
      expect(JSON.parse(result.stdout).Secret).toBe(PASSWORD);
      const files = (await readFile(log, "utf8")).split("\n").filter((file) => file !== "");
      return files.filter((file) => file !== hook).map((file) => basename(file));
    };
    // The miss loads the SDK's bundle: the check sees it when it is there.
    expect(await loaded("miss.log")).toEqual([
      "docker-credential-ecr-vars.cjs",
      "helper.cjs",
      "aws-sdk.cjs",
    ]);
    expect(await loaded("hit.log")).toEqual(["docker-credential-ecr-vars.cjs", "helper.cjs"]);
    const program = await readFile(join(dirname(HELPER), "helper.cjs"), "utf8");
    for (const marker of ["ECRServiceException", "YAMLParseError"]) {
      expect(program, marker).not.toContain(marker);
    }
  });

  test("ecr-vars --cache and the helper share one cache", async () => {
    const { env } = helperEnv();
    const cli = await runCli(
      ["--cache", "--region", "eu-west-1", "--registry-id", ACCOUNT, "-q"],
      env,
    );
    expect(cli.code, cli.stderr).toBe(0);
    const { result, calls } = await callsDuring(() => runHelper("get", PROXY_DOMAIN, env));
    expect(JSON.parse(result.stdout).Secret).toBe(PASSWORD);
    expect(calls).toEqual([]);
    const again = await callsDuring(() =>
      runCli(["--cache", "--region", "eu-west-1", "--registry-id", ACCOUNT], env),
    );
    expect(again.calls).toEqual([]);
    expect(again.result.stderr).toContain("token cache");
    expectNoSecrets(again.result.stderr, [PASSWORD]);
  });

  test("a corrupt or exposed cache file is ignored and rewritten", async () => {
    const { env, cache } = helperEnv();
    await mkdir(cache, { recursive: true, mode: 0o700 });
    const file = join(cache, "tokens.json");
    for (const [text, mode] of [
      ["{ not json", 0o600],
      ['{"format":"other","version":9}', 0o600],
      ["", 0o644],
    ] as const) {
      await writeFile(file, text);
      await chmod(file, mode);
      const { result, calls } = await callsDuring(() => runHelper("get", PROXY_DOMAIN, env));
      expect(result.code, result.stdout).toBe(0);
      expect(calls).toContain("ecr:GetAuthorizationToken");
      expect(JSON.parse(await readFile(file, "utf8")).format).toBe("ecr-vars-token-cache");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
  });

  test("16 concurrent helpers on a cold cache all answer and leave a valid cache", async () => {
    const { env, cache } = helperEnv();
    const results = await Promise.all(
      Array.from({ length: 16 }, () => runHelper("get", PROXY_DOMAIN, env)),
    );
    for (const result of results) expect(JSON.parse(result.stdout).Secret).toBe(PASSWORD);
    const data = JSON.parse(await readFile(join(cache, "tokens.json"), "utf8"));
    expect(Object.keys(data.tokens)).toHaveLength(1);
    const hit = await callsDuring(() => runHelper("get", PROXY_DOMAIN, env));
    expect(hit.calls).toEqual([]);
  });

  test("a host that is not an ECR registry is the protocol's not-found, on stdout", async () => {
    const { env } = helperEnv();
    for (const host of ["ghcr.io", `${PROXY_DOMAIN}.evil.example`, "127.0.0.1:5000"]) {
      const result = await runHelper("get", host, env);
      expect(result.code).toBe(1);
      expect(result.stdout.trim()).toBe("credentials not found in native keychain");
    }
  });

  test("a non-ECR host is served when the helper config maps it to a registry", async () => {
    const config = await ctx.write(
      "helper.json",
      JSON.stringify({
        registries: { "127.0.0.1:5000": { registryId: ACCOUNT, region: "eu-west-1" } },
      }),
    );
    const { env } = helperEnv({ ECR_VARS_HELPER_CONFIG: config });
    const result = await runHelper("get", "127.0.0.1:5000", env);
    expect(JSON.parse(result.stdout).Secret).toBe(PASSWORD);
  });

  test("AWS errors are printed on stdout (skopeo drops stderr), exit 1, no secret", async () => {
    const { env } = helperEnv({
      AWS_SECRET_ACCESS_KEY: "wrong-secret-0123456789abcdefghijklmnopqr",
    });
    const result = await runHelper("get", PROXY_DOMAIN, env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/STS|signature|secret/i);
    expectNoSecrets(result.stdout + result.stderr, [
      "wrong-secret-0123456789abcdefghijklmnopqr",
      PASSWORD,
    ]);
  });

  test("list, store, erase and an unknown action", async () => {
    const { env } = helperEnv();
    await runHelper("get", PROXY_DOMAIN, env);
    expect(JSON.parse((await runHelper("list", "", env)).stdout)).toEqual({
      [PROXY_DOMAIN]: "AWS",
    });
    const store = await runHelper(
      "store",
      JSON.stringify({ ServerURL: PROXY_DOMAIN, Username: "AWS", Secret: "x" }),
      env,
    );
    expect(store.code).toBe(0);
    expect((await runHelper("erase", PROXY_DOMAIN, env)).code).toBe(0);
    expect(JSON.parse((await runHelper("list", "", env)).stdout)).toEqual({});
    const unknown = await runHelper("frobnicate", "", env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("unknown action");
  });

  test.each(["--help", "-h", "help"])("%s prints the usage on stdout, exit 0", async (flag) => {
    const { env } = helperEnv();
    const result = await runHelper(flag, "", env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: docker-credential-ecr-vars get\|list\|store\|erase/);
    expect(result.stdout).toContain("ECR_VARS_SOURCE");
    expect(result.stderr).toBe("");
  });

  test.each(["--version", "-V", "version"])("%s prints the version, exit 0", async (flag) => {
    const { env } = helperEnv();
    const result = await runHelper(flag, "", env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^docker-credential-ecr-vars \d+\.\d+\.\d+/);
  });

  test.each(["public.ecr.aws", "https://ecr-public.aws.com"])(
    "ECR Public (%s): a token from us-east-1, then a cache hit with no AWS call",
    async (host) => {
      const { env } = helperEnv();
      const miss = await callsDuring(() => runHelper("get", host, env));
      expect(miss.result.code, miss.result.stdout).toBe(0);
      expect(JSON.parse(miss.result.stdout)).toEqual({
        ServerURL: host,
        Username: "AWS",
        Secret: PASSWORD,
      });
      expect(miss.calls).toEqual(["sts:GetCallerIdentity", "ecr-public:GetAuthorizationToken"]);
      expect(ctx.emu.requests.at(-1)?.region).toBe("us-east-1");
      const hit = await callsDuring(() => runHelper("get", host, env));
      expect(JSON.parse(hit.result.stdout).Secret).toBe(PASSWORD);
      expect(hit.calls).toEqual([]);
    },
  );

  test("ECR Public without any credentials: not found, so the client pulls anonymously", async () => {
    const env = ctx.bareEnv({ ECR_VARS_CACHE_DIR: ctx.path(`cache-${dirs++}`) });
    const result = await runHelper("get", "public.ecr.aws", env);
    expect(result).toMatchObject({ code: 1, stdout: "credentials not found in native keychain\n" });
  });
});
