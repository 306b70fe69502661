/**
 * Side by side with the Go peer `docker-credential-ecr-login` (Debian amazon-ecr-credential-helper):
 * same emulator, same registry host, same answers. The Go helper has no endpoint override, so it
 * calls https://api.ecr.<region>.amazonaws.com through HTTPS_PROXY (a loopback CONNECT proxy) to
 * the emulator's TLS front, trusting a throw-away CA through AWS_CA_BUNDLE.
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTlsFront, type TlsFront } from "../../src/emulator/tls.js";
import { cleanEnv, runCli } from "../support/cli.js";
import { type E2eContext, PROXY_DOMAIN, startE2e } from "../support/e2e-harness.js";
import { startProxy, type TestProxy } from "../support/proxy.js";
import { runHelper, runWithInput } from "../support/registry.js";
import { makeCertificates } from "../support/tls.js";

const PASSWORD = "ecr-login-peer-password-0123456789abcdefghijklmnop";
const API_HOST = "api.ecr.eu-west-1.amazonaws.com";
const USERS = [
  {
    accessKeyId: "AKIAPEERFIRSTKEY0001",
    secretAccessKey: "peer-first-secret-0123456789abcdefghijkl",
    userName: "ci",
  },
  {
    accessKeyId: "AKIAPEERSECONDKEY002",
    secretAccessKey: "peer-second-secret-0123456789abcdefghijk",
    userName: "ci",
  },
];
let ctx: E2eContext;
let front: TlsFront | undefined;
let proxy: TestProxy | undefined;
let caFile = "";

beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD, users: USERS });
  const certs = await makeCertificates(ctx.dir, [
    API_HOST,
    "sts.eu-west-1.amazonaws.com",
    "sts.amazonaws.com",
  ]);
  caFile = certs.caFile;
  front = await startTlsFront({ target: ctx.emu.url, cert: certs.cert, key: certs.key });
  const tls = front.address;
  proxy = await startProxy({
    tls: (host) => (host.endsWith(".amazonaws.com") ? tls : undefined),
    http: () => undefined,
  });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await front?.close();
  await ctx?.close();
});

const user = (index: number) => USERS[index] ?? USERS[0];

/** The Go helper: no AWS_ENDPOINT_URL, only the proxy and the CA. */
function goHelper(action: string, input: string, key = 0, home = ctx.path("go-home")) {
  const { accessKeyId, secretAccessKey } = user(key) ?? { accessKeyId: "", secretAccessKey: "" };
  return runWithInput(
    "docker-credential-ecr-login",
    [action],
    input,
    cleanEnv({
      HOME: home,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      HTTPS_PROXY: proxy?.url ?? "",
      AWS_CA_BUNDLE: caFile,
    }),
  );
}

function ourHelper(action: string, input: string, key = 0) {
  const { accessKeyId, secretAccessKey } = user(key) ?? { accessKeyId: "", secretAccessKey: "" };
  return runHelper(
    action,
    input,
    ctx.bareEnv({
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      ECR_VARS_CACHE_DIR: ctx.path("our-cache"),
    }),
  );
}

async function calls<T>(work: () => Promise<T>) {
  const before = ctx.emu.requests.length;
  const result = await work();
  return {
    result,
    calls: ctx.emu.requests
      .slice(before)
      .map((r) => `${r.service}:${r.action}(${r.accessKeyId ?? "-"})`),
  };
}

