import { describe, expect, test } from "vitest";
import { attemptLimits, proxyFor, readProxyEnv } from "../../src/aws/http.js";
import { EcrVarsError } from "../../src/core/errors.js";
import { withDeadline } from "../../src/platform/deadline.js";

describe("readProxyEnv", () => {
  test("lower-case names win over upper-case ones, as in curl", () => {
    const settings = readProxyEnv({ https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" });
    expect(settings.httpsProxy?.href).toBe("http://lower:1/");
  });

  test("a bare host:port is an http proxy", () => {
    expect(readProxyEnv({ HTTP_PROXY: "proxy.corp:3128" }).httpProxy?.href).toBe(
      "http://proxy.corp:3128/",
    );
  });

  test("NO_PROXY is split on commas and spaces and lower-cased", () => {
    expect(readProxyEnv({ NO_PROXY: "Localhost, .Corp.example  10.0.0.1:8080" }).noProxy).toEqual([
      "localhost",
      ".corp.example",
      "10.0.0.1:8080",
    ]);
  });

  test.each(["socks5://proxy:1080", "http://"])(
    "%s is refused with exit 2 naming the variable",
    (value) => {
      try {
        readProxyEnv({ HTTPS_PROXY: value });
        throw new Error("expected an error");
      } catch (error) {
        expect(error).toBeInstanceOf(EcrVarsError);
        expect((error as EcrVarsError).exitCode).toBe(2);
        expect((error as EcrVarsError).message).toBe("HTTPS_PROXY is not a proxy URL");
      }
    },
  );
});

describe("proxyFor", () => {
  const settings = (noProxy: string) =>
    readProxyEnv({
      HTTPS_PROXY: "http://proxy:3128",
      HTTP_PROXY: "http://plain:8080",
      NO_PROXY: noProxy,
    });

  test.each<[string, string, string | undefined]>([
    ["https://api.ecr.eu-west-1.amazonaws.com", "", "http://proxy:3128/"],
    ["http://127.0.0.1:4566", "", "http://plain:8080/"],
    ["https://api.ecr.eu-west-1.amazonaws.com", "*", undefined],
    ["https://api.ecr.eu-west-1.amazonaws.com", "amazonaws.com", undefined],
    ["https://api.ecr.eu-west-1.amazonaws.com", ".amazonaws.com", undefined],
    ["https://api.ecr.eu-west-1.amazonaws.com", "*.amazonaws.com", undefined],
    ["https://amazonaws.com", ".amazonaws.com", undefined],
    ["https://api.ecr.eu-west-1.amazonaws.com", "ecr.eu-west-1.amazonaws.com", undefined],
    ["https://notamazonaws.com", "amazonaws.com", "http://proxy:3128/"],
    ["https://api.ecr.eu-west-1.amazonaws.com", "amazonaws.com:8443", "http://proxy:3128/"],
    ["https://api.ecr.eu-west-1.amazonaws.com", "amazonaws.com:443", undefined],
    ["http://127.0.0.1:4566", "127.0.0.1", undefined],
    ["http://127.0.0.1:4566", "127.0.0.1:4566", undefined],
    ["http://127.0.0.1:4566", "127.0.0.2", "http://plain:8080/"],
    ["http://[::1]:4566", "::1", undefined],
    ["http://[::1]:4566", "[::1]:4566", undefined],
    ["http://[::1]:4566", "[::1]:80", "http://plain:8080/"],
  ])("%s with NO_PROXY=%j goes through %s", (target, noProxy, expected) => {
    expect(proxyFor(new URL(target), settings(noProxy))?.href).toBe(expected);
  });

  test("no proxy variable: always direct", () => {
    expect(proxyFor(new URL("https://sts.amazonaws.com"), readProxyEnv({}))).toBeUndefined();
  });
});

test("attempt limits fit an overall deadline", () => {
  expect(attemptLimits(60_000)).toEqual({ maxAttempts: 3, attemptTimeoutMs: 10_000 });
  expect(attemptLimits(30_000)).toEqual({ maxAttempts: 3, attemptTimeoutMs: 7_500 });
  expect(attemptLimits(8_000)).toEqual({ maxAttempts: 3, attemptTimeoutMs: 2_000 });
  expect(attemptLimits(500)).toEqual({ maxAttempts: 3, attemptTimeoutMs: 1_000 });
});

test("three attempts that each time out end before the deadline (30 s and 60 s)", () => {
  for (const deadline of [30_000, 60_000]) {
    const { maxAttempts, attemptTimeoutMs } = attemptLimits(deadline);
    expect(maxAttempts * attemptTimeoutMs).toBeLessThanOrEqual(deadline * 0.75);
  }
});

describe("withDeadline", () => {
  test("names the calls still waiting when the deadline strikes", async () => {
    const never = new Promise<never>(() => undefined);
    await expect(
      withDeadline(
        20,
        () => [
          "ECR GetAuthorizationToken in eu-west-1 at https://api.ecr.eu-west-1.amazonaws.com (attempt 2/3)",
        ],
        never,
      ),
    ).rejects.toThrow(
      "no answer from AWS within 0 s; still waiting for ECR GetAuthorizationToken in eu-west-1 at https://api.ecr.eu-west-1.amazonaws.com (attempt 2/3)",
    );
  });

  test("its hint is the caller's (the helper has no --timeout)", async () => {
    const never = new Promise<never>(() => undefined);
    const error = await withDeadline(10, () => [], never, "the helper waits at most 30 s").catch(
      (e: unknown) => e,
    );
    expect((error as EcrVarsError).hint).toBe("the helper waits at most 30 s");
  });
});
