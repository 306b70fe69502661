/**
 * `ecr-vars-kubelet` as the kubelet runs it: the built bin with one request on stdin, its answer
 * decoded by the kubelet's strict rules (test/support/kubelet-api.ts), against the emulator,
 * including AssumeRoleWithWebIdentity with a pod's service-account token.
 */

import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ACCOUNT,
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  PROXY_DOMAIN,
  startE2e,
} from "../support/e2e-harness.js";
import { makeJwt } from "../support/emulator.js";
import { decodeResponse, encodeRequest, GROUP } from "../support/kubelet-api.js";
import { type RunResult, runWithInput } from "../support/registry.js";

const KUBELET = resolve("dist/ecr-vars-kubelet.cjs");
const PASSWORD = "kubelet-e2e-password-0123456789abcdefghij";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ecr-pull`;
const OTHER_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecr-pull-other`;
const TWELVE_HOURS = 12 * 3600 * 1000;

let ctx: E2eContext;
let dirs = 0;

beforeAll(async () => {
  ctx = await startE2e({
    password: PASSWORD,
    expiresAt: () => new Date(Date.now() + TWELVE_HOURS),
  });
});
afterAll(async () => {
  await ctx?.close();
});

/** The kubelet's environment: the emulator's, the default user's keys, a cache of its own. */
function kubeletEnv(extra: Record<string, string | undefined> = {}) {
  return ctx.env({ ECR_VARS_CACHE_DIR: ctx.path(`cache-${dirs++}`), ...extra });
}

/** A projected service-account token as the API server issues it (claims only: unsigned). */
function serviceAccountToken(namespace: string, name: string, uid: string) {
  const now = Math.floor(Date.now() / 1000);
  return makeJwt({
    aud: ["sts.amazonaws.com"],
    exp: now + 3600,
    iat: now,
    nbf: now,
    iss: "https://kubernetes.default.svc.cluster.local",
    jti: `${uid}-jti`,
    sub: `system:serviceaccount:${namespace}:${name}`,
    "kubernetes.io": {
      namespace,
      pod: { name: `${name}-pod`, uid: `${uid}-pod` },
      serviceaccount: { name, uid },
    },
  });
}

async function plugin(
  input: string,
  env: Record<string, string>,
  secrets: string[] = [],
): Promise<RunResult & { calls: string[] }> {
  const before = ctx.emu.requests.length;
  const result = await runWithInput(process.execPath, [KUBELET], input, env);
  expectNoSecrets(result.stderr, [PASSWORD, ...secrets]);
  expectNoStack(result.stderr);
  for (const secret of secrets) expect(result.stdout).not.toContain(secret);
  const calls = ctx.emu.requests.slice(before).map((r) => `${r.service}:${r.action}`);
  return { ...result, calls };
}