describe("docker-credential-ecr-login and docker-credential-ecr-vars", () => {
  test("give the same credentials for the same registry", async () => {
    const go = await calls(() => goHelper("get", PROXY_DOMAIN));
    expect(go.result.code, `${go.result.stdout}${go.result.stderr}`).toBe(0);
    const ours = await calls(() => ourHelper("get", PROXY_DOMAIN));
    expect(ours.result.code, ours.result.stdout).toBe(0);
    const goAnswer = JSON.parse(go.result.stdout);
    const ourAnswer = JSON.parse(ours.result.stdout);
    expect(ourAnswer.Username).toBe(goAnswer.Username);
    expect(ourAnswer.Secret).toBe(goAnswer.Secret);
    expect(ourAnswer.Secret).toBe(PASSWORD);
    console.log(
      `ecr-login: ${JSON.stringify({ ...goAnswer, Secret: "<same>" })}, AWS calls: ${go.calls.join(", ")}`,
    );
    console.log(
      `ecr-vars:  ${JSON.stringify({ ...ourAnswer, Secret: "<same>" })}, AWS calls: ${ours.calls.join(", ")}`,
    );
    expect(go.calls).toEqual([`ecr:GetAuthorizationToken(${user(0)?.accessKeyId})`]);
    expect(proxy?.seen).toContain(`CONNECT ${API_HOST}:443`);
  });

  test("new keys of the same identity: the peer's cache misses (keyed by access key id), ours does not call ECR", async () => {
    await goHelper("get", PROXY_DOMAIN, 0);
    await ourHelper("get", PROXY_DOMAIN, 0);
    const go = await calls(() => goHelper("get", PROXY_DOMAIN, 1));
    const ours = await calls(() => ourHelper("get", PROXY_DOMAIN, 1));
    console.log(
      `second session: ecr-login made ${go.calls.join(", ")}; ecr-vars made ${ours.calls.join(", ")}`,
    );
    expect(go.calls.filter((c) => c.startsWith("ecr:"))).toHaveLength(1);
    expect(ours.calls.filter((c) => c.startsWith("ecr:"))).toHaveLength(0);
  });

  // The peer turns a refused key into "not found" on stdout and writes the reason only to its log
  // file (~/.ecr/log): the user sees an anonymous pull fail. Ours prints the AWS error on stdout.
  test("errors: the peer says not-found and hides the reason in a log file; ours names it on stdout", async () => {
    const bad = cleanEnv({
      HOME: ctx.path("go-home-bad"),
      AWS_ACCESS_KEY_ID: "AKIAUNKNOWNKEY000001",
      AWS_SECRET_ACCESS_KEY: "unknown-secret-0123456789abcdefghijklmnop",
      HTTPS_PROXY: proxy?.url ?? "",
      AWS_CA_BUNDLE: caFile,
    });
    const go = await runWithInput("docker-credential-ecr-login", ["get"], PROXY_DOMAIN, bad);
    const ours = await runHelper(
      "get",
      PROXY_DOMAIN,
      ctx.bareEnv({
        AWS_ACCESS_KEY_ID: "AKIAUNKNOWNKEY000001",
        AWS_SECRET_ACCESS_KEY: "unknown-secret-0123456789abcdefghijklmnop",
        ECR_VARS_CACHE_DIR: ctx.path("bad-cache"),
      }),
    );
    console.log(
      `peer error: exit ${go.code}, stdout ${JSON.stringify(go.stdout.trim().slice(0, 200))}, stderr ${go.stderr.trim().split("\n").length} line(s)`,
    );
    console.log(
      `our error:  exit ${ours.code}, stdout ${JSON.stringify(ours.stdout.trim().slice(0, 200))}`,
    );
    expect(go.code).not.toBe(0);
    expect(go.stdout.trim()).toBe("credentials not found in native keychain");
    const log = await readFile(
      join(ctx.path("go-home-bad"), ".ecr", "log", "ecr-login.log"),
      "utf8",
    );
    expect(log).toMatch(/UnrecognizedClient|InvalidClientTokenId|security token/i);
    expect(ours.code).toBe(1);
    expect(ours.stdout).toMatch(/UnrecognizedClient|InvalidClientTokenId|not valid|unknown/i);
    expect(ours.stdout).not.toContain("unknown-secret");
  });

  // No AWS_ENDPOINT_URL: ours reaches the real API names through the same CONNECT proxy and
  // trusts the same CA bundle as the peer, so both take exactly the same network path.
  test("ours takes the peer's path too: HTTPS_PROXY, AWS_CA_BUNDLE and the real AWS host names", async () => {
    const { accessKeyId, secretAccessKey } = user(0) ?? { accessKeyId: "", secretAccessKey: "" };
    const viaProxy = cleanEnv({
      HOME: ctx.path("proxy-home"),
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      HTTPS_PROXY: proxy?.url ?? "",
      AWS_CA_BUNDLE: caFile,
      ECR_VARS_CACHE_DIR: ctx.path("proxy-cache"),
    });
    const before = proxy?.seen.length ?? 0;
    const helper = await calls(() => runHelper("get", PROXY_DOMAIN, viaProxy));
    expect(helper.result.code, helper.result.stdout).toBe(0);
    expect(JSON.parse(helper.result.stdout).Secret).toBe(PASSWORD);
    expect(helper.calls.some((c) => c.startsWith("ecr:GetAuthorizationToken"))).toBe(true);
    const cli = await runCli(["--region", "eu-west-1", "--format", "json", "--quiet"], viaProxy);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)["custom.aws.ecr.password"]).toBe(PASSWORD);
    expect(proxy?.seen.slice(before)).toContain(`CONNECT ${API_HOST}:443`);
    // Without the CA bundle the TLS front's certificate is not trusted: the call fails, exit 4.
    const untrusted = await runCli(["--region", "eu-west-1", "--timeout", "5"], {
      ...viaProxy,
      AWS_CA_BUNDLE: "",
    });
    expect(untrusted.code).toBe(4);
    expect(untrusted.stderr).not.toContain(secretAccessKey);
  });

  test("a host that is not ECR: both answer the protocol's not-found", async () => {
    const go = await goHelper("get", "ghcr.io");
    const ours = await ourHelper("get", "ghcr.io");
    console.log(
      `not ECR: peer exit ${go.code} ${JSON.stringify(go.stdout.trim())}; ours exit ${ours.code} ${JSON.stringify(ours.stdout.trim())}`,
    );
    expect(ours.stdout.trim()).toBe("credentials not found in native keychain");
    expect(go.code).not.toBe(0);
  });
});
