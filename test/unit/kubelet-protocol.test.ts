/**
 * The kubelet plugin's pure parts: requests read strictly per apiVersion, the registry an image
 * names, Go durations, the response against the kubelet's strict decoder, service-account mode.
 */

import { describe, expect, test } from "vitest";
import {
  buildResponse,
  cacheSeconds,
  goDuration,
  parseRequest,
  registryOf,
} from "../../src/kubelet/protocol.js";
import { serviceAccountMode } from "../../src/kubelet/service-account.js";
import { makeJwt } from "../support/emulator.js";
import { decodeResponse, encodeRequest, GROUP, parseGoDuration } from "../support/kubelet-api.js";

const HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

describe("parseRequest", () => {
  test.each([
    ["v1", encodeRequest("v1", { image: `${HOST}/app` }), HOST],
    ["v1beta1", encodeRequest("v1beta1", { image: `${HOST}/app:1` }), HOST],
    ["v1alpha1", encodeRequest("v1alpha1", { image: `${HOST}/a/b@sha256:00` }), HOST],
    ["upper case host", encodeRequest("v1", { image: `${HOST.toUpperCase()}/App` }), HOST],
    [
      "a port",
      encodeRequest("v1", { image: "registry.internal:5000/app" }),
      "registry.internal:5000",
    ],
  ])("%s", (_name, text, host) => {
    const parsed = parseRequest(text);
    expect(parsed).toMatchObject({ ok: true, request: { host } });
  });

  test("the answer's key is the host as the image spells it; credentials are asked for in lower case", () => {
    const parsed = parseRequest(encodeRequest("v1", { image: "Registry.Internal:5000/App" }));
    expect(parsed).toMatchObject({
      ok: true,
      request: { host: "registry.internal:5000", authKey: "Registry.Internal:5000" },
    });
  });

  test("v1 carries the service-account token and annotations", () => {
    const parsed = parseRequest(
      encodeRequest("v1", {
        image: `${HOST}/app`,
        serviceAccountToken: "a.b.c",
        serviceAccountAnnotations: { "eks.amazonaws.com/ecr-role-arn": "arn" },
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      request: {
        apiVersion: `${GROUP}/v1`,
        image: `${HOST}/app`,
        host: HOST,
        authKey: HOST,
        serviceAccountToken: "a.b.c",
        serviceAccountAnnotations: { "eks.amazonaws.com/ecr-role-arn": "arn" },
      },
    });
  });

  const base = { kind: "CredentialProviderRequest", apiVersion: `${GROUP}/v1`, image: HOST };
  test.each([
    ["no apiVersion", { ...base, apiVersion: undefined }, /has no apiVersion/],
    ["v2", { ...base, apiVersion: `${GROUP}/v2` }, /is not one this provider answers/],
    ["a bare version", { ...base, apiVersion: "v1" }, /is not one this provider answers/],
    ["__proto__ version", { ...base, apiVersion: `${GROUP}/__proto__` }, /is not one/],
    ["no kind", { ...base, kind: undefined }, /kind is undefined/],
    ["an unknown field", { ...base, images: ["x"] }, /unknown field "images"/],
    ["a field in another case", { ...base, Image: HOST }, /unknown field "Image"/],
    [
      "v1beta1 with annotations",
      { ...base, apiVersion: `${GROUP}/v1beta1`, serviceAccountAnnotations: {} },
      /v1beta1 request has an unknown field "serviceAccountAnnotations"/,
    ],
    ["no image", { ...base, image: "" }, /names no image/],
    ["an image of numbers", { ...base, image: 5 }, /names no image/],
    ["a token of numbers", { ...base, serviceAccountToken: 5 }, /not a string/],
    [
      "an annotation of numbers",
      { ...base, serviceAccountAnnotations: { a: 1 } },
      /serviceAccountAnnotations\["a"\] is not a string/,
    ],
  ])("refuses %s", (_name, object, message) => {
    const parsed = parseRequest(JSON.stringify(object));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  test("a refusal never repeats the token", () => {
    const token = "secret-token-value.abc.def";
    const parsed = parseRequest(
      JSON.stringify({ ...base, apiVersion: `${GROUP}/v1beta1`, serviceAccountToken: token }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).not.toContain(token);
  });
});

test.each([
  [`${HOST}/app`, HOST],
  [`${HOST}`, HOST],
  ["localhost:5000/app", "localhost:5000"],
  ["localhost/app", "localhost"],
  ["public.ecr.aws/docker/library/alpine", "public.ecr.aws"],
  ["nginx", undefined],
  ["library/nginx", undefined],
  ["bad..host/app", undefined],
  ["-bad.example/app", undefined],
  ["host.example:port/app", undefined],
  ["https://host.example/app", undefined],
])("registryOf(%j) is %j", (image, host) => {
  expect(registryOf(image)).toBe(host);
});

test.each([
  [0, "0s"],
  [1, "1s"],
  [59, "59s"],
  [60, "1m0s"],
  [90, "1m30s"],
  [3600, "1h0m0s"],
  [21_599, "5h59m59s"],
  [43_200, "12h0m0s"],
  [90_061.9, "25h1m1s"],
])("goDuration(%d) is %s, which Go parses back", (seconds, text) => {
  expect(goDuration(seconds)).toBe(text);
  expect(parseGoDuration(text)).toBe(Math.floor(seconds) * 1000);
});

test.each([
  ["12 hours left", 43_200, 21_600],
  ["3 seconds left", 3, 1],
  ["1 second left", 1, 0],
  ["expired", -10, 0],
])("cacheSeconds: %s → %d", (_name, left, seconds) => {
  const now = new Date("2030-01-01T00:00:00Z");
  expect(cacheSeconds(new Date(now.getTime() + left * 1000), now)).toBe(seconds);
});

describe("buildResponse passes the kubelet's strict decoder", () => {
  test.each(["v1", "v1beta1", "v1alpha1"])("%s", (version) => {
    const apiVersion = `${GROUP}/${version}`;
    const text = JSON.stringify(
      buildResponse({ apiVersion, authKey: HOST }, { username: "AWS", password: "pw" }, 21_600),
    );
    expect(decodeResponse(text, apiVersion)).toEqual({
      apiVersion,
      cacheKeyType: "Registry",
      cacheDurationMs: 21_600_000,
      auth: { [HOST]: { username: "AWS", password: "pw" } },
    });
  });

  test("without a login: no auth, not cached", () => {
    const apiVersion = `${GROUP}/v1`;
    const text = JSON.stringify(buildResponse({ apiVersion, authKey: HOST }, undefined, 100));
    expect(JSON.parse(text)).not.toHaveProperty("auth");
    expect(decodeResponse(text, apiVersion)).toMatchObject({ cacheDurationMs: 0, auth: {} });
  });
});

describe("the strict decoder refuses what the kubelet refuses", () => {
  const apiVersion = `${GROUP}/v1`;
  const good = {
    kind: "CredentialProviderResponse",
    apiVersion,
    cacheKeyType: "Registry",
    cacheDuration: "6h0m0s",
    auth: { [HOST]: { username: "AWS", password: "pw" } },
  };
  test.each([
    ["an unknown field", { ...good, expiresAt: "2030" }, /unknown field "expiresAt"/],
    [
      "an unknown auth field",
      { ...good, auth: { [HOST]: { username: "AWS", password: "pw", auth: "x" } } },
      /unknown field "auth\[.*\]\.auth"/,
    ],
    ["another apiVersion", { ...good, apiVersion: `${GROUP}/v1beta1` }, /did not match/],
    ["another kind", { ...good, kind: "CredentialProviderRequest" }, /unexpected kind/],
    ["a lower-case cacheKeyType", { ...good, cacheKeyType: "registry" }, /invalid cacheKeyType/],
    ["seconds as a number", { ...good, cacheDuration: 21600 }, /not a string/],
    ["a duration without unit", { ...good, cacheDuration: "21600" }, /invalid duration/],
    ["an ISO duration", { ...good, cacheDuration: "PT6H" }, /invalid duration/],
  ])("%s", (_name, object, message) => {
    expect(() => decodeResponse(JSON.stringify(object), apiVersion)).toThrow(message);
  });
});

describe("serviceAccountMode", () => {
  const role = "arn:aws:iam::123456789012:role/ecr-pull";
  const token = (claims: Record<string, unknown>) => makeJwt({ exp: 2_000_000_000, ...claims });
  const sa = (uid: string, name = "cart") =>
    token({
      iss: "https://kubernetes.default.svc",
      sub: `system:serviceaccount:shop:${name}`,
      "kubernetes.io": { namespace: "shop", serviceaccount: { name, uid } },
    });
  const request = (serviceAccountToken?: string, annotations?: Record<string, string>) => ({
    apiVersion: `${GROUP}/v1`,
    image: `${HOST}/app`,
    host: HOST,
    authKey: HOST,
    ...(serviceAccountToken === undefined ? {} : { serviceAccountToken }),
    ...(annotations === undefined ? {} : { serviceAccountAnnotations: annotations }),
  });
  const annotated = { "eks.amazonaws.com/ecr-role-arn": role };

  test.each([
    ["no token", request(undefined, annotated), {}, "none"],
    ["a token, no role", request(sa("u1")), {}, "none"],
    [
      "a token, an empty annotation, no variable",
      request(sa("u1"), { "eks.amazonaws.com/ecr-role-arn": "" }),
      {},
      "none",
    ],
    ["the annotation", request(sa("u1"), annotated), {}, "role"],
    ["the variable", request(sa("u1")), { AWS_ECR_ROLE_ARN: role }, "role"],
    [
      "a bad annotation",
      request(sa("u1"), { "eks.amazonaws.com/ecr-role-arn": "x" }),
      {},
      "invalid",
    ],
    ["a token without sub", request(token({ iss: "i" }), annotated), {}, "invalid"],
    ["not a JWT", request("abc", annotated), {}, "invalid"],
  ])("%s → %s", (_name, req, env, kind) => {
    expect(serviceAccountMode(req, env).kind).toBe(kind);
  });

  test("the annotation wins over the variable; session name and cache key name the service account", () => {
    const mode = serviceAccountMode(request(sa("u1"), annotated), {
      AWS_ECR_ROLE_ARN: "arn:aws:iam::123456789012:role/other",
    });
    expect(mode).toMatchObject({
      kind: "role",
      role: { roleArn: role, name: "shop/cart", sessionName: "ecr-vars-kubelet@shop.cart" },
    });
  });

  test("each service account has its own cache source: name and uid both count", () => {
    const source = (t: string) => {
      const mode = serviceAccountMode(request(t, annotated), {});
      return mode.kind === "role" ? mode.role.cacheSource : mode.kind;
    };
    const sources = new Set([source(sa("u1")), source(sa("u2")), source(sa("u1", "other"))]);
    expect(sources.size).toBe(3);
    expect(source(sa("u1"))).toBe(source(sa("u1")));
  });

  test("session names stay within STS's 64 characters", () => {
    const long = token({
      iss: "i",
      sub: `system:serviceaccount:${"n".repeat(60)}:${"s".repeat(60)}`,
    });
    const mode = serviceAccountMode(request(long, annotated), {});
    expect(mode.kind === "role" && mode.role.sessionName.length).toBe(64);
  });
});
