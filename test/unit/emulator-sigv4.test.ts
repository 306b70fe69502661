import { describe, expect, it } from "vitest";
import {
  canonicalPath,
  canonicalQuery,
  expectedSignature,
  parseAuthorization,
} from "../../src/emulator/sigv4.js";

// The "get-vanilla" and "get-vanilla-query-order-key-case" cases of the AWS SigV4 test suite:
// signatures computed by AWS, independent of this implementation.
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const AMZ_DATE = "20150830T123600Z";

function vector(rawUrl: string, signature: string) {
  const header = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`;
  const parsed = parseAuthorization(header);
  if (!parsed.ok) throw new Error(parsed.message);
  const request = {
    method: "GET",
    rawUrl,
    rawHeaders: ["Host", "example.amazonaws.com", "X-Amz-Date", AMZ_DATE],
    body: Buffer.alloc(0),
  };
  return { request, auth: parsed.value };
}

describe("SigV4 canonical forms", () => {
  it.each([
    ["get-vanilla", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"],
    [
      "get-vanilla-query-order-key-case",
      "/?Param2=value2&Param1=value1",
      "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    ],
  ])("reproduces AWS's signature for %s", (_name, rawUrl, signature) => {
    const { request, auth } = vector(rawUrl, signature);
    expect(expectedSignature(request, auth, AMZ_DATE, SECRET)).toBe(signature);
  });

  it("sorts and strictly re-encodes the query", () => {
    expect(canonicalQuery("b=2&a=2&a=1&c=x%20y&d=*&e")).toBe("a=1&a=2&b=2&c=x%20y&d=%2A&e=");
  });

  it.each([
    ["/", "/"],
    ["", "/"],
    ["/a/./b/../c/", "/a/c/"],
    ["//a//b", "/a/b"],
    ["/a%20b", "/a%2520b"],
  ])("normalises path %j to %j", (raw, canonical) => {
    expect(canonicalPath(raw)).toBe(canonical);
  });

  it.each([
    ["another algorithm", "AWS3 Credential=x"],
    [
      "no signature",
      "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/sts/aws4_request, SignedHeaders=host",
    ],
    [
      "a short credential",
      "AWS4-HMAC-SHA256 Credential=A/20150830, SignedHeaders=host, Signature=00",
    ],
  ])("reports an incomplete header with %s", (_name, header) => {
    expect(parseAuthorization(header).ok).toBe(false);
  });
});
