/**
 * Server-side AWS Signature Version 4 (header form). Rebuilds the canonical request from what
 * arrived on the wire, so any client that signs correctly (JS SDK, botocore, curl --aws-sigv4) is
 * accepted and any change to method, path, query, a signed header or the body is rejected.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const ALGORITHM = "AWS4-HMAC-SHA256";

/** The parts of a request that the signature covers, exactly as received. */
export interface WireRequest {
  readonly method: string;
  /** Path and query as sent on the request line, still percent-encoded. */
  readonly rawUrl: string;
  /** Node's `rawHeaders`: alternating names and values, duplicates kept. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
}

export interface ParsedAuthorization {
  readonly scope: CredentialScope;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export type ParseResult =
  | { readonly ok: true; readonly value: ParsedAuthorization }
  | { readonly ok: false; readonly message: string };

/** Parses `AWS4-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..`. */
export function parseAuthorization(header: string): ParseResult {
  const space = header.indexOf(" ");
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return { ok: false, message: `Unsupported AWS 'algorithm': '${algorithm}'.` };
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  const missing = [
    credential === undefined ? "Credential" : undefined,
    signedHeaders === undefined ? "SignedHeaders" : undefined,
    signature === undefined ? "Signature" : undefined,
  ].filter((name) => name !== undefined);
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    return {
      ok: false,
      message: `Authorization header requires ${missing.map((m) => `'${m}'`).join(", ")} parameter(s).`,
    };
  }
  const parts = credential.split("/");
  const [accessKeyId, date, region, service, terminator] = parts;
  if (
    parts.length !== 5 ||
    accessKeyId === undefined ||
    date === undefined ||
    region === undefined ||
    service === undefined ||
    terminator === undefined
  ) {
    return {
      ok: false,
      message: `Credential should have 5 slash-separated parts: <key>/<date>/<region>/<service>/aws4_request, got ${parts.length}.`,
    };
  }
  return {
    ok: true,
    value: {
      scope: { accessKeyId, date, region, service, terminator },
      signedHeaders: signedHeaders.split(";"),
      signature,
    },
  };
}

/** RFC 3986 encoding as SigV4 wants it: only unreserved characters stay literal. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// Non-S3 services normalise dot segments and empty segments, then encode the already-encoded
// path a second time; both the JS SDK and botocore sign it that way.
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const leading = rawPath.startsWith("/") ? "/" : "";
  const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return `${leading}${segments.map(uriEncode).join("/")}${trailing}` || "/";
}

export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const pairs = rawQuery
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? "" : pair.slice(eq + 1);
      return [uriEncode(safeDecode(key)), uriEncode(safeDecode(value))] as const;
    });
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/** Values of one header (case-insensitive), trimmed, inner whitespace folded, joined by commas. */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) {
      values.push((rawHeaders[i + 1] ?? "").trim().replace(/\s+/g, " "));
    }
  }
  return values.length === 0 ? undefined : values.join(",");
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export function canonicalRequest(
  request: WireRequest,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  const q = request.rawUrl.indexOf("?");
  const rawPath = q < 0 ? request.rawUrl : request.rawUrl.slice(0, q);
  const rawQuery = q < 0 ? "" : request.rawUrl.slice(q + 1);
  const headers = signedHeaders
    .map((name) => `${name}:${headerValue(request.rawHeaders, name) ?? ""}\n`)
    .join("");
  return [
    request.method.toUpperCase(),
    canonicalPath(rawPath),
    canonicalQuery(rawQuery),
    headers,
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

export function signingKey(secret: string, scope: CredentialScope): Buffer {
  const dateKey = hmac(`AWS4${secret}`, scope.date);
  const regionKey = hmac(dateKey, scope.region);
  const serviceKey = hmac(regionKey, scope.service);
  return hmac(serviceKey, scope.terminator);
}

export function stringToSign(amzDate: string, scope: CredentialScope, canonical: string): string {
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`;
  return `${ALGORITHM}\n${amzDate}\n${scopeText}\n${sha256Hex(canonical)}`;
}

/** The signature a client holding `secret` would have sent for this request. */
export function expectedSignature(
  request: WireRequest,
  auth: ParsedAuthorization,
  amzDate: string,
  secret: string,
): string {
  // The body is hashed here rather than trusting x-amz-content-sha256: a tampered body with the
  // original hash header must still fail.
  const canonical = canonicalRequest(request, auth.signedHeaders, sha256Hex(request.body));
  const toSign = stringToSign(amzDate, auth.scope, canonical);
  return createHmac("sha256", signingKey(secret, auth.scope)).update(toSign, "utf8").digest("hex");
}

export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
