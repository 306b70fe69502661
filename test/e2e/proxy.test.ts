/**
 * HTTP_PROXY / HTTPS_PROXY / NO_PROXY: the CLI reaches AWS through a forward proxy when the
 * environment names one. The endpoint host here resolves nowhere (.test is reserved), so a request
 * only arrives when the proxy carried it. (HTTPS through CONNECT, with AWS_CA_BUNDLE, is covered by
 * the peers suite, which has openssl to make certificates.)
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ACCOUNT,
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  PROXY_ENDPOINT,
  startE2e,
} from "../support/e2e-harness.js";
import { startProxy, type TestProxy } from "../support/proxy.js";

const PASSWORD = "proxied-registry-password-0123456789";
const ENDPOINT_HOST = "aws-emulator.test";
const PROXY_PASSWORD = "proxy-secret-password-4711";

let ctx: E2eContext;
let proxy: TestProxy;
let endpoint = "";

beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
  const emulatorAddress = new URL(ctx.emu.url).host;
  endpoint = `http://${ENDPOINT_HOST}:${new URL(ctx.emu.url).port}`;
  proxy = await startProxy({
    tls: () => undefined,
    http: (host) => (host === ENDPOINT_HOST ? emulatorAddress : undefined),
  });
});

afterAll(async () => {
  await proxy?.close();
  await ctx?.close();
});

const proxyWithPassword = () => proxy.url.replace("http://", `http://ci:${PROXY_PASSWORD}@`);

describe("a forward proxy from the environment", () => {
  test("HTTP_PROXY carries the ECR call to an endpoint only the proxy can reach", async () => {
    const before = proxy.seen.length;
    const result = await ctx.run(["--region", "eu-west-1", "--format", "json"], {
      AWS_ENDPOINT_URL: endpoint,
      HTTP_PROXY: proxyWithPassword(),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)["custom.aws.ecr.password"]).toBe(PASSWORD);
    expect(proxy.seen.slice(before)).toEqual([`POST ${ENDPOINT_HOST}:${new URL(endpoint).port}/`]);
    expectNoSecrets(result.stderr, [PASSWORD, PROXY_PASSWORD]);
  });

  test("an assumed role's STS call goes through the proxy too", async () => {
    const before = proxy.seen.length;
    const result = await ctx.run(
      [
        "--region",
        "eu-west-1",
        "--role-arn",
        `arn:aws:iam::${ACCOUNT}:role/ecr-push`,
        "--format",
        "json",
      ],
      { AWS_ENDPOINT_URL: endpoint, http_proxy: proxy.url },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)["custom.aws.ecr.proxyEndpoint"]).toBe(PROXY_ENDPOINT);
    expect(proxy.seen.slice(before)).toHaveLength(2);
    const actions = ctx.emu.requests.slice(-2).map((r) => r.action);
    expect(actions).toEqual(["AssumeRole", "GetAuthorizationToken"]);
  });

  test("NO_PROXY sends a listed host directly", async () => {
    const before = proxy.seen.length;
    const result = await ctx.run(["--region", "eu-west-1", "--format", "json"], {
      HTTP_PROXY: proxy.url,
      NO_PROXY: "localhost,127.0.0.1",
    });
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.seen.slice(before)).toEqual([]);
  });

  test("a proxy that refuses connections is exit 4; its password is never printed, even with --debug", async () => {
    const result = await ctx.run(["--region", "eu-west-1", "--debug", "--timeout", "5"], {
      AWS_ENDPOINT_URL: endpoint,
      HTTP_PROXY: `http://ci:${PROXY_PASSWORD}@127.0.0.1:9`,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("ECR GetAuthorizationToken in eu-west-1 failed");
    expectNoSecrets(result.stderr, [PROXY_PASSWORD, PASSWORD]);
  });

  // Through a proxy every connection is the proxy's: the message names it, not the endpoint,
  // and "not found" is said only of a name (the endpoint here is an IP address).
  test.each([
    [
      "refuses connections",
      "http://127.0.0.1:9",
      /: the proxy http:\/\/127\.0\.0\.1:9 \(HTTP_PROXY\) refused the connection \(endpoint /,
    ],
    [
      "has a name that does not resolve",
      "http://no-such-proxy.invalid:3128",
      /: the proxy http:\/\/no-such-proxy\.invalid:3128 \(HTTP_PROXY\): its host name no-such-proxy\.invalid (was not found|could not be looked up)/,
    ],
  ])("a proxy that %s is named as the cause (exit 4)", async (_name, proxyUrl, message) => {
    const result = await ctx.run(["--region", "eu-west-1", "--timeout", "5"], {
      HTTP_PROXY: proxyUrl,
    });
    expect(result.code, result.stderr).toBe(4);
    const [first, fix] = result.stderr.split("\n");
    expect(first).toMatch(message);
    expect(first).not.toMatch(/host name 127\.0\.0\.1/);
    expect(fix).toMatch(/^ {2}fix: check that the proxy's address is right and that it is running/);
  });

  test("an answer that is no AWS protocol (a middlebox's 404 page) is said to be one", async () => {
    const { createServer } = await import("node:http");
    const middlebox = createServer((_request, response) => {
      response.writeHead(404, { "content-type": "text/html" });
      response.end("<html><body><h1>404 Not Found</h1></body></html>");
    });
    await new Promise<void>((resolve) => middlebox.listen(0, "127.0.0.1", resolve));
    const address = middlebox.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const result = await ctx.run(["--region", "eu-west-1", "--timeout", "5"], {
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      });
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toMatch(
        /: the answer was HTTP 404 in no protocol of AWS \(.*\), so it did not come from AWS \(endpoint http:\/\/127\.0\.0\.1:\d+\)\n {2}fix: something between here and AWS answered \(a proxy, a firewall, a captive portal\), or the endpoint is not AWS/,
      );
      expect(result.stderr).not.toContain("permissions");
    } finally {
      await new Promise((resolve) => middlebox.close(resolve));
    }
  });

  test.each([
    ["HTTPS_PROXY", "socks5://127.0.0.1:1080", "HTTPS_PROXY is not a proxy URL"],
    [
      "AWS_CA_BUNDLE",
      "/nonexistent/ca.pem",
      "AWS_CA_BUNDLE names /nonexistent/ca.pem, which cannot be read (ENOENT)",
    ],
    [
      "AWS_CA_BUNDLE",
      "/dev/urandom",
      "AWS_CA_BUNDLE names /dev/urandom, which cannot be read (not a regular file)",
    ],
  ])("a bad %s is exit 2 with the fix", async (name, value, message) => {
    const result = await ctx.run(["--region", "eu-west-1"], { [name]: value });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`ecr-vars: error: ${message}`);
    expect(result.stderr).toContain("fix: ");
    expectNoStack(result.stderr);
  });
});
