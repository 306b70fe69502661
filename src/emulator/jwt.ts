/**
 * Web identity tokens are checked for shape and expiry only: the emulator has no OIDC provider
 * keys to verify a signature against, and tests need tokens they can mint themselves.
 */
import type { AwsError } from "./errors.js";

export interface WebIdentityClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly audience: string;
  readonly expiresAt: Date;
}

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function invalid(message: string): AwsError {
  return { status: 400, code: "InvalidIdentityToken", message };
}

export function readWebIdentityToken(
  token: string,
  now: Date,
): { ok: true; claims: WebIdentityClaims } | { ok: false; error: AwsError } {
  const parts = token.split(".");
  const [headerPart, payloadPart, signaturePart] = parts;
  if (parts.length !== 3 || headerPart === undefined || payloadPart === undefined) {
    return {
      ok: false,
      error: invalid(
        "The web identity token is not a JSON Web Token (expected three dot-separated parts).",
      ),
    };
  }
  const header = decodeJsonPart(headerPart);
  const payload = decodeJsonPart(payloadPart);
  if (header === undefined || payload === undefined || typeof header.alg !== "string") {
    return {
      ok: false,
      error: invalid("The web identity token's header or payload is not base64url-encoded JSON."),
    };
  }
  if (signaturePart === undefined || !BASE64URL.test(signaturePart)) {
    return { ok: false, error: invalid("The web identity token has no signature.") };
  }
  const { iss, sub, aud, exp } = payload;
  if (typeof iss !== "string" || iss === "") {
    return { ok: false, error: invalid("The web identity token has no 'iss' claim.") };
  }
  if (typeof exp !== "number") {
    return { ok: false, error: invalid("The web identity token has no numeric 'exp' claim.") };
  }
  const expiresAt = new Date(exp * 1000);
  if (expiresAt <= now) {
    return {
      ok: false,
      error: {
        status: 400,
        code: "ExpiredTokenException",
        message: `Token expired: current date/time ${now.getTime() / 1000} must be before the expiration date/time ${exp}`,
      },
    };
  }
  const audience = Array.isArray(aud) ? aud.find((a) => typeof a === "string") : aud;
  return {
    ok: true,
    claims: {
      issuer: iss.replace(/^https:\/\//, ""),
      subject: typeof sub === "string" ? sub : "",
      audience: typeof audience === "string" ? audience : "",
      expiresAt,
    },
  };
}