/** A failure: no answer on stdout, exactly one line on stderr naming the program. */
function expectOneLineError(result: RunResult, code: number, pattern: RegExp) {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^ecr-vars-kubelet: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

describe("answers the kubelet in the version it asked in", () => {
  test.each([
    ["v1", `${PROXY_DOMAIN}/team/app`],
    ["v1beta1", `${PROXY_DOMAIN}/team/app:1.2.3`],
    ["v1alpha1", `${PROXY_DOMAIN}/team/app@sha256:${"a".repeat(64)}`],
  ] as const)(
    "%s: a strict decode of the answer gives the registry's login",
    async (version, image) => {
      const input = encodeRequest(version, { image });
      const result = await plugin(input, kubeletEnv());
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe("");
      const response = decodeResponse(result.stdout, `${GROUP}/${version}`);
      expect(response.cacheKeyType).toBe("Registry");
      expect(response.auth).toEqual({ [PROXY_DOMAIN]: { username: "AWS", password: PASSWORD } });
      // Half the 12 hours the token is valid, less the seconds the exchange took.
      expect(response.cacheDurationMs).toBeLessThanOrEqual(TWELVE_HOURS / 2);
      expect(response.cacheDurationMs).toBeGreaterThan(TWELVE_HOURS / 2 - 60_000);
      expect(result.calls).toEqual(["sts:GetCallerIdentity", "ecr:GetAuthorizationToken"]);
      console.log(
        `${version} exchange:\n  stdin:  ${input.trim()}\n  stdout: ${result.stdout.trim().replace(PASSWORD, "<password elided>")}`,
      );
    },
  );

  test("the next request for the registry is answered from the token cache: no AWS call", async () => {
    const env = kubeletEnv();
    const first = await plugin(encodeRequest("v1", { image: `${PROXY_DOMAIN}/a` }), env);
    expect(first.calls).toHaveLength(2);
    const second = await plugin(encodeRequest("v1", { image: `${PROXY_DOMAIN}/b:latest` }), env);
    expect(second.code).toBe(0);
    expect(second.calls).toEqual([]);
    expect(decodeResponse(second.stdout, `${GROUP}/v1`).auth[PROXY_DOMAIN]?.password).toBe(
      PASSWORD,
    );
  });

  test("the cache-hit path loads neither the AWS SDK nor the YAML parser", async () => {
    const env = kubeletEnv();
    const hook = resolve("test/support/log-imports.cjs");
    const loaded = async (name: string) => {
      const log = ctx.path(name);
      const result = await runWithInput(
        process.execPath,
        ["--require", hook, KUBELET],
        encodeRequest("v1", { image: `${PROXY_DOMAIN}/app` }),
        { ...env, ECR_VARS_TEST_IMPORT_LOG: log },
      );
      expect(result.code, result.stderr).toBe(0);
      const files = (await readFile(log, "utf8")).split("\n").filter((file) => file !== "");
      return files.filter((file) => file !== hook).map((file) => basename(file));
    };
    expect(await loaded("kubelet-miss.log")).toEqual([
      "ecr-vars-kubelet.cjs",
      "kubelet.cjs",
      "aws-sdk.cjs",
    ]);
    expect(await loaded("kubelet-hit.log")).toEqual(["ecr-vars-kubelet.cjs", "kubelet.cjs"]);
  });

  test("an alias host of the helper config is answered under that host", async () => {
    const config = await ctx.write(
      "kubelet-helper.json",
      JSON.stringify({
        registries: { "registry.internal:5000": { registryId: ACCOUNT, region: "eu-west-1" } },
      }),
    );
    const result = await plugin(
      encodeRequest("v1", { image: "registry.internal:5000/team/app" }),
      kubeletEnv({ ECR_VARS_HELPER_CONFIG: config }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(decodeResponse(result.stdout, `${GROUP}/v1`).auth).toEqual({
      "registry.internal:5000": { username: "AWS", password: PASSWORD },
    });
  });

  test("ECR Public without AWS credentials: an answer without auth, so the kubelet pulls anonymously", async () => {
    const result = await plugin(
      encodeRequest("v1", { image: "public.ecr.aws/docker/library/alpine" }),
      ctx.bareEnv({ ECR_VARS_CACHE_DIR: ctx.path(`cache-${dirs++}`), HOME: ctx.dir }),
    );
    expect(result.code, result.stderr).toBe(0);
    const response = decodeResponse(result.stdout, `${GROUP}/v1`);
    expect(response.auth).toEqual({});
    expect(response.cacheDurationMs).toBe(0);
  });

  test("ECR Public with credentials: its login under public.ecr.aws", async () => {
    const result = await plugin(
      encodeRequest("v1beta1", { image: "public.ecr.aws/team/app" }),
      kubeletEnv(),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(Object.keys(decodeResponse(result.stdout, `${GROUP}/v1beta1`).auth)).toEqual([
      "public.ecr.aws",
    ]);
    expect(result.calls).toEqual(["sts:GetCallerIdentity", "ecr-public:GetAuthorizationToken"]);
  });
});

describe("refuses clearly: one line on stderr, a non-zero exit, no answer", () => {
  const image = `${PROXY_DOMAIN}/app`;
  test.each([
    [
      "an apiVersion it does not speak",
      JSON.stringify({ kind: "CredentialProviderRequest", apiVersion: `${GROUP}/v2`, image }),
      2,
      /apiVersion "credentialprovider\.kubelet\.k8s\.io\/v2" is not one this provider answers \(fix: set the provider's apiVersion .* to one of credentialprovider\.kubelet\.k8s\.io\/v1, /,
    ],
    [
      "another API group",
      JSON.stringify({ kind: "CredentialProviderRequest", apiVersion: "example.com/v1", image }),
      2,
      /apiVersion "example\.com\/v1" is not one/,
    ],
    [
      "a service-account token in a v1beta1 request (no such field there)",
      JSON.stringify({
        kind: "CredentialProviderRequest",
        apiVersion: `${GROUP}/v1beta1`,
        image,
        serviceAccountToken: "x.y.z",
      }),
      2,
      /the credentialprovider\.kubelet\.k8s\.io\/v1beta1 request has an unknown field "serviceAccountToken"/,
    ],
    [
      "another kind",
      JSON.stringify({ kind: "CredentialProviderResponse", apiVersion: `${GROUP}/v1`, image }),
      2,
      /kind is "CredentialProviderResponse", expected "CredentialProviderRequest"/,
    ],
    ["no request at all", "", 2, /no CredentialProviderRequest on stdin/],
    [
      "a request larger than the limit",
      " ".repeat(600 * 1024),
      2,
      /the request on stdin is larger than 512 KiB/,
    ],
    ["not JSON", "image: nginx\n", 2, /stdin is not a JSON CredentialProviderRequest/],
    [
      "a Docker Hub short name",
      encodeRequest("v1", { image: "nginx" }),
      2,
      /the image "nginx" does not start with a registry host/,
    ],
  ])("%s", async (_name, input, code, message) => {
    const result = await plugin(input, kubeletEnv());
    expectOneLineError(result, code, message);
    expect(result.calls).toEqual([]);
  });

  test("a host that is not ECR and not configured: no AWS call, and it says so", async () => {
    const result = await plugin(
      encodeRequest("v1", { image: "registry.k8s.io/pause:3.10" }),
      kubeletEnv(),
    );
    expectOneLineError(
      result,
      1,
      /^ecr-vars-kubelet: registry\.k8s\.io is not an Amazon ECR registry host and the helper config has no entry for it \(.*\); no AWS call was made \(fix: narrow matchImages/,
    );
    expect(result.calls).toEqual([]);
  });

  test("arguments from the config: refused (it takes none)", async () => {
    const before = ctx.emu.requests.length;
    const result = await runWithInput(
      process.execPath,
      [KUBELET, "--region", "eu-west-1"],
      encodeRequest("v1", { image }),
      kubeletEnv(),
    );
    expectOneLineError(result, 2, /unknown argument "--region" \(fix: remove args/);
    expect(ctx.emu.requests.length).toBe(before);
  });

  test("ECR refuses: exit 1 with the reason on one line", async () => {
    ctx.emu.failNext("GetAuthorizationToken", {
      status: 400,
      code: "AccessDeniedException",
      message: "not authorized to perform: ecr:GetAuthorizationToken",
    });
    const result = await plugin(encodeRequest("v1", { image }), kubeletEnv());
    expectOneLineError(result, 1, /AccessDeniedException/);
  });

  test("no credentials anywhere: exit 1 naming the default chain", async () => {
    const result = await plugin(
      encodeRequest("v1", { image }),
      ctx.bareEnv({
        ECR_VARS_CACHE_DIR: ctx.path(`cache-${dirs++}`),
        HOME: ctx.dir,
        AWS_EC2_METADATA_DISABLED: "true",
      }),
    );
    expectOneLineError(result, 1, /no AWS credentials/);
  });

  test("--version and --help answer without a request", async () => {
    const version = await runWithInput(process.execPath, [KUBELET, "--version"], "", kubeletEnv());
    expect(version.stdout).toMatch(/^ecr-vars-kubelet \d+\.\d+\.\d+\n$/);
    const help = await runWithInput(process.execPath, [KUBELET, "--help"], "", kubeletEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("docs/kubernetes.md");
  });
});

describe("service-account tokens", () => {
  const image = `${PROXY_DOMAIN}/team/app`;
  const annotated = (role: string) => ({ "eks.amazonaws.com/ecr-role-arn": role });

  test("the annotation's role is assumed with the pod's token; the exchange and the STS call", async () => {
    const token = serviceAccountToken("shop", "cart", "11111111-1111-4111-8111-111111111111");
    const input = encodeRequest("v1", {
      image,
      serviceAccountToken: token,
      serviceAccountAnnotations: annotated(ROLE),
    });
    const env = ctx.bareEnv({ ECR_VARS_CACHE_DIR: ctx.path(`cache-${dirs++}`), HOME: ctx.dir });
    const before = ctx.emu.requests.length;
    const result = await plugin(input, env, [token]);
    expect(result.code, result.stderr).toBe(0);
    expect(decodeResponse(result.stdout, `${GROUP}/v1`).auth[PROXY_DOMAIN]?.password).toBe(
      PASSWORD,
    );
    expect(result.calls).toEqual([
      "sts:AssumeRoleWithWebIdentity",
      "sts:GetCallerIdentity",
      "ecr:GetAuthorizationToken",
    ]);
    const [assume, , ecr] = ctx.emu.requests.slice(before);
    expect(assume?.params).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: "ecr-vars-kubelet@shop.cart",
      WebIdentityToken: "<redacted>",
    });
    expect(ecr?.identityArn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-pull/ecr-vars-kubelet@shop.cart`,
    );
    console.log(
      `service-account exchange:\n  stdin:  ${input.trim().replace(token, "<service-account token elided>")}\n  stdout: ${result.stdout.trim().replace(PASSWORD, "<password elided>")}\n  STS call: ${assume?.service}:${assume?.action} ${JSON.stringify(assume?.params)} (status ${assume?.status})\n  ECR call as: ${ecr?.identityArn}`,
    );

    // The same service account again: the token cache answers.
    const again = await plugin(input, env, [token]);
    expect(again.code).toBe(0);
    expect(again.calls).toEqual([]);
  });

  test("another service account is never served the first one's token, even for the same role", async () => {
    const env = ctx.bareEnv({ ECR_VARS_CACHE_DIR: ctx.path(`cache-${dirs++}`), HOME: ctx.dir });
    /** A v1 request for the image with this service account's token and the role annotated. */
    const asServiceAccount = (token: string) =>
      plugin(
        encodeRequest("v1", {
          image,
          serviceAccountToken: token,
          serviceAccountAnnotations: annotated(ROLE),
        }),
        env,
        [token],
      );
    const first = serviceAccountToken("shop", "cart", "22222222-2222-4222-8222-222222222222");
    const ok = await asServiceAccount(first);
    expect(ok.code, ok.stderr).toBe(0);

    // A second service account whose token STS refuses for the role gets nothing, although the
    // cache holds a fresh token of that role.
    const second = serviceAccountToken("shop", "intruder", "33333333-3333-4333-8333-333333333333");
    ctx.emu.failNext("AssumeRoleWithWebIdentity", {
      status: 403,
      code: "AccessDenied",
      message: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    });
    const refused = await asServiceAccount(second);
    expectOneLineError(
      refused,
      1,
      /AssumeRoleWithWebIdentity.*AccessDenied|AccessDenied.*AssumeRoleWithWebIdentity/,
    );
    expect(refused.stdout).not.toContain(PASSWORD);
    expect(refused.calls).toEqual(["sts:AssumeRoleWithWebIdentity"]);

    // The same service account recreated (a new uid) presents its token to STS too; the role's
    // token is then shared, with no new ECR call.
    const recreated = serviceAccountToken("shop", "cart", "44444444-4444-4444-8444-444444444444");
    const shared = await asServiceAccount(recreated);
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.calls).toEqual(["sts:AssumeRoleWithWebIdentity", "sts:GetCallerIdentity"]);
  });

  test("AWS_ECR_ROLE_ARN names the role when the service account has no annotation", async () => {
    const token = serviceAccountToken("jobs", "batch", "55555555-5555-4555-8555-555555555555");
    const before = ctx.emu.requests.length;
    const result = await plugin(
      encodeRequest("v1", { image, serviceAccountToken: token }),
      ctx.bareEnv({
        ECR_VARS_CACHE_DIR: ctx.path(`cache-${dirs++}`),
        HOME: ctx.dir,
        AWS_ECR_ROLE_ARN: OTHER_ROLE,
      }),
      [token],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(ctx.emu.requests[before]?.params).toMatchObject({ RoleArn: OTHER_ROLE });
  });

  test("a token and no role: the node's own credentials (the standard chain), no STS exchange", async () => {
    const token = serviceAccountToken("jobs", "plain", "66666666-6666-4666-8666-666666666666");
    const result = await plugin(
      encodeRequest("v1", { image, serviceAccountToken: token }),
      kubeletEnv(),
      [token],
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.calls).toEqual(["sts:GetCallerIdentity", "ecr:GetAuthorizationToken"]);
  });

  test.each([
    [
      "an annotation that is no role ARN",
      { serviceAccountAnnotations: annotated("ecr-pull") },
      /the service account's annotation eks\.amazonaws\.com\/ecr-role-arn: "ecr-pull" is not an IAM role ARN \(fix: /,
    ],
    [
      "a token that is not a JWT",
      { serviceAccountToken: "not-a-jwt", serviceAccountAnnotations: annotated(ROLE) },
      /serviceAccountToken is not a Kubernetes service-account token/,
    ],
  ])("%s: exit 2, no AWS call", async (_name, fields, message) => {
    const token = serviceAccountToken("a", "b", "77777777-7777-4777-8777-777777777777");
    const result = await plugin(
      encodeRequest("v1", { image, serviceAccountToken: token, ...fields }),
      kubeletEnv(),
      [token, "not-a-jwt"],
    );
    expectOneLineError(result, 2, message);
    expect(result.calls).toEqual([]);
  });
});

test("20 concurrent cold plugin calls for one registry make one GetAuthorizationToken between them", async () => {
  const env = kubeletEnv();
  const input = encodeRequest("v1", { image: `${PROXY_DOMAIN}/team/app` });
  const before = ctx.emu.countCalls({ service: "ecr", action: "GetAuthorizationToken" });
  const stsBefore = ctx.emu.countCalls({ service: "sts" });
  const results = await Promise.all(
    Array.from({ length: 20 }, () => runWithInput(process.execPath, [KUBELET], input, env)),
  );
  for (const result of results) {
    expect(result.code, result.stderr).toBe(0);
    expect(decodeResponse(result.stdout, `${GROUP}/v1`).auth[PROXY_DOMAIN]?.password).toBe(
      PASSWORD,
    );
  }
  const ecrCalls = ctx.emu.countCalls({ service: "ecr", action: "GetAuthorizationToken" }) - before;
  const stsCalls = ctx.emu.countCalls({ service: "sts" }) - stsBefore;
  console.log(
    `20 concurrent cold plugin calls: ${ecrCalls} ECR GetAuthorizationToken call(s), ${stsCalls} STS call(s)`,
  );
  // The token cache coalesces cold callers: one fetches, the others wait and read its token.
  expect(ecrCalls).toBe(1);
  expect(stsCalls).toBeLessThanOrEqual(1);
});
