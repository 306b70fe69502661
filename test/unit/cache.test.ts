import { createHash, randomBytes } from "node:crypto";
import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  cacheConfigFor,
  contentOf,
  credentialInputFiles,
  dependencyDigest,
} from "../../src/cache/config.js";
import { accountOf, configKey, identityOf } from "../../src/cache/key.js";
import { type CachedToken, isFresh, lookup, parseCache } from "../../src/cache/store.js";
import { sha256Hex } from "../../src/core/sha256.js";
import { defaultConnectorsPath } from "../../src/helper/config.js";
import { connectorsFilePath } from "../../src/task/resolve.js";

describe("sha256Hex", () => {
  test.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 1000])(
    "matches node:crypto for %i random bytes",
    (n) => {
      for (let i = 0; i < 20; i++) {
        const text = randomBytes(n).toString("latin1");
        expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
      }
    },
  );
  test("the standard test vector", () => {
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("cache keys", () => {
  const config: { region: string; registryId: string; roleArn?: string } = {
    region: "eu-west-1",
    registryId: "123456789012",
  };

  test("an assumed-role session is keyed as its role; other ARNs as they are", () => {
    expect(identityOf("arn:aws:sts::123456789012:assumed-role/ecr-push/build-42")).toBe(
      "arn:aws:iam::123456789012:role/ecr-push",
    );
    expect(identityOf("arn:aws-cn:sts::123456789012:assumed-role/a/b")).toBe(
      "arn:aws-cn:iam::123456789012:role/a",
    );
    expect(identityOf("arn:aws:iam::123456789012:user/ci")).toBe(
      "arn:aws:iam::123456789012:user/ci",
    );
    expect(accountOf("arn:aws:iam::123456789012:user/ci")).toBe("123456789012");
  });

  const keyIn = (env: Record<string, string>, extra: Partial<typeof config> = {}) =>
    configKey({ ...config, ...cacheConfigFor({ source: "default-chain" }, env), ...extra });

  test("new session keys change the configuration key; unrelated variables do not", () => {
    const base = {
      HOME: "/nonexistent-home",
      AWS_ACCESS_KEY_ID: "AKIA1",
      AWS_SECRET_ACCESS_KEY: "s1",
      PWD: "/a",
    };
    const key = keyIn(base);
    expect(keyIn({ ...base, PWD: "/b", SHLVL: "3" })).toBe(key);
    expect(keyIn({ ...base, bamboo_custom_aws_ecr_password: "x" })).toBe(key);
    expect(keyIn({ ...base, AWS_ACCESS_KEY_ID: "AKIA2" })).not.toBe(key);
    expect(keyIn({ ...base, AWS_WEB_IDENTITY_TOKEN_FILE: "/w" })).not.toBe(key);
    expect(keyIn(base, { roleArn: "arn:aws:iam::1:role/x" })).not.toBe(key);
    expect(keyIn(base, { registryId: "210987654321" })).not.toBe(key);
  });

  test("keys of many registries and regions differ, and hold no value of the environment", () => {
    const env = {
      HOME: "/nonexistent-home",
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "very-secret",
    };
    const keys = new Set<string>();
    for (const region of ["eu-west-1", "us-east-1"]) {
      for (const registryId of ["default", "210987654321", "210987654322"]) {
        const key = keyIn(env, { region, registryId });
        expect(key).not.toContain("very-secret");
        expect(key).not.toContain("AKIAEXAMPLE");
        keys.add(key);
      }
    }
    expect(keys.size).toBe(6);
    // The same configuration in another environment: other keys for every registry.
    expect(keys.has(keyIn({ ...env, AWS_SECRET_ACCESS_KEY: "other" }))).toBe(false);
  });

  test("a dependency digest follows the values of variables whatever their names", () => {
    const deps = { files: [], variables: ["MY_PASSWORD"] };
    const digest = dependencyDigest(deps, { MY_PASSWORD: "one" }, undefined);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(dependencyDigest(deps, { MY_PASSWORD: "two" }, undefined)).not.toBe(digest);
    expect(dependencyDigest(deps, {}, undefined)).not.toBe(digest);
    expect(dependencyDigest(deps, { MY_PASSWORD: "one", OTHER: "x" }, undefined)).toBe(digest);
    const host = { ...deps, host: "imds" as const };
    expect(dependencyDigest(host, { MY_PASSWORD: "one" }, "ASIAONE")).not.toBe(
      dependencyDigest(host, { MY_PASSWORD: "one" }, "ASIATWO"),
    );
  });

  test("the helper's default connectors path is the CLI's", () => {
    for (const env of [
      {},
      { HOME: "/h" },
      { XDG_CONFIG_HOME: "/x" },
      { ECR_VARS_CONNECTORS: "/c.yml" },
    ]) {
      expect(defaultConnectorsPath(env)).toBe(connectorsFilePath(undefined, env));
    }
  });
});

describe("cache file", () => {
  const token = (fetchedAt: string, expiresAt: string): CachedToken => ({
    identity: "arn:aws:iam::123456789012:user/ci",
    registryId: "123456789012",
    region: "eu-west-1",
    authorizationToken: "QVdTOnB3",
    proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    fetchedAt,
    expiresAt,
  });

  test("a token is fresh until a quarter of its life remains", () => {
    const t = token("2030-01-01T00:00:00Z", "2030-01-01T12:00:00Z");
    expect(isFresh(t, new Date("2030-01-01T08:59:00Z"))).toBe(true);
    expect(isFresh(t, new Date("2030-01-01T09:01:00Z"))).toBe(false);
    expect(isFresh(token("x", "y"), new Date())).toBe(false);
  });

  test.each([
    ["not JSON", "{"],
    ["another format", '{"format":"x","version":1,"aliases":{},"tokens":{}}'],
    ["another version", '{"format":"ecr-vars-token-cache","version":2,"aliases":{},"tokens":{}}'],
    ["an array", "[]"],
  ])("a file that is %s reads as empty", (_name, text) => {
    expect(parseCache(text)).toEqual({ aliases: {}, depends: {}, tokens: {} });
  });

  test("malformed entries are dropped, good ones kept; __proto__ stays data", () => {
    const good = token("2030-01-01T00:00:00Z", "2030-01-01T12:00:00Z");
    const data = parseCache(
      JSON.stringify({
        format: "ecr-vars-token-cache",
        version: 1,
        aliases: { a: "t", b: 3, ["__proto__"]: "t" },
        tokens: { t: good, u: { identity: 1 } },
      }),
    );
    expect(Object.keys(data.tokens)).toEqual(["t"]);
    expect(lookup(data, "a", new Date("2030-01-01T01:00:00Z"))).toEqual(good);
    expect(lookup(data, "b", new Date("2030-01-01T01:00:00Z"))).toBeUndefined();
    expect(({} as Record<string, unknown>).t).toBeUndefined();
  });
});

describe("the credential inputs, by content", () => {
  test("default files follow HOME and the AWS_* file variables", () => {
    expect(credentialInputFiles({ HOME: "/h" })).toEqual([
      "/h/.aws/credentials",
      "/h/.aws/config",
      "/h/.aws/sso/cache",
      "/h/.aws/login/cache",
    ]);
    expect(
      credentialInputFiles({
        HOME: "/h",
        AWS_SHARED_CREDENTIALS_FILE: "/c",
        AWS_CONFIG_FILE: "/f",
        AWS_WEB_IDENTITY_TOKEN_FILE: "/w",
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/t",
      }),
    ).toEqual(["/c", "/f", "/h/.aws/sso/cache", "/h/.aws/login/cache", "/w", "/t"]);
  });

  test("follows content: edited with its timestamps restored, it changes; read, it does not", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ecr-vars-stamp-"));
    try {
      const file = join(dir, "credentials");
      const missing = contentOf(file);
      await writeFile(file, "[default]\naws_access_key_id = AKIAONE\n");
      const created = contentOf(file);
      expect(created).not.toBe(missing);
      await readFile(file);
      expect(contentOf(file)).toBe(created);
      const { mtime, atime } = await stat(file);
      await writeFile(file, "[default]\naws_access_key_id = AKIATWO\n");
      await utimes(file, atime, mtime);
      const edited = contentOf(file);
      expect(edited).not.toBe(created);
      await appendFile(file, "region = eu-west-1\n");
      expect(contentOf(file)).not.toBe(edited);
      // A directory (the SSO cache): each entry's content.
      const sso = join(dir, "sso");
      await mkdir(sso);
      const empty = contentOf(sso);
      await writeFile(join(sso, "a.json"), "{}");
      const one = contentOf(sso);
      expect(one).not.toBe(empty);
      await writeFile(join(sso, "a.json"), "[]");
      expect(contentOf(sso)).not.toBe(one);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("the instance role is keyed on no file; other sources are", async () => {
    const env = { HOME: "/nonexistent-home" };
    const other = { HOME: "/elsewhere" };
    expect(cacheConfigFor({ source: "instance-role" }, env)).toEqual(
      cacheConfigFor({ source: "instance-role" }, other),
    );
    expect(cacheConfigFor({ source: "default-chain" }, env)).not.toEqual(
      cacheConfigFor({ source: "default-chain" }, other),
    );
  });
});
